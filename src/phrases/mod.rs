//! Stage 4c: repeated word n-grams, scored for association.
//!
//! Within each sentence, every run of 2 to `max_n` word tokens not broken by punctuation,
//! with no stop word at either edge, is counted under its case-folded form; the surface
//! form seen most often is what the user is shown. A phrase ends on a possessive only as
//! on a name's, which it reads as the name (see [`reads_as_possessor`]): "South Africa's
//! policy" holds an occurrence of "South Africa". Listed phrases are:
//! - **repeated**: seen at least `min_count` times in the corpus;
//! - **closed**: a phrase whose every occurrence, or all but a twentieth, sits inside one
//!   longer listed phrase is dropped in favour of the longer one;
//! - **scored** by a one-cell log-likelihood ratio, `2·c·ln(c / E)` with
//!   `E = N · Π (count(wᵢ) / N)` the count expected if the words were independent, so
//!   "economic sanctions" ranks above "last year".
//!
//! For speed and memory, n-grams are keyed by a 64-bit hash of their words' hashes (no
//! string per occurrence), and a phrase's text is copied out of its document only once it
//! has been seen twice. When the corpus table holds more than
//! [`PhraseOptions::max_phrases`] phrases, the rarest are dropped (lossy counting) and the
//! run says its counts are approximate.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::index::{Index, prefetch};
use crate::metrics::earliest;
use crate::span::{Span, collapse_whitespace_cow};
use crate::tokenize::{Normalizer, TermCounts, TermId, Token, TokenKind, word_hashes};

/// Shortest phrase length counted.
pub const MIN_N: usize = 2;
/// Distinct phrases kept by default, per document and per corpus, before the rarest are
/// pruned (some 50 bytes for a phrase seen once, its record and its share of the index;
/// about 200 with its text and example once seen twice).
pub const MAX_PHRASES: usize = 1 << 19;

/// How phrases are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PhraseOptions {
    /// Longest phrase, in words (2–6 by default).
    pub max_n: usize,
    /// Fewest occurrences in the corpus for a phrase to be listed.
    pub min_count: u64,
    /// Distinct phrases held before the rarest are pruned ([`MAX_PHRASES`] by default).
    /// Below it counts are exact, and so identical however the corpus is sharded; a user
    /// whose corpus prunes trades memory for exactness by raising it.
    pub max_phrases: usize,
    /// Whether phrases are counted at all. Counting them is about a third of a run on a
    /// large corpus (BENCHMARKS.md), so a user who needs only tone and entities can leave
    /// them out: no phrase is then listed, in `phrases.csv` or per section.
    pub enabled: bool,
}

impl Default for PhraseOptions {
    fn default() -> Self {
        PhraseOptions {
            max_n: 6,
            min_count: 2,
            max_phrases: MAX_PHRASES,
            enabled: true,
        }
    }
}

/// Extends an n-gram hash by one word hash.
fn extend(gram: u64, word: u64) -> u64 {
    let x = (gram.rotate_left(27) ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 31)
}

/// One surface form of a phrase in one document: its hash, count and first span. Fields
/// are 32-bit because a document table holds several entries per token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Variant {
    hash: u64,
    count: u32,
    start: u32,
    end: u32,
}

impl Variant {
    fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

/// A phrase's counts within one document (32-bit: documents are read whole into memory,
/// far below 4 GiB).
#[derive(Debug, Clone, Default)]
struct DocGram {
    hash: u64,
    count: u32,
    n: u8,
    sections: u32,
    last_section: u32,
    section_count: u32,
    sentence: u32,
    /// The first two surface forms (a third is counted under the phrase only).
    variants: [Variant; 2],
}

/// Counts the phrases of one document at a time. A worker keeps one and reuses its tables,
/// so that each document does not grow fresh hash tables.
///
/// The phrases are kept in the order first seen, and the hash table holds only their
/// positions: a table of whole [`DocGram`]s was five times larger, and once a long
/// document had grown it, every later document's phrases were strewn across it, so that
/// each occurrence missed the cache (half of this stage's time). The table's lookups are
/// prefetched a run of words at a time (see [`Index`]).
#[derive(Debug, Clone, Default)]
pub struct PhraseCounter {
    index: Index<u64, u32>,
    grams: Vec<DocGram>,
    words: FxHashMap<u64, u64>,
    tokens: u64,
    /// (section, phrase, count) for phrases repeated within a section they have left.
    section_repeats: Vec<(u32, u64, u32)>,
    pruned_below: u64,
    undercount: u64,
    /// The current run of words, reused.
    run: Vec<RunWord>,
    /// The current run's phrases, reused.
    found: Vec<Found>,
    /// A spent document's vectors, emptied, to hand over the next document in (see
    /// [`PhraseCounter::recycle`]).
    spare: DocPhrases,
}

/// What counting needs of one word of a run between punctuation marks.
#[derive(Debug, Clone, Copy)]
struct RunWord {
    hash: u64,
    surface: u64,
    span: Span,
    term: TermId,
    /// Whether a phrase may start with it (a word, not a stop word).
    starts: bool,
    /// Whether a phrase may end with it: one that may start one, and no possessive but one
    /// read as its possessor ([`RunWord::ends_as_possessor`]).
    ends: bool,
    possessive: bool,
    /// Whether a phrase ending on it reads it as its possessor (see [`reads_as_possessor`]).
    ends_as_possessor: bool,
}

impl RunWord {
    fn of(token: &Token, norm: &Normalizer) -> RunWord {
        let info = norm.info(token.term);
        let starts = token.kind == TokenKind::Word && !info.stop;
        RunWord {
            hash: info.hash,
            surface: info.surface_hash,
            span: token.span,
            term: token.term,
            starts,
            ends: starts && !info.possessive,
            possessive: info.possessive,
            ends_as_possessor: false,
        }
    }
}

/// Whether a phrase ending on a possessive reads it as the word it is the possessive of,
/// or may not end there. The possessive of a name of two capitalised words or more, not
/// followed by another capitalised word, is read as the name: "South Africa's policy"
/// holds "South Africa", the name counted whole where it was "South Africa's" waiting for
/// its noun. The others are left as they are: "my country's gratitude" holds no phrase
/// "my country", "condemned Russia's invasion" none "condemned Russia" (a one-word name's
/// phrase is the words before it), "Mongolian People's Republic" none "Mongolian People".
/// Each argument says whether that word, the one before, the possessive or the one after
/// in the run, is a capitalised word (a word that may start a phrase, not written in
/// lower case); there is none before or after at the run's edges.
fn reads_as_possessor(before: bool, possessive: bool, after: bool) -> bool {
    before && possessive && !after
}

/// One occurrence of a phrase in a run of words, to be counted.
#[derive(Debug, Clone, Copy)]
struct Found {
    gram: u64,
    surface: u64,
    span: Span,
    /// Words.
    n: u8,
}

/// Phrases of a run of words listed before they are counted, at most (about 160 KB).
const FOUND_AT_ONCE: usize = 4096;

/// Most entries a recycled phrase or word vector may have room for (some 5 MB of phrases).
const RECYCLED_MOST: usize = 1 << 16;

/// The phrases of one finished document, compact, ready to be added to the corpus.
#[derive(Debug, Clone, Default)]
pub struct DocPhrases {
    grams: Vec<DocGram>,
    words: Vec<(u64, u64)>,
    tokens: u64,
    pruned_below: u64,
    undercount: u64,
}

/// Bytes of text per distinct phrase of a document, about: 0.78 a word on the 10 MB
/// benchmark corpus (from 0.48 to 1.53 by document), some 6 bytes a word.
const BYTES_PER_PHRASE: usize = 8;

impl PhraseCounter {
    /// Makes room at once for the phrases of a document of `bytes` bytes, before its first
    /// sentence: grown by doubling, the table moved every phrase at each step.
    pub fn expect_document(&mut self, bytes: usize, opts: &PhraseOptions) {
        (self.index).make_room_for((bytes / BYTES_PER_PHRASE).min(opts.max_phrases));
    }

    /// Hands over the current document's counts and starts afresh. The tables keep room
    /// for a document like this one, and no more (see [`PhraseCounter`]).
    pub fn finish(&mut self) -> DocPhrases {
        self.section_repeats.clear();
        let grams = self.grams.len();
        self.index.clear_keeping_room_for(grams);
        let mut words = std::mem::take(&mut self.spare.words);
        words.extend(self.words.drain());
        self.words.shrink_to(words.len());
        let mut next = std::mem::take(&mut self.spare.grams);
        next.reserve(grams);
        DocPhrases {
            grams: std::mem::replace(&mut self.grams, next),
            words,
            tokens: std::mem::take(&mut self.tokens),
            pruned_below: std::mem::take(&mut self.pruned_below),
            undercount: std::mem::take(&mut self.undercount),
        }
    }

