//! Per-stage cost on the bundled corpus (real prose with headings, lists and markup).
//! Each bench checks a count first, so a broken stage cannot look fast.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente::corpus::{self, Discovery, Document};
use detente::entities::{Gazetteer, Recognizer};
use detente::output::{CellPolicy, DocumentRows};
use detente::phrases::{PhraseCounter, PhraseCounts, PhraseOptions};
use detente::pipeline::{Analyzer, Worker};
use detente::segment;
use detente::tokenize::{Normalizer, TermCounts, Token};
use detente::tone::{Lexicon, Scorer};

fn documents() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (files, _) = Discovery::default().find(&root).unwrap();
    files.iter().map(|f| corpus::load(f).unwrap().0).collect()
}

/// Sentences of every document, tokenized once.
fn tokenized(docs: &[Document], norm: &mut Normalizer) -> Vec<(usize, Vec<Token>)> {
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for s in segment::segment(doc).sentences {
            let mut tokens = Vec::new();
            norm.tokenize(&doc.text, s.span, &mut tokens);
            out.push((d, tokens));
        }
    }
    out
}

fn stages(c: &mut Criterion) {
    let docs = documents();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes as u64));

    let sentences: usize = docs
        .iter()
        .map(|d| segment::segment(d).sentences.len())
        .sum();
    assert!(sentences > 300, "{sentences} sentences");
    g.bench_function("segment", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| segment::segment(black_box(d)).sentences.len())
                .sum::<usize>()
        })
    });

    let spans: Vec<_> = docs.iter().map(|d| segment::segment(d).sentences).collect();
    g.bench_function("tokenize+stem", |b| {
        let mut norm = Normalizer::default();
        let mut tokens = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for (doc, sents) in docs.iter().zip(&spans) {
                for s in sents {
                    tokens.clear();
                    norm.tokenize(&doc.text, s.span, &mut tokens);
                    n += tokens.len();
                }
            }
            assert!(n > 5000);
            n
        })
    });

    let mut norm = Normalizer::default();
    let toks = tokenized(&docs, &mut norm);
    let lexicon = Lexicon::builtin();
    let mut scorer = Scorer::new(&lexicon);
    let hits: usize = toks
        .iter()
        .map(|(d, t)| scorer.score(&docs[*d].text, t, &norm).len())
        .sum();
    assert!(hits > 200, "{hits} hits");
    let mut score_all = || {
        toks.iter()
            .map(|(d, t)| scorer.score(&docs[*d].text, black_box(t), &norm).len())
            .sum::<usize>()
    };
    g.bench_function("tone", |b| b.iter(&mut score_all));
    // The same work reported per sentence scored.
    g.throughput(Throughput::Elements(toks.len() as u64));
    g.bench_function("tone per sentence", |b| b.iter(&mut score_all));
    g.throughput(Throughput::Bytes(bytes as u64));

    let gazetteer = Gazetteer::builtin();
    let mut recognizer = Recognizer::new(&gazetteer);
    let mut mentions = Vec::new();
    for (d, t) in &toks {
        recognizer.find(&docs[*d].text, t, &norm, &mut mentions);
    }
    assert!(mentions.len() > 200, "{} mentions", mentions.len());
    g.bench_function("entities", |b| {
        b.iter(|| {
            mentions.clear();
            for (d, t) in &toks {
                recognizer.find(&docs[*d].text, black_box(t), &norm, &mut mentions);
            }
            mentions.len()
        })
    });

    let opts = PhraseOptions::default();
    g.bench_function("phrases", |b| {
        b.iter(|| {
            let mut counts = PhraseCounts::default();
            let mut doc = PhraseCounter::default();
            let mut terms = TermCounts::default();
            let mut finish = |doc: &mut PhraseCounter, terms: &mut TermCounts, d: usize| {
                doc.add_words(terms, &norm);
                terms.clear();
                counts.absorb(
                    &mut doc.finish(),
                    &std::sync::Arc::from(docs[d].doc_id.as_str()),
                    d as u32,
                    &docs[d].text,
                    &opts,
                );
            };
            let mut current = 0;
            for (i, (d, t)) in toks.iter().enumerate() {
                if *d != current {
                    finish(&mut doc, &mut terms, current);
                    current = *d;
                }
                terms.add(t);
                doc.add_sentence(t, &norm, 0, i, &opts);
            }
            finish(&mut doc, &mut terms, current);
            assert!(counts.len() > 3_000, "{} phrases", counts.len());
            counts.len()
        })
    });

    let analyzer = Analyzer {
        lexicon: Lexicon::builtin(),
        gazetteer: Gazetteer::builtin(),
        phrases: opts,
        untyped_names: false,
    };
    // The per-document CSV records (sentences, sections, documents, mentions), formatted
    // as the workers format them; the files' writing itself is the kernel's copy.
    let mut worker = Worker::default();
    let analysed: Vec<_> = (docs.iter())
        .map(|d| analyzer.document(d, &mut worker))
        .collect();
    let format_all = || {
        (docs.iter().zip(&analysed)).map(|(doc, result)| {
            DocumentRows::format(CellPolicy::default(), &doc.text, result, &[])
        })
    };
    // Checked once, not in the timed loop: at least a record per sentence and section (a
    // sentence's text may hold a quoted line break) and one per document.
    let records = |rows: &[u8]| rows.iter().filter(|&&b| b == b'\n').count();
    for (rows, result) in format_all().zip(&analysed) {
        assert!(records(&rows.sentences) >= result.sentences.len());
        assert!(records(&rows.sections) >= result.sections.len());
        assert_eq!(records(&rows.documents), 1);
    }
    let bytes_written = |rows: DocumentRows| rows.sentences.len() + rows.mentions.len();
    let expected: usize = format_all().map(bytes_written).sum();
    g.bench_function("csv rows", |b| {
        b.iter(|| {
            let written: usize = format_all()
                .map(|rows| bytes_written(black_box(rows)))
                .sum();
            assert_eq!(written, expected);
            written
        })
    });

    g.bench_function("document (all stages)", |b| {
        let mut worker = Worker::default();
        b.iter(|| {
            docs.iter()
                .map(|d| analyzer.document(black_box(d), &mut worker).sentences.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
