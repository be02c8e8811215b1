//! The cooperation–conflict lexicon and the rule words, loaded from CSV.
//!
//! Terms are matched on Snowball stems, so each entry is stored under the stem sequence of
//! its words. Two entries with the same stem sequence in one file are an error: the second
//! could never match.

use rustc_hash::FxHashMap;

use crate::datafile::DataFile;
use crate::error::Error;
use crate::matcher::{BitSet, PhraseTable};
use crate::span::Span;
use crate::tokenize::{Normalizer, TokenKind, fresh_stamp, tokens, word_hash};

/// The built-in lexicon, compiled into the binary.
pub const BUILTIN_LEXICON: &str = include_str!("../../data/lexicon/lexicon.csv");
/// The built-in rule words, compiled into the binary.
pub const BUILTIN_MODIFIERS: &str = include_str!("../../data/lexicon/modifiers.csv");

/// Which end of the axis a term points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// Towards cooperation.
    Cooperative,
    /// Towards conflict.
    Conflictual,
}

impl Polarity {
    /// The other polarity.
    pub fn flipped(self) -> Polarity {
        match self {
            Polarity::Cooperative => Polarity::Conflictual,
            Polarity::Conflictual => Polarity::Cooperative,
        }
    }

    /// `cooperative` or `conflictual`, as `--map` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Cooperative => "cooperative",
            Polarity::Conflictual => "conflictual",
        }
    }

    /// `+` or `-`, as shown in evidence.
    pub fn sign(self) -> char {
        match self {
            Polarity::Cooperative => '+',
            Polarity::Conflictual => '-',
        }
    }
}

/// CAMEO's distinction between words and deeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Statements, appeals, accusations, threats.
    Verbal,
    /// Aid, trade, agreements carried out, force, sanctions.
    Material,
}

/// One lexicon term.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The term as written in the lexicon.
    pub term: String,
    /// Its direction.
    pub polarity: Polarity,
    /// Verbal or material.
    pub class: Class,
    /// Magnitude on a Goldstein-like 0–10 scale.
    pub intensity: f64,
    /// A `neutral` entry: matched only so that the terms inside it do not count
    /// ("prisoners of war" keeps "war" from scoring).
    pub blocks: bool,
}

/// What a rule word does to the lexicon hits near it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ModifierKind {
    /// Flips the polarity of a following hit at reduced weight.
    Negator,
    /// Multiplies the following hit by a factor above 1.
    Intensifier,
    /// Multiplies the following hit by a factor below 1.
    Diminisher,
    /// Weakens the hits after it in its clause (modality, reported speech).
    Hedge,
    /// Weighs the rest of the sentence by its factor and what came before by the inverse
    /// ("but", "however"); a factor below 1 weakens only its own clause ("despite"); a
    /// factor of 1 marks a phrase that is not a contrast ("but also").
    Contrast,
    /// Turns a cooperative hit in the same clause into conflict ("peace talks collapsed").
    Reversal,
    /// A state of stuck talks ("deadlock", "impasse", "stalemate"): a reversal of the
    /// cooperative thing it names after "in", "on", "over", "of" or "between" ("the
    /// deadlock in the negotiations"), or of its subject only after a verb of being stuck
    /// ("talks remain deadlocked", "reached an impasse"). Nothing after a word that ends it
    /// ("break the deadlock in the negotiations" is hope for the talks).
    Impasse,
    /// Ends whatever hit is near it in its clause, flipping its polarity ("sanctions were
    /// lifted", "the war ended", "talks were suspended").
    Cessation,
    /// Matched only to keep shorter rule words inside it from applying ("by the end of"
    /// is not a cessation).
    Neutral,
    /// Marks the hit after it as the topic or background rather than the event ("talks on
    /// the border dispute", "amid tensions"), weighting it by its factor.
    Topic,
    /// A person or group that acts in a conflict ("protesters", "terrorists"): not a rule
    /// of its own, but a cessation word whose object (or subject) it is does not apply, as
    /// stopping protesters does not end a protest. Matched beside the terms, never instead
    /// of one.
    Agent,
}

/// A rule word with its factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modifier {
    /// What it does.
    pub kind: ModifierKind,
    /// How much (unused for negators and reversals).
    pub factor: f64,
}

