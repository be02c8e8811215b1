//! Byte spans into a document's text, the common currency of every stage.

use crate::wrap;

/// A half-open byte range `start..end` into a document's UTF-8 text.
///
/// Stages never copy or rewrite text; they pass spans, so that every number in the output
/// can be traced back to the exact bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (`start <= end`).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span {start}..{end}");
        Span { start, end }
    }

    /// The text the span covers.
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text the span covers with its whitespace collapsed ([`collapse_whitespace`]).
    pub fn collapsed(&self, text: &str) -> String {
        collapse_whitespace(self.of(text))
    }

    /// The span with leading and trailing whitespace of `text` removed.
    pub fn trim(&self, text: &str) -> Span {
        let s = self.of(text);
        let start = self.start + (s.len() - s.trim_start().len());
        let end = self.end - (s.len() - s.trim_end().len());
        if start >= end {
            Span::new(start, start)
        } else {
            Span::new(start, end)
        }
    }
}

/// [`collapse_whitespace`], borrowed when `s` is collapsed already (most names and
/// sentences are): for a caller that keeps the text only if it is new.
pub fn collapse_whitespace_cow(s: &str) -> std::borrow::Cow<'_, str> {
    match is_collapsed(s.as_bytes()) {
        true => s.into(),
        false => collapse_whitespace(s).into(),
    }
}

/// The words of `s` (between whitespace and control characters) joined by single spaces,
/// with none of the line-wrap rules of [`collapse_whitespace`]: for text whose line breaks
/// are formatting, not a printed page's (an HTML `<title>`), where a number alone on a
/// line is a word and a hyphen at a line end joins nothing.
pub fn join_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_blank).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of `s` joined by single spaces: a name, phrase or title may be wrapped over
/// lines in the source, and is shown on one; a word hyphenated across lines is shown whole
/// ("Secretary-General", see [`crate::wrap`]). Control characters separate words as
/// whitespace does: a cell should not carry them (a U+0002 sits in the middle of a
/// sentence of an 1890 State of the Union address), and they stand for no word.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_whitespace_into(&mut out, s);
    out
}

/// Appends the words of `s` joined by single spaces to `out` (words as
/// `str::split_whitespace` has them, control characters taken for whitespace). Stretches
/// of words already one space apart are copied whole: this runs on the text of every
/// sentence written.
pub fn collapse_whitespace_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    if is_collapsed(bytes) {
        out.push_str(s);
        return;
    }
    let mut i = 0;
    let mut first = true;
    loop {
        let gap = i;
        while i < bytes.len() {
            match blank_at(s, i) {
                0 => break,
                w => i += w,
            }
        }
        if i == bytes.len() {
            return;
        }
        // A page number between lines of text is left out, as the tokenizer leaves it.
        if !first && matches!(bytes[i], b'0'..=b'9' | b'-' | 0xE2) {
            i = gap + wrap::gap_len(&s[gap..]);
        }
        // A word hyphenated across lines is written on one, as the tokenizer reads it.
        let wrap = !first
            && wrap::may_end_wrap(&bytes[..gap])
            && wrap::ends_in_word_hyphen(&s[..gap])
            && wrap::hyphen_wrap(&s[gap..]) == Some(i - gap);
        let start = i;
        let end = loop {
            i = skip_regular_blocks(bytes, i);
            while i < bytes.len() && BYTE_CLASS[bytes[i] as usize] == ORDINARY {
                i += 1;
            }
            if i == bytes.len() {
                break i;
            }
            match blank_at(s, i) {
                // A non-ASCII character that is not whitespace.
                0 => i += 1,
                1 if bytes[i] == b' ' && i + 1 < bytes.len() && blank_at(s, i + 1) == 0 => i += 1,
                _ => break i,
            }
        };
        if !first && !wrap {
            out.push(' ');
        }
        first = false;
        out.push_str(&s[start..end]);
    }
}

/// Whether `bytes` are words one ASCII space apart already: no other whitespace, no two
/// spaces in a row, none at either end. Most sentences are, and this test costs less than
/// copying them a word at a time: comparisons without branches, which the compiler turns
/// into tests of many bytes at once (a table lookup a byte was five times the work).
fn is_collapsed(bytes: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let irregular = (bytes[1..].iter().zip(bytes)).fold(false, |seen, (&b, &before)| {
        seen | irregular_pair(before, b)
    });
    !irregular && !may_be_other_whitespace(first) && first != b' ' && last != b' '
}

/// Whether byte `b`, after byte `before`, breaks words one ASCII space apart: it may be
/// whitespace other than a space, or it is a space after a space.
fn irregular_pair(before: u8, b: u8) -> bool {
    may_be_other_whitespace(b) | ((b == b' ') & (before == b' '))
}

/// How many bytes [`skip_regular_blocks`] tests at once.
const BLOCK: usize = 16;

