//! Table-driven tone tests: `tests/data/tone_cases.csv`, sentences coded by hand for
//! polarity and CAMEO quad class, scored with the built-in lexicon and rules, organisations'
//! names left unscored as `analyze` leaves them.

use detente::Span;
use detente::entities::{Gazetteer, Recognizer};
use detente::metrics::ToneCounts;
use detente::pipeline::organisation_names;
use detente::tokenize::Normalizer;
use detente::tone::{self, Lexicon, Scorer};

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    expected: String,
    quad: String,
    rule: String,
}

fn dominant_quad(t: &ToneCounts) -> &'static str {
    let quads = [
        (t.verbal_coop, "verbal_coop"),
        (t.material_coop, "material_coop"),
        (t.verbal_conflict, "verbal_conflict"),
        (t.material_conflict, "material_conflict"),
    ];
    quads
        .iter()
        .max_by_key(|(w, _)| *w)
        .map(|(_, q)| *q)
        .unwrap()
}

/// Share of the coded sentences whose label must match the human coding. The table is an
/// independent validation set written before the rules were tuned; the misses it still has
/// are printed (run with `--nocapture`) and listed in the lexicon README.
const MIN_POLARITY: f64 = 0.92;
/// Share of correctly labelled, non-neutral sentences whose strongest quad class must match.
const MIN_QUAD: f64 = 0.75;

#[test]
fn coded_sentences_score_as_coded() {
    let lexicon = Lexicon::builtin();
    let gazetteer = Gazetteer::builtin();
    let mut scorer = Scorer::new(&lexicon);
    let (mut mentions, mut names) = (Vec::new(), Vec::new());
    let mut norm = Normalizer::default();
    let mut reader = csv::Reader::from_reader(include_str!("data/tone_cases.csv").as_bytes());
    let cases: Vec<Case> = reader.deserialize().map(Result::unwrap).collect();
    assert!(
        cases.len() >= 150,
        "the table must keep at least 150 sentences"
    );
    let mut recognizer = Recognizer::new(&gazetteer);
    let mut wrong_polarity = Vec::new();
    let mut quad_checked = 0usize;
    let mut wrong_quad = Vec::new();
    for case in &cases {
        let mut tokens = Vec::new();
        norm.tokenize(&case.text, Span::new(0, case.text.len()), &mut tokens);
        // Each sentence is a document of its own.
        recognizer.start_document();
        mentions.clear();
        recognizer.find(&case.text, &tokens, &norm, &mut mentions);
        organisation_names(&mentions, &tokens, &mut names);
        let hits = scorer.score_outside_names(&case.text, &tokens, &norm, &names);
        let t = tone::tally(hits);
        let label = t.label().as_str();
        let line = format!(
            "[{}] {}\n  expected {} {}, got {} {} (tone {:.2}): {}",
            case.rule,
            case.text,
            case.expected,
            case.quad,
            label,
            dominant_quad(&t),
            t.tone(),
            tone::evidence(&case.text, hits)
        );
        if label != case.expected {
            wrong_polarity.push(line);
        } else if !case.quad.is_empty() {
            quad_checked += 1;
            if dominant_quad(&t) != case.quad {
                wrong_quad.push(line);
            }
        }
    }
    let polarity = 1.0 - wrong_polarity.len() as f64 / cases.len() as f64;
    let quad = 1.0 - wrong_quad.len() as f64 / quad_checked as f64;
    eprintln!(
        "polarity agreement {:.1}% ({} of {} wrong); quad agreement {:.1}% ({} of {} wrong)",
        polarity * 100.0,
        wrong_polarity.len(),
        cases.len(),
        quad * 100.0,
        wrong_quad.len(),
        quad_checked
    );
    eprintln!(
        "wrong polarity:\n{}\nwrong quad:\n{}",
        wrong_polarity.join("\n"),
        wrong_quad.join("\n")
    );
    assert!(
        polarity >= MIN_POLARITY,
        "polarity agreement {polarity:.3} below {MIN_POLARITY}"
    );
    assert!(
        quad >= MIN_QUAD,
        "quad agreement {quad:.3} below {MIN_QUAD}"
    );
}
