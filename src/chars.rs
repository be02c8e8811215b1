//! Whether a character is a letter or a digit, remembered per code point.
//!
//! The standard library answers `char::is_alphabetic` for a character past ASCII by
//! searching compressed tables, some 800 instructions a character: on a corpus with text in
//! Devanagari, or with curly apostrophes inside words, that search was 2% of a run. These
//! functions give the same answers, and remember them for the code points below
//! [`MEMO_LEN`] (every alphabet from Latin to the Indic scripts, and general punctuation).

use std::sync::atomic::{AtomicU8, Ordering};

/// Code points whose class is remembered: the first 12,288 (12 KB of memo).
const MEMO_LEN: usize = 0x3000;

/// Set in a memo entry once it is filled.
const KNOWN: u8 = 1;
const ALPHABETIC: u8 = 2;
const NUMERIC: u8 = 4;

/// One entry per code point, zero until the class is first asked for. Threads may fill an
/// entry at the same time: they write the same value, so the answers do not depend on
/// the thread count.
static MEMO: [AtomicU8; MEMO_LEN] = [const { AtomicU8::new(0) }; MEMO_LEN];

/// [`KNOWN`], with [`ALPHABETIC`] and [`NUMERIC`] as the standard library says.
#[cold]
fn classify(c: char) -> u8 {
    let mut class = KNOWN;
    if c.is_alphabetic() {
        class |= ALPHABETIC;
    }
    if c.is_numeric() {
        class |= NUMERIC;
    }
    class
}

/// The class of a character past ASCII.
fn class(c: char) -> u8 {
    let Some(entry) = MEMO.get(c as usize) else {
        return classify(c);
    };
    match entry.load(Ordering::Relaxed) {
        0 => {
            let class = classify(c);
            entry.store(class, Ordering::Relaxed);
            class
        }
        class => class,
    }
}

/// `c.is_alphabetic()`.
#[inline]
pub(crate) fn is_alphabetic(c: char) -> bool {
    match c.is_ascii() {
        true => c.is_ascii_alphabetic(),
        false => class(c) & ALPHABETIC != 0,
    }
}

/// `c.is_alphanumeric()`.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    match c.is_ascii() {
        true => c.is_ascii_alphanumeric(),
        false => class(c) & (ALPHABETIC | NUMERIC) != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same answers as the standard library for every code point, remembered or not,
    /// asked twice (the second answer comes from the memo).
    #[test]
    fn answers_as_the_standard_library() {
        for _ in 0..2 {
            for c in (0..=0x1_FFFF).filter_map(char::from_u32) {
                assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            }
        }
    }
}