/// The first block boundary from `i` on (in steps of [`BLOCK`] bytes) where a block holds
/// something other than words one ASCII space apart, tested as [`is_collapsed`] tests a
/// whole text (each byte after the first, and the byte after the block, by
/// [`irregular_pair`]); `i` itself if the first does. A sentence wrapped over lines is not
/// collapsed, and walking every byte of it, stopping at every space, was most of the cost
/// of writing a fifth of the sentences of the bench corpora.
fn skip_regular_blocks(bytes: &[u8], mut i: usize) -> usize {
    // The byte after a block is tested too: a space that ends the block must be followed
    // by a word.
    while let Some(block) = bytes.get(i..i + BLOCK + 1) {
        let irregular = (block[1..].iter().zip(block))
            .fold(may_be_other_whitespace(block[0]), |seen, (&b, &before)| {
                seen | irregular_pair(before, b)
            });
        if irregular {
            break;
        }
        i += BLOCK;
    }
    i
}

/// Whether `b` is ASCII whitespace but the space or another ASCII control character, or
/// may start non-ASCII whitespace or a C1 control character: a test without branches (see
/// [`is_collapsed`]). The lead bytes E1 to E3 are tested as E0 to E3 (one mask), so that a
/// character from U+0800 to U+0FFF (Indic scripts, Thai) is taken for possible whitespace
/// too, and decoded by the caller.
const fn may_be_other_whitespace(b: u8) -> bool {
    let ascii = (b < b' ') | (b == 0x7F);
    ascii | (b & 0xFC == 0xE0) | (b == 0xC2)
}

/// ASCII whitespace (`char::is_whitespace`) but the space: tab to carriage return.
const ASCII_WHITESPACE_BUT_SPACE: std::ops::RangeInclusive<u8> = b'\t'..=b'\r';

/// The lead bytes of every non-ASCII whitespace character: U+0085 and U+00A0; U+1680;
/// U+2000 to U+205F; U+3000. (C2 also leads the C1 control characters.)
const NON_ASCII_WHITESPACE_LEADS: [u8; 4] = [0xC2, 0xE1, 0xE2, 0xE3];

// `may_be_other_whitespace` tests these leads by a mask: it must take in every one.
const _: () = {
    let mut k = 0;
    while k < NON_ASCII_WHITESPACE_LEADS.len() {
        assert!(may_be_other_whitespace(NON_ASCII_WHITESPACE_LEADS[k]));
        k += 1;
    }
};

// Byte classes, as bits so that one test can take two.
const ORDINARY: u8 = 0;
const ASCII_SPACE: u8 = 1;
const MAYBE_SPACE: u8 = 2;
const CONTROL: u8 = 4;

/// What each byte may start: [`ASCII_SPACE`] for ASCII whitespace, [`MAYBE_SPACE`] for the
/// only four lead bytes of non-ASCII whitespace characters, [`CONTROL`] for the other
/// ASCII control characters, else [`ORDINARY`] (bytes inside a character included).
static BYTE_CLASS: [u8; 256] = {
    let mut class = [ORDINARY; 256];
    let mut b = 0;
    while b < b' ' {
        class[b as usize] = CONTROL;
        b += 1;
    }
    class[0x7F] = CONTROL;
    class[b' ' as usize] = ASCII_SPACE;
    let mut b = *ASCII_WHITESPACE_BUT_SPACE.start();
    while b <= *ASCII_WHITESPACE_BUT_SPACE.end() {
        class[b as usize] = ASCII_SPACE;
        b += 1;
    }
    let mut k = 0;
    while k < NON_ASCII_WHITESPACE_LEADS.len() {
        class[NON_ASCII_WHITESPACE_LEADS[k] as usize] = MAYBE_SPACE;
        k += 1;
    }
    class
};

/// Whether `c` separates words: whitespace, or a control character (which stands for no
/// word; see [`collapse_whitespace`]).
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Whether byte `b` may start an [`is_blank`] character: ASCII whitespace or control, or
/// the lead byte of a non-ASCII whitespace character. False means it certainly does not.
pub fn may_start_blank(b: u8) -> bool {
    BYTE_CLASS[b as usize] != ORDINARY
}