    /// Takes back a document's phrases once added to the corpus
    /// ([`PhraseCounts::absorb`] empties them), to hand the next document over in their
    /// memory. Every document's phrases in fresh memory cost the kernel a page zeroed
    /// for every 4 KiB of them, 5% of a run.
    ///
    /// Vectors larger than [`RECYCLED_MOST`] are dropped, so that one long document does
    /// not keep its room circulating for the rest of the run.
    pub fn recycle(&mut self, mut spent: DocPhrases) {
        spent.grams.clear();
        spent.words.clear();
        let fits = |cap: usize, spare: usize| cap > spare && cap <= RECYCLED_MOST;
        if fits(spent.grams.capacity(), self.spare.grams.capacity()) {
            self.spare.grams = spent.grams;
        }
        if fits(spent.words.capacity(), self.spare.words.capacity()) {
            self.spare.words = spent.words;
        }
    }

    /// Takes the document's word counts, which phrases are scored against: once per
    /// document, after its last sentence and before [`PhraseCounter::top_per_section`].
    pub fn add_words(&mut self, terms: &TermCounts, norm: &Normalizer) {
        for (id, count) in terms.iter() {
            // A possessive counts as itself and as its possessor, which a phrase may read
            // it as.
            let count = u64::from(count);
            *self.words.entry(norm.info(id).hash).or_default() += count;
            if let Some(possessor) = norm.possessor(id) {
                *self.words.entry(possessor.hash).or_default() += count;
            }
        }
        self.tokens += terms.tokens();
    }

    /// Counts the n-grams of one sentence, in `section`.
    pub fn add_sentence(
        &mut self,
        tokens: &[Token],
        norm: &Normalizer,
        section: usize,
        sentence: usize,
        opts: &PhraseOptions,
    ) {
        for run in tokens.split(|t| t.kind == TokenKind::Punct) {
            // What the n-grams need of each word, looked up once rather than once for
            // every n-gram the word is part of.
            let mut words = std::mem::take(&mut self.run);
            words.clear();
            let mut possessives = false;
            words.extend(run.iter().map(|t| {
                let word = RunWord::of(t, norm);
                possessives |= word.possessive;
                word
            }));
            if possessives {
                Self::mark_possessors(&mut words, norm);
            }
            // The run's phrases are listed first, each one's bucket fetched as it is listed,
            // and then counted: a long document's table is larger than the cache, and
            // counting each phrase as it was found waited for memory every time.
            for start in 0..words.len() {
                let first = &words[start];
                if !first.starts {
                    continue;
                }
                let (mut gram, mut surface) = (first.hash, first.surface);
                let last = words.len().min(start + opts.max_n);
                for (k, w) in words[start + 1..last].iter().enumerate() {
                    let before = (gram, surface);
                    gram = extend(gram, w.hash);
                    surface = extend(surface, w.surface);
                    if w.ends {
                        let mut found = Found {
                            gram,
                            surface,
                            span: Span::new(first.span.start, w.span.end),
                            n: (k + 2) as u8,
                        };
                        if w.ends_as_possessor
                            && let Some(p) = norm.possessor(w.term)
                        {
                            found.gram = extend(before.0, p.hash);
                            found.surface = extend(before.1, p.surface_hash);
                            found.span.end -= p.suffix_len as usize;
                        }
                        self.index.prefetch(found.gram);
                        self.found.push(found);
                    }
                }
                // A long run (a page without punctuation) is counted in parts, so that the
                // list stays small.
                if self.found.len() >= FOUND_AT_ONCE {
                    self.add_found(section, sentence);
                }
            }
            self.add_found(section, sentence);
            self.run = words;
        }
        if self.grams.len() > opts.max_phrases {
            let grams = &mut self.grams;
            self.pruned_below = prune(self.pruned_below, opts.max_phrases, |floor| {
                grams.retain(|g| g.count as u64 > floor);
                grams.len()
            });
            self.undercount += self.pruned_below;
            self.index.clear_keeping_room_for(self.grams.len());
            for (i, g) in self.grams.iter().enumerate() {
                self.index.get_or_insert(g.hash, i as u32);
            }
        }
    }

    /// Lets phrases end on the possessives of a run that [`reads_as_possessor`] reads as
    /// their possessors.
    #[cold]
    fn mark_possessors(words: &mut [RunWord], norm: &Normalizer) {
        let capitalised = |w: &RunWord| w.starts && !norm.info(w.term).starts_lower;
        for i in 0..words.len() {
            if !words[i].possessive {
                continue;
            }
            let before = i.checked_sub(1).is_some_and(|b| capitalised(&words[b]));
            let after = words.get(i + 1).is_some_and(capitalised);
            let w = &mut words[i];
            if reads_as_possessor(before, capitalised(w), after) && norm.possessor(w.term).is_some()
            {
                w.ends_as_possessor = true;
                w.ends = w.starts;
            }
        }
    }

    /// Counts the phrases listed in `found`, in order, and empties it.
    fn add_found(&mut self, section: usize, sentence: usize) {
        let mut found = std::mem::take(&mut self.found);
        for f in found.drain(..) {
            self.add(f, section, sentence);
        }
        self.found = found;
    }

    fn add(&mut self, found: Found, section: usize, sentence: usize) {
        let Found {
            gram,
            surface,
            span,
            n,
        } = found;
        let section = section as u32;
        let next = self.grams.len() as u32;
        let (&mut at, new) = self.index.get_or_insert(gram, next);
        if new {
            // Written whole: built from its defaults, then counted, the record was copied
            // through the stack in pieces of other sizes than it was built in, and the
            // processor waited for each copy (a third of this function's time on 1 GB).
            self.grams.push(DocGram {
                hash: gram,
                count: 1,
                n,
                sections: 1,
                last_section: section,
                section_count: 1,
                sentence: sentence as u32,
                variants: [
                    Variant {
                        hash: surface,
                        count: 1,
                        start: span.start as u32,
                        end: span.end as u32,
                    },
                    Variant::default(),
                ],
            });
            return;
        }
        let g = &mut self.grams[at as usize];
        g.count += 1;
        if g.last_section != section {
            if g.section_count >= 2 {
                self.section_repeats
                    .push((g.last_section, gram, g.section_count));
            }
            g.last_section = section;
            g.section_count = 0;
            g.sections += 1;
        }
        g.section_count += 1;
        if let Some(v) = g
            .variants
            .iter_mut()
            .find(|v| v.count == 0 || v.hash == surface)
        {
            if v.count == 0 {
                *v = Variant {
                    hash: surface,
                    count: 0,
                    start: span.start as u32,
                    end: span.end as u32,
                };
            }
            v.count += 1;
        }
    }

    /// For each of `sections` sections, the phrases repeated within it, best scored
    /// first (scored against this document's word counts), at most `top`. They are closed
    /// within the section as the corpus's list is (see [`mostly_inside`]): "New Guinea"
    /// seen only inside "Papua New Guinea" does not take one of the few places.
    pub fn top_per_section(
        &self,
        text: &str,
        sections: usize,
        top: usize,
    ) -> Vec<Vec<(String, u64)>> {
        let earlier = (self.section_repeats.iter()).filter_map(|&(s, gram, c)| {
            let at = self.index.get(gram)?;
            Some((s, &self.grams[at as usize], c))
        });
        let current = (self.grams.iter())
            .filter(|g| g.section_count >= 2)
            .map(|g| (g.last_section, g, g.section_count));
        // Each phrase's text is copied only if listed: most are one-spaced already, and a
        // copy of every phrase repeated in a section was a sixth of this function.
        let mut per_section: Vec<Vec<Scored>> = vec![Vec::new(); sections];
        for (s, g, c) in earlier.chain(current) {
            let Some(list) = per_section.get_mut(s as usize) else {
                continue;
            };
            let count = c as u64;
            let leader = g
                .variants
                .iter()
                .rev()
                .max_by_key(|v| v.count)
                .map_or(Span::default(), |v| v.span());
            let text = collapse_whitespace_cow(leader.of(text));
            let words = word_hashes(&text);
            let count_of = |w: u64| self.words.get(&w).copied();
            let score = association(&words, count, count_of, self.tokens);
            list.push(Scored {
                score,
                text,
                words,
                count,
            });
        }
        per_section
            .into_iter()
            .map(|mut scored| {
                scored.sort_by(|a, b| {
                    b.score
                        .total_cmp(&a.score)
                        .then_with(|| a.text.cmp(&b.text))
                });
                // Closed best first, until `top` are kept: asking only of the few best
                // whether a longer phrase holds them cost 0.1% of a run's instructions,
                // where listing every phrase's inner phrases, as the corpus's list does,
                // cost 0.9%.
                let mut kept = Vec::with_capacity(top);
                for p in &scored {
                    if kept.len() == top {
                        break;
                    }
                    if !scored.iter().any(|longer| p.is_mostly_inside(longer)) {
                        kept.push((p.text.to_string(), p.count));
                    }
                }
                kept
            })
            .collect()
    }
}

/// A phrase repeated within a section, scored.
#[derive(Debug, Clone)]
struct Scored<'a> {
    score: f64,
    text: Cow<'a, str>,
    words: Vec<u64>,
    count: u64,
}

