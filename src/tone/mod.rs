//! Stage 4a: sentence tone on the cooperation–conflict axis, with its evidence.
//!
//! A sentence's tokens are matched against the lexicon (longest multiword term first, on
//! stems) and against the rule words. Each lexicon hit then passes through the rules, in
//! this order, within its clause (clauses end at `, ; : ( ) —` and at contrast words):
//!
//! 1. **reversal**: a cooperative hit with a reversal word in its clause ("peace talks
//!    collapsed", "threaten to upend the fragile peace") becomes conflictual;
//! 2. **negation**: a negator up to three words before the hit ("no sign of cooperation",
//!    "did not agree") flips its polarity at half weight;
//! 3. **intensifiers and diminishers** up to two words before multiply it;
//! 4. **hedges** earlier in the clause ("may", "could", "hopes to") weaken it;
//! 5. **contrast**: after "but"/"however" hits weigh more and before them less;
//!    "despite"/"although" weaken their own clause.
//!
//! Weights are kept in thousandths of a point as integers so that sums are exact and merge
//! in any order (threads, files, machines) with the same result.

pub mod lexicon;

use std::fmt::Write;

pub use lexicon::{Class, Entry, Lexicon, Modifier, ModifierKind, Polarity};

use crate::metrics::{Milli, ToneCounts};
use crate::span::Span;
use crate::tokenize::{Normalizer, Token, TokenKind};

/// Words looked at before a hit for a negator.
const NEGATION_WINDOW: usize = 3;
/// Words looked at before a hit for an intensifier or diminisher.
const DEGREE_WINDOW: usize = 2;
/// Weight of a negated hit relative to the plain one.
const NEGATION_FACTOR: f64 = 0.5;

/// A rule that changed a hit.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Polarity flipped by a negator.
    Negated {
        /// The negating word.
        by: String,
    },
    /// A cooperative term that fails, turned into conflict.
    Reversed {
        /// The reversal word.
        by: String,
    },
    /// Weight multiplied by an intensifier, diminisher, hedge or contrast word.
    Scaled {
        /// The rule word.
        by: String,
        /// Which kind of rule word it is.
        kind: ModifierKind,
        /// The factor applied.
        factor: f64,
    },
}

/// One lexicon term found in a sentence, after the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Where the matched words are.
    pub span: Span,
    /// Index of the lexicon entry.
    pub entry: u32,
    /// Polarity after negation and reversal.
    pub polarity: Polarity,
    /// The entry's class.
    pub class: Class,
    /// The entry's intensity.
    pub intensity: f64,
    /// Product of all factors applied (negation, degree, hedge, contrast).
    pub factor: f64,
    /// The rules that applied, in order.
    pub rules: Vec<Rule>,
}

impl Hit {
    /// Effective weight: intensity × factor.
    pub fn weight(&self) -> f64 {
        self.intensity * self.factor
    }
}

/// A matched rule word in a sentence.
#[derive(Debug, Clone, Copy)]
struct Cue {
    /// First and one-past-last token index.
    start: usize,
    end: usize,
    modifier: Modifier,
}

/// Scores sentences with a lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    lexicon: &'a Lexicon,
}

impl<'a> Scorer<'a> {
    /// A scorer over `lexicon`.
    pub fn new(lexicon: &'a Lexicon) -> Self {
        Scorer { lexicon }
    }

