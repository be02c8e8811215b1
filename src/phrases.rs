//! Stage 4c: repeated word n-grams, scored for association.
//!
//! Within each sentence, every run of 2 to `max_n` word tokens not broken by punctuation,
//! with no stop word at either edge, is counted under its case-folded form. The surface
//! form seen most often is what the user is shown. Listed phrases are:
//! - **repeated**: seen at least `min_count` times in the corpus;
//! - **closed**: a phrase whose every occurrence sits inside one longer listed phrase (the
//!   two have the same count) is dropped in favour of the longer one;
//! - **scored** by a one-cell log-likelihood ratio, `2·c·ln(c / E)` with
//!   `E = N · Π (count(wᵢ) / N)` the count expected if the words were independent, so
//!   "economic sanctions" ranks above "last year".
//!
//! Memory is bounded: when the table holds more than [`MAX_PHRASES`] distinct phrases,
//! the rarest are dropped (lossy counting) and the result says it is approximate.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::tokenize::{Normalizer, Token, TokenKind};

/// Shortest phrase length counted.
pub const MIN_N: usize = 2;
/// Distinct phrases kept before the rarest are pruned; about 250 bytes each.
pub const MAX_PHRASES: usize = 1 << 20;
/// Surface forms remembered per phrase (the rest are counted under the phrase only).
const MAX_SURFACES: usize = 4;

/// How phrases are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PhraseOptions {
    /// Longest phrase, in words (2–6 by default).
    pub max_n: usize,
    /// Fewest occurrences in the corpus for a phrase to be listed.
    pub min_count: u64,
}

impl Default for PhraseOptions {
    fn default() -> Self {
        PhraseOptions {
            max_n: 6,
            min_count: 2,
        }
    }
}

/// Where a phrase was first seen: document id and sentence index.
pub type Example = (Arc<str>, usize);

/// Counts of one phrase; they merge across documents by summing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhraseStat {
    /// Number of words.
    pub n: usize,
    /// Occurrences.
    pub count: u64,
    /// Documents it occurs in.
    pub documents: u64,
    /// Sections it occurs in.
    pub sections: u64,
    /// Surface forms with their counts (at most a few).
    pub surfaces: Vec<(Box<str>, u64)>,
    /// The earliest occurrence in corpus order.
    pub example: Option<Example>,
    /// (section, count) within the current document, for per-section top phrases.
    section_counts: Vec<(usize, u64)>,
}

impl PhraseStat {
    /// The surface form seen most often (ties: the smallest).
    pub fn surface(&self) -> &str {
        self.surfaces
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map_or("", |(s, _)| s)
    }

    fn add_surface(&mut self, surface: &str, count: u64) {
        if let Some((_, c)) = self.surfaces.iter_mut().find(|(s, _)| &**s == surface) {
            *c += count;
        } else if self.surfaces.len() < MAX_SURFACES {
            self.surfaces.push((surface.into(), count));
        }
    }

