//! A hash index whose lookups can be prefetched: keys to small values by open addressing.

/// Keys to values, by open addressing with linear probing.
///
/// A key's [`Key::spread`] picks its home bucket by its top bits, so the bucket a key will
/// be looked up in can be fetched into the cache ahead of time ([`Index::prefetch`]). A
/// table larger than the cache otherwise costs one cache miss per lookup, each waited for
/// in turn: half of the time spent adding documents' phrases to the corpus's, and most of
/// the time spent finding a token's cached normal forms.
///
/// Each bucket says in which generation of the index it was written, and a bucket of an
/// earlier one is empty, so that emptying the index writes no bucket
/// ([`Index::clear`]): a document's phrase table is emptied after every document, and the
/// corpus's at every prune, and writing every bucket empty was about ten bytes of memory
/// written for every byte of text read. The generation fits in the padding of a bucket
/// of a 64-bit key and a 32-bit value, so it takes no room.
///
/// For the same reason, an index resized while empty uses the first buckets of those it
/// has, if it has enough, rather than new ones, which would be written empty first: a
/// document's phrase table is sized for each document.
#[derive(Debug, Clone)]
pub(crate) struct Index<K, V> {
    /// Key, value and the generation they were put in; only the first `size` are in use.
    buckets: Vec<(K, V, u32)>,
    /// Buckets in use: a power of two, or 0.
    size: usize,
    /// 64 − log₂ `size`: a key's home is `key.spread() >> shift`.
    shift: u32,
    len: usize,
    /// The current generation: never 0, the generation of buckets never written.
    generation: u32,
}

/// Asks the processor to fetch `item` into the cache (every cache line it is on), so that
/// a read of it some instructions later does not wait for memory.
#[inline]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        const LINE: usize = 64;
        let first: *const i8 = (item as *const T).cast();
        let last = first.wrapping_add(size_of::<T>().saturating_sub(1));
        // SAFETY: a prefetch is a hint that never faults and reads nothing the program
        // sees; every pointer is into `item`, which is live, besides.
        unsafe {
            for offset in (0..size_of::<T>()).step_by(LINE) {
                _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(offset));
            }
            _mm_prefetch::<_MM_HINT_T0>(last);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Bytes of a memory page, the smallest on the systems detente runs on.
const PAGE: usize = 4096;

/// Writes `value`, which every item already holds, to an item on every page `items` are
/// on, so that each page's first touch is a write.
///
/// Zeroed memory fresh from the system is mapped page by page as it is first touched. A
/// page first read (an index's probe reads a bucket before putting a key in it) is mapped
/// to the system's shared page of zeros, and the first write to it then replaces that
/// mapping, which every other core running the process must be told of (an interrupt
/// each): with two threads, a sixth of a run on 10 MB was spent so, most of it growing
/// the corpus's phrase index. A page first written is mapped once, with no one to tell.
fn write_every_page<T: Copy>(items: &mut [T], value: T) {
    let step = (PAGE / size_of::<T>().max(1)).max(1);
    for item in items.iter_mut().step_by(step) {
        // Volatile, so that the write is not dropped as storing what the memory (zeroed
        // by the allocator) already holds.
        // SAFETY: `item` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(item, value) };
    }
}

/// What an [`Index`] can be keyed by.
pub(crate) trait Key: Copy + Eq + Default {
    /// The key spread over 64 bits, so that its top bits alone tell keys apart.
    fn spread(self) -> u64;
}

/// Phrase hashes: already spread. Keys that are not hashes (small or consecutive numbers)
/// would share their top bits and so crowd into one home: mix them first.
impl Key for u64 {
    fn spread(self) -> u64 {
        self
    }
}

/// A 128-bit key as two 64-bit halves, low first: aligned to 8 bytes rather than a
/// `u128`'s 16, so that its bucket takes 24 bytes instead of 32 (the tokenizer's table of
/// short surfaces is larger than the cache, and its lookups wait on memory).
pub(crate) fn wide(n: u128) -> [u64; 2] {
    [n as u64, (n >> 64) as u64]
}

/// Short strings packed into an integer (see `tokenize` and [`wide`]): bytes, not spread,
/// so they are mixed by multiplication, whose top bits depend on every bit below them.
impl Key for [u64; 2] {
    fn spread(self) -> u64 {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let [low, high] = self;
        (low.wrapping_mul(K) ^ high).wrapping_mul(K)
    }
}

/// Buckets of an index once it holds a key (an empty one allocates none: every document's
/// share of the totals starts with an empty table).
const MIN_BUCKETS: usize = 16;

/// Most buckets an index keeps for later when it needs fewer (16 MiB of 64-bit keys): one
/// very long document does not hold its room for the rest of the run.
const KEPT_MOST: usize = 1 << 20;

/// The fewest buckets that hold `n` keys three quarters full at most.
fn buckets_for(n: usize) -> usize {
    (4 * n).div_ceil(3).next_power_of_two().max(MIN_BUCKETS)
}