/// Lexicon terms and rule words, indexed by stem sequence.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// The [`word_hash`]es of the word forms modulo 2¹⁶: a set with false positives that
    /// rules out most words as a form (the scorer asks it once per word). The terms and the
    /// rule words have theirs in their tables ([`PhraseTable::may_start`]); each kind is asked
    /// apart, as some words start keys of one kind only (rule words such as "on" or "not" are
    /// frequent, and start no term).
    form_starts: Box<BitSet<1024>>,
    /// Terms and rule words by the [`word_hash`]es of their stems, which every token's
    /// [`Term`] carries: matching reads no string.
    terms: PhraseTable<u32, u64>,
    modifiers: PhraseTable<Modifier, u64>,
    /// Exact lower-case word forms (LIWC words without `*`, VADER tokens).
    forms: FxHashMap<Box<str>, u32>,
    /// Word-form prefixes (LIWC words with a trailing `*`).
    prefixes: FxHashMap<Box<str>, u32>,
    /// Longest prefix in bytes, to bound the lookups per word.
    longest_prefix: usize,
    /// A new [`fresh_stamp`] at every change, so that what a scorer learnt of each word
    /// from this lexicon is not read once it has changed (0 for an empty lexicon).
    stamp: u64,
}

/// Reads a lexicon-style data file: header checked, every row with all but the last
/// (optional `notes`) column.
fn records(name: &str, data: &str, header: &[&str]) -> Result<DataFile, Error> {
    let file = DataFile::parse(name, data)?;
    file.expect_header(header)?;
    for (line, record) in &file.rows {
        if record.len() < header.len() - 1 {
            return Err(file.error(
                *line,
                record.len() + 1,
                format!("missing column `{}`", header[record.len()]),
            ));
        }
    }
    Ok(file)
}

/// The stem sequence of a term; `None` if it has no word.
fn stem_key(normalizer: &mut Normalizer, term: &str) -> Option<Vec<String>> {
    let key: Vec<String> = tokens(term, Span::new(0, term.len()))
        .map(|(span, kind)| {
            let id = normalizer.term_id(span.of(term), kind);
            let t = normalizer.term(id);
            if kind == TokenKind::Word {
                t.stem.to_string()
            } else {
                t.lower.to_string()
            }
        })
        .collect();
    (!key.is_empty()).then_some(key)
}