impl Scored<'_> {
    /// Whether all but a few of this phrase's occurrences in the section sit inside
    /// `longer` (see [`mostly_inside`]).
    fn is_mostly_inside(&self, longer: &Scored) -> bool {
        longer.words.len() > self.words.len()
            && mostly_inside(self.count, longer.count)
            && (longer.words.windows(self.words.len())).any(|w| w == self.words)
    }
}

/// Drops entries whose count is at most a rising floor, from `floor` on, until at most
/// half of `limit` remain; `keep_above(floor)` drops them and says how many are left.
/// Returns the highest floor used.
fn prune(mut floor: u64, limit: usize, mut keep_above: impl FnMut(u64) -> usize) -> u64 {
    floor = floor.max(1);
    loop {
        if keep_above(floor) <= limit / 2 {
            return floor;
        }
        floor += 1;
    }
}

/// One surface form of a phrase in the corpus: its hash, its count, and where it was
/// first seen (document ordinal in corpus order, byte offset), which breaks ties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Surface {
    hash: u64,
    count: u64,
    doc: u32,
    start: u32,
}

impl Surface {
    /// The most frequent surface is shown; of equal counts, the one first seen latest.
    /// This order does not depend on the order documents are added in, and the text of
    /// the leader is always at hand in a single pass: a surface can only take the lead in
    /// the document being added (see [`PhraseCounts::absorb`]).
    fn rank(&self) -> (u64, u32, u32) {
        (self.count, self.doc, self.start)
    }

    /// Adds the occurrences of `s`, the same surface (or this one's first, if this one is
    /// still empty): the first seen is kept.
    fn count_in(&mut self, s: Surface) {
        if self.count == 0 {
            *self = s;
        } else {
            self.count += s.count;
            (self.doc, self.start) = (self.doc, self.start).min((s.doc, s.start));
        }
    }
}

/// Every surface form of a phrase: two inline (almost every phrase has one or two), the
/// rest behind a pointer that is null until needed (a vector inline took 16 bytes more of
/// every [`Gram`]). Keeping them all makes the counts independent of the order documents
/// and shards are added in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Surfaces {
    first: [Surface; 2],
    // A boxed vector is one word in the Gram where the vector is three; it is allocated
    // for the rare phrase with more than two surfaces.
    #[allow(clippy::box_collection)]
    more: Option<Box<Vec<Surface>>>,
}

impl Surfaces {
    fn iter(&self) -> impl Iterator<Item = &Surface> {
        let more = self.more.iter().flat_map(|more| more.iter());
        self.first.iter().filter(|s| s.count > 0).chain(more)
    }

    /// Counts `s` (whose count is not zero), keeping the leader first: adding a surface
    /// only raises its rank, so the leader can only change to the surface added. Finding
    /// the leader among every surface, for every phrase of every document added, cost
    /// one cache miss for a phrase with more than two (1.4% of a run on 1 GB).
    fn add(&mut self, s: Surface) {
        let matches = |v: &Surface| v.count == 0 || v.hash == s.hash;
        let [lead, second] = &mut self.first;
        if matches(lead) {
            lead.count_in(s);
            return;
        }
        let slot = if matches(second) {
            second
        } else {
            let more = self.more.get_or_insert_default();
            match more.iter().position(matches) {
                Some(at) => &mut more[at],
                // A new surface is pushed empty and counted in below, as found ones are.
                None => {
                    more.push(Surface { count: 0, ..s });
                    more.last_mut().expect("just pushed")
                }
            }
        };
        slot.count_in(s);
        if slot.rank() > lead.rank() {
            std::mem::swap(slot, lead);
        }
    }

    /// The most frequent surface (see [`Surface::rank`]).
    fn leader(&self) -> Option<&Surface> {
        Some(&self.first[0]).filter(|s| s.count > 0)
    }
}

/// A phrase's counts in the corpus; they merge by summing.
///
/// 128 bytes, two cache lines (it was 152, three or four): the corpus table holds hundreds
/// of thousands. The example's sentence is apart from its document so that it shares the
/// padding of `n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gram {
    /// Occurrences.
    pub count: u64,
    /// Documents it occurs in.
    pub documents: u64,
    /// Sections it occurs in.
    pub sections: u64,
    /// Number of words.
    pub n: u8,
    /// The document of the earliest occurrence in corpus order (see [`Gram::example`]).
    example_doc: Option<Arc<str>>,
    example_sentence: u32,
    surfaces: Surfaces,
    /// The text of the leading surface form, once the phrase has been seen twice.
    text: Option<(u64, Box<str>)>,
}

impl Gram {
    /// The surface form shown to users, if known.
    pub fn text(&self) -> Option<&str> {
        self.text.as_ref().map(|(_, t)| &**t)
    }

    /// The earliest occurrence in corpus order: document id and sentence index.
    pub fn example(&self) -> Option<(&str, usize)> {
        let doc = self.example_doc.as_deref()?;
        Some((doc, self.example_sentence as usize))
    }

    fn set_example(&mut self, example: Option<(Arc<str>, u32)>) {
        (self.example_doc, self.example_sentence) = match example {
            Some((doc, sentence)) => (Some(doc), sentence),
            None => (None, 0),
        };
    }

    fn take_example(&mut self) -> Option<(Arc<str>, u32)> {
        Some((self.example_doc.take()?, self.example_sentence))
    }

    fn leader(&self) -> u64 {
        self.surfaces.leader().map_or(0, |s| s.hash)
    }

    fn merge(&mut self, mut other: Gram) {
        self.count += other.count;
        self.documents += other.documents;
        self.sections += other.sections;
        self.n = other.n;
        for s in other.surfaces.iter() {
            self.surfaces.add(*s);
        }
        let example = earliest(self.take_example(), other.take_example());
        self.set_example(example);
    }
}

/// A phrase as listed in `phrases.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeated<'a> {
    /// Its counts.
    pub gram: &'a Gram,
    /// Its text.
    pub text: &'a str,
    /// Association score (log-likelihood ratio against independence).
    pub score: f64,
}

/// A phrase seen once so far: all that its [`Gram`] would hold (count, documents and
/// sections are 1), in a sixth of the room. Most phrases of a large corpus are seen once,
/// and writing a whole `Gram` for each was most of the cost of adding a document.
#[derive(Debug, Clone, Copy)]
struct Once {
    surface: u64,
    /// The document's ordinal (see [`PhraseCounts::absorb`]).
    doc: u32,
    start: u32,
    sentence: u32,
    n: u8,
}

impl Once {
    /// The `Gram` this phrase stands for; `docs` are the document ids by ordinal.
    fn gram(&self, docs: &FxHashMap<u32, Arc<str>>) -> Gram {
        let mut gram = Gram {
            count: 1,
            documents: 1,
            sections: 1,
            n: self.n,
            example_doc: Some(docs[&self.doc].clone()),
            example_sentence: self.sentence,
            ..Gram::default()
        };
        gram.surfaces.add(Surface {
            hash: self.surface,
            count: 1,
            doc: self.doc,
            start: self.start,
        });
        gram
    }
}

/// Where a phrase's counts are: at `i` in the table's [`Once`] records while it has been
/// seen once, else at `i` in its vector of [`Gram`]s. The index holds it as 32 bits
/// ([`Place::bits`]): a bucket of plain integers is allocated zeroed, with no pass writing
/// it empty as the index grows.
#[derive(Debug, Clone, Copy)]
enum Place {
    Once(usize),
    Full(usize),
}

