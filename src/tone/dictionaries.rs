//! Other tools' dictionaries, loaded into a [`Lexicon`] so users can compare them with
//! detente's own on the same text and rules.
//!
//! - LIWC-style `.dic` files: a `%`-delimited category table, then one word per line with
//!   its category ids; a trailing `*` matches any word starting with the stem. Categories
//!   are mapped to a polarity by the user (`--map posemo=cooperative`); unmapped ones are
//!   ignored. Every hit weighs 1, as LIWC counts words.
//! - VADER-style tab-separated lexicons: token, mean valence (−4…+4), then anything.
//!   Positive valence is read as cooperative, negative as conflictual, with intensity
//!   |valence| × 2.5 so that VADER's scale spans detente's 0–10.
//!
//! Words are matched on their lower-case form (not stems), as the original tools do.

use rustc_hash::FxHashMap;

use super::lexicon::{Class, Entry, Lexicon, Polarity};
use crate::error::Error;

/// Weight of one LIWC word.
const LIWC_WEIGHT: f64 = 1.0;
/// VADER valence to detente intensity.
const VADER_SCALE: f64 = 2.5;

fn error(file: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    Error::Data {
        file: file.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// Parses `CATEGORY=cooperative|conflictual` as given to `--map`.
pub fn parse_mapping(spec: &str) -> Result<(String, Polarity), String> {
    let (category, polarity) = spec.split_once('=').ok_or_else(|| {
        format!("`{spec}`: expected CATEGORY=cooperative or CATEGORY=conflictual")
    })?;
    let polarity = match polarity.trim() {
        "cooperative" => Polarity::Cooperative,
        "conflictual" => Polarity::Conflictual,
        other => return Err(format!("`{other}` is not cooperative or conflictual")),
    };
    Ok((category.trim().to_string(), polarity))
}

/// Adds the mapped categories of a LIWC-style dictionary to `lexicon`; returns the number of
/// words added. `mapping` pairs category names (or ids) with a polarity.
pub fn load_liwc(
    lexicon: &mut Lexicon,
    name: &str,
    data: &str,
    mapping: &[(String, Polarity)],
) -> Result<usize, Error> {
    let data = data.strip_prefix('\u{feff}').unwrap_or(data);
    let mut lines = data
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let first = lines.by_ref().find(|(_, l)| !l.trim().is_empty());
    if !matches!(first, Some((_, l)) if l.trim() == "%") {
        return Err(error(
            name,
            first.map_or(1, |f| f.0),
            1,
            "a LIWC dictionary starts with a `%` line",
        ));
    }
    let mut categories: FxHashMap<String, Option<Polarity>> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut closed = false;
    for (line, text) in lines.by_ref() {
        let text = text.trim();
        if text == "%" {
            closed = true;
            break;
        }
        if text.is_empty() {
            continue;
        }
        let mut fields = text.split_whitespace();
        let id = fields.next().unwrap_or_default();
        let label = fields
            .next()
            .ok_or_else(|| error(name, line, 2, format!("category `{id}` has no name")))?;
        let polarity = mapping
            .iter()
            .find(|(c, _)| c == label || c == id)
            .map(|(_, p)| *p);
        categories.insert(id.to_string(), polarity);
        names.push(label.to_string());
    }
    if !closed {
        return Err(error(
            name,
            1,
            1,
            "the category table is not closed by a second `%` line",
        ));
    }
    for (category, _) in mapping {
        if !categories.contains_key(category) && !names.contains(category) {
            return Err(error(
                name,
                1,
                1,
                format!("--map names category `{category}`, which the dictionary does not define"),
            ));
        }
    }
    let mut added = 0;
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        // Tabs separate the word from its categories (a word may hold a space: "kind
        // of"); a line without a tab, as typed by hand or converted by other tools, is
        // separated by spaces.
        let tabbed = text.contains('\t');
        let mut fields = (text.trim_start())
            .split(move |c: char| if tabbed { c == '\t' } else { c.is_whitespace() });
        let word = fields.next().unwrap_or_default().trim().to_lowercase();
        let mut polarity: Option<Polarity> = None;
        for (column, id) in fields
            .enumerate()
            .map(|(i, f)| (i + 2, f.trim()))
            .filter(|(_, f)| !f.is_empty())
        {
            let mapped = categories.get(id).ok_or_else(|| {
                error(
                    name,
                    line,
                    column,
                    format!("category id `{id}` is not in the category table"),
                )
            })?;
            match (polarity, mapped) {
                (Some(p), Some(q)) if p != *q => {
                    return Err(error(
                        name,
                        line,
                        column,
                        format!("`{word}` is mapped to both cooperative and conflictual"),
                    ));
                }
                (_, Some(q)) => polarity = Some(*q),
                _ => {}
            }
        }
        let Some(polarity) = polarity else { continue };
        let (form, prefix) = match word.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (word.as_str(), false),
        };
        if form.is_empty() {
            return Err(error(name, line, 1, "empty word"));
        }
        let entry = Entry {
            term: word.clone(),
            polarity,
            class: Class::Verbal,
            intensity: LIWC_WEIGHT,
            blocks: false,
        };
        if !lexicon.add_form(form, prefix, entry) {
            return Err(error(name, line, 1, format!("`{word}` is listed twice")));
        }
        added += 1;
    }
    Ok(added)
}

