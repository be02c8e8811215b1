//! Stage 4a: sentence tone on the cooperation–conflict axis, with its evidence.
//!
//! A sentence's tokens are matched against the lexicon (longest multiword term first, on
//! stems) and against the rule words; where a term and a rule word overlap, the longer
//! wins. A hyphenated word that is no term is read as its parts written apart
//! ("exchange-rate" as the neutral "exchange rate", "nuclear-test-ban"), else by its last
//! part, turned by a prefix ("non-cooperative" negated, "de-radicalized" ended,
//! "anti-terrorism" and "self-criticism" no hit), else by its first when the last says
//! nothing of tone ("peace-loving"); a verb and particle ("trade-off", "cut-off") is none
//! of these. Each lexicon hit then passes through the rules, within its clause (clauses
//! end at `, ; : ( ) —` and at contrast words):
//!
//! 1. **negation**: the first hit up to five words after a negator ("no sign of
//!    cooperation", "did not agree") flips its polarity at 0.75 weight (0.5 for a conflict
//!    term: "did not attack" is weak evidence of cooperation); later hits in the
//!    negator's clause are what is negated ("did not agree *on a ceasefire*") and are
//!    absorbed (weight 0), and so are the items listed after the negated hit, though
//!    commas part them ("without bloodshed, hatred or destruction"). A negated reversal or
//!    cessation word does not apply.
//! 2. **reversal**: a cooperative hit near a word saying it failed ("peace talks
//!    collapsed", "threaten to upend the fragile peace") counts as conflict, and so does
//!    one an impasse word names ("a deadlock in the negotiations", "talks remain
//!    deadlocked"), unless a word ends the impasse ("break the deadlock in the talks");
//! 3. **cessation**: a hit near a word that ends it flips ("sanctions were eased", "the
//!    war ended", "suspended the talks"), unless the word's object (or subject) is a
//!    person or group (an agent word: "police stopped the protesters", though no person is
//!    ended: "the reign of terrorists is coming to an end") or a reversal governs it
//!    ("failed to stop the attacks");
//! 4. **intensifiers and diminishers** up to two words before multiply it; **hedges**
//!    earlier in the clause ("may", "could", "hopes to") weaken it; a **topic** word
//!    ("talks on the border dispute", "amid tensions") marks a hit as background;
//! 5. **contrast**: after "but"/"however" hits weigh `f` and before them `2 − f`;
//!    "despite"/"although" weigh their own clause `f` and the rest `2 − f`.
//!
//! Weights are kept in thousandths of a point as integers so that sums are exact and merge
//! in any order (threads, files, machines) with the same result.

pub mod dictionaries;
pub mod lexicon;

pub use lexicon::{Class, Entry, Lexicon, Modifier, ModifierKind, Polarity};

use crate::metrics::{Milli, ToneCounts};
use crate::span::Span;
use crate::tokenize::{Normalizer, Term, TermInfo, TermMarks, Token, TokenKind, word_hash};

/// Words between a negator and the first hit it negates, at most (exclusive).
const NEGATION_WINDOW: usize = 5;
/// Words between an intensifier or diminisher and its hit, at most (exclusive).
const DEGREE_WINDOW: usize = 2;
/// Words between a topic word and its hit, at most (exclusive).
const TOPIC_WINDOW: usize = 3;
/// Words between a reversal or cessation word and its hit, at most (exclusive).
const REVERSAL_WINDOW: usize = 7;
/// Weight of a negated cooperative hit relative to the plain one (VADER uses 0.74).
const NEGATION_FACTOR: f64 = 0.75;
/// Weight of a negated conflictual hit: that a conflict did not happen ("did not attack")
/// is weaker evidence of cooperation than a failed cooperation is of conflict (an event
/// coder would code no event). Alone it still reads as cooperative, as the hand coders of
/// `tests/data/tone_cases.csv` coded it; beside an asserted conflict ("not an attack on a
/// civilization but an attack on humanity") it weighs less.
const NEGATED_CONFLICT_FACTOR: f64 = 0.5;
/// Weight of a hit turned around by a cessation word ("sanctions were eased").
const CESSATION_FACTOR: f64 = 0.75;
/// Lowest weight a contrast leaves on the other side of it.
const MIN_CONTRAST_FACTOR: f64 = 0.25;

/// A rule that changed a hit.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Polarity flipped by a negator.
    Negated {
        /// The negating word.
        by: String,
    },
    /// Part of what an earlier negated hit negates; weight 0.
    Absorbed {
        /// The negating word.
        by: String,
    },
    /// A cooperative term that fails, turned into conflict.
    Reversed {
        /// The reversal word.
        by: String,
    },
    /// A term that is ended, turned around.
    Ceased {
        /// The cessation word.
        by: String,
    },
    /// Weight multiplied by an intensifier, diminisher, hedge, topic or contrast word.
    Scaled {
        /// The rule word.
        by: String,
        /// Which kind of rule word it is.
        kind: ModifierKind,
        /// The factor applied.
        factor: f64,
    },
}

impl Rule {
    /// Appends the rule as shown in evidence: "negated by not", "×1.50 contrast but".
    pub fn push_to(&self, out: &mut String) {
        let (what, by) = match self {
            Rule::Negated { by } => ("negated by", by),
            Rule::Absorbed { by } => ("absorbed by", by),
            Rule::Reversed { by } => ("reversed by", by),
            Rule::Ceased { by } => ("ended by", by),
            Rule::Scaled { by, kind, factor } => {
                out.push('\u{d7}');
                crate::metrics::push_fixed(out, *factor, 2);
                out.push(' ');
                let what = match kind {
                    ModifierKind::Hedge => "hedged by",
                    ModifierKind::Topic => "topic after",
                    ModifierKind::Contrast => "contrast",
                    _ => "by",
                };
                (what, by)
            }
        };
        out.push_str(what);
        out.push(' ');
        out.push_str(by);
    }
}