/// The bit of a place's [`Place::bits`] that says the phrase was seen once.
const ONCE: u32 = 1 << 31;

impl Place {
    /// The place as the index holds it.
    fn bits(self) -> u32 {
        let (i, once) = match self {
            Place::Once(i) => (i, ONCE),
            Place::Full(i) => (i, 0),
        };
        assert!(i < ONCE as usize, "phrase table past 2^31 entries");
        once | i as u32
    }

    /// The place the index holds as `bits`.
    fn of(bits: u32) -> Place {
        match bits & ONCE {
            0 => Place::Full(bits as usize),
            _ => Place::Once((bits & !ONCE) as usize),
        }
    }
}

/// The corpus's phrases by hash: the index maps each to its [`Place`] in 32 bits, and the
/// phrases themselves are in vectors in the order they came, those seen once as [`Once`]
/// records and the others as `Gram`s (their keys in a vector apart). Vectors are written
/// one entry after the other, so memory reserved for the largest table is touched only as
/// far as it is used; the index stays small (16 bytes a bucket; with the records inline
/// it was 40) and its lookups are prefetched (see [`Index`]).
#[derive(Debug, Clone, Default)]
struct Table {
    /// Each phrase's [`Place::bits`].
    index: Index<u64, u32>,
    /// Phrases seen once; those since seen again stay here, unused, until the next prune.
    once: Vec<Once>,
    full: Vec<Gram>,
    /// The hash of each of `full`, apart: a prune files every key again, and read from
    /// beside its `Gram` each took a cache line of its own (a prune read 40 MB on 1 GB).
    keys: Vec<u64>,
    /// The ids of the documents phrases seen once come from, by ordinal.
    docs: FxHashMap<u32, Arc<str>>,
    /// The ordinal last put in `docs`: a document's phrases come together, and looking
    /// its id up for each of them was a hash lookup per new phrase.
    last_doc: Option<u32>,
}

impl Table {
    /// Reserves room for `n` phrases (address space only until used), so that the table
    /// is not copied as it grows to its largest. The index grows by doubling instead: its
    /// buckets are written when allocated, and 16 MB of them written before the first
    /// document took 5.6 ms that no other thread shares (on 10 MB; the doubling is done
    /// beside the other threads' analysis) and doubled the start-up time of a one-document
    /// run.
    fn reserve_largest(&mut self, n: usize) {
        self.once.reserve_exact(n);
        self.reserve(n);
    }

    /// Reserves room for `n` more `Gram`s, and no more: the table is large.
    fn reserve(&mut self, n: usize) {
        self.full.reserve_exact(n);
        self.keys.reserve_exact(n);
    }

    /// Records a phrase seen once, in document `doc_id`, unless it is already known:
    /// returns whether it was new.
    fn insert_once(&mut self, key: u64, once: Once, doc_id: &Arc<str>) -> bool {
        let (_, new) = self
            .index
            .get_or_insert(key, Place::Once(self.once.len()).bits());
        if new {
            self.once.push(once);
            if self.last_doc != Some(once.doc) {
                self.docs.entry(once.doc).or_insert_with(|| doc_id.clone());
                self.last_doc = Some(once.doc);
            }
        }
        new
    }

    /// The `Gram` for `key`: a default one if new, the one a phrase seen once stands for
    /// if it was.
    fn entry(&mut self, key: u64) -> &mut Gram {
        let next = self.full.len();
        let (bits, _) = self.index.get_or_insert(key, Place::Full(next).bits());
        let gram = match Place::of(*bits) {
            Place::Full(i) if i < next => return &mut self.full[i],
            // Just put in by `or_insert`: a new phrase.
            Place::Full(_) => Gram::default(),
            Place::Once(i) => {
                *bits = Place::Full(next).bits();
                self.once[i].gram(&self.docs)
            }
        };
        self.full.push(gram);
        self.keys.push(key);
        &mut self.full[next]
    }

    /// The `Gram` of a phrase seen at least twice.
    fn get(&self, key: &u64) -> Option<&Gram> {
        match Place::of(self.index.get(*key)?) {
            Place::Full(i) => Some(&self.full[i]),
            Place::Once(_) => None,
        }
    }

    /// See [`Index::prefetch`].
    fn prefetch(&self, key: u64) {
        self.index.prefetch(key);
    }

    /// Asks the processor to fetch the record of `key`, whose bucket should be in the
    /// cache already ([`Table::prefetch`], some phrases before): the records are larger
    /// than the cache too, and reading one was the longest wait of adding a document.
    fn prefetch_record(&self, key: u64) {
        match self.index.get(key).map(Place::of) {
            Some(Place::Full(i)) => prefetch(&self.full[i]),
            Some(Place::Once(i)) => prefetch(&self.once[i]),
            None => {}
        }
    }

    fn contains_key(&self, key: &u64) -> bool {
        self.index.get(*key).is_some()
    }

    /// Keeps the phrases seen more than `floor` times (at least 1: those seen once go).
    fn retain_above(&mut self, floor: u64) {
        debug_assert!(floor >= 1);
        // Absorbing documents, a phrase gets a `Gram` only once seen twice, so the lowest
        // floor drops only the records of those seen once, and the pass over every `Gram`
        // (a sixth of a prune) is not needed. (A merge of partial tables may file a phrase
        // seen once as a `Gram`, but a merge does not prune.)
        debug_assert!(self.full.iter().all(|g| g.count >= 2));
        if floor >= 2 {
            let mut keep = self.full.iter().map(|g| g.count > floor);
            self.keys.retain(|_| keep.next() == Some(true));
            self.full.retain(|g| g.count > floor);
        }
        self.index.clear();
        self.once.clear();
        self.docs.clear();
        self.last_doc = None;
        // The keys are filed again as they are added to the corpus, their buckets fetched
        // ahead: the index is larger than the cache.
        for (i, &key) in self.keys.iter().enumerate() {
            if let Some(&ahead) = self.keys.get(i + PREFETCH_AHEAD) {
                self.index.prefetch(ahead);
            }
            self.index.get_or_insert(key, Place::Full(i).bits());
        }
    }

    /// Phrases held, seen once or more.
    fn len(&self) -> usize {
        self.index.len()
    }

    fn is_empty(&self) -> bool {
        self.index.len() == 0
    }

