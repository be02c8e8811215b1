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
//! Words are matched on their lower-case form (not stems), as the original tools do, one
//! word at a time: an entry that is no single word as the tokenizer cuts text (an emoticon
//! such as `:-)`, a phrase such as `kind of`) can never match, and is left out and counted
//! in the [`Loaded`] report instead of being counted as loaded.

use rustc_hash::FxHashMap;

use super::lexicon::{Class, Entry, Lexicon, Polarity};
use crate::error::{Error, Warning};
use crate::tokenize::fold_case;
pub use crate::wordlist::Tally;
use crate::wordlist::{Unmatchable, left_out, unmatchable};

/// What loading a LIWC or VADER file gave, besides the words themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Words added to the lexicon (by [`check_liwc`]: that a run would add were every
    /// category mapped).
    pub added: usize,
    /// Word lines read, whatever their categories (LIWC only).
    pub words: usize,
    /// Categories the dictionary defines (LIWC only).
    pub categories: usize,
    /// Entries without a letter or digit (emoticons, symbols), left out.
    pub no_word: Tally,
    /// Entries of several words, left out.
    pub several_words: Tally,
    /// Entries that punctuation cuts into pieces or off, left out.
    pub split_word: Tally,
    /// LIWC2007 conditional entries, added in every category they may take.
    pub conditional: Tally,
}

impl Loaded {
    fn ignore(&mut self, why: Unmatchable, entry: &str) {
        match why {
            Unmatchable::NoWord => &mut self.no_word,
            Unmatchable::SeveralWords => &mut self.several_words,
            Unmatchable::SplitWord => &mut self.split_word,
        }
        .note(entry);
    }

    /// Entries left out because no text can match them.
    pub fn ignored(&self) -> usize {
        self.no_word.count + self.several_words.count + self.split_word.count
    }

    /// A warning about the file `name` for each thing the user should know: the entries
    /// left out, and the conditional entries read without their condition.
    pub fn warnings(&self, name: &str) -> Vec<Warning> {
        let left_out = left_out(
            ("entry", "entries"),
            "no word of a text can match",
            &[
                (
                    &self.no_word,
                    "without a letter or digit, such as emoticons",
                ),
                (
                    &self.several_words,
                    "of several words (words are matched one at a time)",
                ),
                (&self.split_word, "that punctuation splits or cuts off"),
            ],
        );
        let conditional = self.conditional.describe_as(("conditional entry", "conditional entries")).map(|entries| {
            let (they, them) = match self.conditional.count {
                1 => ("it", "it"),
                _ => ("they", "them"),
            };
            format!(
                "{entries} counted in every category {they} may take: the word before {them}, which LIWC2007 checks, is not"
            )
        });
        [left_out, conditional]
            .into_iter()
            .flatten()
            .map(|line| Warning::new(name, line))
            .collect()
    }
}

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

/// Adds the mapped categories of a LIWC-style dictionary to `lexicon`; returns the words
/// added and those left out. `mapping` pairs category names (or ids) with a polarity; a
/// category it names that the dictionary does not define is an
/// [`Error::UnknownCategory`].
///
/// A LIWC2007 conditional field, `(02 134)125/464` (category 125 after a word of category
/// 02 or 134, else 464), puts the word in both categories: detente does not look at the
/// word before, and a word counted in neither would lose what LIWC gives it either way.
pub fn load_liwc(
    lexicon: &mut Lexicon,
    name: &str,
    data: &str,
    mapping: &[(String, Polarity)],
) -> Result<Loaded, Error> {
    read_liwc(lexicon, name, data, Some(mapping))
}

/// Checks a whole LIWC-style dictionary, as if every category were mapped (`lexicon check`
/// without `--map`): every word line is read, and the report's tallies cover them all.
pub fn check_liwc(name: &str, data: &str) -> Result<Loaded, Error> {
    read_liwc(&mut Lexicon::default(), name, data, None)
}