/// Adds the words of a VADER-style lexicon (`token<TAB>mean<TAB>…`) to `lexicon`; returns the
/// number of words added (zero-valence words are skipped; a token listed again takes its
/// last valence).
pub fn load_vader(lexicon: &mut Lexicon, name: &str, data: &str) -> Result<usize, Error> {
    let data = data.strip_prefix('\u{feff}').unwrap_or(data);
    let mut added = 0;
    for (i, text) in data.lines().enumerate() {
        let line = i + 1;
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        let mut fields = text.split('\t');
        let token = fields.next().unwrap_or_default().trim().to_lowercase();
        let raw = fields.next().ok_or_else(|| {
            error(
                name,
                line,
                2,
                "expected a tab and a mean valence after the token",
            )
        })?;
        let valence: f64 = raw
            .trim()
            .parse()
            .map_err(|_| error(name, line, 2, format!("`{}` is not a number", raw.trim())))?;
        if !valence.is_finite() || valence.abs() > 4.0 {
            return Err(error(
                name,
                line,
                2,
                format!("valence {valence} is outside −4…+4"),
            ));
        }
        if valence == 0.0 || token.is_empty() {
            continue;
        }
        let entry = Entry {
            term: token.clone(),
            polarity: if valence > 0.0 {
                Polarity::Cooperative
            } else {
                Polarity::Conflictual
            },
            class: Class::Verbal,
            intensity: (valence.abs() * VADER_SCALE).min(10.0),
            blocks: false,
        };
        // A token listed twice takes its last valence, as VADER reads its own file (which
        // lists "lol" twice, and ":D" and ":d" as two tokens).
        added += usize::from(lexicon.set_form(&token, false, entry));
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::tokenize::Normalizer;
    use crate::tone::{Scorer, evidence};

    const DIC: &str = "%\n1\tcoop\n2\tfight\n3\tfunction\n%\nagree*\t1\nattack\t2\tthe\t3\n";

    fn score(l: &Lexicon, text: &str) -> String {
        let mut n = Normalizer::default();
        let mut tokens = Vec::new();
        n.tokenize(text, Span::new(0, text.len()), &mut tokens);
        evidence(text, Scorer::new(l).score(text, &tokens, &n))
    }

    #[test]
    fn liwc_wildcards_and_mapping() {
        let mut l = Lexicon::with_builtin_modifiers();
        let map = vec![
            parse_mapping("coop=cooperative").unwrap(),
            parse_mapping("2=conflictual").unwrap(),
        ];
        let e = load_liwc(
            &mut l,
            "d.dic",
            "%\n1\tcoop\n2\tfight\n%\nagree*\t1\nattack\t2\n",
            &map,
        )
        .unwrap();
        assert_eq!(e, 2);
        assert_eq!(
            score(&l, "They agreed, then attacked; no attack."),
            "agreed(+1.0); attack(+0.5: negated by no)"
        );
    }

    #[test]
    fn liwc_errors_name_line_and_column() {
        let mut l = Lexicon::default();
        let map = vec![parse_mapping("coop=cooperative").unwrap()];
        let e = load_liwc(&mut l, "d.dic", DIC, &map)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "d.dic:7:3: category id `the` is not in the category table"
        );
        let e = load_liwc(&mut l, "d.dic", "agree\t1\n", &map)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("d.dic:1:1:"), "{e}");
        let bad = vec![parse_mapping("nosuch=cooperative").unwrap()];
        assert!(load_liwc(&mut l, "d.dic", DIC, &bad).is_err());
        assert!(parse_mapping("coop=friendly").is_err());
    }

    #[test]
    fn vader_valence_becomes_polarity_and_intensity() {
        let mut l = Lexicon::with_builtin_modifiers();
        assert_eq!(
            load_vader(
                &mut l,
                "v.txt",
                "peace\t2.0\t0.5\t[2, 2]\nwar\t-3.2\t0.4\nthe\t0\n"
            )
            .unwrap(),
            2
        );
        assert_eq!(
            score(&l, "Peace, not war."),
            // A negated conflict weighs 0.5, not 0.75 (`NEGATED_CONFLICT_FACTOR`).
            "Peace(+5.0); war(+4.0: negated by not)"
        );
        let e = load_vader(&mut l, "v.txt", "ok\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "v.txt:1:2: expected a tab and a mean valence after the token"
        );
        let e = load_vader(&mut l, "v.txt", "x\tbig\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "v.txt:1:2: `big` is not a number");
    }

    /// VADER's own file lists "lol" twice and ":D" beside ":d", which are one token once
    /// lower-cased: each takes its last valence, as VADER's reader gives it.
    #[test]
    fn a_vader_token_listed_twice_takes_its_last_valence() {
        let mut l = Lexicon::with_builtin_modifiers();
        let data = "peace\t-1.0\t0.5\nwar\t-3.2\t0.4\nPeace\t2.0\t0.5\n";
        assert_eq!(load_vader(&mut l, "v.txt", data).unwrap(), 2);
        assert_eq!(score(&l, "Peace and war."), "Peace(+5.0); war(-8.0)");
    }

    /// Word lines typed with spaces instead of tabs (the category table already takes
    /// either) are read alike; a word of several words needs the tabs.
    #[test]
    fn liwc_word_lines_may_be_separated_by_spaces() {
        let map = vec![
            parse_mapping("coop=cooperative").unwrap(),
            parse_mapping("fight=conflictual").unwrap(),
        ];
        let mut l = Lexicon::with_builtin_modifiers();
        let data = "%\n1 coop\n2 fight\n%\nagree*  1\nattack 2\nkind of\t1\n";
        assert_eq!(load_liwc(&mut l, "d.dic", data, &map).unwrap(), 3);
        assert_eq!(
            score(&l, "They agreed, then the attack."),
            "agreed(+1.0); attack(-1.0)"
        );
    }
}