    /// The phrases seen at least twice.
    fn iter(&self) -> impl Iterator<Item = (&u64, &Gram)> {
        self.keys.iter().zip(&self.full)
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = (&u64, &mut Gram)> {
        self.keys.iter().zip(&mut self.full)
    }

    /// Every phrase's hash and count, those seen once included.
    #[cfg(test)]
    fn counts(&self) -> impl Iterator<Item = (u64, u64)> {
        self.index.iter().map(|(key, bits)| match Place::of(bits) {
            Place::Once(_) => (key, 1),
            Place::Full(i) => (key, self.full[i].count),
        })
    }

    /// Every phrase with its `Gram`, those seen once included.
    fn into_grams(mut self) -> impl Iterator<Item = (u64, Gram)> {
        let once: Vec<(u64, Gram)> = (self.index.iter())
            .filter_map(|(key, bits)| match Place::of(bits) {
                Place::Once(i) => Some((key, self.once[i].gram(&self.docs))),
                Place::Full(_) => None,
            })
            .collect();
        let full = std::mem::take(&mut self.keys).into_iter();
        full.zip(std::mem::take(&mut self.full)).chain(once)
    }
}

/// How many phrases ahead of the one being added to the corpus table its bucket is
/// fetched: about as many cache misses as a core keeps going at once.
const PREFETCH_AHEAD: usize = 8;

/// The corpus's phrase table, with the word counts its scores need.
#[derive(Debug, Clone, Default)]
pub struct PhraseCounts {
    grams: Table,
    /// Each word's count, by hash: larger than the cache on a large corpus, so an index
    /// whose lookups are prefetched (a hash map's were a tenth of adding a document).
    words: Index<u64, u64>,
    tokens: u64,
    /// Highest count ever pruned away (0: counts are exact).
    pub pruned_below: u64,
    /// The most occurrences any phrase may have lost to pruning: a phrase is dropped at
    /// most once per pruning, having been seen at most that pruning's floor times since
    /// it was last dropped, so this is the sum of the floors, over documents and shards.
    pub undercount: u64,
    /// A partial result, to be merged with others: the text of every surface form of
    /// every phrase is kept (in `texts`), as any of them may lead once merged.
    pub partial: bool,
    texts: FxHashMap<(u64, u64), Box<str>>,
    /// The last document absorbed, and whether every document so far came after the one
    /// before: then a phrase's first example is its earliest, with no comparison per
    /// phrase (comparing document ids per phrase was 4% of a run).
    last_doc: Option<Arc<str>>,
    out_of_order: bool,
}

impl PhraseCounts {
    /// Adds a finished document's phrases, leaving `doc` empty (its memory can be given
    /// back with [`PhraseCounter::recycle`]); `ordinal` is the document's place in corpus
    /// order and `text` its text, from which the text of phrases seen at least twice is
    /// copied. The table is pruned past `opts.max_phrases`.
    pub fn absorb(
        &mut self,
        doc: &mut DocPhrases,
        doc_id: &Arc<str>,
        ordinal: u32,
        text: &str,
        opts: &PhraseOptions,
    ) {
        // Room for the largest table (pruned when over `max_phrases` after a document)
        // and a document's new phrases, so that it is not copied as it grows.
        if self.grams.is_empty() {
            self.grams
                .reserve_largest(opts.max_phrases + opts.max_phrases / 4);
        }
        self.grams.reserve(doc.grams.len());
        self.tokens += doc.tokens;
        self.pruned_below = self.pruned_below.max(doc.pruned_below);
        self.undercount += doc.undercount;
        self.out_of_order |= self.last_doc.as_ref().is_some_and(|last| **last > **doc_id);
        self.last_doc = Some(doc_id.clone());
        for (i, &(w, c)) in doc.words.iter().enumerate() {
            if let Some(&(ahead, _)) = doc.words.get(i + PREFETCH_AHEAD) {
                self.words.prefetch(ahead);
            }
            *self.words.get_or_insert(w, 0).0 += c;
        }
        doc.words.clear();
        for (i, dg) in doc.grams.iter().enumerate() {
            if let Some(ahead) = doc.grams.get(i + 2 * PREFETCH_AHEAD) {
                self.grams.prefetch(ahead.hash);
            }
            if let Some(ahead) = doc.grams.get(i + PREFETCH_AHEAD) {
                self.grams.prefetch_record(ahead.hash);
            }
            let hash = dg.hash;
            let seen = dg.variants.iter().filter(|v| v.count > 0);
            if self.partial {
                for v in seen.clone() {
                    self.texts
                        .entry((hash, v.hash))
                        .or_insert_with(|| v.span().collapsed(text).into());
                }
            }
            if dg.count == 1 {
                let once = Once {
                    surface: dg.variants[0].hash,
                    doc: ordinal,
                    start: dg.variants[0].start,
                    sentence: dg.sentence,
                    n: dg.n,
                };
                if self.grams.insert_once(hash, once, doc_id) {
                    continue;
                }
            }
            let g = self.grams.entry(hash);
            g.count += dg.count as u64;
            g.documents += 1;
            g.sections += dg.sections as u64;
            g.n = dg.n;
            let earlier = g.example().is_some_and(|(d, s)| {
                !self.out_of_order || (d, s) <= (&**doc_id, dg.sentence as usize)
            });
            if !earlier {
                g.set_example(Some((doc_id.clone(), dg.sentence)));
            }
            for v in seen.clone() {
                g.surfaces.add(Surface {
                    hash: v.hash,
                    count: v.count as u64,
                    doc: ordinal,
                    start: v.start,
                });
            }
            if !self.partial && g.count >= 2 {
                // The leader changed only if one of this document's surfaces took the
                // lead, so its text is here.
                let leader = g.leader();
                if g.text.as_ref().is_none_or(|(h, _)| *h != leader)
                    && let Some(v) = seen.clone().find(|v| v.hash == leader)
                {
                    g.text = Some((v.hash, v.span().collapsed(text).into()));
                }
            }
        }
        doc.grams.clear();
        if self.grams.len() > opts.max_phrases {
            self.prune(opts.max_phrases);
        }
    }

    /// Drops the rarest phrases (lossy counting), with their texts, down to half of
    /// `max_phrases`.
    fn prune(&mut self, max_phrases: usize) {
        let grams = &mut self.grams;
        self.pruned_below = prune(self.pruned_below, max_phrases, |floor| {
            grams.retain_above(floor);
            grams.len()
        });
        self.undercount += self.pruned_below;
        if !self.texts.is_empty() {
            let grams = &self.grams;
            self.texts.retain(|(g, _), _| grams.contains_key(g));
        }
    }

    /// Adds another partial table (a shard's). Both must be partial; call
    /// [`PhraseCounts::resolve_texts`] once all are in.
    pub fn merge(&mut self, other: PhraseCounts) {
        self.tokens += other.tokens;
        self.pruned_below = self.pruned_below.max(other.pruned_below);
        self.undercount += other.undercount;
        for (w, c) in other.words.iter() {
            *self.words.get_or_insert(w, 0).0 += c;
        }
        for (hash, g) in other.grams.into_grams() {
            self.grams.entry(hash).merge(g);
        }
        for (key, text) in other.texts {
            self.texts.entry(key).or_insert(text);
        }
        // No pruning here: each partial is already bounded, so a merge of N holds at most
        // N times the bound, and pruning the union would drop phrases no shard dropped.
    }

    /// Ends a merge of partial tables: each phrase seen at least twice takes the text of
    /// its leading surface, as a single run would have, and the other texts are freed.
    pub fn resolve_texts(&mut self) {
        let mut texts = std::mem::take(&mut self.texts);
        for (hash, g) in self.grams.iter_mut().filter(|(_, g)| g.count >= 2) {
            let leader = g.leader();
            g.text = texts.remove(&(*hash, leader)).map(|t| (leader, t));
        }
        self.partial = false;
    }

    /// The listed phrases: repeated at least `min_count` times and closed, best scored
    /// first, then by text.
    pub fn repeated(&self, min_count: u64) -> Vec<Repeated<'_>> {
        // In parallel (on the caller's rayon pool): this runs once the corpus is read,
        // when nothing else can, and on a large corpus it was a tenth of a one-thread run.
        let candidates: Vec<(u64, &Gram, &str)> = self
            .grams
            .iter()
            .filter(|(_, g)| g.count >= min_count)
            .filter_map(|(h, g)| g.text().map(|t| (*h, g, t)))
            .collect();
        let words: Vec<Vec<u64>> = candidates.par_iter().map(|c| word_hashes(c.2)).collect();
        let covered: FxHashSet<u64> = candidates
            .par_iter()
            .zip(&words)
            .flat_map_iter(|((_, g, _), words)| {
                (MIN_N..words.len())
                    .flat_map(move |len| (0..=words.len() - len).map(move |start| (len, start)))
                    .map(|(len, start)| {
                        words[start + 1..start + len]
                            .iter()
                            .fold(words[start], |h, w| extend(h, *w))
                    })
                    .filter(|sub| {
                        self.grams
                            .get(sub)
                            .is_some_and(|s| mostly_inside(s.count, g.count))
                    })
            })
            .collect::<Vec<u64>>()
            .into_iter()
            .collect();
        let mut list: Vec<Repeated> = candidates
            .into_par_iter()
            .zip(words)
            .filter(|((h, ..), _)| !covered.contains(h))
            .map(|((_, gram, text), words)| Repeated {
                gram,
                text,
                score: association(&words, gram.count, |w| self.words.get(w), self.tokens),
            })
            .collect();
        list.par_sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.text.cmp(b.text)));
        list
    }

    /// Distinct phrases in the table.
    pub fn len(&self) -> usize {
        self.grams.len()
    }

    /// True when no phrase was counted.
    pub fn is_empty(&self) -> bool {
        self.grams.is_empty()
    }
}

/// A phrase seen `count` times is left out for a longer listed phrase around it seen
/// `longer` times when at most one occurrence in this many is outside it. Exact closure
/// (every occurrence inside) let truncations through at the top of large corpora's lists:
/// "Charter of the United" 558 times beside "Charter of the United Nations" 555 (the other
/// three wrapped or misspelt), and approximate counts (see [`PhraseCounts`]) rarely agree
/// exactly. Below this many occurrences the closure stays exact.
const OUTSIDE_SHARE: u64 = 20;

/// Whether a phrase seen `count` times sits inside a longer one seen `longer` times for all
/// but a [`OUTSIDE_SHARE`]th of its occurrences.
fn mostly_inside(count: u64, longer: u64) -> bool {
    count.saturating_sub(longer) * OUTSIDE_SHARE <= count
}