impl std::fmt::Display for Rule {
    /// As [`Rule::push_to`] writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        self.push_to(&mut text);
        f.write_str(&text)
    }
}

/// One lexicon term found in a sentence, after the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Where the matched words are.
    pub span: Span,
    /// Index of the lexicon entry.
    pub entry: u32,
    /// Polarity after negation, reversal and cessation.
    pub polarity: Polarity,
    /// The entry's class.
    pub class: Class,
    /// The entry's intensity.
    pub intensity: f64,
    /// Product of all factors applied.
    pub factor: f64,
    /// The rules that applied, in order.
    pub rules: Vec<Rule>,
}

impl Hit {
    /// Effective weight: intensity × factor.
    pub fn weight(&self) -> f64 {
        self.intensity * self.factor
    }

    /// Flips the hit as negated by `by`.
    fn negate(&mut self, by: String) {
        self.factor *= match self.polarity {
            Polarity::Cooperative => NEGATION_FACTOR,
            Polarity::Conflictual => NEGATED_CONFLICT_FACTOR,
        };
        self.polarity = self.polarity.flipped();
        self.rules.push(Rule::Negated { by });
    }

    /// Flips the hit as ended by the cessation word `by`.
    fn end(&mut self, by: String) {
        self.polarity = self.polarity.flipped();
        self.factor *= CESSATION_FACTOR;
        self.rules.push(Rule::Ceased { by });
    }
}

/// A matched rule word in a sentence, by token index.
#[derive(Debug, Clone, Copy)]
struct Cue {
    start: usize,
    end: usize,
    modifier: Modifier,
    /// Negated itself ("did not collapse"), so it does not apply.
    disabled: bool,
    /// The hit it has negated first, for negators.
    negated: Option<usize>,
    /// For negators: the start of the reversal or cessation word it disabled, if any. The
    /// negation is that word's, so hits after it keep their polarity ("did not end the
    /// war": the war goes on).
    spent_on: Option<usize>,
    /// It reversed or ended a hit, so its own lexicon hit is dropped.
    used: bool,
}

/// A lexicon match before the rules, by token index.
#[derive(Debug, Clone)]
struct Match {
    start: usize,
    end: usize,
    hit: Hit,
}

/// A bit of what the scorer learns of each term ([`starts_at`]): learnt. Always set, as a
/// learnt mark must not be 0, which stands for "not yet learnt" ([`KeyStarts`]).
const LEARNT: u8 = 1;
/// A term may start with the word's stem.
const TERM: u8 = 2;
/// A term may start with the word's [`Term::tail_stem`].
const TAIL_STEM: u8 = 4;
/// A rule word may start with the word's stem.
const MODIFIER: u8 = 8;
/// A word-form term may match the word.
const FORM: u8 = 16;
/// The word negates by itself ([`TermInfo::contracted_negation`]).
const NEGATION: u8 = 32;
/// A one-word term may be the word's [`Term::head_stem`], and its last part is no rule
/// word ([`head_term`]).
const HEAD_STEM: u8 = 64;

/// A multiword term may start with the parts of a hyphenated word ([`in_parts`]).
const PARTS: u8 = 128;

/// Which keys of `lexicon` may start at a word with these hashes and flags (and these
/// forms, read only for a word with a tail or head stem): most words start none and need no
/// lookup. Asked once per term: asked of each token, the three bitmaps (8 KiB each, a
/// word's bit anywhere in them) took a first-level cache miss for most words (cachegrind
/// on 10 MB: 2.4M of the tone stage's 3.3M). The lookups then do not ask them again.
fn starts_at<'t>(lexicon: &Lexicon, info: &TermInfo, forms: impl Fn() -> &'t Term) -> u8 {
    let bit = |yes: bool, bit: u8| if yes { bit } else { 0 };
    let tail_may_start = || {
        let tail = forms().tail_stem.as_deref();
        tail.is_some_and(|tail| lexicon.may_start_term(word_hash(tail)))
    };
    LEARNT
        | bit(lexicon.may_start_term(info.stem_hash), TERM)
        | bit(info.has_tail_stem && tail_may_start(), TAIL_STEM)
        | bit(
            info.has_head_stem && head_term(lexicon, forms()).is_some(),
            HEAD_STEM,
        )
        | bit(
            info.has_head_stem && info.has_tail_stem && in_parts(lexicon, forms()),
            PARTS,
        )
        | bit(lexicon.may_start_modifier(info.stem_hash), MODIFIER)
        | bit(lexicon.may_start_form(info.hash), FORM)
        | bit(info.contracted_negation, NEGATION)
}

/// Particles that make a noun of the verb before them ("trade-off", "cut-off", "fall-out",
/// "break-up"): the compound is neither the phrasal verb ("cut off" ties, "fall out" with
/// an ally) nor its first part (trade).
const PARTICLES: &[&str] = &["off", "out", "up", "down"];

/// A hyphenated word's last part as written, lower-cased.
fn last_part(forms: &Term) -> Option<&str> {
    forms.lower.rsplit_once('-').map(|(_, last)| last)
}

/// Whether a hyphenated word's last part is one of the [`PARTICLES`]: its stem ("trade-offs"),
/// or as written, for a part of two letters, which has no stem ("trade-up").
fn ends_in_particle(forms: &Term) -> bool {
    [forms.tail_stem.as_deref(), last_part(forms)]
        .into_iter()
        .flatten()
        .any(|part| PARTICLES.contains(&part))
}

/// Whether a hyphenated word's last part is no particle and a term may start with its
/// first: then it may be read as its parts written apart ("exchange-rate" as "exchange
/// rate", "nuclear-test-ban" as "nuclear test ban").
fn in_parts(lexicon: &Lexicon, forms: &Term) -> bool {
    !ends_in_particle(forms)
        && forms
            .head_stem
            .as_deref()
            .is_some_and(|head| lexicon.may_start_term(word_hash(head)))
}

