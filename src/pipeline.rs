//! The stages chained for one document, and the corpus-level totals they add up to.
//!
//! [`Analyzer::document`] runs segment → tokenize → tone / entities / phrases on one
//! document and returns a [`DocResult`]: the rows for the per-sentence and per-section
//! files plus the document's share of the corpus totals. [`Totals`] merges those shares;
//! every field is a sum (or a minimum, for examples), so the order of merging never
//! changes the result.

use std::borrow::Cow;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::corpus::Document;
use crate::entities::{
    EntityType, Gazetteer, Mention, Recognizer, Source, WordClasses, is_common_noun,
    lower_case_asked,
};
use crate::metrics::{Counts, ToneCounts, earliest};
use crate::phrases::{DocPhrases, PhraseCounter, PhraseCounts, PhraseOptions};
use crate::segment::{self, Layout};
use crate::span::{Span, collapse_whitespace_cow};
use crate::tokenize::{Normalizer, Stems, TermCounts, Token, TokenKind};
use crate::tone::{self, KeyStarts, Lexicon, Scorer};

/// Entities and phrases listed per section in `sections.csv`.
pub const TOP_PER_SECTION: usize = 5;

/// Read-only resources shared by all workers.
#[derive(Debug)]
pub struct Analyzer {
    /// The tone lexicon and rule words.
    pub lexicon: Lexicon,
    /// The entity gazetteer.
    pub gazetteer: Gazetteer,
    /// Phrase counting options.
    pub phrases: PhraseOptions,
    /// Keep capitalised runs that nothing types as OTHER mentions (`--untyped-names`).
    pub untyped_names: bool,
}

/// Per-thread state: the normalizer's cache and reusable buffers.
#[derive(Default)]
pub struct Worker {
    /// Token normal forms, cached.
    pub normalizer: Normalizer,
    tokens: Vec<Token>,
    terms: TermCounts,
    phrases: PhraseCounter,
    /// What the recognizer learnt of each term, handed from one document's to the next.
    word_classes: WordClasses,
    /// What the tone scorer learnt of each term, handed on likewise.
    key_starts: KeyStarts,
}

impl Worker {
    /// A worker whose normalizer shares `stems` with the other workers of a run.
    pub fn sharing(stems: &Arc<Stems>) -> Worker {
        Worker {
            normalizer: Normalizer::sharing(stems.clone()),
            ..Worker::default()
        }
    }

    /// Takes back a document's phrases once added to the corpus, to count a later
    /// document's in their memory (see [`PhraseCounter::recycle`]).
    pub fn recycle(&mut self, spent: DocPhrases) {
        self.phrases.recycle(spent);
    }
}

/// One sentence's row.
#[derive(Debug, Clone)]
pub struct SentenceRow {
    /// Section index in the document.
    pub section: usize,
    /// Sentence index in the document.
    pub index: usize,
    /// Byte span.
    pub span: crate::span::Span,
    /// Sizes and tone.
    pub counts: Counts,
    /// Readable list of hits and rules.
    pub evidence: String,
}

/// One section's row.
#[derive(Debug, Clone)]
pub struct SectionRow {
    /// The section as segmented.
    pub section: segment::Section,
    /// Sums over its sentences.
    pub counts: Counts,
    /// Most mentioned entities with counts.
    pub top_entities: Vec<(String, u64)>,
    /// Phrases repeated within the section, with counts.
    pub top_phrases: Vec<(String, u64)>,
}

/// A mention with its place.
#[derive(Debug, Clone)]
pub struct MentionRow {
    /// Section index.
    pub section: usize,
    /// Sentence index in the document.
    pub sentence: usize,
    /// The mention.
    pub mention: Mention,
}

impl AsRef<Mention> for MentionRow {
    fn as_ref(&self) -> &Mention {
        &self.mention
    }
}

impl AsMut<Mention> for MentionRow {
    fn as_mut(&mut self) -> &mut Mention {
        &mut self.mention
    }
}

/// Corpus totals for one entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EntityStat {
    /// Country code, if known.
    pub country: String,
    /// Mentions.
    pub mentions: u64,
    /// Documents mentioning it.
    pub documents: u64,
    /// Tone of the sentences mentioning it (each sentence once).
    pub tone: ToneCounts,
    /// Surface forms seen.
    pub aliases: Aliases,
}

