//! Table-driven sentence-boundary tests: `tests/data/sentence_cases.json`, written by hand
//! as a careful reader would split each text.

use detente::segment::split_sentences;

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    text: String,
    sentences: Vec<String>,
}

#[test]
fn every_case_splits_as_a_careful_reader_would() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("data/sentence_cases.json")).unwrap();
    assert!(cases.len() >= 80, "the table must keep at least 80 cases");
    let mut failures = Vec::new();
    for case in &cases {
        let got: Vec<&str> = split_sentences(&case.text)
            .iter()
            .map(|s| s.of(&case.text))
            .collect();
        if got != case.sentences {
            failures.push(format!(
                "{}:\n  expected {:?}\n  got      {:?}",
                case.name, case.sentences, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