    /// Adds another document's or shard's counts.
    pub fn merge(&mut self, other: PhraseStat) {
        self.n = other.n;
        self.count += other.count;
        self.documents += other.documents;
        self.sections += other.sections;
        for (s, c) in other.surfaces {
            self.add_surface(&s, c);
        }
        self.example = match (self.example.take(), other.example) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// A phrase as listed in `phrases.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeated<'a> {
    /// Case-folded key.
    pub key: &'a str,
    /// Its counts.
    pub stat: &'a PhraseStat,
    /// Association score (log-likelihood ratio against independence).
    pub score: f64,
}

/// Phrase counts keyed by case-folded phrase, with the word counts their scores need.
#[derive(Debug, Clone, Default)]
pub struct PhraseCounts {
    /// The counts.
    pub map: FxHashMap<String, PhraseStat>,
    /// Occurrences of each case-folded word.
    pub words: FxHashMap<Box<str>, u64>,
    /// Word and number tokens counted.
    pub tokens: u64,
    /// Highest count ever pruned away (0: counts are exact).
    pub pruned_below: u64,
}

impl PhraseCounts {
    /// Counts the n-grams and words of one sentence of `doc_id`, in `section`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_sentence(
        &mut self,
        text: &str,
        tokens: &[Token],
        norm: &Normalizer,
        doc_id: &Arc<str>,
        section: usize,
        sentence: usize,
        opts: &PhraseOptions,
    ) {
        let mut key = String::new();
        let mut surface = String::new();
        for t in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
            self.tokens += 1;
            let lower = &*norm.term(t.term).lower;
            match self.words.get_mut(lower) {
                Some(c) => *c += 1,
                None => {
                    self.words.insert(lower.into(), 1);
                }
            }
        }
        for run in tokens.split(|t| t.kind == TokenKind::Punct) {
            for start in 0..run.len() {
                if !edge_ok(&run[start], norm) {
                    continue;
                }
                key.clear();
                surface.clear();
                key.push_str(&norm.term(run[start].term).lower);
                surface.push_str(run[start].span.of(text));
                let last = run.len().min(start + opts.max_n);
                for (n, token) in run[start + 1..last].iter().enumerate() {
                    key.push(' ');
                    key.push_str(&norm.term(token.term).lower);
                    surface.push(' ');
                    surface.push_str(token.span.of(text));
                    if edge_ok(token, norm) {
                        self.add(&key, &surface, n + 2, section, (doc_id, sentence));
                    }
                }
            }
        }
        if self.map.len() > MAX_PHRASES {
            self.prune();
        }
    }

    fn add(&mut self, key: &str, surface: &str, n: usize, section: usize, at: (&Arc<str>, usize)) {
        let stat = match self.map.get_mut(key) {
            Some(stat) => stat,
            None => self.map.entry(key.to_string()).or_default(),
        };
        stat.n = n;
        stat.count += 1;
        match stat.section_counts.last_mut() {
            Some((s, c)) if *s == section => *c += 1,
            _ => stat.section_counts.push((section, 1)),
        }
        stat.add_surface(surface, 1);
        if stat.example.is_none() {
            stat.example = Some((at.0.clone(), at.1));
        }
    }

    /// Drops the rarest phrases until the table is at most half full (lossy counting):
    /// a phrase that survives may have lost at most `pruned_below` earlier occurrences.
    fn prune(&mut self) {
        let mut floor = self.pruned_below.max(1);
        while self.map.len() > MAX_PHRASES / 2 {
            self.map.retain(|_, s| s.count > floor);
            self.pruned_below = self.pruned_below.max(floor);
            floor += 1;
        }
    }

    /// Ends a document: fixes its document and section counts, and returns for each
    /// section the phrases repeated within it, best scored first (at most `top`).
    pub fn finish_document(&mut self, sections: usize, top: usize) -> Vec<Vec<(String, u64)>> {
        for stat in self.map.values_mut() {
            stat.documents = 1;
            stat.sections = stat.section_counts.len() as u64;
        }
        let mut per_section: Vec<Vec<(f64, &str, &PhraseStat, u64)>> = vec![Vec::new(); sections];
        for (key, stat) in &self.map {
            for &(s, c) in &stat.section_counts {
                if c >= 2 && s < sections {
                    per_section[s].push((self.score(key, c), key.as_str(), stat, c));
                }
            }
        }
        per_section
            .into_iter()
            .map(|mut list| {
                list.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
                list.truncate(top);
                list.into_iter()
                    .map(|(_, _, stat, c)| (stat.surface().to_string(), c))
                    .collect()
            })
            .collect()
    }

    /// Adds a finished document's (or shard's) counts, pruning if the table grows too big.
    pub fn merge(&mut self, other: PhraseCounts) {
        self.tokens += other.tokens;
        self.pruned_below = self.pruned_below.max(other.pruned_below);
        for (word, c) in other.words {
            *self.words.entry(word).or_default() += c;
        }
        for (key, mut stat) in other.map {
            stat.section_counts = Vec::new();
            match self.map.get_mut(&key) {
                Some(s) => s.merge(stat),
                None => {
                    self.map.insert(key, stat);
                }
            }
        }
        if self.map.len() > MAX_PHRASES {
            self.prune();
        }
    }

    /// Log-likelihood ratio of seeing phrase `key` `count` times against the count its
    /// words would give if independent.
    pub fn score(&self, key: &str, count: u64) -> f64 {
        let n = self.tokens.max(1) as f64;
        let log_expected = key
            .split(' ')
            .map(|w| (self.words.get(w).copied().unwrap_or(1).max(1) as f64 / n).ln())
            .sum::<f64>()
            + n.ln();
        let c = count as f64;
        2.0 * c * (c.ln() - log_expected)
    }

    /// The listed phrases: repeated at least `min_count` times and closed, best scored
    /// first, then by phrase.
    pub fn repeated(&self, min_count: u64) -> Vec<Repeated<'_>> {
        let frequent: FxHashMap<&str, &PhraseStat> = self
            .map
            .iter()
            .filter(|(_, s)| s.count >= min_count)
            .map(|(k, s)| (k.as_str(), s))
            .collect();
        let mut covered: rustc_hash::FxHashSet<&str> = Default::default();
        for (key, stat) in &frequent {
            let words: Vec<&str> = key.split(' ').collect();
            for len in MIN_N..words.len() {
                for start in 0..=words.len() - len {
                    let sub = sub_phrase(key, &words, start, len);
                    if frequent.get(sub).is_some_and(|s| s.count == stat.count) {
                        covered.insert(sub);
                    }
                }
            }
        }
        let mut list: Vec<Repeated> = frequent
            .into_iter()
            .filter(|(k, _)| !covered.contains(k))
            .map(|(key, stat)| Repeated {
                key,
                stat,
                score: self.score(key, stat.count),
            })
            .collect();
        list.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(b.key)));
        list
    }
}