/// The surface forms an entity is written in, sorted, each once. A sorted vector rather
/// than an ordered set: most entities have one to three, and a set's node (some 300
/// bytes for each entity of each document) and its string comparisons were 1% of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Aliases(Vec<String>);

impl Aliases {
    /// Adds `alias`, copied only if new.
    pub fn insert(&mut self, alias: Cow<str>) {
        if let Err(at) = self.0.binary_search_by(|a| a.as_str().cmp(&alias)) {
            self.0.insert(at, alias.into_owned());
        }
    }

    /// Adds every alias of `other`.
    pub fn extend(&mut self, other: Aliases) {
        for alias in other.0 {
            self.insert(Cow::Owned(alias));
        }
    }

    /// The aliases, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// Sorted and made unique: a shard written by hand, or by another version, may list them
/// in any order.
impl From<Vec<String>> for Aliases {
    fn from(mut aliases: Vec<String>) -> Self {
        aliases.sort_unstable();
        aliases.dedup();
        Aliases(aliases)
    }
}

/// Corpus totals for a pair of entities mentioned in the same sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DyadStat {
    /// Sentences mentioning both.
    pub sentences: u64,
    /// Tone of those sentences.
    pub tone: ToneCounts,
    /// The first such sentence in corpus order: (doc_id, sentence index). The id is
    /// shared by every pair of its document, not copied for each.
    pub example: Option<(Arc<str>, usize)>,
}

/// Whether a dyad pairs entities or the countries they speak for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum DyadLevel {
    /// Two canonical entities ("Kremlin", "United States").
    Entity,
    /// Two ISO alpha-3 countries the mentioned entities speak for ("RUS", "USA").
    Country,
}

impl DyadLevel {
    /// The label written in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            DyadLevel::Entity => "entity",
            DyadLevel::Country => "country",
        }
    }
}

/// Dyad key: level and the sorted pair.
pub type DyadKey = (DyadLevel, String, String);

/// The sentences that name both of a pair of entities (or countries), by pair.
///
/// Each name is numbered once, and pairs kept by the numbers of their names: a table keyed by the
/// names themselves cost two strings copied for every pair of every sentence, and, adding
/// a document to the corpus, two strings hashed and compared for each of its pairs (their
/// text a cache miss away in a large table): together some 4% of a run on 1 GB.
#[derive(Debug, Clone, Default)]
pub struct Dyads {
    /// Names by number.
    names: Vec<Box<str>>,
    numbers: FxHashMap<Box<str>, u32>,
    pairs: FxHashMap<(DyadLevel, u32, u32), DyadStat>,
    /// The first and the last document, by id, that examples are from. When every example
    /// of one share comes before every example of another (as each document does, added
    /// to the corpus in order), a merge keeps the earlier share's examples without
    /// comparing them: reading each pair's example id, far off in a large table, was half
    /// of adding a document's pairs.
    examples_from: Option<(Arc<str>, Arc<str>)>,
}

