//! Table-driven entity tests: `tests/data/entity_cases.json`, written by hand as a careful
//! annotator would mark each text.

use detente::entities::{Gazetteer, Mention, Recognizer};
use detente::segment::split_sentences;
use detente::tokenize::Normalizer;

#[derive(serde::Deserialize)]
struct Expected {
    surface: String,
    #[serde(rename = "type")]
    etype: String,
    entity: Option<String>,
    country: Option<String>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    text: String,
    entities: Vec<Expected>,
    not_entities: Vec<String>,
}

fn mentions(recognizer: &mut Recognizer, norm: &mut Normalizer, text: &str) -> Vec<Mention> {
    recognizer.start_document();
    let mut out = Vec::new();
    for span in split_sentences(text) {
        let mut tokens = Vec::new();
        norm.tokenize(text, span, &mut tokens);
        recognizer.find(text, &tokens, norm, &mut out);
    }
    recognizer.finish_document(&mut out, None);
    out
}

#[test]
fn every_case_is_annotated_as_a_careful_reader_would() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("data/entity_cases.json")).unwrap();
    assert!(cases.len() >= 100, "the table must keep at least 100 cases");
    let gazetteer = Gazetteer::builtin();
    let mut recognizer = Recognizer::new(&gazetteer);
    let mut norm = Normalizer::default();
    let mut failures = Vec::new();
    for case in &cases {
        let found = mentions(&mut recognizer, &mut norm, &case.text);
        let shown: Vec<String> = found
            .iter()
            .map(|m| {
                format!(
                    "{}={}/{}/{}",
                    m.span.of(&case.text),
                    m.entity,
                    m.etype.as_str(),
                    m.country
                )
            })
            .collect();
        for e in &case.entities {
            let hit = found.iter().find(|m| m.span.of(&case.text) == e.surface);
            let ok = hit.is_some_and(|m| {
                m.etype.as_str() == e.etype
                    && e.entity.as_ref().is_none_or(|c| *c == m.entity)
                    && e.country.as_ref().is_none_or(|c| *c == m.country)
            });
            if !ok {
                failures.push(format!(
                    "{}: expected {} = {:?}/{}/{:?}; found {:?}",
                    case.name, e.surface, e.entity, e.etype, e.country, shown
                ));
            }
        }
        for not in &case.not_entities {
            if found.iter().any(|m| m.span.of(&case.text) == not) {
                failures.push(format!(
                    "{}: `{not}` must not be an entity; found {:?}",
                    case.name, shown
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