/// [`load_liwc`] with `mapping`, or with every category read as cooperative without one.
fn read_liwc(
    lexicon: &mut Lexicon,
    name: &str,
    data: &str,
    mapping: Option<&[(String, Polarity)]>,
) -> Result<Loaded, Error> {
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
        let polarity = match mapping {
            Some(mapping) => (mapping.iter())
                .find(|(c, _)| c == label || c == id)
                .map(|(_, p)| *p),
            None => Some(Polarity::Cooperative),
        };
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
    // About the argument, not a place in the file: the error names the argument.
    for (category, polarity) in mapping.unwrap_or_default() {
        if !categories.contains_key(category) && !names.contains(category) {
            return Err(Error::UnknownCategory {
                argument: format!("{category}={}", polarity.as_str()),
                file: name.to_string(),
                defined: names.join(", "),
            });
        }
    }
    let mut loaded = Loaded {
        categories: names.len(),
        ..Loaded::default()
    };
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        loaded.words += 1;
        // Tabs separate the word from its categories (a word may hold a space: "kind
        // of"); a line without a tab, as typed by hand or converted by other tools, is
        // separated by spaces.
        let text = text.trim_start();
        let (word, rest) = match text.split_once('\t') {
            Some(split) => split,
            None => text.split_once(char::is_whitespace).unwrap_or((text, "")),
        };
        let word = fold_case(word.trim());
        let mut polarity: Option<Polarity> = None;
        let mut conditional = false;
        for field in category_fields(name, line, rest)? {
            conditional |= field.conditional;
            for id in field.ids {
                let mapped = categories.get(id).ok_or_else(|| {
                    error(
                        name,
                        line,
                        field.column,
                        format!("category id `{id}` is not in the category table"),
                    )
                })?;
                match (polarity, mapped) {
                    (Some(p), Some(q)) if p != *q => {
                        return Err(error(
                            name,
                            line,
                            field.column,
                            format!("`{word}` is mapped to both cooperative and conflictual"),
                        ));
                    }
                    (_, Some(q)) => polarity = Some(*q),
                    _ => {}
                }
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
        if let Some(why) = unmatchable(form, prefix) {
            loaded.ignore(why, &word);
            continue;
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
        if conditional {
            loaded.conditional.note(&word);
        }
        loaded.added += 1;
    }
    Ok(loaded)
}

/// One category field of a LIWC word line.
struct CategoryField<'a> {
    /// Its place on the line: 2 for the first field after the word.
    column: usize,
    /// The category ids it puts the word in.
    ids: Vec<&'a str>,
    /// A LIWC2007 conditional field, `(02 134)125/464`.
    conditional: bool,
}

/// The category fields of line `line` after its word, separated by tabs or spaces; a
/// conditional field's condition in parentheses may hold spaces.
fn category_fields<'a>(
    name: &str,
    line: usize,
    mut rest: &'a str,
) -> Result<Vec<CategoryField<'a>>, Error> {
    let mut fields = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(fields);
        }
        let column = fields.len() + 2;
        let (field, conditional) = match rest.strip_prefix('(') {
            Some(condition) => {
                let close = condition.find(')').ok_or_else(|| {
                    error(name, line, column, "a `(` condition is not closed by `)`")
                })?;
                (&condition[close + 1..], true)
            }
            None => (rest, false),
        };
        let end = field.find(char::is_whitespace).unwrap_or(field.len());
        let ids: Vec<&str> = match conditional {
            true => field[..end].split('/').collect(),
            false => vec![&field[..end]],
        };
        if conditional && (ids.len() != 2 || ids.iter().any(|id| id.is_empty())) {
            return Err(error(
                name,
                line,
                column,
                "a conditional field is `(IDS)ID/ID`, as `(02 134)125/464`",
            ));
        }
        fields.push(CategoryField {
            column,
            ids,
            conditional,
        });
        rest = &field[end..];
    }
}