/// The one-word term a hyphenated word is scored by when neither the whole word nor its
/// last part is a term: its first part ("peace-loving" is peace, "war-torn" war,
/// "conflict-affected" conflict; in older text the hyphen also stands for a dash, "war-
/// which"), as the last part says nothing of tone. Not when the last part is a rule word,
/// which turns the first ("conflict-free", "tension-free": free ends them), nor a particle
/// ("trade-off").
fn head_term(lexicon: &Lexicon, forms: &Term) -> Option<u32> {
    if ends_in_particle(forms) {
        return None;
    }
    let head = word_hash(forms.head_stem.as_deref()?);
    if tail_modifier(lexicon, forms).is_some() {
        return None;
    }
    lexicon
        .match_term(|k| (k == 0).then_some(&head))
        .map(|(_, index)| index)
}

/// The rule word a hyphenated word's last part is by itself ("conflict-free": free), if any.
fn tail_modifier(lexicon: &Lexicon, forms: &Term) -> Option<Modifier> {
    let tail = word_hash(forms.tail_stem.as_deref()?);
    let found = lexicon.match_modifier(|k| (k == 0).then_some(&tail));
    found.map(|(_, modifier)| modifier)
}

/// Endings that make a doer of a word's stem ("supporters": support, "aggressor").
const DOER_ENDINGS: &[&str] = &["er", "ers", "or", "ors"];

/// Whether a hyphenated word's last part names a person or group: an agent word
/// ("non-terrorists") or its stem and a doer's ending ("non-supporters"). "Non-" before it
/// names those who are not it, which is neither it nor its opposite.
fn names_someone(lexicon: &Lexicon, forms: &Term) -> bool {
    let doer = (forms.tail_stem.as_deref())
        .zip(last_part(forms))
        .and_then(|(stem, last)| last.strip_prefix(stem))
        .is_some_and(|ending| DOER_ENDINGS.contains(&ending));
    doer || tail_modifier(lexicon, forms).is_some_and(|m| m.kind == ModifierKind::Agent)
}

/// A prefix that changes the term a hyphenated word is read as by its last part: the
/// compound is not that term ("anti-trust" is no trust, "non-cooperative" no cooperation).
/// A compound whose tone is its own is a lexicon row, read whole before its last part
/// ("anti-war", "non-violence", "counter-attack").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    /// "non-": the last part negated, as by "not" ("non-cooperative" is not cooperative,
    /// "non-annexation" no annexation).
    Not,
    /// "anti-", "post-", "pre-", "ex-": against the last part, after it, before it or no
    /// longer it, which is neither it nor its opposite ("anti-terrorism conventions", "the
    /// Anti-Ballistic Missile Treaty", "the post-war order", "post-conflict reconstruction",
    /// "ex-combatants"): no hit, as "postwar" written whole has none. So is "non-" before a
    /// person or group: "non-supporters" are not opponents. "Self-" turns the act on the
    /// one who does it, no relation between two parties: "self-criticism", "self-supporting
    /// tribes", "self-congratulation".
    Beside,
    /// "de-": the last part undone, as by a cessation word ("de-radicalization").
    Undone,
}

impl Prefix {
    /// The prefix of a hyphenated word, if it is one of these. "Non-" before a person or
    /// group ("non-supporters", "non-terrorists") names those who are not it: beside it.
    fn of(lexicon: &Lexicon, forms: &Term) -> Option<Prefix> {
        match forms.lower.split_once('-')?.0 {
            "non" if names_someone(lexicon, forms) => Some(Prefix::Beside),
            "non" => Some(Prefix::Not),
            "anti" | "post" | "pre" | "ex" | "self" => Some(Prefix::Beside),
            "de" => Some(Prefix::Undone),
            _ => None,
        }
    }

    /// Turns the hit read from the last part as the rule the prefix stands for does.
    fn turn(self, hit: &mut Hit) {
        match self {
            Prefix::Not => hit.negate("non-".into()),
            Prefix::Undone => hit.end("de-".into()),
            Prefix::Beside => {}
        }
    }
}

/// Which keys of a lexicon may start at each term (by its stem, the stem of its last part,
/// its lower-case form; whether it negates by itself), learnt by a scorer over one
/// normalizer and one lexicon, handed from one document's scorer to the next
/// ([`Scorer::with_key_starts`]) so that each document does not learn its words anew.
#[derive(Debug, Clone, Default)]
pub struct KeyStarts(TermMarks);

/// Scores sentences with a lexicon. Its working lists are kept from one sentence to the
/// next: allocated afresh for each sentence with a hit, they were 1% of a run on 1 GB
/// (the allocator's bookkeeping, out of the cache by then, more than the copies).
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    lexicon: &'a Lexicon,
    /// Which keys may start at each term, learnt once per term.
    starts: KeyStarts,
    matches: Vec<Match>,
    cues: Vec<Cue>,
    clause: Vec<u32>,
    hits: Vec<Hit>,
    /// The stem hashes of a hyphenated word's parts, read as the words of a term.
    parts: Vec<u64>,
    /// The stem hash of "not", which a contracted negation is read as (see
    /// `find_matches`): worked out once, not at every contraction.
    not: u64,
}

impl<'a> Scorer<'a> {
    /// A scorer over `lexicon`.
    pub fn new(lexicon: &'a Lexicon) -> Self {
        Scorer {
            lexicon,
            starts: KeyStarts::default(),
            matches: Vec::new(),
            cues: Vec::new(),
            clause: Vec::new(),
            hits: Vec::new(),
            parts: Vec::new(),
            not: word_hash("not"),
        }
    }

