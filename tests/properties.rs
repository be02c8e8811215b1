//! Property tests on the text pipeline: whatever text comes in, the pipeline does not
//! panic, every span lies inside the text on character boundaries, sentences come in order
//! without overlap, and every score is finite with tone in [-1, 1].
//!
//! `PROPTEST_CASES` sets the number of cases per property (default below); the long soak
//! recorded in the README ran these with a much larger number.

use std::sync::OnceLock;

use detente::corpus::{self, Document, Format};
use detente::entities::Gazetteer;
use detente::phrases::PhraseOptions;
use detente::pipeline::{Analyzer, Worker};
use detente::segment;
use detente::span::Span;
use detente::tokenize;
use detente::tone::Lexicon;
use proptest::prelude::*;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer {
        lexicon: Lexicon::builtin(),
        gazetteer: Gazetteer::builtin(),
        phrases: PhraseOptions::default(),
        untyped_names: false,
    })
}

/// Pieces that exercise the rules: abbreviations, acronyms, quotes, bullets, headings,
/// markup, lexicon terms, entities, odd whitespace and non-ASCII.
const PIECES: &[&str] = &[
    "The",
    "U.S.",
    "Mr.",
    "Jan.",
    "5",
    "3.5",
    "13,000",
    "Russia",
    "Russia's",
    "Kremlin\u{2019}s",
    "agreed",
    "to",
    "cooperate",
    "sanctions",
    "peace talks",
    "collapsed",
    "not",
    "no sign of",
    "significantly",
    "but",
    "however",
    "despite",
    "may",
    "threaten",
    ".",
    "!",
    "?",
    "...",
    "\u{2026}",
    ",",
    ";",
    ":",
    "\"",
    "\u{201c}",
    "\u{201d}",
    "'",
    "(",
    ")",
    "-",
    "*",
    "\u{2022}",
    "#",
    "## ",
    "===",
    "---",
    "```",
    "1.",
    "2)",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "\u{a0}",
    "\u{2028}",
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<div>",
    "<br>",
    "<script>",
    "</script>",
    "&amp;",
    "<!--",
    "-->",
    "<title>",
    "é",
    "e\u{301}",
    "\u{fb01}",
    "İ",
    "ß",
    "日本",
    "\u{1F600}",
    "\u{feff}",
    "\u{200b}",
    "\0",
    "=SUM(A1)",
    "@user",
    "www.un.org",
    "https://x.org/a?b=c.",
    "press@state.gov",
    "A&B",
    "e.g.",
    "Ph.D.",
    "George W. Bush",
    "No. 5",
    "a.m.",
    "GMT",
];

fn pieces_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<String>(),
            1 => "[A-Za-z]{1,12}",
        ],
        0..60,
    )
    .prop_map(|parts| {
        let mut text = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i % 3 != 2 {
                text.push(' ');
            }
            text.push_str(p);
        }
        text
    })
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Plain),
        Just(Format::Markdown),
        Just(Format::Html)
    ]
}

fn check_span(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} {span:?} outside a text of {} bytes",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} not on character boundaries"
    );
    Ok(())
}

/// Every invariant the output files rely on, for one document.
fn check_document(doc: &Document) -> Result<(), TestCaseError> {
    let text = doc.text.as_str();
    for h in &doc.headings {
        check_span(text, h.span, "heading hint")?;
    }
    let seg = segment::segment(doc);
    let mut previous_end = 0;
    for s in &seg.sentences {
        check_span(text, s.span, "sentence")?;
        prop_assert!(!s.span.is_empty(), "empty sentence");
        prop_assert!(
            s.span.start >= previous_end,
            "sentence {:?} starts before the previous one ends at {previous_end}",
            s.span
        );
        previous_end = s.span.end;
        prop_assert!(s.section < seg.sections.len());
        prop_assert!(s.paragraph < seg.paragraphs.len());
        let paragraph = seg.paragraphs[s.paragraph].span;
        prop_assert!(
            paragraph.start <= s.span.start && s.span.end <= paragraph.end,
            "sentence {:?} crosses its paragraph {paragraph:?}",
            s.span
        );
        let mut token_end = s.span.start;
        for (span, _) in tokenize::tokens(text, s.span) {
            check_span(text, span, "token")?;
            prop_assert!(!span.is_empty() && span.start >= token_end && span.end <= s.span.end);
            token_end = span.end;
        }
    }
    for p in &seg.paragraphs {
        check_span(text, p.span, "paragraph")?;
    }
    for section in &seg.sections {
        if let Some(h) = section.heading {
            check_span(text, h, "heading")?;
        }
    }

    let result = analyzer().document(doc, &mut Worker::default());
    prop_assert_eq!(result.sentences.len(), seg.sentences.len());
    prop_assert_eq!(result.sections.len(), seg.sections.len());
    let all = result
        .sentences
        .iter()
        .map(|r| &r.counts)
        .chain(result.sections.iter().map(|r| &r.counts))
        .chain(std::iter::once(&result.totals.counts));
    for counts in all {
        let t = &counts.tone;
        let tone = t.tone();
        prop_assert!(
            tone.is_finite() && (-1.0..=1.0).contains(&tone),
            "tone {tone}"
        );
        prop_assert!(t.logit_tone().is_finite(), "logit_tone");
        let g = t.goldstein();
        prop_assert!(
            g.is_finite() && (-10.0..=10.0).contains(&g),
            "goldstein {g}"
        );
        prop_assert!(t.coop().as_f64() >= 0.0 && t.conflict().as_f64() >= 0.0);
        prop_assert!(counts.per_1k(t.coop()).is_finite());
    }
    for m in &result.mentions {
        check_span(text, m.mention.span, "mention")?;
        prop_assert!(m.sentence < result.sentences.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256),
        .. ProptestConfig::default()
    })]

    #[test]
    fn any_string_in_any_format(text in any::<String>(), format in format()) {
        check_document(&Document::from_text("p", format, text))?;
    }

    #[test]
    fn text_built_from_tricky_pieces(text in pieces_text(), format in format()) {
        check_document(&Document::from_text("p", format, text))?;
    }

    #[test]
    fn any_bytes_through_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..400), format in format()) {
        let mut warnings = Vec::new();
        if let Ok(text) = corpus::decode(&bytes, "p", &mut warnings) {
            prop_assert!(!text.contains('\0'), "NUL characters reach the pipeline");
            check_document(&Document::from_text("p", format, text))?;
        } else {
            prop_assert!(bytes[..bytes.len().min(8192)].contains(&0), "only NUL-bearing input is refused");
        }
    }

    #[test]
    fn split_sentences_is_ordered_and_inside(text in pieces_text()) {
        let mut previous_end = 0;
        for span in segment::split_sentences(&text) {
            check_span(&text, span, "sentence")?;
            prop_assert!(span.start >= previous_end);
            previous_end = span.end;
        }
    }
}