/// The length in bytes of the whitespace or control character at byte `i` of `s`, or 0 if
/// there is none there.
#[inline]
fn blank_at(s: &str, i: usize) -> usize {
    match BYTE_CLASS[s.as_bytes()[i] as usize] {
        ORDINARY => 0,
        ASCII_SPACE | CONTROL => 1,
        _ => match s[i..].chars().next() {
            Some(c) if is_blank(c) => c.len_utf8(),
            _ => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_separate_words_as_whitespace_does() {
        for (s, words) in [
            ("the\u{2}Senate", "the Senate"),
            ("\u{0}end of\u{7f}\u{1b} line\u{1f}", "end of line"),
            ("C1\u{85}next\u{9f}word", "C1 next word"),
        ] {
            assert_eq!(collapse_whitespace(s), words, "{s:?}");
            assert!(!is_collapsed(s.as_bytes()), "{s:?}");
        }
    }

    #[test]
    fn collapsing_keeps_words_and_joins_them_with_one_space() {
        for s in [
            "",
            "   ",
            "one",
            " one two  three\n",
            "a\u{a0}b\u{2003}c\u{3000}d\u{85}e\u{2028}f\u{0b}g",
            "“quoted” — dash\r\n\tnext",
            "x \u{2009}y",
        ] {
            assert_eq!(collapse_whitespace(s), join_words(s), "{s:?}");
        }
    }

    /// A cell shows a word hyphenated across lines as the tokenizer reads it: whole.
    #[test]
    fn a_word_hyphenated_across_lines_is_shown_whole() {
        assert_eq!(
            collapse_whitespace(
                "pleased at Secretary-\nGeneral Kofi Annan\u{2019}s winning, in this broad- \r\n\
                 based Government of Guinea\u{2010}\n\nBissau; the war -\nand the duty- and quota-free"
            ),
            "pleased at Secretary-General Kofi Annan\u{2019}s winning, in this broad-based \
             Government of Guinea\u{2010}Bissau; the war - and the duty- and quota-free"
        );
        // An address, as the tokenizer reads it.
        assert_eq!(
            collapse_whitespace("see www.un-\nwomen.org"),
            "see www.un-women.org"
        );
        // After a dotted acronym, as on one line.
        assert_eq!(
            collapse_whitespace("the U.S.-\nRussia treaty"),
            "the U.S.-Russia treaty"
        );
        // Nothing before the hyphen, or nothing after the line break, to join.
        assert_eq!(collapse_whitespace("-\nGeneral"), "- General");
        assert_eq!(collapse_whitespace("Secretary-\n"), "Secretary-");
    }

    /// A cell leaves out a page number between lines of its text, as the tokenizer does.
    #[test]
    fn a_page_number_between_lines_is_not_shown() {
        assert_eq!(
            collapse_whitespace(
                "Today Afghanistan finds itself in a major humanitarian crisis \u{2014} a crisis \
                 such as the world has not\n34\n\nwitnessed in recent times, nor since\n2015\n\
                 and\n- 7 -\nnever on its re-\n26\n\nelection in\n1945."
            ),
            "Today Afghanistan finds itself in a major humanitarian crisis \u{2014} a crisis such \
             as the world has not witnessed in recent times, nor since 2015 and never on its \
             re-election in 1945."
        );
        assert_eq!(
            collapse_whitespace("\n34\nwitnessed 34\n"),
            "34 witnessed 34"
        );
    }

    proptest::proptest! {
        /// The words of a collapsed text are the tokenizer's words of the text, folded:
        /// what a cell shows reads as what was counted (a phrase's words are found again
        /// in its text).
        #[test]
        fn collapsed_text_tokenizes_as_the_text(
            s in "([a-zA-Z0-9]{1,5}|[-,.]|\u{2010}|é)([ \n\t]{0,3}([a-zA-Z0-9]{1,5}|[-,.]|\u{2010}|é|\n[0-9]{1,4}\\.?\n|\n- [0-9] -\n)){0,12}",
        ) {
            let folded = |t: &str| -> Vec<String> {
                crate::tokenize::tokens(t, Span::new(0, t.len()))
                    .map(|(span, _)| crate::tokenize::fold_case(&collapse_whitespace(span.of(t))))
                    .collect()
            };
            proptest::prop_assert_eq!(folded(&collapse_whitespace(&s)), folded(&s));
        }
    }

    proptest::proptest! {
        #[test]
        fn collapsing_matches_split_whitespace(s in "[a é“\t\n\r\u{0}\u{2}\u{0b}\u{0c}\u{1f}\u{7f}\u{9f}\u{a0}\u{85}\u{1680}\u{2000}\u{200a}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{3001}]{0,30}") {
            let mut out = String::from("kept");
            collapse_whitespace_into(&mut out, &s);
            proptest::prop_assert_eq!(out, format!("kept{}", join_words(&s)));
        }

        /// Long stretches of words one space apart (skipped a block at a time) around
        /// irregular whitespace, non-ASCII whitespace and non-ASCII characters that share
        /// its lead bytes.
        #[test]
        fn collapsing_long_stretches_matches_split_whitespace(
            s in "(([ab]{1,6}|é|’) ){0,20}[ \n\t\u{a0}\u{2003}]{0,3}(([ab]{1,6}|“) ){0,20}[ \n]?",
        ) {
            let mut out = String::new();
            collapse_whitespace_into(&mut out, &s);
            proptest::prop_assert_eq!(out, join_words(&s));
        }

        /// The fast path is taken only where it changes nothing, and on plain sentences.
        #[test]
        fn collapsed_text_is_told_exactly(s in "[ab ]{0,12}|[a “\t\u{a0}]{0,12}") {
            let plain = join_words(&s) == s && !s.is_empty() && s.is_ascii() && !s.contains('\t');
            proptest::prop_assert_eq!(is_collapsed(s.as_bytes()), plain);
        }
    }
}
