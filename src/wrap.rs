//! What the line wrapping of a text converted from PDF leaves inside a sentence, read
//! through the same way by the tokenizer and by every text cell: a word hyphenated at a
//! line end ("Secretary-" / "General") is one word, written on one line.
//!
//! The rule comes from the UN speeches of `../shared/corpora`: all 692 line-end hyphens
//! there stand in compounds ("Guinea-" / "Bissau", "self-" / "determination", "post-" /
//! "2015"), none in a word split by a typesetter ("develop-" / "ment"), so the hyphen is
//! kept and only the line break goes.

use crate::chars;
use crate::span::is_blank;
use crate::tokenize::{is_hyphen, is_mark};

/// Length of the run of blanks (whitespace and control characters) at the start of `s`.
pub(crate) fn gap_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_blank).len()
}

/// For `rest`, the text right after a hyphen that ends a part of a word: the length of the
/// line wrap it starts, blanks that break a line before a letter or a digit, which the word
/// goes on after ("Secretary-" / "General"); `None` if there is none.
pub(crate) fn hyphen_wrap(rest: &str) -> Option<usize> {
    let len = gap_len(rest);
    let breaks_line = rest.as_bytes()[..len].contains(&b'\n');
    let goes_on = rest[len..]
        .chars()
        .next()
        .is_some_and(chars::is_alphanumeric);
    (breaks_line && goes_on).then_some(len)
}

/// Whether the text before a line break, `before`, may end in a hyphen where a
/// [`hyphen_wrap`] starts: its last byte but spaces and tabs ends a hyphen. A quick test
/// for the stages that ask it of every line break in a sentence.
pub(crate) fn may_end_wrap(before: &[u8]) -> bool {
    let end = before.trim_ascii_end();
    // '-', or the last byte of U+2010 or U+2011 (E2 80 90, E2 80 91).
    matches!(end.last(), Some(b'-' | 0x90 | 0x91))
}

/// Whether `s` ends with a hyphen that ends a part of a word: one right after a letter, a
/// digit or a combining mark, where a [`hyphen_wrap`] joins the word's parts.
pub(crate) fn ends_in_word_hyphen(s: &str) -> bool {
    let mut last = s.chars().rev();
    last.next().is_some_and(is_hyphen)
        && last
            .next()
            .is_some_and(|c| chars::is_alphanumeric(c) || is_mark(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrap_breaks_a_line_before_a_letter_or_digit() {
        assert_eq!(hyphen_wrap("\nGeneral"), Some(1));
        assert_eq!(hyphen_wrap(" \r\n  2015 agenda"), Some(5));
        assert_eq!(hyphen_wrap("\n\nbuilding."), Some(2));
        // A suspended hyphen ("duty- and quota-free") and a dash before a new line.
        assert_eq!(hyphen_wrap(" and quota-free"), None);
        assert_eq!(hyphen_wrap("\n- the next item"), None);
        assert_eq!(hyphen_wrap("\n"), None);
        assert!(ends_in_word_hyphen("the Secretary-"));
        assert!(ends_in_word_hyphen("post\u{2010}"));
        assert!(!ends_in_word_hyphen("the war -"));
        assert!(!ends_in_word_hyphen("U.S.-"));
    }
}