impl Dyads {
    /// The number of `name`, given one if new.
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).expect("fewer than 2^32 names");
        self.names.push(name.into());
        self.numbers.insert(name.into(), n);
        n
    }

    /// The counts of the pair `a`, `b` (in that order), zero if new.
    fn entry(&mut self, level: DyadLevel, a: &str, b: &str) -> &mut DyadStat {
        let key = (level, self.number(a), self.number(b));
        self.pairs.entry(key).or_default()
    }

    /// Widens the range of documents examples are from to take in `doc`.
    fn note_example_from(&mut self, doc: &Arc<str>) {
        match &mut self.examples_from {
            None => self.examples_from = Some((doc.clone(), doc.clone())),
            // A document's sentences come one after another: most calls are the same id.
            Some((_, last)) if Arc::ptr_eq(last, doc) => {}
            Some((first, last)) => {
                if **doc < **first {
                    *first = doc.clone();
                }
                if **doc > **last {
                    *last = doc.clone();
                }
            }
        }
    }

    /// Counts sentence `sentence` of document `doc_id`, which names `members` (sorted, each
    /// once) with tone `tone`: every pair of them, the one first in order first. Each
    /// member is numbered once, not once for every pair it is in.
    pub fn add_sentence(
        &mut self,
        level: DyadLevel,
        members: &[&str],
        tone: ToneCounts,
        (doc_id, sentence): (&Arc<str>, usize),
    ) {
        if members.len() < 2 {
            return;
        }
        self.note_example_from(doc_id);
        // On the stack for the few members a sentence has: a vector was an allocation
        // for every sentence naming two entities.
        let (mut few, mut many) = ([0u32; 16], Vec::new());
        let numbers = if members.len() <= few.len() {
            &mut few[..members.len()]
        } else {
            many.resize(members.len(), 0);
            &mut many[..]
        };
        for (n, m) in numbers.iter_mut().zip(members) {
            *n = self.number(m);
        }
        for (i, &a) in numbers.iter().enumerate() {
            for &b in &numbers[i + 1..] {
                let dyad = self.pairs.entry((level, a, b)).or_default();
                dyad.sentences += 1;
                dyad.tone += tone;
                if dyad.example.is_none() {
                    dyad.example = Some((doc_id.clone(), sentence));
                }
            }
        }
    }

    /// The counts of the pair `a`, `b`, if any sentence named both.
    pub fn get(&self, level: DyadLevel, a: &str, b: &str) -> Option<&DyadStat> {
        let (a, b) = (self.numbers.get(a)?, self.numbers.get(b)?);
        self.pairs.get(&(level, *a, *b))
    }

    /// Pairs held.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when no sentence named two entities.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Every pair: level, the two names, counts.
    pub fn iter(&self) -> impl Iterator<Item = ((DyadLevel, &str, &str), &DyadStat)> {
        (self.pairs.iter())
            .map(|(&(level, a, b), stat)| ((level, self.name(a), self.name(b)), stat))
    }

    fn name(&self, n: u32) -> &str {
        &self.names[n as usize]
    }

    /// Adds another share's pairs; each of its names is looked up once, not once a pair.
    pub fn merge(&mut self, other: Dyads) {
        let numbers: Vec<u32> = other.names.iter().map(|n| self.number(n)).collect();
        let mine_first = match (&self.examples_from, &other.examples_from) {
            (Some((_, my_last)), Some((their_first, _))) => my_last < their_first,
            _ => false,
        };
        if let Some((first, last)) = &other.examples_from {
            self.note_example_from(first);
            self.note_example_from(last);
        }
        for ((level, a, b), stat) in other.pairs {
            let mine = (self.pairs)
                .entry((level, numbers[a as usize], numbers[b as usize]))
                .or_default();
            mine.sentences += stat.sentences;
            mine.tone += stat.tone;
            if !(mine_first && mine.example.is_some()) {
                mine.example = earliest(mine.example.take(), stat.example);
            }
        }
    }
}

impl FromIterator<(DyadKey, DyadStat)> for Dyads {
    fn from_iter<I: IntoIterator<Item = (DyadKey, DyadStat)>>(pairs: I) -> Self {
        let mut dyads = Dyads::default();
        for ((level, a, b), stat) in pairs {
            if let Some((doc, _)) = &stat.example {
                dyads.note_example_from(doc);
            }
            *dyads.entry(level, &a, &b) = stat;
        }
        dyads
    }
}

/// Entity key: canonical name and type.
pub type EntityKey = (String, EntityType);

/// Sums over many documents.
#[derive(Debug, Default)]
pub struct Totals {
    /// Sizes and tone.
    pub counts: Counts,
    /// Documents merged.
    pub documents: u64,
    /// Sections.
    pub sections: u64,
    /// Mentions.
    pub mentions: u64,
    /// Per entity.
    pub entities: FxHashMap<EntityKey, EntityStat>,
    /// Per sorted pair of canonical names.
    pub dyads: Dyads,
    /// Phrase counts.
    pub phrases: PhraseCounts,
}