    /// Starts from what another scorer learnt of each term ([`Scorer::take_key_starts`]).
    /// Learnt over another normalizer, or another lexicon or version of it, it is
    /// forgotten at the first sentence scored.
    pub fn with_key_starts(mut self, starts: KeyStarts) -> Self {
        self.starts = starts;
        self
    }

    /// What was learnt of each term so far, for the next document's scorer.
    pub fn take_key_starts(&mut self) -> KeyStarts {
        std::mem::take(&mut self.starts)
    }

    /// The lexicon hits of one sentence's tokens, with every rule applied (valid until the
    /// next sentence is scored).
    pub fn score(&mut self, text: &str, tokens: &[Token], norm: &Normalizer) -> &[Hit] {
        self.score_outside_names(text, tokens, norm, &[])
    }

    /// [`Scorer::score`], but a capitalised term inside one of `names` (byte spans of
    /// organisations' names in the sentence) is no hit: a name is a label, and the "War" of
    /// "War Department" or the "Treaty" of "North Atlantic Treaty Organization" say nothing
    /// of the sentence's tone. A word in lower case is the writer's own, not the name's:
    /// "UN peacekeepers" still counts its peacekeepers. Nor does a rule word inside a name
    /// apply ("Stop the War Coalition").
    pub fn score_outside_names(
        &mut self,
        text: &str,
        tokens: &[Token],
        norm: &Normalizer,
        names: &[Span],
    ) -> &[Hit] {
        self.hits.clear();
        self.starts.0.follow(norm, self.lexicon.stamp());
        self.find_matches(tokens, norm);
        if !names.is_empty() {
            let inside = |i: usize| {
                let at = tokens[i].span.start;
                names.iter().any(|n| n.start <= at && at < n.end)
            };
            let capital = |i: usize| tokens[i].span.of(text).starts_with(char::is_uppercase);
            self.matches
                .retain(|m| !(inside(m.start) && capital(m.start)));
            self.cues.retain(|c| !inside(c.start));
        }
        if self.matches.is_empty() {
            return &self.hits;
        }
        clause_ids(&mut self.clause, tokens, &self.cues, |i| {
            tokens[i].span.of(text)
        });
        let (matches, cues) = (&mut self.matches, &mut self.cues);
        let sentence = Sentence {
            text,
            tokens,
            norm,
            clause: &self.clause,
        };
        sentence.negate(matches, cues);
        sentence.turn(matches, cues);
        sentence.scale(matches, cues);
        let used = |m: &Match| {
            cues.iter()
                .any(|c| c.used && (c.start, c.end) == (m.start, m.end))
        };
        (self.hits).extend(matches.drain(..).filter(|m| !used(m)).map(|m| m.hit));
        &self.hits
    }

    /// Lists the lexicon terms (in `matches`) and rule words (in `cues`) of a sentence,
    /// longest first at each position; where a term and a rule word start together, the
    /// longer one wins and equal ones both stay.
    fn find_matches(&mut self, tokens: &[Token], norm: &Normalizer) {
        let stem = |i: usize| tokens.get(i).map(|t| &norm.info(t.term).stem_hash);
        let (matches, cues, parts) = (&mut self.matches, &mut self.cues, &mut self.parts);
        matches.clear();
        cues.clear();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].kind == TokenKind::Punct {
                i += 1;
                continue;
            }
            let id = tokens[i].term;
            let learn = || starts_at(self.lexicon, norm.info(id), || norm.term(id));
            let starts = self.starts.0.of(id, learn);
            if starts == LEARNT {
                i += 1;
                continue;
            }
            let contracted_negator = starts & NEGATION != 0;
            // The forms are read only where a lookup needs them: they are not beside the
            // hashes (see `TermInfo`).
            let forms = || norm.term(tokens[i].term);
            // Each kind of key looked up only where one may start: the three lookups were
            // a tenth of the tone stage, most of them certain to fail.
            let lexicon = &self.lexicon;
            let mut prefix = None;
            let term = (starts & TERM != 0)
                .then(|| lexicon.match_term(|k| stem(i + k)))
                .flatten()
                .or_else(|| {
                    // A word's parts as the words of a term that has them all, and the
                    // words after it: "exchange-rate" is the neutral "exchange rate",
                    // "trade-union" the neutral "trade union", not trade, as they are
                    // written apart; "nuclear-test-ban" is "nuclear test ban".
                    if starts & PARTS == 0 {
                        return None;
                    }
                    let forms = forms();
                    // The first and last parts' stems are the word's; the middle ones, of a
                    // few words only, are stemmed here.
                    let mut middle = forms.lower.split('-');
                    middle.next();
                    middle.next_back();
                    parts.clear();
                    parts.push(word_hash(forms.head_stem.as_deref()?));
                    parts.extend(middle.map(|part| word_hash(&norm.stem(part))));
                    parts.push(word_hash(forms.tail_stem.as_deref()?));
                    let (n, index) = lexicon
                        .match_term(|k| parts.get(k).or_else(|| stem(i + 1 + k - parts.len())))?;
                    (n >= parts.len()).then(|| (n + 1 - parts.len(), index))
                })
                .or_else(|| {
                    // The flag first: it spares reading the forms of every other word.
                    if starts & TAIL_STEM == 0 {
                        return None;
                    }
                    let forms = forms();
                    let tail = word_hash(forms.tail_stem.as_deref()?);
                    let found =
                        lexicon.match_term(|k| if k == 0 { Some(&tail) } else { stem(i + k) });
                    prefix = found.and_then(|_| Prefix::of(lexicon, forms));
                    found
                });
            let mut cue = (starts & MODIFIER != 0)
                .then(|| lexicon.match_modifier(|k| stem(i + k)))
                .flatten();
            let term = term
                .or_else(|| {
                    let index = (starts & FORM != 0).then(|| lexicon.match_form(&forms().lower));
                    index.flatten().map(|index| (1, index))
                })
                .or_else(|| {
                    let index = (starts & HEAD_STEM != 0).then(|| head_term(lexicon, forms()));
                    index.flatten().map(|index| (1, index))
                });
            if cue.is_none() && contracted_negator {
                // Read as "not" and the words after it, so that "haven't yet" is the
                // negator "not yet", not a negation followed by the contrast "yet".
                let not = &self.not;
                let longer = lexicon
                    .match_modifier(|k| if k == 0 { Some(not) } else { stem(i + k) })
                    .filter(|(_, m)| m.kind == ModifierKind::Negator);
                cue = longer.or(Some((
                    1,
                    Modifier {
                        kind: ModifierKind::Negator,
                        factor: 0.0,
                    },
                )));
            }
            let (term_len, cue_len) = (term.map_or(0, |t| t.0), cue.map_or(0, |c| c.0));
            // An agent word ("protesters") only tells what a term is: it stands beside the
            // term it may be, whichever is longer, and the next word is read after the term.
            let agent = cue.is_some_and(|(_, m)| m.kind == ModifierKind::Agent);
            if let Some((n, modifier)) = cue.filter(|_| agent || cue_len >= term_len) {
                cues.push(Cue {
                    start: i,
                    end: i + n,
                    modifier,
                    disabled: false,
                    negated: None,
                    spent_on: None,
                    used: false,
                });
            }
            if let Some((n, index)) = term.filter(|_| agent || term_len >= cue_len) {
                let entry = self.lexicon.entry(index);
                if !entry.blocks && prefix != Some(Prefix::Beside) {
                    let mut hit = Hit {
                        span: Span::new(tokens[i].span.start, tokens[i + n - 1].span.end),
                        entry: index,
                        polarity: entry.polarity,
                        class: entry.class,
                        intensity: entry.intensity,
                        factor: 1.0,
                        rules: Vec::new(),
                    };
                    if let Some(prefix) = prefix {
                        prefix.turn(&mut hit);
                    }
                    matches.push(Match {
                        start: i,
                        end: i + n,
                        hit,
                    });
                }
            }
            i += if agent {
                term_len
            } else {
                term_len.max(cue_len)
            }
            .max(1);
        }
    }
}

