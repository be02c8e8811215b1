//! Fuzz target: decoding + segmentation + tokenization + scoring of arbitrary bytes.
//!
//! The first byte picks the format (plain, Markdown, HTML); the rest goes through the same
//! decoder as a corpus file, then the whole per-document pipeline. Besides "no panic", it
//! checks the invariants every output row relies on (the same as tests/properties.rs).
#![no_main]

use std::sync::OnceLock;

use detente::corpus::{self, Document, Format};
use detente::entities::Gazetteer;
use detente::phrases::PhraseOptions;
use detente::pipeline::{Analyzer, Worker};
use detente::segment;
use detente::span::Span;
use detente::tokenize;
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer {
        lexicon: detente::tone::Lexicon::builtin(),
        gazetteer: Gazetteer::builtin(),
        phrases: PhraseOptions::default(),
        untyped_names: false,
    })
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} {span:?} outside text"
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} not on char boundaries"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let format = match pick % 3 {
        0 => Format::Plain,
        1 => Format::Markdown,
        _ => Format::Html,
    };
    let mut warnings = Vec::new();
    let Ok(text) = corpus::decode(rest, "fuzz", &mut warnings) else {
        return; // binary input is refused, by design
    };
    let doc = Document::from_text("fuzz", format, text);
    let text = doc.text.as_str();
    let seg = segment::segment(&doc);
    let mut previous_end = 0;
    for s in &seg.sentences {
        check_span(text, s.span, "sentence");
        assert!(s.span.start >= previous_end, "sentences overlap or go back");
        previous_end = s.span.end;
        assert!(s.section < seg.sections.len() && s.paragraph < seg.paragraphs.len());
        for (span, _) in tokenize::tokens(text, s.span) {
            check_span(text, span, "token");
            assert!(span.start >= s.span.start && span.end <= s.span.end);
        }
    }
    let result = analyzer().document(&doc, &mut Worker::default());
    assert_eq!(result.sentences.len(), seg.sentences.len());
    for row in &result.sentences {
        let t = &row.counts.tone;
        let tone = t.tone();
        assert!(
            tone.is_finite() && (-1.0..=1.0).contains(&tone),
            "tone {tone}"
        );
        assert!(t.goldstein().is_finite() && t.logit_tone().is_finite());
        assert!(t.coop().as_f64() >= 0.0 && t.conflict().as_f64() >= 0.0);
    }
    for m in &result.mentions {
        check_span(text, m.mention.span, "mention");
    }
});