fn parse_factor(
    records: &DataFile,
    line: usize,
    column: usize,
    raw: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<f64, Error> {
    let value: f64 = raw
        .trim()
        .parse()
        .map_err(|_| records.error(line, column, format!("`{raw}` is not a number")))?;
    if !value.is_finite() || !range.contains(&value) {
        return Err(records.error(
            line,
            column,
            format!("{value} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

impl Lexicon {
    /// The built-in lexicon and rule words.
    pub fn builtin() -> Lexicon {
        let mut lexicon = Lexicon::default();
        lexicon
            .add_terms("built-in:data/lexicon/lexicon.csv", BUILTIN_LEXICON, false)
            .expect("built-in lexicon is valid");
        lexicon
            .add_modifiers("built-in:data/lexicon/modifiers.csv", BUILTIN_MODIFIERS)
            .expect("built-in modifiers are valid");
        lexicon
    }

    /// The built-in rule words with no terms, for a user lexicon that replaces the terms.
    pub fn with_builtin_modifiers() -> Lexicon {
        let mut lexicon = Lexicon::default();
        lexicon
            .add_modifiers("built-in:data/lexicon/modifiers.csv", BUILTIN_MODIFIERS)
            .expect("built-in modifiers are valid");
        lexicon
    }

    /// Adds the terms of a lexicon CSV (`term,polarity,class,intensity,notes`).
    ///
    /// With `overrides`, a term already present is replaced (the `--lexicon-add` case);
    /// without it, a term whose stems repeat an earlier row of the same file is an error.
    pub fn add_terms(&mut self, name: &str, data: &str, overrides: bool) -> Result<usize, Error> {
        self.stamp = fresh_stamp();
        let records = records(
            name,
            data,
            &["term", "polarity", "class", "intensity", "notes"],
        )?;
        let mut normalizer = Normalizer::default();
        let mut seen: PhraseTable<usize> = PhraseTable::default();
        for (line, record) in &records.rows {
            let line = *line;
            let term = record[0].trim();
            let key = stem_key(&mut normalizer, term)
                .ok_or_else(|| records.error(line, 1, "empty term"))?;
            let (polarity, blocks) = match record[1].trim() {
                "cooperative" => (Polarity::Cooperative, false),
                "conflictual" => (Polarity::Conflictual, false),
                "neutral" => (Polarity::Cooperative, true),
                other => {
                    return Err(records.error(
                        line,
                        2,
                        format!("polarity `{other}` is not cooperative, conflictual or neutral"),
                    ));
                }
            };
            let class = match record[2].trim() {
                "verbal" => Class::Verbal,
                "material" => Class::Material,
                other => {
                    return Err(records.error(
                        line,
                        3,
                        format!("class `{other}` is not verbal or material"),
                    ));
                }
            };
            let intensity = parse_factor(&records, line, 4, &record[3], 0.0..=10.0)?;
            if intensity == 0.0 {
                return Err(records.error(line, 4, "intensity must be above 0"));
            }
            if let Some(first) = seen.insert(key.clone(), line) {
                return Err(records.error(
                    line,
                    1,
                    format!(
                        "`{term}` has the same stems ({}) as line {first}",
                        key.join(" ")
                    ),
                ));
            }
            let entry = Entry {
                term: term.to_string(),
                polarity,
                class,
                intensity,
                blocks,
            };
            let hashes: Vec<u64> = key.iter().map(|stem| word_hash(stem)).collect();
            match self.terms.get(&hashes.iter().collect::<Vec<_>>()) {
                Some(&index) if overrides => self.entries[index as usize] = entry,
                Some(_) => {
                    return Err(records.error(
                        line,
                        1,
                        format!("`{term}` is already in the lexicon"),
                    ));
                }
                None => {
                    self.terms.insert(hashes, self.entries.len() as u32);
                    self.entries.push(entry);
                }
            }
        }
        Ok(records.rows.len())
    }

    /// Adds the rule words of a modifiers CSV (`term,kind,factor,notes`).
    pub fn add_modifiers(&mut self, name: &str, data: &str) -> Result<usize, Error> {
        self.stamp = fresh_stamp();
        let records = records(name, data, &["term", "kind", "factor", "notes"])?;
        let mut normalizer = Normalizer::default();
        for (line, record) in &records.rows {
            let line = *line;
            let term = record[0].trim();
            let key = stem_key(&mut normalizer, term)
                .ok_or_else(|| records.error(line, 1, "empty term"))?;
            let kind = match record[1].trim() {
                "negator" => ModifierKind::Negator,
                "intensifier" => ModifierKind::Intensifier,
                "diminisher" => ModifierKind::Diminisher,
                "hedge" => ModifierKind::Hedge,
                "contrast" => ModifierKind::Contrast,
                "reversal" => ModifierKind::Reversal,
                "impasse" => ModifierKind::Impasse,
                "cessation" => ModifierKind::Cessation,
                "topic" => ModifierKind::Topic,
                "neutral" => ModifierKind::Neutral,
                "agent" => ModifierKind::Agent,
                other => {
                    return Err(records.error(
                        line,
                        2,
                        format!("kind `{other}` is not negator, intensifier, diminisher, hedge, contrast, reversal, impasse, cessation, topic, neutral or agent"),
                    ));
                }
            };
            let factor = parse_factor(&records, line, 3, &record[2], 0.0..=5.0)?;
            let wrong = match kind {
                ModifierKind::Intensifier => factor <= 1.0,
                ModifierKind::Diminisher | ModifierKind::Hedge | ModifierKind::Topic => {
                    factor <= 0.0 || factor >= 1.0
                }
                ModifierKind::Contrast => factor <= 0.0,
                ModifierKind::Negator
                | ModifierKind::Reversal
                | ModifierKind::Impasse
                | ModifierKind::Cessation
                | ModifierKind::Neutral
                | ModifierKind::Agent => false,
            };
            if wrong {
                return Err(records.error(
                    line,
                    3,
                    format!("factor {factor} does not fit kind `{}`", record[1].trim()),
                ));
            }
            let hashes: Vec<u64> = key.iter().map(|stem| word_hash(stem)).collect();
            self.modifiers.insert(hashes, Modifier { kind, factor });
        }
        Ok(records.rows.len())
    }

    /// The entry at an index from [`Lexicon::match_term`].
    pub fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }

    /// Number of terms (stem-matched and word-form).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the lexicon has no terms.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Longest term matching the stems whose [`word_hash`]es are `at(0), at(1), …` (as in
    /// [`TermInfo::stem_hash`](crate::tokenize::TermInfo::stem_hash)): its length and index.
    /// Asked only where [`Lexicon::may_start_term`] has let the first stem through (the scorer
    /// learns that once per word), so the table's quick refusal is not asked again; asked
    /// elsewhere, it finds the same, more slowly.
    pub fn match_term<'s>(&self, at: impl Fn(usize) -> Option<&'s u64>) -> Option<(usize, u32)> {
        self.terms.longest_let_through(at).map(|(n, &i)| (n, i))
    }

    /// Adds a term matched on a lower-case word form rather than on stems: exactly, or as a
    /// prefix when `prefix` is set (a LIWC `*` entry). Returns false if the form was
    /// already present (the first entry is kept).
    pub fn add_form(&mut self, form: &str, prefix: bool, entry: Entry) -> bool {
        self.stamp = fresh_stamp();
        let table = if prefix {
            &mut self.prefixes
        } else {
            &mut self.forms
        };
        if table.contains_key(form) {
            return false;
        }
        table.insert(form.into(), self.entries.len() as u32);
        self.entries.push(entry);
        if prefix {
            self.longest_prefix = self.longest_prefix.max(form.len());
        } else {
            self.form_starts.insert(word_hash(form) as usize);
        }
        true
    }

    /// [`Lexicon::add_form`], except that a form already added takes the new entry; returns
    /// whether the form is new.
    pub fn set_form(&mut self, form: &str, prefix: bool, entry: Entry) -> bool {
        let table = if prefix { &self.prefixes } else { &self.forms };
        match table.get(form) {
            Some(&at) => {
                self.stamp = fresh_stamp();
                self.entries[at as usize] = entry;
                false
            }
            None => self.add_form(form, prefix, entry),
        }
    }

    /// False when no term can start with the stem whose [`word_hash`] is `stem`
    /// ([`Lexicon::match_term`] from it finds nothing).
    pub fn may_start_term(&self, stem: u64) -> bool {
        self.terms.may_start(&stem)
    }

    /// False when no rule word can start with the stem whose [`word_hash`] is `stem`.
    pub fn may_start_modifier(&self, stem: u64) -> bool {
        self.modifiers.may_start(&stem)
    }

    /// False when [`Lexicon::match_form`] finds nothing for the lower-case word whose
    /// [`word_hash`] is `word`.
    pub fn may_start_form(&self, word: u64) -> bool {
        !self.prefixes.is_empty() || self.form_starts.contains(word as usize)
    }

    /// Changes whenever the lexicon does (see [`fresh_stamp`]).
    pub(crate) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The word-form term matching a lower-case word: exact form first, then the longest
    /// matching prefix.
    pub fn match_form(&self, lower: &str) -> Option<u32> {
        if let Some(&i) = self.forms.get(lower) {
            return Some(i);
        }
        if self.prefixes.is_empty() {
            return None;
        }
        let limit = lower.len().min(self.longest_prefix);
        (1..=limit)
            .rev()
            .filter(|&n| lower.is_char_boundary(n))
            .find_map(|n| self.prefixes.get(&lower[..n]).copied())
    }

    /// Longest rule word matching the stems whose [`word_hash`]es are `at(0), at(1), …`;
    /// asked, as [`Lexicon::match_term`], where [`Lexicon::may_start_modifier`] has let the
    /// first through.
    pub fn match_modifier<'s>(
        &self,
        at: impl Fn(usize) -> Option<&'s u64>,
    ) -> Option<(usize, Modifier)> {
        self.modifiers.longest_let_through(at).map(|(n, &m)| (n, m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "term,polarity,class,intensity,notes\n";

    fn load(body: &str) -> Result<Lexicon, Error> {
        let mut l = Lexicon::default();
        l.add_terms("user.csv", &format!("{HEAD}{body}"), false)
            .map(|_| l)
    }

    #[test]
    fn builtin_loads() {
        let l = Lexicon::builtin();
        assert!(l.len() >= 1000, "{}", l.len());
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = load("peace,cooperative,verbal,3,\nwar,hostile,material,9,\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "user.csv:3:2: polarity `hostile` is not cooperative, conflictual or neutral"
        );
        let e = load("peace,cooperative,verbal,eleven,\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("user.csv:2:4:"), "{e}");
        let e = load("peace,cooperative,verbal,11,\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("user.csv:2:4:"), "{e}");
        let e = load("peace,cooperative\n").unwrap_err().to_string();
        assert!(e.starts_with("user.csv:2:3: missing column `class`"), "{e}");
    }

    #[test]
    fn duplicate_stems_are_rejected() {
        let e = load("sanction,conflictual,material,5,\nsanctions,conflictual,material,5,\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("same stems") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn bad_header_is_rejected() {
        let mut l = Lexicon::default();
        let e = l
            .add_terms("x.csv", "word,polarity\n", false)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.csv:1:1:"), "{e}");
    }
}