impl<K: Key, V: Copy + Default> Default for Index<K, V> {
    fn default() -> Self {
        Index {
            buckets: Vec::new(),
            size: 0,
            shift: 64,
            len: 0,
            generation: 1,
        }
    }
}

impl<K: Key, V: Copy + Default> Index<K, V> {
    /// An empty index of `buckets` buckets (a power of two).
    fn with_buckets(buckets: usize) -> Self {
        // When keys and values are plain integers (or arrays of them, as every index here
        // is), a vector of zeros is asked of the allocator as zeroed memory, which memory
        // fresh from the system already is: growing the corpus's phrase index to 16 MiB
        // wrote 32 MiB of empty buckets (1% of a run on 10 MB) when its values were a type
        // of their own.
        let empty = (K::default(), V::default(), 0);
        let mut buckets_vec = vec![empty; buckets];
        write_every_page(&mut buckets_vec, empty);
        Index {
            buckets: buckets_vec,
            size: buckets,
            shift: 64 - buckets.trailing_zeros(),
            ..Index::default()
        }
    }

    /// Keys held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Where the probe for `key` starts; the index must have buckets.
    fn home(&self, key: K) -> usize {
        (key.spread() >> self.shift) as usize
    }

    /// The bucket holding `key`, or the empty one where it would go; the index must have
    /// buckets, at least one empty.
    fn probe(&self, key: K) -> usize {
        let mask = self.size - 1;
        let mut at = self.home(key);
        loop {
            let (k, _, generation) = self.buckets[at];
            if generation != self.generation || k == key {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// Whether the bucket at `at` holds a key.
    fn is_held(&self, at: usize) -> bool {
        self.buckets[at].2 == self.generation
    }

    /// Asks the processor to fetch the bucket `key` is looked up in, so that a lookup a
    /// few keys later finds it in the cache.
    #[inline]
    pub(crate) fn prefetch(&self, key: K) {
        if self.size > 0 {
            prefetch(&self.buckets[self.home(key)]);
        }
    }

    /// The value of `key`.
    #[inline]
    pub(crate) fn get(&self, key: K) -> Option<V> {
        if self.size == 0 {
            return None;
        }
        let at = self.probe(key);
        self.is_held(at).then_some(self.buckets[at].1)
    }

    /// The value of `key`, set to `value` first if the key was not held; and whether it
    /// was not.
    #[inline]
    pub(crate) fn get_or_insert(&mut self, key: K, value: V) -> (&mut V, bool) {
        // Kept small enough to be inlined at every caller, growing left out: the calls
        // from the three busiest tables spent a fifth of this function's instructions
        // saving and restoring registers for a branch seldom taken.
        let at = match 4 * (self.len + 1) > 3 * self.size {
            true => self.probe_growing(key),
            false => self.probe(key),
        };
        let new = !self.is_held(at);
        if new {
            self.buckets[at] = (key, value, self.generation);
            self.len += 1;
        }
        (&mut self.buckets[at].1, new)
    }

    /// [`Index::probe`] of an index one more key would make too full (or with no
    /// buckets): grown first if `key` is new, to keep at most three quarters of the
    /// buckets full.
    #[cold]
    #[inline(never)]
    fn probe_growing(&mut self, key: K) -> usize {
        if self.size > 0 {
            let at = self.probe(key);
            if self.is_held(at) {
                return at;
            }
        }
        self.grow_to((2 * self.size).max(MIN_BUCKETS));
        self.probe(key)
    }

    /// Removes every key, keeping room for `n` keys and not much more: an index that
    /// held one long document's keys does not stay large for every later, short one.
    pub(crate) fn clear_keeping_room_for(&mut self, n: usize) {
        let fits = buckets_for(n);
        self.clear();
        if fits < self.size {
            match self.buckets.len() > KEPT_MOST {
                true => *self = Index::with_buckets(fits),
                false => self.use_first(fits),
            }
        }
    }

    /// Uses the first `size` buckets (no more than there are); the index must be empty.
    fn use_first(&mut self, size: usize) {
        debug_assert!(self.len == 0 && size <= self.buckets.len());
        self.size = size;
        self.shift = 64 - size.trailing_zeros();
    }

    /// Makes room for `n` keys at once, if the index has less: growing by doubling moves
    /// every key held at each step. Meant for an empty index, whose keys need no moving.
    pub(crate) fn make_room_for(&mut self, n: usize) {
        let fits = buckets_for(n);
        if fits > self.size {
            match self.len == 0 && fits <= self.buckets.len() {
                true => self.use_first(fits),
                false => self.grow_to(fits),
            }
        }
    }

    fn grow_to(&mut self, buckets: usize) {
        let old = std::mem::replace(self, Index::with_buckets(buckets));
        for (k, v) in old.iter() {
            self.get_or_insert(k, v);
        }
    }

    /// Removes every key, keeping the room: a new generation begins, and only when the
    /// count of generations wraps round are the buckets written.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.buckets.fill((K::default(), V::default(), 0));
            self.generation = 1;
        }
    }

    /// Every key with its value, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, V)> + '_ {
        (self.buckets[..self.size].iter())
            .filter(|(_, _, generation)| *generation == self.generation)
            .map(|&(k, v, _)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    /// Runs `ops` (operation, key, value) on an index and on a hash map, and checks that
    /// they hold the same after each and at the end.
    fn check<K: Key + std::hash::Hash + Ord + std::fmt::Debug>(
        ops: Vec<(u64, K, u32)>,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut index: Index<K, u32> = Index::default();
        let mut model: FxHashMap<K, u32> = FxHashMap::default();
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
                4 => index.make_room_for(value as usize),
                _ if op == 2 || value >= 10 => {
                    proptest::prop_assert_eq!(index.get(key), model.get(&key).copied());
                }
                _ if value >= 5 => {
                    index.clear();
                    model.clear();
                }
                _ => {
                    index.clear_keeping_room_for(value as usize * 9);
                    model.clear();
                }
            }
            proptest::prop_assert_eq!(index.len(), model.len());
        }
        let mut all: Vec<(K, u32)> = index.iter().collect();
        all.sort_unstable();
        let mut expected: Vec<(K, u32)> = model.into_iter().collect();
        expected.sort_unstable();
        proptest::prop_assert_eq!(all, expected);
        Ok(())
    }

