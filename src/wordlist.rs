//! Entries of the word lists users give detente (dictionaries, given names) that no word of
//! a text can match: why, counted with examples, and said in one warning line. Shared by
//! the tone stage's dictionaries and the entity stage's given names, which match words as
//! the tokenizer cuts them.

use crate::error::counted;
use crate::span::Span;
use crate::tokenize::{TokenKind, tokens};

/// How many entries something happened to, with the first few as examples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Entries counted.
    pub count: usize,
    /// The first [`Tally::EXAMPLES`] of them, as written in the file.
    pub examples: Vec<String>,
}

impl Tally {
    /// Examples kept: enough to recognise the kind of entry in a one-line warning.
    pub const EXAMPLES: usize = 3;

    pub(crate) fn note(&mut self, entry: &str) {
        self.count += 1;
        if self.examples.len() < Tally::EXAMPLES {
            self.examples.push(entry.to_string());
        }
    }

    /// `N what (`a`, `b`, `c`, …)`, or nothing when no entry was counted.
    fn describe(&self, what: &str) -> Option<String> {
        (self.count > 0).then(|| format!("{} {what} ({})", self.count, self.examples()))
    }

    /// `N nouns (`a`, `b`, `c`, …)` with the noun that `N` takes, `nouns` being its
    /// singular and plural; nothing when no entry was counted.
    pub(crate) fn describe_as(&self, nouns: (&str, &str)) -> Option<String> {
        (self.count > 0).then(|| {
            let n = counted(self.count, nouns.0, nouns.1);
            format!("{n} ({})", self.examples())
        })
    }

    /// The examples quoted, with `…` when there were more.
    fn examples(&self) -> String {
        let shown: Vec<String> = self.examples.iter().map(|e| format!("`{e}`")).collect();
        let more = if self.count > shown.len() {
            ", …"
        } else {
            ""
        };
        format!("{}{more}", shown.join(", "))
    }
}

/// Why an entry can never match a word of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unmatchable {
    /// No letter or digit: an emoticon or a symbol (`:-)`, `<3`), which the tokenizer
    /// reads as punctuation, never as a word.
    NoWord,
    /// Several words (`kind of`): words are looked up one at a time.
    SeveralWords,
    /// Punctuation that the tokenizer cuts off or splits the word at (`:D`, `(hello`).
    SplitWord,
}

/// Why `form` (lower-case; for a `prefix`, the part before LIWC's `*`) can never match a
/// word as the tokenizer cuts text, if it cannot.
pub(crate) fn unmatchable(form: &str, prefix: bool) -> Option<Unmatchable> {
    let cut: Vec<(Span, TokenKind)> = tokens(form, Span::new(0, form.len())).collect();
    let word = |(_, kind): &(Span, TokenKind)| *kind != TokenKind::Punct;
    if !cut.iter().any(word) {
        return Some(Unmatchable::NoWord);
    }
    if form.contains(char::is_whitespace) {
        return Some(Unmatchable::SeveralWords);
    }
    // A prefix only has to start a word ("self-*" starts "self-esteem"); a whole form has
    // to be one.
    let first = &cut[0];
    let fits = word(first) && (prefix || (cut.len() == 1 && first.0.end == form.len()));
    (!fits).then_some(Unmatchable::SplitWord)
}

/// `N ENTRIES left out, as WHY them: REASONS`, each reason a tally of the entries left out
/// for it, described as its text says; nothing when no entry was left out. `nouns` are the
/// singular and plural of what an entry is.
pub(crate) fn left_out(
    nouns: (&str, &str),
    why: &str,
    reasons: &[(&Tally, &str)],
) -> Option<String> {
    let total: usize = reasons.iter().map(|(tally, _)| tally.count).sum();
    let described: Vec<String> = (reasons.iter())
        .filter_map(|(tally, what)| tally.describe(what))
        .collect();
    (total > 0).then(|| {
        let them = if total == 1 { "it" } else { "them" };
        format!(
            "{} left out, as {why} {them}: {}",
            counted(total, nouns.0, nouns.1),
            described.join("; ")
        )
    })
}
