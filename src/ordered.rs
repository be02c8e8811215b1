//! A parallel map whose results are consumed in input order, with no dedicated consumer
//! thread and no barrier.
//!
//! Every thread of the pool takes the next item, maps it, and parks the result; whichever
//! thread holds the consumer's lock hands the parked results on in order. So `--threads N`
//! means N busy threads (a dedicated writer thread made one thread use 1.2 cores), and no
//! thread waits at the end of a batch for the slowest document in it. Items claimed but not
//! yet consumed are bounded by a [`Window`], which bounds memory.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, PoisonError};

/// How far mapping may run ahead of consuming: at most this many items and this much
/// weight (bytes of input, say) claimed and not yet consumed. One item is always allowed,
/// however heavy.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Items at most.
    pub items: usize,
    /// Total weight at most.
    pub weight: u64,
}

/// What the threads share about the items between claiming and consuming.
struct Progress<T, E> {
    /// The next item to claim.
    claimed: usize,
    /// The next item to consume.
    consumed: usize,
    /// Weight claimed and not yet consumed.
    weight: u64,
    /// Results mapped and not yet consumed, by item.
    parked: BTreeMap<usize, T>,
    /// The consumer's first error: no item is claimed after it.
    failed: Option<E>,
    /// Whether a thread panicked: its item will never come, so no thread may wait for it.
    panicked: bool,
}

impl<T, E> Progress<T, E> {
    fn stopped(&self) -> bool {
        self.failed.is_some() || self.panicked
    }
}

/// Marks the run stopped if its thread unwinds, and wakes the threads waiting for room.
struct StopOnPanic<'a, T, E> {
    progress: &'a Mutex<Progress<T, E>>,
    room: &'a Condvar,
}

impl<T, E> Drop for StopOnPanic<'_, T, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut p = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
            p.panicked = true;
            self.room.notify_all();
        }
    }
}