    /// The layout the tokenizer's table was measured with (see [`wide`]).
    #[test]
    fn a_wide_key_bucket_takes_24_bytes() {
        assert_eq!(size_of::<([u64; 2], u32, u32)>(), 24);
    }

    /// When the count of generations wraps round, the buckets of every earlier generation
    /// are still empty to the next one, and keys put in since are held.
    #[test]
    fn emptied_as_the_generations_wrap_round() {
        let mut index: Index<u64, u32> = Index::default();
        // Room for every key: growing would start the generations afresh.
        index.make_room_for(60);
        for key in 1..=40 {
            index.get_or_insert(key, 1);
        }
        // Generation 1's buckets would be held again once the count came back to 1.
        index.generation = u32::MAX - 1;
        for key in 41..=60 {
            index.get_or_insert(key, 2);
        }
        for round in 0..3 {
            index.clear();
            assert_eq!((index.len(), index.iter().count()), (0, 0), "round {round}");
            for key in 1..=60 {
                assert_eq!(index.get(key), None, "round {round}, key {key}");
            }
            index.get_or_insert(7, round);
            assert_eq!(index.get(7), Some(round));
            assert_eq!(index.iter().collect::<Vec<_>>(), [(7, round)]);
        }
    }

    /// An index made room for `n` keys takes them without growing, and keeps any it held.
    #[test]
    fn room_made_for_n_keys_takes_them() {
        let spread = |key: u64| key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for n in [0, 1, 12, 13, 1000, 5000] {
            let mut index: Index<u64, u32> = Index::default();
            index.get_or_insert(spread(1), 7);
            index.make_room_for(n);
            let buckets = index.size;
            for key in 2..=n as u64 {
                index.get_or_insert(spread(key), 0);
            }
            assert_eq!(index.size, buckets, "{n} keys grew the index");
            assert_eq!(index.get(spread(1)), Some(7), "a key held before is kept");
        }
    }

    /// An index that held many keys, cleared to hold `n`, takes them without growing, in
    /// no more buckets than they need.
    #[test]
    fn room_for_n_keys_is_the_least_that_holds_them() {
        let spread = |key: u64| key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut full: Index<u64, u32> = Index::default();
        for key in 1..=3000 {
            full.get_or_insert(spread(key), 0);
        }
        for n in 0..2000 {
            let mut index = full.clone();
            index.clear_keeping_room_for(n);
            let buckets = index.size;
            for key in 1..=n as u64 {
                index.get_or_insert(spread(key), 0);
            }
            assert_eq!(index.size, buckets, "{n} keys grew the index");
            let fewer = buckets / 2;
            assert!(
                buckets == MIN_BUCKETS || 4 * n > 3 * fewer,
                "{n} keys fit in {fewer} buckets, kept {buckets}"
            );
        }
    }

    proptest::proptest! {
        /// The index holds what a hash map holds, through growth, room made and given back
        /// (by clearing) and the key 0, with keys crowded into few homes (small values) or
        /// spread (large ones).
        #[test]
        fn holds_what_a_hash_map_holds(
            ops in proptest::collection::vec((0u64..5, proptest::prop_oneof![0u64..64, proptest::num::u64::ANY], 0u32..1000), 0..600),
        ) {
            check(ops)?;
        }

        /// The same with keys of 128 bits, which are spread by mixing: small values, values
        /// that differ only in their top half (a packed word's length), and any.
        #[test]
        fn holds_what_a_hash_map_holds_wide(
            ops in proptest::collection::vec((0u64..5, proptest::prop_oneof![0u128..64, proptest::strategy::Strategy::prop_map(0u128..4, |n| n << 120 | 7), proptest::num::u128::ANY], 0u32..1000), 0..600),
        ) {
            check(ops.into_iter().map(|(op, key, value)| (op, wide(key), value)).collect())?;
        }
    }
}