/// A phrase table as a shard run stores it (`--shard`): plain lists, in an order fixed by
/// the hashes, so that the same shard gives the same file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredPhrases {
    tokens: u64,
    pruned_below: u64,
    undercount: u64,
    words: Vec<(u64, u64)>,
    grams: Vec<StoredGram>,
}

/// One phrase of a [`StoredPhrases`]. Keys are one letter and surfaces are tuples
/// (hash, count, first document, first offset, text): a shard stores hundreds of thousands.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredGram {
    /// The phrase's hash.
    h: u64,
    /// count, documents, sections.
    c: [u64; 3],
    /// Words.
    n: u8,
    /// The earliest example: doc_id and sentence index.
    e: Option<(String, usize)>,
    /// Surface forms with their text.
    s: Vec<(u64, u64, u32, u32, Box<str>)>,
}

impl StoredPhrases {
    /// Takes the phrases out, leaving the word counts (for the streaming form, which writes
    /// each phrase as a record of its own).
    pub fn take_grams(&mut self) -> Vec<StoredGram> {
        std::mem::take(&mut self.grams)
    }
}

impl StoredGram {
    /// The phrase's hash, its key when records are grouped by phrase.
    pub fn hash(&self) -> u64 {
        self.h
    }
}

impl PhraseCounts {
    /// The table of a partial run, to be written beside its rows (its texts move out).
    pub fn into_stored(mut self) -> StoredPhrases {
        let mut words: Vec<(u64, u64)> = self.words.iter().collect();
        words.sort_unstable();
        let mut grams: Vec<StoredGram> = (self.grams.into_grams())
            .map(|(hash, g)| StoredGram {
                h: hash,
                c: [g.count, g.documents, g.sections],
                n: g.n,
                e: g.example().map(|(d, s)| (d.to_string(), s)),
                s: (g.surfaces.iter())
                    .map(|s| {
                        let text = self.texts.remove(&(hash, s.hash)).unwrap_or_default();
                        (s.hash, s.count, s.doc, s.start, text)
                    })
                    .collect(),
            })
            .collect();
        // By the hash's bits read backwards: an index files a phrase by the hash's top bits,
        // and phrases put in by increasing hash while it grows (read back, or merged) all
        // crowded the front of its buckets, so that a merge took time as the square of the
        // phrases: two shards of ../shared/corpora 30 s at the default --max-phrases, 11
        // minutes at 8,000,000.
        grams.sort_unstable_by_key(|g| g.h.reverse_bits());
        StoredPhrases {
            tokens: self.tokens,
            pruned_below: self.pruned_below,
            undercount: self.undercount,
            words,
            grams,
        }
    }

    /// A partial table read back, ready to [`PhraseCounts::merge`].
    pub fn from_stored(stored: StoredPhrases) -> PhraseCounts {
        let mut counts = PhraseCounts {
            tokens: stored.tokens,
            pruned_below: stored.pruned_below,
            undercount: stored.undercount,
            partial: true,
            ..PhraseCounts::default()
        };
        for (w, c) in stored.words {
            *counts.words.get_or_insert(w, 0).0 += c;
        }
        for g in stored.grams {
            counts.add_stored(g);
        }
        counts
    }

    /// Adds one phrase of another partial table, as [`PhraseCounts::merge`] would.
    pub fn add_stored(&mut self, g: StoredGram) {
        let [count, documents, sections] = g.c;
        let mut gram = Gram {
            count,
            documents,
            sections,
            n: g.n,
            ..Gram::default()
        };
        gram.set_example(g.e.map(|(d, s)| (Arc::from(d), s as u32)));
        for (hash, count, doc, start, text) in g.s {
            gram.surfaces.add(Surface {
                hash,
                count,
                doc,
                start,
            });
            self.texts.entry((g.h, hash)).or_insert(text);
        }
        self.grams.entry(g.h).merge(gram);
    }
}

