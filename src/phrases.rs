//! Stage 4c: repeated word n-grams.
//!
//! Within each sentence, every run of 2 to `max_n` word tokens not broken by punctuation,
//! with no stop word at either edge, is counted under its case-folded form. The surface
//! form seen most often is what the user is shown.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::tokenize::{Normalizer, Token, TokenKind};

/// Shortest phrase length counted.
pub const MIN_N: usize = 2;

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

/// Counts of one phrase; sums merge across documents.
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
    /// Surface forms and how often each was seen.
    pub surfaces: BTreeMap<String, u64>,
    /// (section, count) pairs within the current document, for per-section top phrases.
    section_counts: Vec<(usize, u64)>,
}

impl PhraseStat {
    /// The surface form seen most often (ties: the first in sorted order).
    pub fn surface(&self) -> &str {
        let mut best: Option<(&String, u64)> = None;
        for (s, &c) in &self.surfaces {
            if best.is_none_or(|(_, b)| c > b) {
                best = Some((s, c));
            }
        }
        best.map_or("", |(s, _)| s)
    }

    /// Adds another document's or shard's counts.
    pub fn merge(&mut self, other: PhraseStat) {
        self.n = other.n;
        self.count += other.count;
        self.documents += other.documents;
        self.sections += other.sections;
        for (s, c) in other.surfaces {
            *self.surfaces.entry(s).or_default() += c;
        }
    }
}

/// Phrase counts keyed by case-folded phrase.
#[derive(Debug, Clone, Default)]
pub struct PhraseCounts {
    /// The counts.
    pub map: FxHashMap<String, PhraseStat>,
}

impl PhraseCounts {
    /// Counts the n-grams of one sentence, in `section` of the current document.
    pub fn add_sentence(
        &mut self,
        text: &str,
        tokens: &[Token],
        norm: &Normalizer,
        section: usize,
        opts: &PhraseOptions,
    ) {
        let mut key = String::new();
        let mut surface = String::new();
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
                        self.add(&key, &surface, n + 2, section);
                    }
                }
            }
        }
    }

    fn add(&mut self, key: &str, surface: &str, n: usize, section: usize) {
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
        match stat.surfaces.get_mut(surface) {
            Some(c) => *c += 1,
            None => {
                stat.surfaces.insert(surface.to_string(), 1);
            }
        }
    }

    /// Ends a document: fixes its document and section counts, and returns for each
    /// section the phrases repeated within it, most frequent first (at most `top`).
    pub fn finish_document(&mut self, sections: usize, top: usize) -> Vec<Vec<(String, u64)>> {
        let mut per_section: Vec<Vec<(u64, &str, &PhraseStat)>> = vec![Vec::new(); sections];
        for stat in self.map.values_mut() {
            stat.documents = 1;
            stat.sections = stat.section_counts.len() as u64;
        }
        for (key, stat) in &self.map {
            for &(s, c) in &stat.section_counts {
                if c >= 2 && s < sections {
                    per_section[s].push((c, key.as_str(), stat));
                }
            }
        }
        per_section
            .into_iter()
            .map(|mut list| {
                list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
                list.truncate(top);
                list.into_iter()
                    .map(|(c, _, stat)| (stat.surface().to_string(), c))
                    .collect()
            })
            .collect()
    }

    /// Adds a finished document's counts.
    pub fn merge(&mut self, other: PhraseCounts) {
        for (key, mut stat) in other.map {
            stat.section_counts = Vec::new();
            match self.map.get_mut(&key) {
                Some(s) => s.merge(stat),
                None => {
                    self.map.insert(key, stat);
                }
            }
        }
    }

    /// Phrases seen at least `min_count` times, most frequent first, then longest, then by
    /// phrase.
    pub fn repeated(&self, min_count: u64) -> Vec<(&String, &PhraseStat)> {
        let mut list: Vec<_> = self
            .map
            .iter()
            .filter(|(_, s)| s.count >= min_count)
            .collect();
        list.sort_by(|a, b| {
            b.1.count
                .cmp(&a.1.count)
                .then(b.1.n.cmp(&a.1.n))
                .then_with(|| a.0.cmp(b.0))
        });
        list
    }
}

fn edge_ok(token: &Token, norm: &Normalizer) -> bool {
    token.kind == TokenKind::Word && !norm.term(token.term).stop
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn ngrams_respect_stop_word_edges_and_punctuation() {
        let text = "The economic sanctions on Russia, economic sanctions again.";
        let mut norm = Normalizer::default();
        let mut tokens = Vec::new();
        norm.tokenize(text, Span::new(0, text.len()), &mut tokens);
        let mut counts = PhraseCounts::default();
        counts.add_sentence(text, &tokens, &norm, 0, &PhraseOptions::default());
        let tops = counts.finish_document(1, 5);
        let repeated = counts.repeated(2);
        let keys: Vec<&str> = repeated.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec!["economic sanctions"]);
        assert!(counts.map.contains_key("economic sanctions on russia"));
        assert!(!counts.map.contains_key("the economic"));
        assert!(
            !counts.map.contains_key("russia economic"),
            "crosses a comma"
        );
        assert_eq!(tops[0], vec![("economic sanctions".to_string(), 2)]);
    }
}