/// Maps every item on every thread of `pool` (each thread with its own state from `init`)
/// and hands the results to `consume` in item order, one at a time. Stops claiming items
/// at `consume`'s first error, which it returns.
pub fn map_in_order<'a, I, W, T, E>(
    pool: &rayon::ThreadPool,
    items: &'a [I],
    weight: impl Fn(&I) -> u64 + Sync,
    window: Window,
    init: impl Fn() -> W + Sync,
    map: impl Fn(&mut W, &'a I) -> T + Sync,
    consume: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<(), E>
where
    I: Sync,
    T: Send,
    E: Send,
{
    let progress = Mutex::new(Progress {
        claimed: 0,
        consumed: 0,
        weight: 0,
        parked: BTreeMap::new(),
        failed: None,
        panicked: false,
    });
    let room = Condvar::new();
    let consume = Mutex::new(consume);
    // A panic in `map` or `consume` reaches the caller through `broadcast`, once the other
    // threads have stopped; the lock it poisoned must not panic them meanwhile.
    let lock = || progress.lock().unwrap_or_else(PoisonError::into_inner);
    let claim = || -> Option<usize> {
        let mut p = lock();
        loop {
            if p.stopped() || p.claimed == items.len() {
                return None;
            }
            let w = weight(&items[p.claimed]);
            let in_flight = p.claimed - p.consumed;
            if in_flight == 0 || (in_flight < window.items && p.weight + w <= window.weight) {
                p.claimed += 1;
                p.weight += w;
                return Some(p.claimed - 1);
            }
            p = room.wait(p).unwrap_or_else(PoisonError::into_inner);
        }
    };
    // Consumes parked results in order for as long as the next one is there. A thread that
    // finds the consumer busy leaves its result to the thread consuming, which looks again
    // after letting go of the lock, so that no result is left parked.
    let drain = || {
        while let Ok(mut consume) = consume.try_lock() {
            loop {
                let next = {
                    let mut p = lock();
                    let at = p.consumed;
                    match p.parked.remove(&at) {
                        Some(result) if !p.stopped() => result,
                        _ => break,
                    }
                };
                let outcome = consume(next);
                let mut p = lock();
                let at = p.consumed;
                p.consumed += 1;
                p.weight -= weight(&items[at]);
                if let Err(e) = outcome {
                    p.failed = Some(e);
                }
                room.notify_all();
            }
            drop(consume);
            let p = lock();
            if p.stopped() || !p.parked.contains_key(&p.consumed) {
                return;
            }
        }
    };
    pool.broadcast(|_| {
        let _stop = StopOnPanic {
            progress: &progress,
            room: &room,
        };
        let mut state = init();
        while let Some(i) = claim() {
            let result = map(&mut state, &items[i]);
            lock().parked.insert(i, result);
            drain();
        }
    });
    let failed = progress
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .failed;
    failed.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    /// A little work whose length varies from item to item, so that results finish out of
    /// order.
    fn busy(i: &u64) -> u64 {
        let mut x = *i;
        for _ in 0..(i * 7919 % 5000) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        *i
    }

    #[test]
    fn results_are_consumed_in_item_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..2000).collect();
        for threads in [1, 2, 4, 7] {
            let mut seen = Vec::new();
            let window = Window {
                items: 16,
                weight: u64::MAX,
            };
            let r: Result<(), ()> = map_in_order(
                &pool(threads),
                &items,
                |_| 1,
                window,
                || (),
                |_, i| busy(i),
                |i| {
                    seen.push(i);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert_eq!(seen, items, "{threads} threads");
        }
    }

    #[test]
    fn no_result_is_left_parked_when_threads_race_to_consume() {
        // Mapping that costs nothing and a window of two, on more threads than cores: the
        // threads keep finding the consumer busy, the case where a result could be parked
        // just after the consuming thread last looked.
        let items: Vec<u64> = (0..200_000).collect();
        let window = Window {
            items: 2,
            weight: u64::MAX,
        };
        let mut consumed = 0u64;
        let r: Result<(), ()> = map_in_order(
            &pool(6),
            &items,
            |_| 1,
            window,
            || (),
            |_, i| *i,
            |i| {
                assert_eq!(i, consumed);
                consumed += 1;
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(consumed, items.len() as u64);
    }

    #[test]
    fn items_in_flight_stay_within_the_window() {
        let items: Vec<u64> = (0..3000).map(|i| i % 10).collect();
        let window = Window {
            items: 50,
            weight: 40,
        };
        let claimed = AtomicUsize::new(0);
        let weight_out = AtomicU64::new(0);
        let most_items = AtomicUsize::new(0);
        let most_weight = AtomicU64::new(0);
        let consumed = AtomicUsize::new(0);
        let r: Result<(), ()> = map_in_order(
            &pool(4),
            &items,
            |w| *w,
            window,
            || (),
            |_, w| {
                // Counted when mapping starts, uncounted when consumed: at least what the
                // window lets out.
                let n =
                    claimed.fetch_add(1, Ordering::SeqCst) + 1 - consumed.load(Ordering::SeqCst);
                let out = weight_out.fetch_add(*w, Ordering::SeqCst) + w;
                most_items.fetch_max(n, Ordering::SeqCst);
                most_weight.fetch_max(out, Ordering::SeqCst);
                *w
            },
            |w| {
                // Consuming is the slow part, so mapping would run far ahead if let.
                busy(&(w * 31 + 4000));
                weight_out.fetch_sub(w, Ordering::SeqCst);
                consumed.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(consumed.into_inner(), items.len());
        assert!(most_items.into_inner() <= window.items);
        assert!(most_weight.into_inner() <= window.weight);
    }

    #[test]
    fn an_item_heavier_than_the_window_still_goes_through() {
        let items = [1u64, 500, 2, 3];
        let mut seen = Vec::new();
        let window = Window {
            items: 8,
            weight: 10,
        };
        let r: Result<(), ()> = map_in_order(
            &pool(2),
            &items,
            |w| *w,
            window,
            || (),
            |_, w| *w,
            |w| {
                seen.push(w);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(seen, items);
    }

    #[test]
    fn the_first_error_stops_the_run_and_is_returned() {
        let items: Vec<u64> = (0..10_000).collect();
        let mapped = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let window = Window {
            items: 32,
            weight: u64::MAX,
        };
        let r = map_in_order(
            &pool(3),
            &items,
            |_| 1,
            window,
            || (),
            |_, i| {
                mapped.fetch_add(1, Ordering::SeqCst);
                busy(i)
            },
            |i| {
                if i == 100 {
                    return Err(format!("failed at {i}"));
                }
                seen.push(i);
                Ok(())
            },
        );
        assert_eq!(r, Err("failed at 100".to_string()));
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
        // Claiming stops within a window of the failure.
        assert!(mapped.into_inner() <= 101 + window.items);
    }

    #[test]
    fn a_panic_in_one_thread_stops_the_others_instead_of_hanging_them() {
        let items: Vec<u64> = (0..10_000).collect();
        let window = Window {
            items: 4,
            weight: u64::MAX,
        };
        let run = std::panic::catch_unwind(|| {
            map_in_order::<_, _, _, ()>(
                &pool(3),
                &items,
                |_| 1,
                window,
                || (),
                |_, i| {
                    assert_ne!(*i, 50, "a bug in the map");
                    busy(i)
                },
                |_| Ok(()),
            )
        });
        assert!(run.is_err());
    }

    #[test]
    fn each_thread_keeps_its_own_state() {
        let items: Vec<u64> = (0..500).collect();
        let inits = AtomicUsize::new(0);
        let mut total = 0;
        let window = Window {
            items: 8,
            weight: u64::MAX,
        };
        let r: Result<(), ()> = map_in_order(
            &pool(3),
            &items,
            |_| 1,
            window,
            || {
                inits.fetch_add(1, Ordering::SeqCst);
                0u64
            },
            |count, i| {
                *count += 1;
                busy(i)
            },
            |i| {
                total += i;
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(total, items.iter().sum::<u64>());
        assert_eq!(inits.into_inner(), 3);
    }
}