/// Prepositions and subordinators that end a rule word's reach to the right: in "ended with the
/// signing of an armistice" the armistice is not what ended, the war before it is.
const PREPOSITIONS: &[&str] = &[
    "with",
    "after",
    "before",
    "since",
    "in",
    "on",
    "at",
    "for",
    "from",
    "by",
    "amid",
    "over",
    "despite",
    "during",
    "following",
    "until",
    "as",
    "into",
    "than",
    "because",
    "when",
    "while",
    "if",
    "unless",
    "where",
    "whereas",
    "once",
    // "rejected all but the peace plan", "everything except the peace plan": what follows
    // is what was left out.
    "but",
    "except",
];

/// Words after "free" that make it the verb, or "free of": a determiner or pronoun, its
/// object's start ([`Sentence::frees_what_follows`]).
const FREED: &[&str] = &[
    "of",
    "the",
    "a",
    "an",
    "all",
    "our",
    "their",
    "his",
    "her",
    "its",
    "it",
    "you",
    "me",
    "my",
    "your",
    "them",
    "themselves",
    "ourselves",
    "itself",
    "himself",
    "us",
    "him",
    "those",
    "these",
    "this",
    "that",
];

/// Stems of the words that end an impasse ([`Sentence::unblocked`]); "out of" is read in
/// code, as "out" alone is no end of one.
const UNBLOCKING: &[&str] = &[
    "break",
    "broke",
    "broken",
    "end",
    "resolv",
    "solv",
    "overcom",
    "unblock",
    "breakthrough",
    "beyond",
    "escap",
];
/// Words before an impasse word in which an [`UNBLOCKING`] word ends it, at most.
const UNBLOCK_WINDOW: usize = 4;

/// Stems of the verbs (and prepositions after them) that say the words before an impasse
/// word are stuck in it ([`Sentence::stuck`]).
const STUCK: &[&str] = &["reach", "remain", "at", "in", "into"];
/// Tokens before an impasse word in which a [`STUCK`] word is looked for, at most.
const STUCK_WINDOW: usize = 3;

/// One sentence being scored: its tokens and clause numbers.
struct Sentence<'s> {
    text: &'s str,
    tokens: &'s [Token],
    norm: &'s Normalizer,
    clause: &'s [u32],
}

