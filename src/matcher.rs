//! Longest-match lookup of multiword keys over a token sequence.
//!
//! Lexicon terms, rule words and gazetteer aliases are all sequences of normalized token
//! strings ("economic" "sanction"; "United" "States"), or of those strings' hashes. A
//! [`PhraseTable`] indexes them by their first element, so matching at a position costs
//! one hash lookup plus a comparison of the few keys that start with that token; a bitmap
//! of the keys' first elements (by their first two bytes and length, or by their hashes'
//! low bits) turns most positions away before any hashing.

use std::borrow::Borrow;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use rustc_hash::{FxHashMap, FxHashSet};

/// A set of small numbers, `64 × WORDS` of them, one bit each: a membership test in one
/// memory read, used to turn words away before a hash lookup.
#[derive(Debug, Clone)]
pub struct BitSet<const WORDS: usize>([u64; WORDS]);

impl<const WORDS: usize> Default for BitSet<WORDS> {
    fn default() -> Self {
        BitSet([0; WORDS])
    }
}

impl<const WORDS: usize> BitSet<WORDS> {
    /// Adds `n` (modulo the set's size).
    pub fn insert(&mut self, n: usize) {
        let n = n % (64 * WORDS);
        self.0[n / 64] |= 1 << (n % 64);
    }

    /// Whether `n` (modulo the set's size) was added.
    pub fn contains(&self, n: usize) -> bool {
        let n = n % (64 * WORDS);
        self.0[n / 64] & (1 << (n % 64)) != 0
    }
}

/// A fixed list of words asked for membership: written as a list in the source, looked
/// up by hash (built on first use), as the lists are asked of many words of every text.
/// A bitmap of the words' first two bytes and lengths (see [`Element::lead`]) turns most
/// other words away before they are hashed: the sentence splitter asks two lists of the
/// word before every period, and hashing it for each was 0.5% of a run.
#[derive(Debug)]
pub struct WordList {
    words: &'static [&'static str],
    set: std::sync::OnceLock<(BitSet<16>, FxHashSet<&'static str>)>,
}

impl WordList {
    /// The list of `words`.
    pub const fn new(words: &'static [&'static str]) -> WordList {
        WordList {
            words,
            set: std::sync::OnceLock::new(),
        }
    }

    /// Whether `word` is on the list, exactly.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        let (leads, set) = self.set.get_or_init(|| {
            let mut leads = BitSet::default();
            for word in self.words {
                leads.insert(<Box<str>>::lead(word));
            }
            (leads, self.words.iter().copied().collect())
        });
        leads.contains(<Box<str>>::lead(word)) && set.contains(word)
    }

    /// The words, in the order written.
    pub fn words(&self) -> &'static [&'static str] {
        self.words
    }
}

/// An element of a [`PhraseTable`] key as the table stores it: a word, or a word's hash.
pub trait Element: Eq + Hash + Clone + Borrow<Self::Query> {
    /// What the table is asked about (`str` for a stored `Box<str>`).
    type Query: ?Sized + Eq + Hash;
    /// A number from an element, for the table's quick refusal
    /// ([`PhraseTable::may_start`]).
    fn lead(element: &Self::Query) -> usize;
}

/// A word, filed under its first two bytes and its length. The first byte alone let
/// through every capitalised word and the many lower-case words that share a first letter
/// with "al-Qaeda", "bin", "de", "euro", "sub-Saharan" or "von".
impl Element for Box<str> {
    type Query = str;
    fn lead(word: &str) -> usize {
        let b = word.as_bytes();
        let byte = |i: usize| b.get(i).map_or(0, |&c| u32::from(c));
        let key = byte(0) | byte(1) << 8 | (b.len().min(255) as u32) << 16;
        (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
    }
}

/// A word's hash, filed under its low bits.
impl Element for u64 {
    type Query = u64;
    fn lead(hash: &u64) -> usize {
        *hash as usize
    }
}

/// A key filed under its first element: where the rest of it is in
/// [`PhraseTable::tails`] (start, length), and its value.
type Keyed<V> = (u32, u32, V);

/// The keys that start with one element, longest first. Most first elements start one
/// key only, which is then held in the table itself rather than behind a pointer.
#[derive(Debug, Clone)]
enum Bucket<V> {
    One(Keyed<V>),
    Many(Vec<Keyed<V>>),
}

impl<V> Bucket<V> {
    fn keys(&self) -> &[Keyed<V>] {
        match self {
            Bucket::One(key) => std::slice::from_ref(key),
            Bucket::Many(keys) => keys,
        }
    }

    fn keys_mut(&mut self) -> &mut [Keyed<V>] {
        match self {
            Bucket::One(key) => std::slice::from_mut(key),
            Bucket::Many(keys) => keys,
        }
    }