/// The words `start..start + len` of `key` as a slice of it.
fn sub_phrase<'k>(key: &'k str, words: &[&str], start: usize, len: usize) -> &'k str {
    let from: usize = words[..start].iter().map(|w| w.len() + 1).sum();
    let to = from
        + words[start..start + len]
            .iter()
            .map(|w| w.len())
            .sum::<usize>()
        + len
        - 1;
    &key[from..to]
}

fn edge_ok(token: &Token, norm: &Normalizer) -> bool {
    token.kind == TokenKind::Word && !norm.term(token.term).stop
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn count(texts: &[&str]) -> PhraseCounts {
        let mut norm = Normalizer::default();
        let mut counts = PhraseCounts::default();
        let doc: Arc<str> = Arc::from("d");
        for (i, text) in texts.iter().enumerate() {
            let mut tokens = Vec::new();
            norm.tokenize(text, Span::new(0, text.len()), &mut tokens);
            counts.add_sentence(text, &tokens, &norm, &doc, 0, i, &PhraseOptions::default());
        }
        counts
    }

    #[test]
    fn ngrams_respect_stop_word_edges_and_punctuation() {
        let text = "The economic sanctions on Russia, economic sanctions again.";
        let mut counts = count(&[text]);
        let tops = counts.finish_document(1, 5);
        let keys: Vec<&str> = counts.repeated(2).iter().map(|r| r.key).collect();
        assert_eq!(keys, vec!["economic sanctions"]);
        assert!(counts.map.contains_key("economic sanctions on russia"));
        assert!(!counts.map.contains_key("the economic"));
        assert!(
            !counts.map.contains_key("russia economic"),
            "crosses a comma"
        );
        assert_eq!(tops[0], vec![("economic sanctions".to_string(), 2)]);
    }

    #[test]
    fn phrases_inside_a_longer_one_with_the_same_count_are_dropped() {
        let counts = count(&[
            "President Trump took office.",
            "Then President Trump took office again.",
            "President Trump spoke.",
        ]);
        let keys: Vec<&str> = counts.repeated(2).iter().map(|r| r.key).collect();
        assert!(keys.contains(&"president trump took office"));
        assert!(
            keys.contains(&"president trump"),
            "seen once outside the longer phrase"
        );
        assert!(!keys.contains(&"trump took office") && !keys.contains(&"took office"));
    }

    #[test]
    fn association_ranks_rare_pairs_above_frequent_words() {
        let counts = count(&[
            "Economic sanctions bite.",
            "Economic sanctions hurt.",
            "Last year was hard last year.",
            "Last year the year was last.",
            "Year after year, last one out.",
        ]);
        let list = counts.repeated(2);
        let rank = |k: &str| list.iter().position(|r| r.key == k).unwrap();
        assert!(rank("economic sanctions") < rank("last year"), "{list:?}");
    }

    #[test]
    fn merge_sums_and_keeps_the_earliest_example() {
        let mut a = count(&["Arms control talks.", "Arms control now."]);
        let b = count(&["Arms control again."]);
        a.finish_document(1, 5);
        a.merge(b);
        let stat = &a.map["arms control"];
        assert_eq!(stat.count, 3);
        assert_eq!(
            stat.example.as_ref().map(|(d, s)| (&**d, *s)),
            Some(("d", 0))
        );
        assert_eq!(a.pruned_below, 0);
    }
}