/// Log-likelihood ratio of seeing a phrase of the words hashed `phrase` `count` times
/// against the count its words would give if independent, with each word's count given by
/// `count_of` (by hash), over `tokens` tokens.
fn association(
    phrase: &[u64],
    count: u64,
    count_of: impl Fn(u64) -> Option<u64>,
    tokens: u64,
) -> f64 {
    let n = tokens.max(1) as f64;
    let log_expected = phrase
        .iter()
        .map(|&w| (count_of(w).unwrap_or(1).max(1) as f64 / n).ln())
        .sum::<f64>()
        + n.ln();
    let c = count as f64;
    2.0 * c * (c.ln() - log_expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts each text as one sentence of its own one-section document, `d0`, `d1` ….
    fn corpus(docs: &[&[&str]]) -> PhraseCounts {
        let ids: Vec<String> = (0..docs.len()).map(|d| format!("d{d}")).collect();
        corpus_named(docs, &ids)
    }

    fn corpus_named(docs: &[&[&str]], ids: &[String]) -> PhraseCounts {
        let mut counts = PhraseCounts::default();
        add_docs(
            &mut counts,
            docs.iter()
                .enumerate()
                .map(|(d, s)| (d, ids[d].as_str(), *s)),
        );
        counts
    }

    /// A run of words longer than one listing of its phrases ([`FOUND_AT_ONCE`]) is
    /// counted whole.
    #[test]
    fn a_long_run_is_counted_whole() {
        let run = "alpha beta gamma delta ".repeat(750);
        let c = corpus(&[&[run.trim_end()]]);
        let count = |phrase: &str| {
            let words = word_hashes(phrase);
            let hash = words[1..].iter().fold(words[0], |h, w| extend(h, *w));
            c.grams.get(&hash).map(|g| g.count)
        };
        assert!(3000 * (PhraseOptions::default().max_n - 1) > 2 * FOUND_AT_ONCE);
        assert_eq!(count("alpha beta"), Some(750));
        assert_eq!(count("delta alpha"), Some(749));
        assert_eq!(count("gamma delta alpha beta gamma"), Some(749));
    }

    /// Counts one document's sentences with `counter`, each on a line of its own in one
    /// section; returns the document's text and phrases.
    fn count_document<S: AsRef<str>>(
        counter: &mut PhraseCounter,
        norm: &mut Normalizer,
        sentences: &[S],
        opts: &PhraseOptions,
    ) -> (String, DocPhrases) {
        let sentences: Vec<&str> = sentences.iter().map(AsRef::as_ref).collect();
        let text = sentences.join("\n");
        let mut at = 0;
        let mut terms = TermCounts::default();
        for (i, s) in sentences.iter().enumerate() {
            let mut tokens = Vec::new();
            norm.tokenize(&text, Span::new(at, at + s.len()), &mut tokens);
            terms.add(&tokens);
            counter.add_sentence(&tokens, norm, 0, i, opts);
            at += s.len() + 1;
        }
        counter.add_words(&terms, norm);
        (text, counter.finish())
    }

    /// Counts each document (ordinal, id, sentences) into `counts`, each sentence on a
    /// line of its own in one section.
    fn add_docs<'a>(
        counts: &mut PhraseCounts,
        docs: impl Iterator<Item = (usize, &'a str, &'a [&'a str])>,
    ) {
        let mut norm = Normalizer::default();
        let opts = PhraseOptions::default();
        for (d, id, sentences) in docs {
            let mut counter = PhraseCounter::default();
            let (text, mut doc) = count_document(&mut counter, &mut norm, sentences, &opts);
            counts.absorb(&mut doc, &Arc::from(id), d as u32, &text, &opts);
        }
    }

    #[test]
    fn a_counter_given_back_its_spent_table_counts_as_a_fresh_one() {
        let docs: [&[&str]; 3] = [
            &[
                "economic sanctions on Russia",
                "new economic sanctions were announced",
            ],
            &["the arms control treaty", "talks on arms control resumed"],
            &[
                "economic sanctions and arms control",
                "arms control, then economic sanctions",
            ],
        ];
        let fresh = corpus(&docs);
        let (mut norm, opts) = (Normalizer::default(), PhraseOptions::default());
        let mut reused = PhraseCounts::default();
        let mut counter = PhraseCounter::default();
        for (d, sentences) in docs.iter().enumerate() {
            let (text, mut doc) = count_document(&mut counter, &mut norm, sentences, &opts);
            reused.absorb(
                &mut doc,
                &Arc::from(format!("d{d}")),
                d as u32,
                &text,
                &opts,
            );
            assert!(
                doc.grams.is_empty() && doc.words.is_empty(),
                "absorb empties"
            );
            counter.recycle(doc);
            assert!(
                counter.spare.grams.capacity() > 0,
                "the spent table is kept"
            );
        }
        let sorted = |c: &PhraseCounts| {
            let mut all: Vec<(u64, u64)> = c.grams.counts().collect();
            all.sort_unstable();
            all
        };
        assert_eq!(sorted(&reused), sorted(&fresh));
        assert_eq!(listed(&reused), listed(&fresh));
        assert_eq!(listed(&fresh), ["arms control", "economic sanctions"]);
    }

    fn listed(c: &PhraseCounts) -> Vec<String> {
        c.repeated(2)
            .iter()
            .map(|r| r.text.to_lowercase())
            .collect()
    }

    /// Counts `docs` documents of made-up words (a phrase in every document, phrases that
    /// recur now and then) holding at most `max_phrases`; returns the table and the exact
    /// count of every phrase.
    fn random_corpus(docs: u32, max_phrases: usize) -> (PhraseCounts, FxHashMap<u64, u64>) {
        let mut state: u64 = 11;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        let word = |mut n: u64| {
            let mut w = String::from("z");
            while n > 0 {
                w.push((b'a' + (n % 26) as u8) as char);
                n /= 26;
            }
            w
        };
        let opts = PhraseOptions {
            max_phrases,
            ..PhraseOptions::default()
        };
        let mut norm = Normalizer::default();
        let mut counts = PhraseCounts::default();
        let mut exact: FxHashMap<u64, u64> = Default::default();
        for d in 0..docs {
            let mut sentences = vec!["Economic sanctions".to_string()];
            for _ in 0..3 {
                let words: Vec<String> = (0..6).map(|_| word(next(40_000))).collect();
                sentences.push(words.join(" "));
            }
            let mut counter = PhraseCounter::default();
            let (text, mut doc) = count_document(&mut counter, &mut norm, &sentences, &opts);
            for g in &doc.grams {
                *exact.entry(g.hash).or_default() += g.count as u64;
            }
            counts.absorb(&mut doc, &Arc::from(format!("d{d:05}")), d, &text, &opts);
        }
        (counts, exact)
    }

    #[test]
    fn pruned_counts_are_low_by_at_most_the_undercount() {
        // Enough distinct phrases to prune the default table twice.
        let (counts, exact) = random_corpus(30_000, MAX_PHRASES);
        assert!(exact.len() > 2 * MAX_PHRASES, "{}", exact.len());
        assert!(counts.pruned_below > 0 && counts.undercount >= counts.pruned_below);
        let mut low = 0;
        for (hash, count) in counts.grams.counts() {
            let truth = exact[&hash];
            assert!(count <= truth && truth - count <= counts.undercount);
            low += u64::from(count < truth);
        }
        assert!(
            low > 0,
            "no count was low: the bound was not put to the test"
        );
        let listed = counts.repeated(2);
        let sanctions = listed
            .iter()
            .find(|r| r.text == "Economic sanctions")
            .unwrap();
        assert_eq!(
            sanctions.gram.count, 30_000,
            "a phrase in every document is never dropped"
        );
    }

    /// The layout the table's speed was measured with (see [`Gram`]).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_gram_takes_two_cache_lines() {
        assert_eq!(std::mem::size_of::<Gram>(), 128);
    }

    /// A prune keeps exactly the phrases seen more often than its floor, each found under
    /// its key: at the lowest floor (only the phrases seen once go) and above it.
    #[test]
    fn a_prune_keeps_the_phrases_seen_more_than_the_floor() {
        let doc: Arc<str> = Arc::from("d");
        let once = Once {
            surface: 1,
            doc: 0,
            start: 0,
            sentence: 0,
            n: 2,
        };
        let count = |key: u64| 2 + key % 4;
        for floor in 1..=3 {
            let mut table = Table::default();
            for key in 1..=50 {
                table.insert_once(key, once, &doc);
            }
            for key in 51..=100 {
                table.entry(key).count = count(key);
            }
            table.retain_above(floor);
            let mut kept: Vec<(u64, u64)> = table.counts().collect();
            kept.sort_unstable();
            let expected: Vec<(u64, u64)> = (51..=100)
                .map(|key| (key, count(key)))
                .filter(|&(_, c)| c > floor)
                .collect();
            assert_eq!(kept, expected, "floor {floor}");
            for (key, c) in expected {
                assert_eq!(table.get(&key).map(|g| g.count), Some(c), "floor {floor}");
            }
        }
    }

    #[test]
    fn a_table_large_enough_counts_exactly_and_a_small_one_prunes() {
        let (small, exact) = random_corpus(2_000, 10_000);
        assert!(exact.len() > 20_000, "{}", exact.len());
        assert!(small.pruned_below > 0 && small.len() < exact.len());
        let (large, exact) = random_corpus(2_000, exact.len());
        assert_eq!((large.pruned_below, large.undercount), (0, 0));
        assert_eq!(large.grams.len(), exact.len());
        for (hash, count) in large.grams.counts() {
            assert_eq!(count, exact[&hash]);
        }
    }

    #[test]
    fn ngrams_respect_stop_word_edges_and_punctuation() {
        let c = corpus(&[&["The economic sanctions on Russia, economic sanctions again."]]);
        assert_eq!(listed(&c), vec!["economic sanctions"]);
        // economic sanctions, sanctions on russia, economic sanctions on russia ("again" is a
        // stop word, so nothing ends with it).
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn a_names_possessive_is_an_occurrence_of_the_name() {
        // From the UN speeches, where "South Africa's" (90 times) and "General Assembly's"
        // (57) were listed as phrases of their own, their nouns left out, and "Papua New
        // Guinea's" was not counted as "Papua New Guinea".
        let c = corpus(&[&[
            "South Africa's policy was condemned by Papua New Guinea.",
            "We reject South Africa\u{2019}s regime and Russia's aggression.",
            "Russia's aggression continues, and Papua New Guinea's delegation objects.",
        ]]);
        let mut listed = listed(&c);
        listed.sort();
        assert_eq!(
            listed,
            ["papua new guinea", "russia's aggression", "south africa"]
        );
        let counts: Vec<u64> = (c.repeated(2).iter()).map(|r| r.gram.count).collect();
        assert_eq!(counts, [2, 2, 2]);
    }

    #[test]
    fn no_phrase_ends_on_a_possessive_waiting_for_its_noun() {
        // Each was listed in the UN speeches once a name's possessive was read as the
        // name: "express my Government" (9 times), "condemned Russia" (7), "Mongolian
        // People" (52, 44 of them in the state's name).
        let c = corpus(&[&[
            "I express my Government's gratitude to the Mongolian People's Republic.",
            "They condemned Russia's invasion; I express my Government\u{2019}s thanks.",
            "Others condemned Russia's annexation of the Mongolian People's Republic.",
        ]]);
        assert_eq!(listed(&c), ["mongolian people's republic"]);
    }

    #[test]
    fn phrases_inside_a_longer_one_with_the_same_count_are_dropped() {
        let c = corpus(&[&[
            "President Trump took office.",
            "Then President Trump took office again.",
            "President Trump spoke.",
        ]]);
        let keys = listed(&c);
        assert!(
            keys.contains(&"president trump took office".to_string()),
            "{keys:?}"
        );
        assert!(
            keys.contains(&"president trump".to_string()),
            "seen once outside the longer phrase"
        );
        assert!(
            !keys
                .iter()
                .any(|k| k == "trump took office" || k == "took office"),
            "{keys:?}"
        );
    }

    /// A truncation seen a few times on its own beside a frequent longer phrase goes when
    /// no more than a twentieth of its occurrences are outside it; a rarer one only when
    /// none is.
    #[test]
    fn phrases_almost_always_inside_a_longer_one_are_dropped() {
        let listed_with = |inside: usize, outside: usize| {
            let mut sentences = vec!["Charter of the United Nations."; inside];
            sentences.extend(vec!["Charter of the United Kingdom."; outside]);
            listed(&corpus(&[&sentences]))
        };
        let truncation = "charter of the united".to_string();
        let kept = listed_with(19, 1);
        assert!(kept.contains(&"charter of the united nations".to_string()));
        assert!(
            !kept.contains(&truncation),
            "one in twenty outside: {kept:?}"
        );
        assert!(
            listed_with(18, 2).contains(&truncation),
            "two in twenty outside"
        );
        assert!(
            listed_with(18, 1).contains(&truncation),
            "one in nineteen outside"
        );
        assert!(!listed_with(3, 0).contains(&truncation), "none outside");
    }

    #[test]
    fn association_ranks_rare_pairs_above_frequent_words() {
        let c = corpus(&[&[
            "Economic sanctions bite.",
            "Economic sanctions hurt.",
            "Last year was hard last year.",
            "Last year the year was last.",
            "Year after year, last one out.",
        ]]);
        let list = listed(&c);
        let rank = |k: &str| list.iter().position(|r| r == k).unwrap();
        assert!(rank("economic sanctions") < rank("last year"), "{list:?}");
    }

    /// The leader kept first is the surface of highest rank among all of them, whatever
    /// the order surfaces are added in, with more than fit inline.
    #[test]
    fn the_leader_kept_first_is_the_highest_ranked_surface() {
        let s = |hash, count, doc| Surface {
            hash,
            count,
            doc,
            start: 0,
        };
        let adds = [
            s(1, 1, 0),
            s(2, 1, 1),
            s(3, 2, 1),
            s(1, 1, 2),
            s(4, 1, 3),
            s(2, 3, 4),
        ];
        let mut order: Vec<usize> = (0..adds.len()).collect();
        // Every rotation, forwards and backwards.
        for turn in 0..2 * adds.len() {
            if turn == adds.len() {
                order.reverse();
            }
            order.rotate_left(1);
            let mut surfaces = Surfaces::default();
            for &i in &order {
                surfaces.add(adds[i]);
                let best = surfaces.iter().max_by_key(|v| v.rank()).copied();
                assert_eq!(surfaces.leader().copied(), best, "order {order:?}");
            }
            assert_eq!(surfaces.iter().count(), 4);
            assert_eq!(surfaces.leader().map(|l| (l.hash, l.count)), Some((2, 4)));
        }
    }

    #[test]
    fn a_phrase_seen_once_in_each_of_two_documents_is_repeated() {
        let c = corpus(&[
            &["Arms control matters."],
            &["They discussed ARMS CONTROL."],
            &["Arms Control, again."],
        ]);
        let r = c.repeated(2);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].gram.count, r[0].gram.documents), (3, 3));
        assert_eq!(r[0].gram.example(), Some(("d0", 0)));
        // Three surfaces seen once each: the tie goes to the one first seen latest.
        assert_eq!(r[0].text, "Arms Control");
    }

    #[test]
    fn the_most_frequent_surface_leads_though_first_seen_in_a_passed_document() {
        let c = corpus(&[
            &["Arms control matters."],
            &["They discussed ARMS CONTROL."],
            &["Arms control, again."],
            &["Arms Control", "Arms Control, once more."],
        ]);
        assert_eq!(c.repeated(2)[0].text, "Arms Control");
        let c = corpus(&[
            &["Arms control matters."],
            &["They discussed ARMS CONTROL."],
            &["Arms control, again."],
        ]);
        assert_eq!(c.repeated(2)[0].text, "Arms control");
    }

    /// The phrase table of `docs` (with their ordinals) counted as a partial, written
    /// and read back as a shard run does.
    fn stored_partial(docs: &[(usize, &[&str])]) -> PhraseCounts {
        let mut counts = PhraseCounts {
            partial: true,
            ..PhraseCounts::default()
        };
        let ids: Vec<String> = docs.iter().map(|(d, _)| format!("d{d}")).collect();
        add_docs(
            &mut counts,
            docs.iter()
                .zip(&ids)
                .map(|((d, s), id)| (*d, id.as_str(), *s)),
        );
        let json = serde_json::to_string(&counts.into_stored()).unwrap();
        PhraseCounts::from_stored(serde_json::from_str(&json).unwrap())
    }

    fn summary(c: &PhraseCounts) -> Vec<(String, u64, u64, u64, String, String)> {
        c.repeated(2)
            .iter()
            .map(|r| {
                let g = r.gram;
                let example = format!("{:?}", g.example());
                (
                    r.text.to_string(),
                    g.count,
                    g.documents,
                    g.sections,
                    example,
                    format!("{:.9}", r.score),
                )
            })
            .collect()
    }

    #[test]
    fn merged_partials_give_the_single_table_whatever_the_split() {
        let docs: Vec<&[&str]> = vec![
            &[
                "Arms control talks resumed.",
                "The grain corridor stayed open.",
            ],
            &["ARMS CONTROL TALKS failed.", "Economic sanctions bite."],
            &["Arms Control talks again.", "Arms control matters."],
            &["Economic sanctions hurt.", "The Grain Corridor closed."],
            &[
                "economic sanctions remain.",
                "Arms control, grain corridor.",
            ],
            &[
                "Peace talks.",
                "Economic Sanctions lifted.",
                "GRAIN CORRIDOR reopened.",
            ],
            &["The peace talks stalled.", "Arms Control talks ended."],
        ];
        let whole = summary(&corpus(&docs));
        assert!(whole.len() >= 4, "{whole:?}");
        for shards in [1, 2, 3, 7] {
            for rotate in 0..shards {
                let mut merged = PhraseCounts {
                    partial: true,
                    ..PhraseCounts::default()
                };
                for k in 0..shards {
                    let mine: Vec<(usize, &[&str])> = docs
                        .iter()
                        .enumerate()
                        .filter(|(d, _)| (d + rotate) % shards == k)
                        .map(|(d, s)| (d, *s))
                        .collect();
                    merged.merge(stored_partial(&mine));
                }
                merged.resolve_texts();
                assert_eq!(
                    summary(&merged),
                    whole,
                    "{shards} shards, rotation {rotate}"
                );
            }
        }
    }

    #[test]
    fn the_example_is_the_earliest_document_whatever_the_order_absorbed() {
        let docs: &[&[&str]] = &[&["Arms control matters."], &["x", "Arms control again."]];
        for ids in [["a", "b"], ["b", "a"]] {
            let ids = ids.map(String::from);
            let c = corpus_named(docs, &ids);
            let example = c.repeated(2)[0].gram.example().unwrap();
            let expected = if ids[0] == "a" { ("a", 0) } else { ("a", 1) };
            assert_eq!(example, expected, "{ids:?}");
        }
    }

    #[test]
    fn most_frequent_surface_wins() {
        let c = corpus(&[&["grain corridor", "Grain Corridor", "Grain Corridor"]]);
        assert_eq!(c.repeated(2)[0].text, "Grain Corridor");
    }

    /// The top phrases of `text` read as one section.
    fn section_tops(text: &str, top: usize) -> Vec<(String, u64)> {
        let mut norm = Normalizer::default();
        let mut doc = PhraseCounter::default();
        let mut terms = TermCounts::default();
        for (i, s) in crate::segment::split_sentences(text)
            .into_iter()
            .enumerate()
        {
            let mut tokens = Vec::new();
            norm.tokenize(text, s, &mut tokens);
            terms.add(&tokens);
            doc.add_sentence(&tokens, &norm, 0, i, &PhraseOptions::default());
        }
        doc.add_words(&terms, &norm);
        doc.top_per_section(text, 1, top).remove(0)
    }

    #[test]
    fn top_phrases_per_section() {
        let text = "Arms control now. Arms control later. Peace talks once.";
        assert_eq!(section_tops(text, 5), vec![("Arms control".to_string(), 2)]);
    }

    #[test]
    fn a_sections_top_phrases_leave_out_the_parts_of_a_longer_one() {
        // From the 2014 speech of Papua New Guinea to the UN, where "Papua New" and "New
        // Guinea" took two of a section's five places beside "Papua New Guinea".
        let text = "Papua New Guinea welcomes the Summit. Papua New Guinea is a small island \
                    developing State. The people of Papua New Guinea ask for arms control. \
                    We call for arms control talks. Arms control talks must resume.";
        let tops = section_tops(text, 5);
        let phrases: Vec<&str> = tops.iter().map(|(p, _)| p.as_str()).collect();
        assert!(phrases.contains(&"Papua New Guinea"), "{tops:?}");
        assert!(!phrases.contains(&"Papua New"), "{tops:?}");
        assert!(!phrases.contains(&"New Guinea"), "{tops:?}");
        // One "arms control" of three is outside "arms control talks": both stay.
        assert!(phrases.contains(&"arms control talks"), "{tops:?}");
        assert!(phrases.contains(&"arms control"), "{tops:?}");
    }
}