    /// Adds a key no key of the bucket equals, keeping the longest first.
    fn add(&mut self, key: Keyed<V>) {
        let mut keys = match std::mem::replace(self, Bucket::Many(Vec::new())) {
            Bucket::One(one) => vec![one],
            Bucket::Many(keys) => keys,
        };
        keys.push(key);
        keys.sort_by_key(|&(_, len, _)| std::cmp::Reverse(len));
        *self = Bucket::Many(keys);
    }
}

/// A map from token sequences to values, queried for the longest match at a position.
/// Elements are words (`K` = `Box<str>`), or their [`word_hash`](crate::tokenize::word_hash)
/// (`K` = `u64`) for a caller that has each word's hash at hand: then a lookup reads no
/// string, only numbers beside the word's other normal forms (this is how the tone
/// stage matches stems; phrases are told apart by the same hashes).
///
/// The elements after a key's first are kept one after the other in one vector, not in a
/// box of their own per key: a lookup then follows one pointer fewer, and the tails of
/// the keys that share a first element are near one another. (The tone stage's and the
/// recognizer's lookups were about a fifteenth of the cycles of a run, most of them
/// waiting on memory.)
#[derive(Debug, Clone)]
pub struct PhraseTable<V, K = Box<str>> {
    by_first: FxHashMap<K, Bucket<V>>,
    /// Every key's elements after its first.
    tails: Vec<K>,
    /// The [`Element::lead`]s of the keys' first elements: 65,536 bits (every lead a word
    /// can have), twenty times the gazetteer's 3,188 first words, so that few other words
    /// pass. With a quarter as many bits, over a quarter of the lookups let through found
    /// no key, most of them the recognizer's.
    first_leads: BitSet<1024>,
    len: usize,
}

impl<V, K> Default for PhraseTable<V, K> {
    fn default() -> Self {
        PhraseTable {
            by_first: FxHashMap::default(),
            tails: Vec::new(),
            first_leads: BitSet::default(),
            len: 0,
        }
    }
}

impl<V, K: Element> PhraseTable<V, K> {
    /// Inserts `key` (at least one element), replacing and returning any previous value.
    pub fn insert(&mut self, key: Vec<impl Into<K>>, value: V) -> Option<V> {
        assert!(!key.is_empty(), "empty phrase key");
        let mut key = key.into_iter().map(Into::into);
        let first: K = key.next().expect("a first element");
        let tail: Vec<K> = key.collect();
        self.first_leads.insert(K::lead(first.borrow()));
        let start = u32::try_from(self.tails.len()).expect("fewer than 2^32 key elements");
        let keyed = (start, tail.len() as u32, value);
        match self.by_first.entry(first) {
            Entry::Vacant(vacant) => _ = vacant.insert(Bucket::One(keyed)),
            Entry::Occupied(mut occupied) => {
                let tails = &self.tails;
                let same = |key: &Keyed<V>| tail_of(tails, key) == tail;
                let bucket = occupied.get_mut();
                if let Some(slot) = bucket.keys_mut().iter_mut().find(|k| same(k)) {
                    return Some(std::mem::replace(&mut slot.2, keyed.2));
                }
                // Longest keys first, so that the first hit in a bucket is the longest match.
                bucket.add(keyed);
            }
        }
        self.tails.extend(tail);
        self.len += 1;
        None
    }

    /// False when no key starts with `first` (told by its [`Element::lead`] alone): true
    /// does not mean one does.
    pub fn may_start(&self, first: &K::Query) -> bool {
        self.first_leads.contains(K::lead(first))
    }

    /// The value stored for exactly `key`.
    pub fn get(&self, key: &[&K::Query]) -> Option<&V> {
        let (first, rest) = key.split_first()?;
        let bucket = self.by_first.get(*first)?;
        (bucket.keys().iter())
            .find(|key| {
                let tail = tail_of(&self.tails, key);
                tail.len() == rest.len() && tail.iter().zip(rest).all(|(a, b)| a.borrow() == *b)
            })
            .map(|(_, _, v)| v)
    }

    /// The longest key that matches the sequence `at(0), at(1), …`, with its length and
    /// value. `at` returns `None` past the end of the sequence.
    pub fn longest<'s>(&self, at: impl Fn(usize) -> Option<&'s K::Query>) -> Option<(usize, &V)>
    where
        K::Query: 's,
    {
        let first = at(0).filter(|f| self.may_start(f))?;
        self.longest_from(first, at)
    }

