//! The index of the corpus phrase table: phrase hashes to small values.

/// Phrase hashes to values, by open addressing with linear probing.
///
/// The keys are hashes already, so a key's top bits pick its home bucket, and the bucket a
/// key will be looked up in can be fetched into the cache ahead of time
/// ([`Index::prefetch`]). Adding a document's phrases to a corpus table larger than the
/// cache was otherwise one cache miss per phrase, each waited for in turn: half of the
/// time spent adding documents.
#[derive(Debug, Clone)]
pub(super) struct Index<V> {
    /// Key and value; key 0 marks an empty bucket (the key 0 itself is kept in `zero`).
    buckets: Vec<(u64, V)>,
    /// 64 − log₂ of the number of buckets: a key's home is `key >> shift`.
    shift: u32,
    len: usize,
    zero: Option<V>,
}

/// Buckets of an index once it holds a key (an empty one allocates none: every document's
/// share of the totals starts with an empty table).
const MIN_BUCKETS: usize = 16;

impl<V: Copy + Default> Default for Index<V> {
    fn default() -> Self {
        Index {
            buckets: Vec::new(),
            shift: 64,
            len: 0,
            zero: None,
        }
    }
}

impl<V: Copy + Default> Index<V> {
    /// Keys held.
    pub(super) fn len(&self) -> usize {
        self.len + usize::from(self.zero.is_some())
    }

    /// Where the probe for `key` (not 0) starts; the index must have buckets.
    fn home(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    /// The bucket holding `key` (not 0), or the empty one where it would go; the index
    /// must have buckets, at least one empty.
    fn probe(&self, key: u64) -> usize {
        let mask = self.buckets.len() - 1;
        let mut at = self.home(key);
        while self.buckets[at].0 != key && self.buckets[at].0 != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    /// Asks the processor to fetch the bucket `key` is looked up in, so that a lookup a
    /// few keys later finds it in the cache.
    #[inline]
    pub(super) fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        if !self.buckets.is_empty() {
            let bucket = self.buckets[self.home(key)..].as_ptr();
            // SAFETY: a prefetch is a hint that never faults and reads nothing the program
            // sees; the pointer is to a live bucket of `self.buckets` besides.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    bucket.cast(),
                );
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// The value of `key`.
    pub(super) fn get(&self, key: u64) -> Option<V> {
        if key == 0 {
            return self.zero;
        }
        if self.buckets.is_empty() {
            return None;
        }
        let (k, v) = self.buckets[self.probe(key)];
        (k == key).then_some(v)
    }

    /// The value of `key`, set to `value` first if the key was not held; and whether it
    /// was not.
    pub(super) fn get_or_insert(&mut self, key: u64, value: V) -> (&mut V, bool) {
        if key == 0 {
            let new = self.zero.is_none();
            return (self.zero.get_or_insert(value), new);
        }
        let mut at = match self.buckets.is_empty() {
            true => None,
            false => Some(self.probe(key)),
        };
        let new = at.is_none_or(|at| self.buckets[at].0 == 0);
        // Grown only for a new key, to keep at most three quarters of the buckets full.
        if new && 4 * (self.len + 1) > 3 * self.buckets.len() {
            self.grow_to((2 * self.buckets.len()).max(MIN_BUCKETS));
            at = Some(self.probe(key));
        }
        let at = at.expect("an index with room has buckets");
        if new {
            self.buckets[at] = (key, value);
            self.len += 1;
        }
        (&mut self.buckets[at].1, new)
    }

    fn grow_to(&mut self, buckets: usize) {
        let old = std::mem::replace(&mut self.buckets, vec![(0, V::default()); buckets]);
        self.shift = 64 - buckets.trailing_zeros();
        self.len = 0;
        for (k, v) in old.into_iter().filter(|(k, _)| *k != 0) {
            self.get_or_insert(k, v);
        }
    }

    /// Removes every key, keeping the room.
    pub(super) fn clear(&mut self) {
        self.buckets.fill((0, V::default()));
        self.len = 0;
        self.zero = None;
    }

    /// Every key with its value, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        let zero = self.zero.map(|v| (0, v));
        zero.into_iter()
            .chain(self.buckets.iter().copied().filter(|(k, _)| *k != 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    proptest::proptest! {
        /// The index holds what a hash map holds, through growth, clearing and the key 0,
        /// with keys crowded into few homes (small values) or spread (large ones).
        #[test]
        fn holds_what_a_hash_map_holds(
            ops in proptest::collection::vec((0u64..4, proptest::prop_oneof![0u64..64, proptest::num::u64::ANY], 0u32..1000), 0..600),
        ) {
            let mut index: Index<u32> = Index::default();
            let mut model: FxHashMap<u64, u32> = FxHashMap::default();
            for (op, key, value) in ops {
                match op {
                    0 | 1 => {
                        let (v, new) = index.get_or_insert(key, value);
                        let expected_new = !model.contains_key(&key);
                        let held = *model.entry(key).or_insert(value);
                        proptest::prop_assert_eq!((*v, new), (held, expected_new));
                        *v += 1;
                        *model.get_mut(&key).unwrap() += 1;
                    }
                    _ if op == 2 || value >= 10 => {
                        proptest::prop_assert_eq!(index.get(key), model.get(&key).copied());
                    }
                    _ => {
                        index.clear();
                        model.clear();
                    }
                }
                proptest::prop_assert_eq!(index.len(), model.len());
            }
            let mut all: Vec<(u64, u32)> = index.iter().collect();
            all.sort_unstable();
            let mut expected: Vec<(u64, u32)> = model.into_iter().collect();
            expected.sort_unstable();
            proptest::prop_assert_eq!(all, expected);
        }
    }
}
