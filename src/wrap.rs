//! What the line wrapping of a text converted from PDF leaves inside a sentence, read
//! through the same way by the tokenizer and by every text cell: a word hyphenated at a
//! line end ("Secretary-" / "General") is one word, written on one line, and a page
//! number on a line of its own between two lines of a sentence is no part of it.
//!
//! The rule comes from the UN speeches of `../shared/corpora`: all 692 line-end hyphens
//! there stand in compounds ("Guinea-" / "Bissau", "self-" / "determination", "post-" /
//! "2015"), none in a word split by a typesetter ("develop-" / "ment"), so the hyphen is
//! kept and only the line break goes.

use crate::chars;
use crate::span::is_blank;
use crate::tokenize::{dotted_acronym_len, is_hyphen, is_mark};

/// Length of the run of blanks (whitespace and control characters) at the start of `s`.
pub(crate) fn blank_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_blank).len()
}

/// Whether `c` is a dash that may frame a page number ("- 13 -", "— 13 —"). A function,
/// not a pattern of three characters: that pattern's searcher, shared with the
/// segmenter's, was then left out of line there (9M more instructions on 10 MB).
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}')
}

/// The digits of a page number alone on its `line`: 1 to 4 digits, perhaps with a period
/// after them ("12", "3.") or between dashes ("- 13 -").
pub(crate) fn page_number(line: &str) -> Option<&str> {
    let line = line.trim();
    // The longest: four digits and a period between two dashes of three bytes each.
    if line.len() > 15 {
        return None;
    }
    let inner = line.trim_start_matches(is_dash).trim_end_matches(is_dash);
    // Dashes on one side only are a bullet or a sign ("- 5", "-5"), not a frame.
    if inner.len() < line.len() && !(line.starts_with(is_dash) && line.ends_with(is_dash)) {
        return None;
    }
    let digits = inner.trim().trim_end_matches('.');
    ((1..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// Most digits of a page number read out of a sentence: a line of four is more likely a
/// year wrapped alone ("signed in Paris in" / "2015") than page 1,000 of a speech.
const PAGE_DIGITS_IN_SENTENCE: usize = 3;

/// Whether `line`, standing on its own, holds a page number that a sentence is read through
/// ([`page_number`] of at most [`PAGE_DIGITS_IN_SENTENCE`] digits: "12", "3.", "- 13 -").
pub(crate) fn is_page_number_in_sentence(line: &str) -> bool {
    page_number(line).is_some_and(|d| d.len() <= PAGE_DIGITS_IN_SENTENCE)
}

/// Length of the gap between two words at the start of `s`, text that comes after
/// other text: its blanks, and any page number on a line of its own ([`page_number`], of
/// at most [`PAGE_DIGITS_IN_SENTENCE`] digits, framed by dashes or followed by a blank
/// line) that text follows on a later line. The
/// segmenter bridges a sentence over such a line ("… is a" / "32" / "" / "major …");
/// its words are the sentence's, the number is not.
#[inline]
pub(crate) fn gap_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut len = blank_len(s);
    while bytes
        .get(len)
        .is_some_and(|&b| b.is_ascii_digit() || b == b'-' || b == 0xE2)
        && bytes[..len].contains(&b'\n')
    {
        let Some(line) = memchr::memchr(b'\n', &bytes[len..]) else {
            break;
        };
        let after = len + line;
        let next = after + blank_len(&s[after..]);
        let number = &s[len..after];
        // A bare number is a page number only with a blank line after it, as 496 of the
        // 524 lone numbers between lines of ungdc's text have: one between two lines of
        // text is the sentence's own ("120 in favour to" / "5" / "against"). Framed by
        // dashes, it is a page number wherever it stands.
        let apart = number.trim_start().starts_with(is_dash)
            || bytes[after..next].iter().filter(|&&b| b == b'\n').count() >= 2;
        let page = apart && is_page_number_in_sentence(number);
        if !page || next == s.len() {
            break;
        }
        len = next;
    }
    len
}

/// For `rest`, the text right after a hyphen that ends a part of a word: the length of the
/// line wrap it starts, blanks that break a line before a letter or a digit, which the word
/// goes on after ("Secretary-" / "General"); `None` if there is none.
pub(crate) fn hyphen_wrap(rest: &str) -> Option<usize> {
    // Over a page number too ("non-" / "22" / "" / "discriminatory").
    let len = gap_len(rest);
    let breaks_line = rest.as_bytes()[..len].contains(&b'\n');
    let next = &rest[len..];
    let goes_on = next.chars().next().is_some_and(chars::is_alphanumeric);
    (breaks_line && goes_on && !is_suspended(next)).then_some(len)
}

/// The parts of a hyphenated word of the text, `word` ("EU-mediated", "Guinea-" /
/// "Bissau"), each with its offset in `word`: what lies between its hyphens, less the line
/// wrap after a hyphen ([`gap_len`]), whose blanks and framed page number ("EU-" / "- 12 -"
/// / "mediated") are no part and whose dashes split nothing.
pub(crate) fn hyphen_parts(word: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let start = next?;
        let rest = &word[start..];
        let Some((at, hyphen)) = rest.char_indices().find(|&(_, c)| is_hyphen(c)) else {
            next = None;
            return Some((start, rest));
        };
        let after = start + at + hyphen.len_utf8();
        next = Some(after + gap_len(&word[after..]));
        Some((start, &rest[..at]))
    })
}