    /// The lexicon hits of one sentence's tokens, with every rule applied.
    pub fn score(&self, text: &str, tokens: &[Token], norm: &Normalizer) -> Vec<Hit> {
        let stem = |i: usize| tokens.get(i).map(|t| &*norm.term(t.term).stem);
        let lower = |i: usize| &*norm.term(tokens[i].term).lower;
        let mut hits: Vec<(usize, usize, Hit)> = Vec::new();
        let mut cues: Vec<Cue> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].kind == TokenKind::Punct {
                i += 1;
                continue;
            }
            let term = self.lexicon.match_term(|k| stem(i + k));
            let mut cue = self.lexicon.match_modifier(|k| stem(i + k));
            if cue.is_none() && (lower(i).ends_with("n't") || lower(i) == "cannot") {
                cue = Some((
                    1,
                    Modifier {
                        kind: ModifierKind::Negator,
                        factor: 0.0,
                    },
                ));
            }
            if let Some((n, modifier)) = cue {
                cues.push(Cue {
                    start: i,
                    end: i + n,
                    modifier,
                });
            }
            if let Some((n, index)) = term {
                let entry = self.lexicon.entry(index);
                let span = Span::new(tokens[i].span.start, tokens[i + n - 1].span.end);
                let hit = Hit {
                    span,
                    entry: index,
                    polarity: entry.polarity,
                    class: entry.class,
                    intensity: entry.intensity,
                    factor: 1.0,
                    rules: Vec::new(),
                };
                hits.push((i, i + n, hit));
            }
            let advance = term.map_or(0, |t| t.0).max(cue.map_or(0, |c| c.0)).max(1);
            i += advance;
        }
        if hits.is_empty() {
            return Vec::new();
        }
        let clause = clause_ids(tokens, &cues, |i| tokens[i].span.of(text));
        let word = |c: &Cue| {
            Span::new(tokens[c.start].span.start, tokens[c.end - 1].span.end)
                .of(text)
                .to_string()
        };
        let is_word = |i: usize| tokens[i].kind != TokenKind::Punct;
        let words_between = |from: usize, to: usize| (from..to).filter(|&k| is_word(k)).count();

        // Reversal words that turned a hit around; their own lexicon hit is then dropped.
        let mut used_reversals: Vec<Span> = Vec::new();
        for (start, end, hit) in hits.iter_mut() {
            let (start, end) = (*start, *end);
            let same_clause = |c: &Cue| clause[c.start] == clause[start];
            let before = |c: &Cue| c.end <= start;
            let negator = cues
                .iter()
                .filter(|c| c.modifier.kind == ModifierKind::Negator && before(c) && same_clause(c))
                .rfind(|c| words_between(c.end, start) < NEGATION_WINDOW);
            if hit.polarity == Polarity::Cooperative && negator.is_none() {
                let reversal = cues.iter().find(|c| {
                    c.modifier.kind == ModifierKind::Reversal
                        && same_clause(c)
                        && (c.end <= start || c.start >= end)
                });
                if let Some(c) = reversal {
                    hit.polarity = Polarity::Conflictual;
                    hit.rules.push(Rule::Reversed { by: word(c) });
                    used_reversals.push(Span::new(
                        tokens[c.start].span.start,
                        tokens[c.end - 1].span.end,
                    ));
                }
            }
            if let Some(c) = negator {
                hit.polarity = hit.polarity.flipped();
                hit.factor *= NEGATION_FACTOR;
                hit.rules.push(Rule::Negated { by: word(c) });
            }
            for c in cues.iter().filter(|c| before(c) && same_clause(c)) {
                let kind = c.modifier.kind;
                let applies = match kind {
                    ModifierKind::Intensifier | ModifierKind::Diminisher => {
                        words_between(c.end, start) < DEGREE_WINDOW
                    }
                    ModifierKind::Hedge => true,
                    _ => false,
                };
                if applies {
                    hit.factor *= c.modifier.factor;
                    hit.rules.push(Rule::Scaled {
                        by: word(c),
                        kind,
                        factor: c.modifier.factor,
                    });
                }
            }
            for c in cues
                .iter()
                .filter(|c| c.modifier.kind == ModifierKind::Contrast)
            {
                let f = c.modifier.factor;
                let factor = if f > 1.0 {
                    if c.end <= start { f } else { 1.0 / f }
                } else if c.end <= start && clause[start] == clause[c.start] {
                    f
                } else {
                    1.0
                };
                if factor != 1.0 {
                    hit.factor *= factor;
                    hit.rules.push(Rule::Scaled {
                        by: word(c),
                        kind: ModifierKind::Contrast,
                        factor,
                    });
                }
            }
        }
        hits.into_iter()
            .map(|(_, _, hit)| hit)
            .filter(|hit| !used_reversals.contains(&hit.span))
            .collect()
    }
}

/// Clause number of every token: a new clause starts after clause punctuation and at a
/// contrast word.
fn clause_ids<'t>(tokens: &[Token], cues: &[Cue], surface: impl Fn(usize) -> &'t str) -> Vec<u32> {
    let mut ids = Vec::with_capacity(tokens.len());
    let mut id = 0u32;
    let mut cue = cues
        .iter()
        .filter(|c| c.modifier.kind == ModifierKind::Contrast)
        .peekable();
    for (i, t) in tokens.iter().enumerate() {
        while cue.peek().is_some_and(|c| c.start < i) {
            cue.next();
        }
        if cue.peek().is_some_and(|c| c.start == i) {
            id += 1;
        }
        ids.push(id);
        if t.kind == TokenKind::Punct
            && matches!(
                surface(i),
                "," | ";"
                    | ":"
                    | "("
                    | ")"
                    | "\u{2014}"
                    | "\u{2013}"
                    | "-"
                    | "\u{201c}"
                    | "\u{201d}"
                    | "\""
            )
        {
            id += 1;
        }
    }
    ids
}

/// Adds `hits` to `counts` as one sentence.
pub fn tally(hits: &[Hit]) -> ToneCounts {
    let mut c = ToneCounts::default();
    for hit in hits {
        let w = Milli::from_f64(hit.weight());
        match (hit.polarity, hit.class) {
            (Polarity::Cooperative, Class::Verbal) => c.verbal_coop += w,
            (Polarity::Cooperative, Class::Material) => c.material_coop += w,
            (Polarity::Conflictual, Class::Verbal) => c.verbal_conflict += w,
            (Polarity::Conflictual, Class::Material) => c.material_conflict += w,
        }
        c.hit_factor += Milli::from_f64(hit.factor);
        c.hits += 1;
    }
    c
}

/// The hits as one readable line, e.g. `cooperation(+4.0); peace deal(-1.5: reversed by
/// faltering, ×0.50 contrast despite)`. It starts with the term, never with a sign, so a
/// spreadsheet never reads it as a formula.
pub fn evidence(text: &str, hits: &[Hit]) -> String {
    let mut out = String::new();
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        let surface: String = hit
            .span
            .of(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = write!(out, "{surface}({}{:.1}", hit.polarity.sign(), hit.weight());
        for (k, rule) in hit.rules.iter().enumerate() {
            out.push_str(if k == 0 { ": " } else { ", " });
            match rule {
                Rule::Negated { by } => {
                    let _ = write!(out, "negated by {by}");
                }
                Rule::Reversed { by } => {
                    let _ = write!(out, "reversed by {by}");
                }
                Rule::Scaled { by, kind, factor } => {
                    let what = match kind {
                        ModifierKind::Hedge => "hedged by",
                        ModifierKind::Contrast => "contrast",
                        _ => "by",
                    };
                    let _ = write!(out, "\u{d7}{factor:.2} {what} {by}");
                }
            }
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests;