    /// [`PhraseTable::longest`] for a caller that has asked [`PhraseTable::may_start`] of
    /// the first element already (the tone stage learns it once per word): the same answer,
    /// without asking again at every token.
    pub fn longest_let_through<'s>(
        &self,
        at: impl Fn(usize) -> Option<&'s K::Query>,
    ) -> Option<(usize, &V)>
    where
        K::Query: 's,
    {
        self.longest_from(at(0)?, at)
    }

    /// The longest key starting with `first` (which is `at(0)`).
    fn longest_from<'s>(
        &self,
        first: &K::Query,
        at: impl Fn(usize) -> Option<&'s K::Query>,
    ) -> Option<(usize, &V)>
    where
        K::Query: 's,
    {
        let bucket = self.by_first.get(first)?;
        // The second element asked once: a frequent word starts up to thirty keys
        // ("trade", "peace"), and asking `at` again for each was most of a lookup.
        let second = at(1);
        (bucket.keys().iter())
            .find(|key| match tail_of(&self.tails, key).split_first() {
                None => true,
                Some((head, rest)) => {
                    second == Some(head.borrow())
                        && (rest.iter().enumerate())
                            .all(|(i, part)| at(i + 2) == Some(part.borrow()))
                }
            })
            .map(|&(_, len, ref v)| (len as usize + 1, v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no key is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The elements of `key` after its first, kept in `tails`.
fn tail_of<'t, K, V>(tails: &'t [K], &(start, len, _): &Keyed<V>) -> &'t [K] {
    &tails[start as usize..start as usize + len as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    /// Every word of a list is found, as written only; words turned away by the bitmap and
    /// words let through it (same first bytes and length) but not listed are not.
    #[test]
    fn a_word_list_finds_its_words_only() {
        static LIST: WordList = WordList::new(&["Mr", "Gen", "etc", "Sept", "a.m"]);
        for word in LIST.words() {
            assert!(LIST.contains(word), "{word}");
        }
        for word in [
            "MR", "mr", "Ge", "Gent", "Get", "etx", "Sepx", "a.n", "", "Mister",
        ] {
            assert!(!LIST.contains(word), "{word}");
        }
    }

    #[test]
    fn longest_match_wins() {
        let mut t: PhraseTable<i32> = PhraseTable::default();
        t.insert(key("peace"), 1);
        t.insert(key("peace deal"), 2);
        t.insert(key("peace deal talks now"), 3);
        let seq = ["peace", "deal", "talks"];
        assert_eq!(t.longest(|i| seq.get(i).copied()), Some((2, &2)));
        assert_eq!(t.longest(|i| ["war"].get(i).copied()), None);
        assert_eq!(t.get(&["peace", "deal"]), Some(&2));
        assert_eq!(t.insert(key("peace"), 9), Some(1));
        assert_eq!(t.len(), 3);
        // A first element with one key only, replaced, then joined by a longer one.
        assert_eq!(t.insert(key("truce"), 4), None);
        assert_eq!(t.insert(key("truce"), 5), Some(4));
        assert_eq!(t.insert(key("truce holds"), 6), None);
        let holds = ["truce", "holds"];
        let broke = ["truce", "broke"];
        assert_eq!(t.longest(|i| holds.get(i).copied()), Some((2, &6)));
        assert_eq!(t.longest(|i| broke.get(i).copied()), Some((1, &5)));
        assert_eq!(t.get(&["peace"]), Some(&9));
        assert_eq!(t.len(), 5);
    }

    /// Keyed by hashes, a table matches as keyed by the words, and tells apart keys whose
    /// hashes differ only past the low bits it files first elements under.
    #[test]
    fn hashed_keys_match_like_words() {
        let mut t: PhraseTable<i32, u64> = PhraseTable::default();
        t.insert(vec![7u64], 1);
        t.insert(vec![7u64, 8], 2);
        t.insert(vec![7u64 + 256, 8, 9], 3);
        let at = |seq: &'static [u64]| move |i: usize| seq.get(i);
        assert_eq!(t.longest(at(&[7, 8, 9])), Some((2, &2)));
        assert_eq!(t.longest(at(&[7, 9])), Some((1, &1)));
        assert_eq!(t.longest(at(&[263, 8, 9])), Some((3, &3)));
        assert_eq!(t.longest(at(&[263, 8])), None);
        assert_eq!(t.get(&[&7, &8]), Some(&2));
        assert_eq!(t.get(&[&263]), None);
        // Past the quick refusal, a lookup finds what the refusing one does, for first
        // elements it lets through and for those it refuses (where the table has none).
        for seq in [
            &[7, 8, 9][..],
            &[7, 9],
            &[263, 8, 9],
            &[263, 8],
            &[8],
            &[519],
            &[],
        ] {
            assert_eq!(
                t.longest_let_through(at(seq)),
                t.longest(at(seq)),
                "{seq:?}"
            );
        }
    }
}