impl Sentence<'_> {
    /// Words (not punctuation) in token range `from..to`.
    fn words(&self, from: usize, to: usize) -> usize {
        (from..to)
            .filter(|&k| self.tokens[k].kind != TokenKind::Punct)
            .count()
    }

    /// The lower-case form of token `k`, if the sentence has one there.
    fn lower(&self, k: usize) -> Option<&str> {
        self.tokens.get(k).map(|t| &*self.norm.term(t.term).lower)
    }

    /// The stem of token `k`.
    fn stem(&self, k: usize) -> &str {
        &self.norm.term(self.tokens[k].term).stem
    }

    /// The rule word as the evidence names it: on one line, like the hit's own words.
    fn word(&self, c: &Cue) -> String {
        Span::new(
            self.tokens[c.start].span.start,
            self.tokens[c.end - 1].span.end,
        )
        .collapsed(self.text)
    }

    /// Whether an agent word heads its phrase, so that the person or group is what a rule
    /// word governs: it is followed by nothing, punctuation, a stop word or a preposition,
    /// and is no possessive. In "stop terrorist violence" or "the rebels' offensive" the
    /// violence and the offensive are.
    fn heads_phrase(&self, a: &Cue) -> bool {
        let last = self.tokens[a.end - 1].span.of(self.text);
        if ["'", "'s", "\u{2019}", "\u{2019}s"]
            .iter()
            .any(|p| last.ends_with(p))
        {
            return false;
        }
        self.tokens.get(a.end).is_none_or(|t| {
            let info = self.norm.info(t.term);
            t.kind == TokenKind::Punct
                || info.stop
                || PREPOSITIONS.contains(&&*self.norm.term(t.term).lower)
        })
    }

    /// Whether a cessation word is a form of "end" ("ended", "put an end to", "coming to an
    /// end"): what comes to an end is never a person or group, so an agent word before it
    /// stands for what the agent does ("the reign of terrorists is coming to an end"); one
    /// after it is still its object ("put an end to the protesters").
    fn ends_an_event(&self, c: &Cue) -> bool {
        (c.start..c.end).any(|k| self.stem(k) == "end")
    }

    /// Where a reversal or cessation word's object may begin: right after it, or after
    /// "in", "on" or "over" right after a reversal word, which names what failed: "failed
    /// in its mission of achieving peace", "a breakdown in talks", "renege on the peace
    /// agreements". An impasse word names what is stuck after "of" and "between" too ("the
    /// stalemate of the talks"). Any other preposition, or one further on, begins something
    /// else.
    fn reach(&self, c: &Cue) -> usize {
        let names_what = self.lower(c.end).is_some_and(|next| {
            matches!(
                (c.modifier.kind, next),
                (
                    ModifierKind::Reversal | ModifierKind::Impasse,
                    "in" | "on" | "over"
                ) | (ModifierKind::Impasse, "of" | "between")
            )
        });
        c.end + usize::from(names_what)
    }

    /// Whether an impasse word is ended by a word shortly before it, so that it turns
    /// nothing: "break the deadlock in the negotiations", "resolve the political impasse",
    /// "a way out of the stalemate", "a breakthrough in the present deadlock" hope for the
    /// talks. Its own hit stays (or is ended by a cessation word: "end the deadlock").
    fn unblocked(&self, c: &Cue) -> bool {
        let from = c.start.saturating_sub(UNBLOCK_WINDOW);
        (from..c.start).any(|k| {
            let (stem, next) = (self.stem(k), self.lower(k + 1));
            self.clause[k] == self.clause[c.start]
                // "Ended in deadlock" is stuck; "a breakthrough in the deadlock" is not.
                && ((UNBLOCKING.contains(&stem) && (next != Some("in") || stem == "breakthrough"))
                    || (self.lower(k) == Some("out") && next == Some("of")))
        })
    }

    /// Whether a cessation word is "free" (frees, freeing). Its subject is never what it
    /// ends: before it, "free" is the adjective ("trade among the free nations", "restore
    /// peace and hold free and fair elections"), which ended the trade and the peace.
    fn frees(&self, c: &Cue) -> bool {
        self.stem(c.start) == "free"
    }

    /// Whether "free" is the verb or "free of" ([`FREED`] right after it: "free the
    /// hostages", "freeing them", "a zone free of weapons of mass destruction"), so that it
    /// ends what follows. Before a noun it is the adjective: "the free world has faced
    /// partition wars", "free elections".
    fn frees_what_follows(&self, c: &Cue) -> bool {
        self.lower(c.end).is_some_and(|next| FREED.contains(&next))
    }

    /// Whether a rule word ends in a participle ("deadlocked", "stalemated").
    fn is_participle(&self, c: &Cue) -> bool {
        self.lower(c.end - 1).is_some_and(|w| w.ends_with("ed"))
    }

    /// Whether an impasse word says that what comes before it is stuck: it is a participle
    /// ("talks remain deadlocked", "stalemated negotiations") or follows a verb of being
    /// stuck, an article or adjective at most between ("reached an impasse", "are at a
    /// stalemate", "ended in deadlock"). Otherwise what precedes it is only its setting:
    /// "their desire to conclude peace and their concern at the prolonged deadlock".
    fn stuck(&self, c: &Cue) -> bool {
        self.is_participle(c)
            || (c.start.saturating_sub(STUCK_WINDOW)..c.start)
                .any(|k| self.clause[k] == self.clause[c.start] && STUCK.contains(&self.stem(k)))
    }

    fn has_conjunction(&self, from: usize, to: usize) -> bool {
        (from..to).any(|k| matches!(self.lower(k), Some("and" | "or")))
    }

    fn has_preposition(&self, from: usize, to: usize) -> bool {
        (from..to).any(|k| self.lower(k).is_some_and(|w| PREPOSITIONS.contains(&w)))
    }

    /// Negation: the first hit shortly after a negator flips; later hits in the negator's
    /// clause are absorbed; negated reversal and cessation words are disabled.
    fn negate(&self, matches: &mut [Match], cues: &mut [Cue]) {
        let negators: Vec<usize> = (0..cues.len())
            .filter(|&i| cues[i].modifier.kind == ModifierKind::Negator)
            .collect();
        let nearest = |cues: &[Cue], at: usize| {
            negators
                .iter()
                .copied()
                .rfind(|&n| cues[n].end <= at && self.clause[cues[n].start] == self.clause[at])
        };
        for i in 0..cues.len() {
            if matches!(
                cues[i].modifier.kind,
                ModifierKind::Reversal | ModifierKind::Impasse | ModifierKind::Cessation
            ) {
                // Only a negator not yet spent on another rule word, with no term between:
                // "did not withdraw and stopped the shelling" negates the withdrawal, not
                // the stopping.
                let start = cues[i].start;
                let by = nearest(cues, start).filter(|&n| {
                    let end = cues[n].end;
                    cues[n].spent_on.is_none()
                        && self.words(end, start) < NEGATION_WINDOW
                        && !matches.iter().any(|m| end <= m.start && m.start < start)
                });
                cues[i].disabled = by.is_some();
                if let Some(n) = by {
                    cues[n].spent_on.get_or_insert(start);
                }
                // A cessation that a reversal governs did not happen: "failed to stop the
                // attacks" leaves the attacks, as "did not stop" does. The reversal still
                // applies to what follows ("threatened to end the ceasefire"). A conjunction
                // between starts another verb phrase ("withdraw from the territory and lift
                // the blockade").
                if cues[i].modifier.kind == ModifierKind::Cessation && by.is_none() {
                    cues[i].disabled = (0..i).any(|r| {
                        let (r, end) = (&cues[r], cues[r].end);
                        r.modifier.kind == ModifierKind::Reversal
                            && !r.disabled
                            && end <= start
                            && self.clause[r.start] == self.clause[start]
                            && self.words(end, start) < NEGATION_WINDOW
                            && !matches.iter().any(|m| end <= m.start && m.start < start)
                            && !self.has_conjunction(end, start)
                    });
                }
            }
        }
        // The end of the hit a negator negated, or of the last item listed after it, and
        // that negator: the rest of the list is negated with it though commas part the items
        // ("without bloodshed, hatred or destruction", "nobody has threatened, attacked or
        // invaded"), as VADER's three-word scope would have it.
        let mut reached: Option<(usize, usize)> = None;
        for (index, m) in matches.iter_mut().enumerate() {
            let listed = reached
                .filter(|&(end, _)| {
                    self.clause[end - 1] == self.clause[m.start] || self.next_in_list(end, m)
                })
                .map(|(_, n)| n);
            reached = None;
            let own = nearest(cues, m.start);
            let Some(n) = own.or(listed) else {
                continue;
            };
            if cues[n].spent_on.is_some_and(|at| at < m.start) {
                continue;
            }
            let by = self.word(&cues[n]);
            if cues[n].negated.is_some() {
                m.hit.factor = 0.0;
                m.hit.rules.push(Rule::Absorbed { by });
                if own.is_none() {
                    reached = Some((m.end, n));
                }
            } else if self.words(cues[n].end, m.start) < NEGATION_WINDOW {
                cues[n].negated = Some(index);
                m.hit.negate(by);
                reached = Some((m.end, n));
            }
        }
    }

    /// Whether hit `m` is the next item of a list whose last item ended at token `end`: a
    /// comma alone between them, and a comma, "and" or "or" after it ("bloodshed, hatred
    /// or destruction"). Not a clause of its own ("without its assistance, and trade had
    /// found", "without effective protest, acts of aggression against sister nations"), nor
    /// a word of the same phrase ("international assistance, friendly States").
    fn next_in_list(&self, end: usize, m: &Match) -> bool {
        let is = |k: usize, words: &[&str]| {
            (self.tokens.get(k)).is_some_and(|t| words.contains(&t.span.of(self.text)))
        };
        m.start == end + 1 && is(end, &[","]) && is(m.end, &[",", "and", "or", "nor"])
    }

    /// Reversal and cessation words turn the hits they apply to: their object (the hits
    /// after them, unless a preposition intervenes) or else their subject (the hits before
    /// them), all of the polarity of the nearest one, within the window and the clause.
    fn turn(&self, matches: &mut [Match], cues: &mut [Cue]) {
        for c in 0..cues.len() {
            let cue = cues[c];
            let kind = cue.modifier.kind;
            let turns = match kind {
                ModifierKind::Reversal | ModifierKind::Cessation => true,
                ModifierKind::Impasse => !self.unblocked(&cue),
                _ => false,
            };
            if cue.disabled || !turns {
                continue;
            }
            let eligible = |m: &Match| {
                m.hit.rules.is_empty()
                    && self.clause[m.start] == self.clause[cue.start]
                    && (kind == ModifierKind::Cessation || m.hit.polarity == Polarity::Cooperative)
            };
            // A noun names what is stuck only through a preposition ("the deadlock in the
            // talks"): in "from total deadlock to total peace" the peace is not stuck.
            let reach = self.reach(&cue);
            let frees = kind == ModifierKind::Cessation && self.frees(&cue);
            let names_object =
                (kind != ModifierKind::Impasse || reach > cue.end || self.is_participle(&cue))
                    && (!frees || self.frees_what_follows(&cue));
            let object: Vec<usize> = (0..matches.len())
                .filter(|&i| {
                    let m = &matches[i];
                    names_object
                        && m.start >= cue.end
                        && eligible(m)
                        && self.words(cue.end, m.start) < REVERSAL_WINDOW
                        && !self.has_preposition(reach, m.start)
                })
                .collect();
            // A cessation word whose object (or else subject) is a person or group does not
            // end a conflict: "police stopped the protesters", "the protesters were stopped".
            // "End" always ends an event ([`Sentence::ends_an_event`]).
            let agent_in = |from: usize, to: usize| {
                cues.iter().any(|a| {
                    a.modifier.kind == ModifierKind::Agent
                        && from <= a.start
                        && a.end <= to
                        && self.clause[a.start] == self.clause[cue.start]
                        && self.heads_phrase(a)
                })
            };
            // "End" never has a person for subject ("the reign of terrorists is coming to an
            // end"), but may for object: "put an end to the protesters" is a crackdown.
            let stops_a_person = kind == ModifierKind::Cessation && !self.ends_an_event(&cue);
            if kind == ModifierKind::Cessation {
                let person = match object.first() {
                    Some(&first) => agent_in(cue.end, matches[first].end),
                    None => cues.iter().any(|a| {
                        a.modifier.kind == ModifierKind::Agent
                            && a.start >= cue.end
                            && self.clause[a.start] == self.clause[cue.start]
                            && self.words(cue.end, a.start) < REVERSAL_WINDOW
                            && !self.has_preposition(cue.end, a.start)
                            && self.heads_phrase(a)
                    }),
                };
                if person {
                    continue;
                }
            }
            let from_subject = object.is_empty();
            if from_subject && (frees || kind == ModifierKind::Impasse && !self.stuck(&cue)) {
                continue;
            }
            let targets = if from_subject {
                (0..matches.len())
                    .rev()
                    .filter(|&i| {
                        let m = &matches[i];
                        m.end <= cue.start
                            && eligible(m)
                            && self.words(m.end, cue.start) < REVERSAL_WINDOW
                    })
                    .collect()
            } else {
                object
            };
            let Some(&nearest) = targets.first() else {
                continue;
            };
            if stops_a_person && from_subject && agent_in(matches[nearest].start, cue.start) {
                continue;
            }
            let polarity = matches[nearest].hit.polarity;
            let by = self.word(&cue);
            let same: Vec<usize> = targets
                .into_iter()
                .filter(|&i| matches[i].hit.polarity == polarity)
                .collect();
            for i in same {
                let hit = &mut matches[i].hit;
                if kind == ModifierKind::Cessation {
                    hit.end(by.clone());
                } else {
                    hit.polarity = hit.polarity.flipped();
                    hit.rules.push(Rule::Reversed { by: by.clone() });
                }
            }
            cues[c].used = true;
        }
    }

    /// Degree words, hedges, topic words and contrast scale the hits' weights.
    fn scale(&self, matches: &mut [Match], cues: &[Cue]) {
        for m in matches.iter_mut() {
            if m.hit.factor == 0.0 {
                continue;
            }
            let start = m.start;
            let same_clause = |c: &Cue| self.clause[c.start] == self.clause[start];
            for c in cues.iter().filter(|c| c.end <= start && same_clause(c)) {
                let kind = c.modifier.kind;
                let near = |window: usize| self.words(c.end, start) < window;
                let applies = match kind {
                    ModifierKind::Intensifier | ModifierKind::Diminisher => near(DEGREE_WINDOW),
                    ModifierKind::Topic => near(TOPIC_WINDOW),
                    ModifierKind::Hedge => true,
                    _ => false,
                };
                if applies {
                    m.hit.factor *= c.modifier.factor;
                    m.hit.rules.push(Rule::Scaled {
                        by: self.word(c),
                        kind,
                        factor: c.modifier.factor,
                    });
                }
            }
            for c in cues
                .iter()
                .filter(|c| c.modifier.kind == ModifierKind::Contrast && c.modifier.factor != 1.0)
            {
                let f = c.modifier.factor;
                let other = (2.0 - f).max(MIN_CONTRAST_FACTOR);
                let after = c.end <= start;
                let factor = if f > 1.0 {
                    if after { f } else { other }
                } else if after && same_clause(c) {
                    f
                } else {
                    other
                };
                m.hit.factor *= factor;
                m.hit.rules.push(Rule::Scaled {
                    by: self.word(c),
                    kind: ModifierKind::Contrast,
                    factor,
                });
            }
        }
    }
}