/// Words that follow a suspended hyphen ("medium-" / "and long-term", "pre- or
/// post-war"): the hyphen waits for a later word, and the line end joins nothing.
const AFTER_SUSPENDED: &[&str] = &["and", "or", "nor", "to"];

/// Whether `next`, the text after a line-end hyphen, starts with one of
/// [`AFTER_SUSPENDED`] as a word of its own.
fn is_suspended(next: &str) -> bool {
    let end = next
        .find(|c: char| !chars::is_alphanumeric(c))
        .unwrap_or(next.len());
    AFTER_SUSPENDED.contains(&&next[..end]) && next[end..].starts_with(char::is_whitespace)
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
/// digit or a combining mark, where a [`hyphen_wrap`] joins the word's parts, or right
/// after a dotted acronym ("U.S.-" / "Russia"), where the line break goes and the tokens
/// are those of the line joined ("U.S.", "-", "Russia", as in "U.S.-Russia").
pub(crate) fn ends_in_word_hyphen(s: &str) -> bool {
    let mut last = s.chars().rev();
    let Some(hyphen) = last.next().filter(|&c| is_hyphen(c)) else {
        return false;
    };
    match last.next() {
        Some('.') => {
            let before = &s[..s.len() - hyphen.len_utf8()];
            let word = before.trim_end_matches(|c: char| c == '.' || chars::is_alphabetic(c));
            let acronym = &before[word.len()..];
            dotted_acronym_len(acronym) == Some(acronym.len())
        }
        c => c.is_some_and(|c| chars::is_alphanumeric(c) || is_mark(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of UN speeches converted from PDF (2001-MHL, 2001-ECU).
    #[test]
    fn a_page_number_between_lines_of_text_is_part_of_the_gap() {
        let gap = |s: &str| s[..gap_len(s)].to_string();
        assert_eq!(gap("\n32\n\nRepublic of China"), "\n32\n\n");
        assert_eq!(gap(" \n- 13 -\r\n5\r\n\r\nmajor"), " \n- 13 -\r\n5\r\n\r\n");
        // A bare number with text right after it is the sentence's (a vote's count).
        assert_eq!(gap("\n5\nagainst, with"), "\n");
        assert_eq!(gap(" \n- 13 -\r\n5\nmajor"), " \n- 13 -\r\n");
        assert_eq!(hyphen_wrap("\n22\n\ndiscriminatory way"), Some(5));
        // The sentence's own numbers: on its line, at its end, a year, a signed number.
        assert_eq!(gap(" 1373\n2\n\nand"), " ");
        assert_eq!(gap("\n1945."), "\n");
        assert_eq!(gap("\n2015\nand beyond"), "\n");
        assert_eq!(gap("\n-5\ndegrees"), "\n");
        assert_eq!(gap("\n5 States\n"), "\n");
        assert_eq!(page_number(" 12. "), Some("12"));
        assert_eq!(page_number("\u{2014} 7 \u{2014}"), Some("7"));
        assert_eq!(page_number("- 5"), None);
        assert_eq!(page_number("12345"), None);
        assert_eq!(page_number("--"), None);
    }

    /// A page number's dashes in the wrap after a hyphen split no part (the review's
    /// "EU-" / "- 12 -" / "mediated" gave the parts "\n", " 12 " and "mediated").
    #[test]
    fn a_hyphenated_word_is_split_into_its_parts_past_any_wrap() {
        fn parts(w: &str) -> Vec<(usize, &str)> {
            hyphen_parts(w).collect()
        }
        assert_eq!(
            parts("EU-\n- 12 -\nmediated"),
            [(0, "EU"), (11, "mediated")]
        );
        assert_eq!(
            parts("Guinea\u{2010}\n\nBissau's"),
            [(0, "Guinea"), (11, "Bissau's")]
        );
        assert_eq!(parts("U.S.-Russia"), [(0, "U.S."), (5, "Russia")]);
        assert_eq!(parts("Inter-American"), [(0, "Inter"), (6, "American")]);
        assert_eq!(parts("self"), [(0, "self")]);
    }

    #[test]
    fn a_wrap_breaks_a_line_before_a_letter_or_digit() {
        assert_eq!(hyphen_wrap("\nGeneral"), Some(1));
        assert_eq!(hyphen_wrap(" \r\n  2015 agenda"), Some(5));
        assert_eq!(hyphen_wrap("\n\nbuilding."), Some(2));
        // A suspended hyphen ("duty- and quota-free") and a dash before a new line.
        assert_eq!(hyphen_wrap(" and quota-free"), None);
        assert_eq!(hyphen_wrap("\n- the next item"), None);
        assert_eq!(hyphen_wrap("\nand long-term plans"), None);
        assert_eq!(hyphen_wrap("\nor post-war"), None);
        assert_eq!(hyphen_wrap("\nto-peer"), Some(1));
        assert_eq!(hyphen_wrap("\nandean"), Some(1));
        assert_eq!(hyphen_wrap("\n"), None);
        assert!(ends_in_word_hyphen("the Secretary-"));
        assert!(ends_in_word_hyphen("post\u{2010}"));
        assert!(!ends_in_word_hyphen("the war -"));
        assert!(ends_in_word_hyphen("the U.S.-"));
        assert!(ends_in_word_hyphen("(e.g.-"));
        assert!(!ends_in_word_hyphen("the end.-"));
        assert!(!ends_in_word_hyphen("Dr.-"));
        assert!(!ends_in_word_hyphen(".-"));
    }
}