/// Everything one document contributes.
#[derive(Debug)]
pub struct DocResult {
    /// The document's id, shared with the examples it gives the corpus totals.
    pub doc_id: Arc<str>,
    /// Its title.
    pub title: String,
    /// Detected layout.
    pub layout: Layout,
    /// Section rows.
    pub sections: Vec<SectionRow>,
    /// Sentence rows.
    pub sentences: Vec<SentenceRow>,
    /// Mention rows.
    pub mentions: Vec<MentionRow>,
    /// The document's share of the corpus totals, but for phrases.
    pub totals: Totals,
    /// The document's phrases, added to the corpus with [`PhraseCounts::absorb`] while
    /// its text is at hand.
    pub phrases: DocPhrases,
}

impl Analyzer {
    /// Runs every stage on one document.
    pub fn document(&self, doc: &Document, worker: &mut Worker) -> DocResult {
        let text = doc.text.as_str();
        let seg = segment::segment(doc);
        worker.normalizer.trim_cache();
        let mut scorer =
            Scorer::new(&self.lexicon).with_key_starts(std::mem::take(&mut worker.key_starts));
        let mut recognizer = Recognizer::new(&self.gazetteer)
            .with_untyped_names(self.untyped_names)
            .with_word_classes(std::mem::take(&mut worker.word_classes));
        let mut totals = Totals {
            documents: 1,
            sections: seg.sections.len() as u64,
            ..Totals::default()
        };
        let mut sections: Vec<SectionRow> = seg
            .sections
            .iter()
            .map(|s| SectionRow {
                section: s.clone(),
                counts: Counts::default(),
                top_entities: Vec::new(),
                top_phrases: Vec::new(),
            })
            .collect();
        let mut sentences = Vec::with_capacity(seg.sentences.len());
        let mut mentions = Vec::new();
        let mut found: Vec<Mention> = Vec::new();
        let mut names: Vec<Span> = Vec::new();
        worker.terms.clear();
        let phrases_counted = self.phrases.enabled;
        if phrases_counted {
            worker.phrases.expect_document(text.len(), &self.phrases);
        }
        for (index, sentence) in seg.sentences.iter().enumerate() {
            let tokens = &mut worker.tokens;
            tokens.clear();
            worker.normalizer.tokenize(text, sentence.span, tokens);
            worker.terms.add(tokens);
            let norm = &worker.normalizer;
            recognizer.find(text, tokens, norm, &mut found);
            organisation_names(&found, tokens, &mut names);
            let hits = scorer.score_outside_names(text, tokens, norm, &names);
            let tone_counts = tone::tally(hits);
            let (n_tokens, n_content) = (tokens.iter())
                .filter(|t| t.kind != TokenKind::Punct)
                .fold((0, 0), |(all, content), t| {
                    (all + 1, content + u64::from(!norm.info(t.term).stop))
                });
            let counts = Counts::sentence(n_tokens, n_content, tone_counts);
            sections[sentence.section].counts += counts;
            totals.counts += counts;

            mentions.extend(found.drain(..).map(|mention| MentionRow {
                section: sentence.section,
                sentence: index,
                mention,
            }));

            if phrases_counted {
                (worker.phrases).add_sentence(tokens, norm, sentence.section, index, &self.phrases);
            }
            sentences.push(SentenceRow {
                section: sentence.section,
                index,
                span: sentence.span,
                counts,
                evidence: tone::evidence(text, hits),
            });
        }
        let norm = &worker.normalizer;
        recognizer.finish_document(&mut mentions, doc.date);
        worker.word_classes = recognizer.take_word_classes();
        worker.key_starts = scorer.take_key_starts();
        // Case-folded words seen in lower case: a capitalised word that also occurs in
        // lower case in the same document ("Government", "Nation") is a common noun. Only
        // the words asked about are gathered.
        let asked = lower_case_asked(text, &mentions);
        let lowercase: FxHashSet<u64> = (worker.terms.iter())
            .map(|(id, _)| norm.info(id))
            .filter(|info| info.starts_lower && asked.contains(&info.hash))
            .map(|info| info.hash)
            .collect();
        mentions.retain(|m| !is_common_noun(text, &m.mention, &lowercase));
        totals.mentions = mentions.len() as u64;
        let doc_id: Arc<str> = Arc::from(doc.doc_id.as_str());
        let mut tally = Tally {
            entities: FxHashMap::default(),
            sections: vec![FxHashMap::default(); sections.len()],
            dyads: Dyads::default(),
            in_sentence: Vec::new(),
            countries: Vec::new(),
            names: Vec::new(),
        };
        for same in mentions.chunk_by(|a, b| a.sentence == b.sentence) {
            let index = same[0].sentence;
            let tone = sentences[index].counts.tone;
            tally_sentence(&mut tally, &doc_id, index, tone, text, same);
        }
        totals.entities = (tally.entities.into_iter())
            .map(|((name, etype), stat)| ((name.to_string(), etype), stat))
            .collect();
        totals.dyads = tally.dyads;
        let tops = if phrases_counted {
            worker.phrases.add_words(&worker.terms, norm);
            (worker.phrases).top_per_section(text, sections.len(), TOP_PER_SECTION)
        } else {
            vec![Vec::new(); sections.len()]
        };
        let phrases = worker.phrases.finish();
        for ((row, phrases), entities) in sections.iter_mut().zip(tops).zip(tally.sections) {
            row.top_phrases = phrases;
            let mut list: Vec<(&str, u64)> = entities.into_iter().collect();
            list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            list.truncate(TOP_PER_SECTION);
            row.top_entities = (list.into_iter())
                .map(|(name, n)| (name.to_string(), n))
                .collect();
        }
        DocResult {
            doc_id,
            title: seg.title,
            layout: seg.layout,
            sections,
            sentences,
            mentions,
            totals,
            phrases,
        }
    }
}