/// Writes into `ids` the clause number of every token: a new clause starts after clause
/// punctuation and at a contrast word.
fn clause_ids<'t>(
    ids: &mut Vec<u32>,
    tokens: &[Token],
    cues: &[Cue],
    surface: impl Fn(usize) -> &'t str,
) {
    ids.clear();
    let mut id = 0u32;
    let mut contrast = cues
        .iter()
        .filter(|c| c.modifier.kind == ModifierKind::Contrast)
        .peekable();
    for (i, t) in tokens.iter().enumerate() {
        while contrast.peek().is_some_and(|c| c.start < i) {
            contrast.next();
        }
        if contrast.peek().is_some_and(|c| c.start == i) {
            id += 1;
        }
        ids.push(id);
        // Punctuation first: comparing every word's text with each mark was a tenth of
        // the tone stage.
        let boundary = t.kind == TokenKind::Punct
            && matches!(
                surface(i),
                "," | ";"
                    | ":"
                    | "("
                    | ")"
                    | "\u{2014}"
                    | "\u{2013}"
                    | "\u{201c}"
                    | "\u{201d}"
                    | "\""
            );
        if boundary {
            id += 1;
        }
    }
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

/// The hits as one readable line, e.g. `cooperation(+4.0); peace deal(-1.25: reversed by
/// faltering, ×0.50 contrast despite)`. It starts with the term, never with a sign, so a
/// spreadsheet never reads it as a formula. Each weight is the one [`tally`] adds, in
/// thousandths, written with as many decimals as it needs (one at least): the weights of
/// a row add up to its `coop` and `conflict`, where one decimal rounded 1.25 and 3.75
/// different ways (ties to even) and hid the rest.
pub fn evidence(text: &str, hits: &[Hit]) -> String {
    // Room for a hit's usual entry ("agreement(+2.0: ×1.20 by repeat)"): grown from empty,
    // the text was moved one and a half times for each sentence with a hit.
    let mut out = String::with_capacity(32 * hits.len());
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        crate::span::collapse_whitespace_into(&mut out, hit.span.of(text));
        out.push('(');
        out.push(hit.polarity.sign());
        push_weight(&mut out, Milli::from_f64(hit.weight()));
        for (k, rule) in hit.rules.iter().enumerate() {
            out.push_str(if k == 0 { ": " } else { ", " });
            rule.push_to(&mut out);
        }
        out.push(')');
    }
    out
}

/// Appends a weight in thousandths with one to three decimals, as few as show it exactly:
/// 9000 as "9.0", 1250 as "1.25", 3375 as "3.375".
fn push_weight(out: &mut String, weight: Milli) {
    let mut buf = [0; _];
    let text = crate::metrics::scaled_text(&mut buf, weight.0, 3);
    let keep = text.trim_end_matches('0');
    // "9." → "9.0": at least one decimal, as before.
    let keep = &text[..keep.len().max(text.len() - 2)];
    out.push_str(keep);
}

#[cfg(test)]
mod tests;