/// Adds the words of a VADER-style lexicon (`token<TAB>mean<TAB>…`) to `lexicon`; returns the
/// words added (zero-valence words are skipped; a token listed again takes its last
/// valence) and those left out (emoticons and other tokens no word of a text can match).
pub fn load_vader(lexicon: &mut Lexicon, name: &str, data: &str) -> Result<Loaded, Error> {
    let data = data.strip_prefix('\u{feff}').unwrap_or(data);
    let mut loaded = Loaded::default();
    for (i, text) in data.lines().enumerate() {
        let line = i + 1;
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        let mut fields = text.split('\t');
        let written = fields.next().unwrap_or_default().trim();
        let token = fold_case(written);
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
        if let Some(why) = unmatchable(&token, false) {
            loaded.ignore(why, written);
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
        loaded.added += usize::from(lexicon.set_form(&token, false, entry));
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::tokenize::Normalizer;
    use crate::tone::{Scorer, evidence};

    const DIC: &str = "%\n1\tcoop\n2\tfight\n3\tfunction\n%\nagree*\t1\nattack\t2\tthe\t3\n";

    /// Warnings as printed.
    fn shown(warnings: Vec<Warning>) -> Vec<String> {
        warnings.iter().map(Warning::to_string).collect()
    }

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
        assert_eq!(e.added, 2);
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
        // A category no table line defines: the error is about the argument, which it names.
        let bad = vec![parse_mapping("nosuch=cooperative").unwrap()];
        let e = load_liwc(&mut l, "d.dic", DIC, &bad)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--map nosuch=cooperative: d.dic defines no category of that name or id (it defines coop, fight, function)"
        );
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
            .unwrap()
            .added,
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
        assert_eq!(load_vader(&mut l, "v.txt", data).unwrap().added, 2);
        assert_eq!(score(&l, "Peace and war."), "Peace(+5.0); war(-8.0)");
    }

    /// Word lines typed with spaces instead of tabs (the category table already takes
    /// either) are read alike; a word of several words needs the tabs, and is then left
    /// out, as words are matched one at a time.
    #[test]
    fn liwc_word_lines_may_be_separated_by_spaces() {
        let map = vec![
            parse_mapping("coop=cooperative").unwrap(),
            parse_mapping("fight=conflictual").unwrap(),
        ];
        let mut l = Lexicon::with_builtin_modifiers();
        let data = "%\n1 coop\n2 fight\n%\nagree*  1\nattack 2\nkind of\t1\n";
        let loaded = load_liwc(&mut l, "d.dic", data, &map).unwrap();
        assert_eq!(loaded.added, 2);
        assert_eq!(loaded.several_words.examples, ["kind of"]);
        assert_eq!(
            score(&l, "They agreed, then the attack."),
            "agreed(+1.0); attack(-1.0)"
        );
    }

    /// VADER's emoticons and LIWC's phrases can never match a word of a text: they are
    /// left out of the count, and one line says how many, why, with examples.
    #[test]
    fn entries_no_word_can_match_are_counted_apart() {
        let mut l = Lexicon::with_builtin_modifiers();
        let data = ":-)\t2.0\n</3\t-3.0\n:(\t-1.9\n:D\t2.3\n<3\t1.9\n;)\t1.0\nd:\t1.2\npeace\t2.0\nwell done\t1.5\ncan\u{2019}t\t-1.0\n";
        let loaded = load_vader(&mut l, "v.txt", data).unwrap();
        assert_eq!(loaded.added, 2, "{loaded:?}");
        assert_eq!(loaded.ignored(), 8);
        assert_eq!(loaded.no_word.examples, [":-)", ":(", ";)"]);
        assert_eq!(loaded.split_word.examples, ["</3", ":D", "<3"]);
        assert_eq!(
            shown(loaded.warnings("v.txt")),
            [
                "v.txt: 8 entries left out, as no word of a text can match them: 3 without a letter or digit, such as emoticons (`:-)`, `:(`, `;)`); 1 of several words (words are matched one at a time) (`well done`); 4 that punctuation splits or cuts off (`</3`, `:D`, `<3`, …)"
            ]
        );
        // One entry is one, in the words of the README's "left out".
        let one = load_vader(&mut Lexicon::default(), "v.txt", ":-)\t2.0\npeace\t2.0\n").unwrap();
        assert_eq!(
            shown(one.warnings("v.txt")),
            [
                "v.txt: 1 entry left out, as no word of a text can match it: 1 without a letter or digit, such as emoticons (`:-)`)"
            ]
        );
        // A curly apostrophe is read as the text's words are: "can’t" matches "can't".
        assert_eq!(
            score(&l, "Peace, but they can't."),
            "Peace(+2.5: ×0.50 contrast but); can't(-3.75: ×1.50 contrast but)"
        );

        let map = vec![parse_mapping("1=cooperative").unwrap()];
        let data = "%\n1\tposemo\n%\nself-*\t1\n:)\t1\n(hello\t1\ngood\t1\n";
        let loaded = load_liwc(&mut l, "d.dic", data, &map).unwrap();
        assert_eq!(
            loaded.added, 2,
            "a prefix only has to start a word: {loaded:?}"
        );
        assert_eq!((loaded.no_word.count, loaded.split_word.count), (1, 1));
    }

    /// Checked without a mapping, every word line counts: those a run could load, those
    /// left out and the conditional ones, whatever their category.
    #[test]
    fn a_dictionary_checked_without_a_mapping_reports_every_word_line() {
        let data = "%\n1\tposemo\n2\tnegemo\n3\tpronoun\n%\ngood\t1\nhate*\t2\n:)\t1\nkind of\t1\nwe\t3\nlike\t(3)1/2\n";
        let loaded = check_liwc("d.dic", data).unwrap();
        assert_eq!(
            (loaded.words, loaded.categories, loaded.added),
            (6, 3, 4),
            "{loaded:?}"
        );
        assert_eq!(loaded.ignored(), 2);
        assert_eq!(loaded.conditional.examples, ["like"]);
        // A mapping narrows it to the words in the mapped categories.
        let map = vec![parse_mapping("negemo=conflictual").unwrap()];
        let mapped = load_liwc(&mut Lexicon::default(), "d.dic", data, &map).unwrap();
        assert_eq!((mapped.words, mapped.added, mapped.ignored()), (6, 2, 0));
    }

    /// LIWC2007's conditional entries put the word in each category they may take (the
    /// word before is not read), and say so; a malformed one names its line and column.
    #[test]
    fn liwc2007_conditional_entries_take_every_category_they_may() {
        let table = "%\n02\tpronoun\n125\taffect\n126\tposemo\n253\tcogmech\n464\tfiller\n%\n";
        let line = "like\t(02 134)125/464\t(02 253)126/253\t253\n";
        let map = vec![parse_mapping("posemo=cooperative").unwrap()];
        let mut l = Lexicon::with_builtin_modifiers();
        let data = format!("{table}{line}");
        // 134, in the condition only, need not be in the table: the condition is not read.
        let loaded = load_liwc(&mut l, "d.dic", &data, &map).unwrap();
        assert_eq!(loaded.added, 1);
        assert_eq!(score(&l, "They like it."), "like(+1.0)");
        assert_eq!(
            shown(loaded.warnings("d.dic")),
            [
                "d.dic: 1 conditional entry (`like`) counted in every category it may take: the word before it, which LIWC2007 checks, is not"
            ]
        );
        let spaced = format!("{table}like (02 134)125/464 (02 253)126/253 253\n");
        let mut l = Lexicon::with_builtin_modifiers();
        assert_eq!(load_liwc(&mut l, "d.dic", &spaced, &map).unwrap().added, 1);
        for (bad, message) in [
            (
                "like\t(02 134125/464\n",
                "d.dic:8:2: a `(` condition is not closed by `)`",
            ),
            (
                "like\t253\t(02)126\n",
                "d.dic:8:3: a conditional field is `(IDS)ID/ID`, as `(02 134)125/464`",
            ),
            (
                "like\t(02)126/999\n",
                "d.dic:8:2: category id `999` is not in the category table",
            ),
        ] {
            let mut l = Lexicon::with_builtin_modifiers();
            let e = load_liwc(&mut l, "d.dic", &format!("{table}{bad}"), &map).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
    }
}