/// Puts in `names`, emptied first, the spans of the organisations among `mentions`, the
/// sentence's (`tokens`): the words the tone stage leaves unscored
/// ([`Scorer::score_outside_names`]). A capitalised run taken for an organisation by its
/// words alone counts only when it does not start the sentence: a headline in title case
/// ("Rebels Attack Army Base Near Border") is such a run, and its words are the news.
/// Other types keep their words' tone: a treaty's name is what is signed or broken
/// ("withdrew from the INF Treaty"), and places and people seldom hold a tone word.
pub fn organisation_names(mentions: &[Mention], tokens: &[Token], names: &mut Vec<Span>) {
    let first = tokens.first().map_or(0, |t| t.span.start);
    names.clear();
    names.extend(
        (mentions.iter())
            .filter(|m| {
                m.etype == EntityType::Org
                    && (m.source == Source::Gazetteer || m.span.start > first)
            })
            .map(|m| m.span),
    );
}

/// A document's mentions, counted as its sentences are tallied: by the names the mentions
/// hold, copied once per document when it is done, not once per mention.
struct Tally<'m> {
    entities: FxHashMap<(&'m str, EntityType), EntityStat>,
    /// Each section's mentions per entity: only the few listed are copied.
    sections: Vec<FxHashMap<&'m str, u64>>,
    dyads: Dyads,
    /// The entities, countries and names of the sentence being tallied, in lists kept from
    /// one sentence to the next (made for each sentence, they were three allocations for
    /// every sentence with a mention).
    in_sentence: Vec<(&'m str, EntityType)>,
    countries: Vec<&'m str>,
    names: Vec<&'m str>,
}

/// Adds one sentence's mentions (`rows`, all of sentence `index`) to the entity, section
/// and dyad counts.
fn tally_sentence<'m>(
    tally: &mut Tally<'m>,
    doc_id: &Arc<str>,
    index: usize,
    tone_counts: ToneCounts,
    text: &str,
    rows: &'m [MentionRow],
) {
    let section_entities = &mut tally.sections[rows[0].section];
    // A sentence names a few entities: they and their countries are listed in vectors,
    // each once, not in ordered sets, and a name or alias already counted is not copied
    // again (the sets and copies were 1.4% of a run).
    let (in_sentence, countries, names) = (
        &mut tally.in_sentence,
        &mut tally.countries,
        &mut tally.names,
    );
    in_sentence.clear();
    countries.clear();
    for m in rows.iter().map(|r| &r.mention) {
        *section_entities.entry(&m.entity).or_default() += 1;
        let stat = tally.entities.entry((&m.entity, m.etype)).or_default();
        if !m.country.is_empty() && (stat.country.is_empty() || m.country < stat.country) {
            stat.country = m.country.clone();
        }
        stat.mentions += 1;
        stat.documents = 1;
        stat.aliases
            .insert(collapse_whitespace_cow(m.span.of(text)));
        if !in_sentence.contains(&(&m.entity, m.etype)) {
            in_sentence.push((&m.entity, m.etype));
            stat.tone += tone_counts;
        }
        if !m.country.is_empty() {
            countries.push(&m.country);
        }
    }
    names.clear();
    names.extend(in_sentence.iter().map(|(name, _)| *name));
    for members in [&mut *names, &mut *countries] {
        members.sort_unstable();
        members.dedup();
    }
    for (level, members) in [(DyadLevel::Entity, names), (DyadLevel::Country, countries)] {
        (tally.dyads).add_sentence(level, members, tone_counts, (doc_id, index));
    }
}

impl Totals {
    /// Adds another share of the corpus.
    pub fn merge(&mut self, other: Totals) {
        self.counts += other.counts;
        self.documents += other.documents;
        self.sections += other.sections;
        self.mentions += other.mentions;
        for (key, stat) in other.entities {
            let mine = self.entities.entry(key).or_default();
            // The first code in alphabetical order, should mentions disagree: the same
            // whatever order documents and shards are merged in.
            if !stat.country.is_empty() && (mine.country.is_empty() || stat.country < mine.country)
            {
                mine.country = stat.country;
            }
            mine.mentions += stat.mentions;
            mine.documents += stat.documents;
            mine.tone += stat.tone;
            mine.aliases.extend(stat.aliases);
        }
        self.dyads.merge(other.dyads);
        self.phrases.merge(other.phrases);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Format;

    /// The built-in resources, keeping untyped names if asked.
    fn analyzer(untyped_names: bool) -> Analyzer {
        Analyzer {
            lexicon: Lexicon::builtin(),
            gazetteer: Gazetteer::builtin(),
            phrases: PhraseOptions::default(),
            untyped_names,
        }
    }

    /// The untyped names found in `text`, after the document-wide common-noun rule.
    fn untyped_names(text: &str) -> Vec<String> {
        let analyzer = analyzer(true);
        let doc = Document::from_text("d", Format::Plain, text);
        let result = analyzer.document(&doc, &mut Worker::default());
        (result.mentions.iter())
            .filter(|m| m.mention.etype == EntityType::Other)
            .map(|m| m.mention.span.of(text).to_string())
            .collect()
    }

    /// Aliases stay sorted and unique however they arrive: added one by one, merged from
    /// another share, or read from a shard that lists them in another order.
    #[test]
    fn aliases_are_sorted_and_unique() {
        let mut aliases = Aliases::default();
        for alias in ["U.S.", "America", "U.S.", "United States"] {
            aliases.insert(Cow::Borrowed(alias));
        }
        let read: Aliases = serde_json::from_str(r#"["US", "America", "US"]"#).unwrap();
        aliases.extend(read);
        let listed: Vec<&str> = aliases.iter().collect();
        assert_eq!(listed, ["America", "U.S.", "US", "United States"]);
        assert_eq!(
            serde_json::to_string(&aliases).unwrap(),
            r#"["America","U.S.","US","United States"]"#
        );
    }

    /// Documents' pairs merged in corpus order keep the first document's example without
    /// comparing; a share merged out of order still gives way to an earlier example, and
    /// a share that overlaps the merged range is compared pair by pair.
    #[test]
    fn dyad_examples_are_the_earliest_whatever_the_merge_order() {
        let doc = |id: &str, pairs: &[(&[&str], usize)]| {
            let mut dyads = Dyads::default();
            let id: Arc<str> = Arc::from(id);
            for (members, sentence) in pairs {
                let tone = ToneCounts::default();
                dyads.add_sentence(DyadLevel::Entity, members, tone, (&id, *sentence));
            }
            dyads
        };
        let example = |dyads: &Dyads, a, b| {
            let stat = dyads.get(DyadLevel::Entity, a, b).expect("pair");
            stat.example.clone().map(|(d, s)| (d.to_string(), s))
        };
        let mut corpus = doc("b.txt", &[(&["Iran", "Russia"], 3)]);
        corpus.merge(doc(
            "c.txt",
            &[(&["Iran", "Russia"], 1), (&["China", "Iran"], 2)],
        ));
        assert_eq!(
            example(&corpus, "Iran", "Russia"),
            Some(("b.txt".into(), 3))
        );
        corpus.merge(doc("a.txt", &[(&["China", "Iran"], 5)]));
        assert_eq!(example(&corpus, "China", "Iran"), Some(("a.txt".into(), 5)));
        // Spans a.txt to c.txt, as does the corpus: its examples are compared.
        let mut overlapping = doc("a.txt", &[(&["Iran", "Russia"], 9)]);
        overlapping.merge(doc("d.txt", &[(&["China", "Iran"], 0)]));
        corpus.merge(overlapping);
        assert_eq!(
            example(&corpus, "Iran", "Russia"),
            Some(("a.txt".into(), 9))
        );
        assert_eq!(example(&corpus, "China", "Iran"), Some(("a.txt".into(), 5)));
        assert_eq!(
            corpus
                .get(DyadLevel::Entity, "Iran", "Russia")
                .unwrap()
                .sentences,
            3
        );
    }

    /// Every pair of a sentence's members is counted once, the first in order first,
    /// whether the members are numbered on the stack (up to 16) or in a vector.
    #[test]
    fn a_sentence_counts_every_pair_of_its_members_once() {
        for count in [2, 3, 16, 17, 40] {
            let names: Vec<String> = (0..count).map(|i| format!("Entity {i:02}")).collect();
            let members: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut dyads = Dyads::default();
            let doc: Arc<str> = Arc::from("a.txt");
            dyads.add_sentence(
                DyadLevel::Entity,
                &members,
                ToneCounts::default(),
                (&doc, 0),
            );
            assert_eq!(dyads.len(), count * (count - 1) / 2, "{count} members");
            for (i, a) in members.iter().enumerate() {
                for b in &members[i + 1..] {
                    let pair = dyads.get(DyadLevel::Entity, a, b).map(|d| d.sentences);
                    assert_eq!(pair, Some(1), "{a} and {b} of {count}");
                    assert!(dyads.get(DyadLevel::Entity, b, a).is_none());
                }
            }
        }
    }

    /// Two shares that numbered the same names differently merge to the counts of one
    /// share that saw every sentence, and keep the earliest example.
    #[test]
    fn dyads_numbered_differently_merge_by_name() {
        let add = |dyads: &mut Dyads, a: &str, b: &str, doc: &str, sentence: usize| {
            let stat = dyads.entry(DyadLevel::Entity, a, b);
            stat.sentences += 1;
            stat.tone.hits += 1;
            stat.example = earliest(stat.example.take(), Some((Arc::from(doc), sentence)));
        };
        let mut first = Dyads::default();
        add(&mut first, "Russia", "United States", "b.txt", 4);
        add(&mut first, "Russia", "United States", "b.txt", 9);
        let mut second = Dyads::default();
        add(&mut second, "China", "Russia", "a.txt", 2);
        add(&mut second, "Russia", "United States", "a.txt", 7);
        first.merge(second);
        let pair = |a, b| first.get(DyadLevel::Entity, a, b).cloned();
        let both = pair("Russia", "United States").expect("merged pair");
        assert_eq!((both.sentences, both.tone.hits), (3, 3));
        assert_eq!(both.example, Some((Arc::from("a.txt"), 7)));
        assert_eq!(pair("China", "Russia").map(|d| d.sentences), Some(1));
        assert_eq!(pair("United States", "Russia"), None, "pairs are ordered");
        assert_eq!(first.get(DyadLevel::Country, "China", "Russia"), None);
        assert_eq!(first.len(), 2);
    }

    /// The capitalised words of an organisation's name from the gazetteer are a label;
    /// what the sentence says of it is scored.
    #[test]
    fn an_organisations_name_is_not_scored_but_what_is_said_of_it_is() {
        let analyzer = analyzer(false);
        let text = "The War Department and the North Atlantic Treaty Organization praised the \
                    ceasefire. UN peacekeepers arrived. Russia withdrew from the INF Treaty. \
                    Rebels Attack Army Base Near Border, officials said. He said the \
                    Trilateral Alliance for Tropical Forest Cooperation met.";
        let doc = Document::from_text("d", Format::Plain, text);
        let result = analyzer.document(&doc, &mut Worker::default());
        let evidence: Vec<&str> = (result.sentences.iter())
            .map(|s| s.evidence.as_str())
            .collect();
        assert_eq!(
            evidence,
            [
                // "War" and "Treaty" belong to organisations' names.
                "praised(+3.0); ceasefire(+6.0)",
                // A lower-case word of a name is the writer's own.
                "peacekeepers(+5.0)",
                // A treaty's name is what is withdrawn from.
                "Treaty(-5.0: reversed by withdrew from)",
                // Taken for an organisation by its words at the start of a sentence: a
                // headline in title case, whose words are the news.
                "Rebels(-4.5); Attack(-7.0)",
                // Taken so inside a sentence: a name.
                "",
            ]
        );
    }

    /// A worker that analysed a document before finds in the next one what a fresh worker
    /// does, though it remembers what it learnt of the words they share.
    #[test]
    fn a_worker_finds_what_a_fresh_one_does() {
        let analyzer = analyzer(false);
        let first = "The talks in May went on. russia, may and the kremlin were quiet.";
        let second = "Brian May met President Putin in May. Russia and the Kremlin agreed.";
        let found = |worker: &mut Worker| {
            let doc = Document::from_text("d", Format::Plain, second);
            let result = analyzer.document(&doc, worker);
            (result.mentions.iter())
                .map(|m| {
                    (
                        m.mention.span.of(second).to_string(),
                        m.mention.entity.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let mut worker = Worker::default();
        analyzer.document(&Document::from_text("a", Format::Plain, first), &mut worker);
        let fresh = found(&mut Worker::default());
        assert!(fresh.iter().any(|(s, _)| s == "Brian May"), "{fresh:?}");
        assert_eq!(found(&mut worker), fresh);
    }

    /// An entity named twice in a sentence has two mentions but the sentence's tone once,
    /// and its country pairs with another once.
    #[test]
    fn a_sentence_counts_once_for_an_entity_it_names_twice() {
        let analyzer = analyzer(false);
        let text = "Russia and the United States signed an agreement, and Russia welcomed it.";
        let doc = Document::from_text("d", Format::Plain, text);
        let result = analyzer.document(&doc, &mut Worker::default());
        let sentence = result.sentences[0].counts.tone;
        assert!(sentence.coop().0 > 0, "{sentence:?}");
        let russia = &result.totals.entities[&("Russia".to_string(), EntityType::Gpe)];
        assert_eq!((russia.mentions, russia.tone), (2, sentence));
        assert_eq!(russia.aliases.iter().collect::<Vec<_>>(), ["Russia"]);
        let pair = |level, a: &str, b: &str| {
            let dyad = result.totals.dyads.get(level, a, b).expect("dyad counted");
            (dyad.sentences, dyad.tone)
        };
        assert_eq!(
            pair(DyadLevel::Entity, "Russia", "United States"),
            (1, sentence)
        );
        assert_eq!(pair(DyadLevel::Country, "RUS", "USA"), (1, sentence));
        assert_eq!(result.totals.dyads.len(), 2);
    }

    /// A capitalised run is dropped when each of its words is also written in lower case
    /// somewhere in the document, even sentences later; one word short of that, it stays.
    #[test]
    fn a_run_written_in_lower_case_elsewhere_is_a_common_noun() {
        let met = "Delegates met Zulmar Festig at noon.";
        assert_eq!(untyped_names(met), ["Zulmar Festig"]);
        let common = format!("{met} Later the zulmar rested. A festig was served.");
        assert!(untyped_names(&common).is_empty());
        let half = format!("{met} A festig was served.");
        assert_eq!(untyped_names(&half), ["Zulmar Festig"]);
    }
}
