//! Stage 3: tokens and their normal forms.
//!
//! Two small parts with one job each, in the manner of a token-filter chain:
//! - [`tokens`] cuts a span of text into word, number and punctuation tokens, each a byte
//!   span into the document (no copying);
//! - [`Normalizer`] maps a token's surface to a [`Term`]: lower-cased with apostrophes
//!   unified ([`fold_case`]), flagged as a stop word ([`StopWords`]), and stemmed with the
//!   Snowball English stemmer. Terms are cached per surface, so each distinct word form is
//!   lower-cased once per worker, not once per occurrence, and stems are shared by the
//!   workers ([`Stems`]), so that each word is stemmed once per run.

use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use rustc_hash::FxHashMap;

use crate::chars;
use crate::index::{Index, prefetch, wide};
use crate::span::{Span, collapse_whitespace, is_blank, may_start_blank};
use crate::wrap;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Starts with a letter: "Kremlin‘s", "pro-war", "U.S.", "example.com".
    Word,
    /// Starts with a digit: "13,000", "3.5", "1990s".
    Number,
    /// Any other single non-space character: clause punctuation, quotes, symbols.
    Punct,
}

/// A token: a span of the document and the id of its normal form in a [`Normalizer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where the token is in the document text.
    pub span: Span,
    /// What kind of token it is.
    pub kind: TokenKind,
    /// Its term in the [`Normalizer`] that produced it.
    pub term: TermId,
}

/// Index of a [`Term`] in a [`Normalizer`].
pub type TermId = u32;

/// The normal forms of one surface form (its hashes and flags are its [`TermInfo`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Lower-cased, with ’ and ‘ read as ' and hyphen variants as -.
    pub lower: Box<str>,
    /// Snowball English stem of `lower` (numbers and punctuation are their own stem).
    pub stem: Box<str>,
    /// For a hyphenated word, the stem of its last part ("UN-brokered" → "broker"), so that
    /// compounds can match the lexicon when the whole word does not.
    pub tail_stem: Option<Box<str>>,
    /// For a hyphenated word, the stem of its first part ("peace-loving" → "peac"): a
    /// compound whose last part carries no tone is scored by its first (see the tone
    /// stage's `find_matches`).
    pub head_stem: Option<Box<str>>,
}

/// What the stages ask of a term at every token: its hashes and flags, kept apart from
/// its forms ([`Term`]) in 32 bytes, two to a cache line. A run reads them for every
/// token from a table larger than the cache; read from beside the forms, each took a
/// record of 80 bytes, often over two lines (cachegrind on 10 MB: 5.9% fewer first-level
/// and 6.9% fewer second-level read misses in all, the tone stage reading the forms only
/// when a lookup needs them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(32))]
pub struct TermInfo {
    /// [`word_hash`] of [`Term::lower`]: the word's identity in phrase counts.
    pub hash: u64,
    /// [`word_hash`] of the surface as written, to tell a phrase's surface forms apart.
    pub surface_hash: u64,
    /// [`word_hash`] of [`Term::stem`], to rule out lexicon lookups cheaply.
    pub stem_hash: u64,
    /// Whether the word is an English stop word.
    pub stop: bool,
    /// Whether the word negates by itself: an "n't" contraction or "cannot". Decided once
    /// here because the tone rules ask it of every word.
    pub contracted_negation: bool,
    /// Whether the surface starts with a lower-case letter: the word is written as a
    /// common word, not as a name.
    pub starts_lower: bool,
    /// Whether the term has a [`Term::tail_stem`], which the tone stage asks of every
    /// word.
    pub has_tail_stem: bool,
    /// Whether the term has a [`Term::head_stem`].
    pub has_head_stem: bool,
    /// Whether the word ends in "'s", a possessive ("Russia's", "Kremlin‘s") or a
    /// contraction ("that's"): phrases end on it only where they read it as the word it is
    /// the possessive of ([`Normalizer::possessor`]).
    pub possessive: bool,
}

/// A possessive word ("Russia's", "Guinea’s") as the word it is the possessive of, which
/// a phrase ending on it may read it as ("South Africa's policy" holds "South Africa").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Possessor {
    /// [`word_hash`] of the lower-cased word without its "'s".
    pub hash: u64,
    /// [`word_hash`] of the surface without its "'s".
    pub surface_hash: u64,
    /// Bytes of the "'s" as written (2, or 4 with a typographic apostrophe).
    pub suffix_len: u8,
}

/// Cuts `span` of `text` into tokens (kind and span only), in order.
pub fn tokens(text: &str, span: Span) -> impl Iterator<Item = (Span, TokenKind)> + '_ {
    let s = span.of(text);
    let base = span.start;
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        // ASCII spaces first, byte by byte; then other whitespace and control characters
        // (which stand for no word) only for a byte that may start one (most tokens start
        // with an ASCII letter), and past the text's start a page number between lines.
        while s.as_bytes().get(pos).is_some_and(|&b| b == b' ') {
            pos += 1;
        }
        if s.as_bytes().get(pos).is_some_and(|&b| may_start_blank(b)) {
            pos += gap_at(s, pos);
        }
        let rest = &s[pos..];
        let first = rest.chars().next()?;
        let (len, kind) = if chars::is_alphabetic(first) {
            (word_len(rest), TokenKind::Word)
        } else if first.is_ascii_digit() {
            (number_len(rest), TokenKind::Number)
        } else {
            (first.len_utf8(), TokenKind::Punct)
        };
        let token = (Span::new(base + pos, base + pos + len), kind);
        pos += len;
        Some(token)
    })
}

/// Length of the blanks at `pos` of `s` and, past the text's start, of a page number
/// between lines ([`wrap::gap_len`]). Out of line: the common case, a word after a space,
/// stays a tight loop (inlined, this took 0.25% more instructions on 10 MB).
#[inline(never)]
fn gap_at(s: &str, pos: usize) -> usize {
    let rest = &s[pos..];
    // Most spans start with a word (a sentence's is trimmed).
    let after_text = pos > 0 && (!may_start_blank(s.as_bytes()[0]) || pos > wrap::blank_len(s));
    match after_text {
        true => wrap::gap_len(rest),
        false => wrap::blank_len(rest),
    }
}

const fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

/// Whether `c` is a hyphen, or one of its Unicode variants.
pub(crate) const fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Marks that may join two parts of one word ("don't", "UN-brokered", "e.g.", "AT&T"),
/// depending on what follows them.
const fn is_joiner(c: char) -> bool {
    is_apostrophe(c) || is_hyphen(c) || matches!(c, '.' | '@' | '_' | '&')
}

/// A byte's class for [`word_len`]'s and [`ascii_word_len`]'s ASCII paths.
static CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if !is_joiner(c as char) && c != b':' {
            ENDS_WORD
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// An ASCII letter or digit.
const ALNUM: u8 = 1;
/// ASCII that ends a run of letters and digits as a word: it joins nothing ([`is_joiner`])
/// and is not the ':' that may follow "http" in an address.
const ENDS_WORD: u8 = 2;
/// Anything else: the word's end needs a closer look.
const OTHER: u8 = 0;

/// Length of the word at the start of `s`.
#[inline]
fn word_len(s: &str) -> usize {
    // Most words are ASCII letters and digits followed by a space or by punctuation that
    // joins nothing: [`word_len_slow`]'s loops would end there too, without their Unicode
    // lookups (a tenth of a run before). A dotted acronym needs a '.' after its letters
    // and an address a ':' or a '.', so neither takes this path.
    // The plain end is tested here as well as in `ascii_word_len`'s loop, so that the
    // common case is inlined and the rest is a call: inlined whole, or called for every
    // word, the tokenizer took 12M and 42M more instructions on 10 MB.
    let b = s.as_bytes();
    let run = alnum_run(b);
    if run > 0
        && b.get(run)
            .is_none_or(|&c| CLASS[usize::from(c)] == ENDS_WORD)
    {
        return run;
    }
    ascii_word_len(b, run).unwrap_or_else(|| word_len_slow(s))
}

/// The length of a word that starts with `run` ASCII letters and digits not at a plain
/// end, where [`word_len_slow`] would end it, or `None` for what only that function
/// decides. Its parts are joined across a hyphen before a letter or a digit ("pro-war",
/// "COVID-19") and an apostrophe before a letter ("Russia's"). It ends at a colon or a
/// period, unless the word starts an address ([`starts_address`]), or, for a
/// period, a lower-case letter or a digit follows ("example.com", "3.5") or the word's
/// first run is one or two letters and digits (a dotted acronym such as "U.S." or "Ph.D."
/// is told by its start). Anything non-ASCII is left to the slow path. Every sentence's
/// last word and every hyphenated word took that path, at some 400 instructions each.
fn ascii_word_len(b: &[u8], run: usize) -> Option<usize> {
    if run == 0 {
        return None;
    }
    let mut end = run;
    loop {
        let next = b.get(end + 1).copied();
        match b.get(end) {
            None => return Some(end),
            Some(&c) if CLASS[usize::from(c)] == ENDS_WORD => return Some(end),
            Some(b'-') if next.is_some_and(|n| n.is_ascii_alphanumeric()) => {}
            Some(b'\'') if next.is_some_and(|n| n.is_ascii_alphabetic()) => {}
            // Asked only at a colon or a period: most words end at neither.
            Some(b':') if !starts_address(b) => return Some(end),
            Some(b'.') if run >= 3 && !starts_address(b) => {
                let joins = next
                    .is_some_and(|n| !n.is_ascii() || n.is_ascii_lowercase() || n.is_ascii_digit());
                return (!joins).then_some(end);
            }
            _ => return None,
        }
        end += 1 + alnum_run(&b[end + 1..]);
    }
}

/// How many bytes at the start of `b` are ASCII letters and digits.
#[inline]
fn alnum_run(b: &[u8]) -> usize {
    b.iter()
        .position(|&c| CLASS[usize::from(c)] != ALNUM)
        .unwrap_or(b.len())
}

/// [`word_len`] for a word [`ascii_word_len`] leaves (addresses, dotted acronyms, anything
/// non-ASCII), by the full rules: kept out of line, so that the common case is inlined
/// without this path's prologue and epilogue (a fifth of the function's cost when they
/// were one).
#[inline(never)]
fn word_len_slow(s: &str) -> usize {
    if let Some(len) = url_len(s) {
        return len;
    }
    if let Some(len) = dotted_acronym_len(s) {
        return len;
    }
    let mut end = 0;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        let after = i + c.len_utf8();
        if chars::is_alphanumeric(c) || is_mark(c) {
            (end, i) = (after, after);
            continue;
        }
        let joiner = is_joiner(c);
        let next = s[after..].chars().next();
        let joins = match (joiner, next) {
            (true, Some(n)) if is_apostrophe(c) => chars::is_alphabetic(n),
            (true, Some(n)) if c == '.' => n.is_lowercase() || n.is_ascii_digit(),
            (true, Some(n)) if c == '&' => {
                n.is_uppercase() && s[..i].chars().all(char::is_uppercase)
            }
            (true, Some(n)) => chars::is_alphanumeric(n),
            _ => false,
        };
        if joins {
            i = after;
            continue;
        }
        // A part that ends a line with a hyphen goes on on the next ("Secretary-" /
        // "General").
        match wrap_after(s, end > 0 && end == i, c, after) {
            Some(resume) => i = resume,
            None => break,
        }
    }
    end.max(s.chars().next().map_or(0, char::len_utf8))
}

/// Where a word goes on past `c`, a character of `s` that joins nothing on its line and
/// ends at `after`, if `c` is a hyphen right after a part of the word (`after_part`) and a
/// [`wrap::hyphen_wrap`] follows: the byte after the wrap.
fn wrap_after(s: &str, after_part: bool, c: char, after: usize) -> Option<usize> {
    let rest = &s[after..];
    (after_part && is_hyphen(c) && rest.starts_with(is_blank))
        .then(|| wrap::hyphen_wrap(rest))
        .flatten()
        .map(|gap| after + gap)
}

/// Whether `c` is a combining diacritic, part of the word it follows.
pub(crate) fn is_mark(c: char) -> bool {
    // Combining diacritics (U+0300–U+036F) keep decomposed accents inside their word.
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// "U.S.", "e.g.", "Ph.D.", "U.S.A.": two or more groups of one or two letters, each
/// followed by a period.
pub(crate) fn dotted_acronym_len(s: &str) -> Option<usize> {
    let mut groups = 0;
    let mut pos = 0;
    loop {
        let rest = &s[pos..];
        let letters: usize = rest
            .chars()
            .take_while(|&c| chars::is_alphabetic(c))
            .take(3)
            .map(char::len_utf8)
            .sum();
        let count = rest[..letters].chars().count();
        if !(1..=2).contains(&count) || !rest[letters..].starts_with('.') {
            break;
        }
        groups += 1;
        pos += letters + 1;
    }
    let next_alnum = s[pos..].chars().next().is_some_and(chars::is_alphanumeric);
    (groups >= 2 && !next_alnum).then_some(pos)
}

/// Whether `b` starts with "http://", "https://" or "www.", in any case: where
/// [`url_len`] reads an address.
fn starts_address(b: &[u8]) -> bool {
    // The first letter first: the quick path asks at every sentence's last word.
    let Some(b'h' | b'H' | b'w' | b'W') = b.first() else {
        return false;
    };
    ["http://", "https://", "www."].iter().any(|prefix| {
        b.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
    })
}

fn url_len(s: &str) -> Option<usize> {
    if !starts_address(s.as_bytes()) {
        return None;
    }
    let ends = |c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\u{201d}');
    let mut end = s.find(ends).unwrap_or(s.len());
    // An address hyphenated at a line end goes on on the next line, as a word does
    // ("www.un-" / "women.org").
    while s[..end].ends_with(is_hyphen)
        && let Some(gap) = wrap::hyphen_wrap(&s[end..])
    {
        let resume = end + gap;
        end = s[resume..].find(ends).map_or(s.len(), |len| resume + len);
    }
    // Trailing sentence punctuation is not part of the address.
    Some(
        s[..end]
            .trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\''])
            .len(),
    )
}

/// Length of the number at the start of `s`: digits with `,`/`.` separators, then letters
/// ("1990s", "3rd") and hyphenated parts ("13-year-old").
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let separator = matches!(b[i], b',' | b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(b[i].is_ascii_digit() || separator) {
            break;
        }
        i += 1;
    }
    let tail = word_tail(&s[i..]);
    i + tail
}

/// Letters and hyphenated parts directly after a number, also over a line-end hyphen
/// ("2001-" / "2010"): `s` follows a digit.
fn word_tail(s: &str) -> usize {
    let mut end = 0;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        let after = i + c.len_utf8();
        if chars::is_alphanumeric(c) {
            (end, i) = (after, after);
        } else if is_hyphen(c)
            && s[after..]
                .chars()
                .next()
                .is_some_and(chars::is_alphanumeric)
        {
            i = after;
        } else if let Some(resume) = wrap_after(s, end == i, c, after) {
            i = resume;
        } else {
            break;
        }
    }
    end
}

/// A 64-bit hash of a string (XXH3): deterministic across threads, runs, machines and
/// builds, so phrase counts keyed by it merge exactly, partial folders included.
pub fn word_hash(s: &str) -> u64 {
    word_hash_bytes(s.as_bytes())
}

/// [`word_hash`] of a word's UTF-8 bytes.
fn word_hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The [`TermInfo::hash`] of each word and number of `text`, in order, as a [`Normalizer`]
/// would give them: the words' identity in phrase counts, worked out again from a phrase's
/// text to score it (for every phrase listed, and every section's top phrases).
pub fn word_hashes(text: &str) -> Vec<u64> {
    // Room at once for as many hashes as spaces allow (phrase texts are collapsed):
    // growing the vector word by word cost a realloc a phrase.
    let mut hashes = Vec::with_capacity(text.bytes().filter(|&b| b == b' ').count() + 1);
    if !plain_word_hashes_into(text, &mut hashes) {
        hashes.clear();
        tokenized_word_hashes_into(text, &mut hashes);
    }
    hashes
}

/// [`word_hashes`] for any text: cut by [`tokens`] and folded by [`fold_case_into`].
fn tokenized_word_hashes_into(text: &str, hashes: &mut Vec<u64>) {
    let mut folded = String::with_capacity(text.len());
    hashes.extend(
        tokens(text, Span::new(0, text.len()))
            .filter(|(_, kind)| *kind != TokenKind::Punct)
            .map(|(span, _)| {
                folded.clear();
                fold_case_into(span.of(text), &mut folded);
                word_hash(&folded)
            }),
    );
}

/// Longest word [`plain_word_hashes_into`] folds on the stack.
const PLAIN_WORD_MOST: usize = 32;

/// [`word_hashes`] for most phrases, words of ASCII letters between single spaces, which
/// [`tokens`] cuts at the spaces ([`word_len`]'s ASCII path) and [`fold_case_into`] folds
/// byte by byte: each word lower-cased on the stack (its bytes tested for letters without
/// a branch each) and hashed, without the general rules or a buffer to grow. False, with
/// `hashes` part filled, for any other text.
fn plain_word_hashes_into(text: &str, hashes: &mut Vec<u64>) -> bool {
    let bytes = text.as_bytes();
    let mut folded = [0u8; PLAIN_WORD_MOST];
    let mut start = 0;
    loop {
        // Setting bit 5 lower-cases an ASCII letter and leaves one a letter; no other
        // byte becomes one.
        let mut len = 0;
        let mut letters = true;
        while let Some(&b) = bytes.get(start + len).filter(|&&b| b != b' ') {
            let Some(f) = folded.get_mut(len) else {
                return false;
            };
            *f = b | 0x20;
            letters &= f.wrapping_sub(b'a') < 26;
            len += 1;
        }
        if len == 0 || !letters {
            return false;
        }
        hashes.push(word_hash_bytes(&folded[..len]));
        start += len + 1;
        if start > bytes.len() {
            return true;
        }
    }
}

/// The word a case-folded word ending in "'s" is the possessive of ("russia" of
/// "russia's"), if it is one: not a contraction of a stop word ("it's", "that's",
/// "there's", by `stop_words`) or of "let's".
fn possessor_of<'a>(folded: &'a str, stop_words: &StopWords) -> Option<&'a str> {
    (folded.strip_suffix("'s"))
        .filter(|base| !base.is_empty() && *base != "let" && !stop_words.contains(base))
}

/// Lower-cases `surface`, reading ’ ‘ ʼ as ' and hyphen variants as -.
pub fn fold_case(surface: &str) -> String {
    let mut folded = String::with_capacity(surface.len());
    fold_case_into(surface, &mut folded);
    folded
}

/// [`fold_case`] appended to `out`, for callers that reuse one buffer.
pub fn fold_case_into(surface: &str, out: &mut String) {
    // ASCII has no apostrophe or hyphen to unify and lower-cases byte by byte: most words
    // are, and lower-casing them a character at a time was a hundredth of a run.
    if surface.is_ascii() {
        let start = out.len();
        out.push_str(surface);
        out[start..].make_ascii_lowercase();
    } else {
        fold_chars_into(surface, out);
    }
}

/// [`fold_case_into`] a character at a time, for any text.
fn fold_chars_into(surface: &str, out: &mut String) {
    out.extend(surface.chars().flat_map(char::to_lowercase).map(|c| {
        if is_apostrophe(c) {
            '\''
        } else if is_hyphen(c) {
            '-'
        } else {
            c
        }
    }));
}

/// Function words missing from NLTK's list: prepositions and modals that should not
/// start or end a repeated phrase ("since President Trump took office").
const EXTRA_STOP_WORDS: &[&str] = &[
    "since",
    "upon",
    "among",
    "amongst",
    "within",
    "without",
    "despite",
    "toward",
    "towards",
    "amid",
    "via",
    "per",
    "onto",
    "unlike",
    "beside",
    "besides",
    "beyond",
    "across",
    "along",
    "around",
    "behind",
    "beneath",
    "throughout",
    "whether",
    "also",
    "would",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "yet",
    "however",
    "thus",
    "therefore",
    "although",
    "though",
];

/// The English stop-word list: NLTK's (via the stop-words crate) plus
/// [`EXTRA_STOP_WORDS`].
#[derive(Debug, Clone)]
pub struct StopWords(HashSet<&'static str>);

impl Default for StopWords {
    fn default() -> Self {
        StopWords(
            stop_words::get("en")
                .iter()
                .chain(EXTRA_STOP_WORDS)
                .copied()
                .collect(),
        )
    }
}

/// The list, built once and shared.
static ENGLISH: LazyLock<StopWords> = LazyLock::new(StopWords::default);

impl StopWords {
    /// The shared English list, for callers that need no copy of their own.
    pub fn english() -> &'static StopWords {
        &ENGLISH
    }

    /// Whether a lower-cased word is a stop word.
    pub fn contains(&self, lower: &str) -> bool {
        self.0.contains(lower)
    }
}

/// Word forms the Snowball stemmer would conflate with unrelated words ("detention" with
/// "detente", "international" with "intern") or cannot relate to their base (irregular
/// verbs: "broke" → "break", "fought" → "fight"), with the stem to use instead.
const STEM_EXCEPTIONS: &str = include_str!("../data/stem_exceptions.csv");

static EXCEPTIONS: LazyLock<FxHashMap<&'static str, &'static str>> = LazyLock::new(|| {
    STEM_EXCEPTIONS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            Some((fields.next()?, fields.next()?))
        })
        .collect()
});

/// Surfaces cached before the cache is emptied between documents, to bound memory on
/// corpora with many distinct forms (numbers, typos, names). 64 K terms (some 10 MB a
/// worker) hold a corpus's common words, which are normalized again after each emptying in
/// a few milliseconds (their stems mostly found in [`Stems`]); 1 M terms could hold 130 MB
/// a worker, and its lookups missed the cache more often.
const CACHE_LIMIT: usize = 1 << 16;

/// Lower-cased words most held by [`Stems`] (some 10 MB), a [`STEM_PARTS`]th of them in
/// each part before it is emptied: more than a corpus's common words.
const STEMS_LIMIT: usize = 1 << 17;

/// Parts of [`Stems`], each behind its own lock.
const STEM_PARTS: usize = 16;

/// Stems already worked out, by lower-cased word, shared by the normalizers of a run's
/// workers. Each worker caches the terms of its own surfaces, and without this each one
/// stemmed the run's vocabulary again: at two threads, 42% more stemming on 10 MB, at some
/// 4,000 instructions a word. The stem of a word does not depend on who asks first, so
/// sharing changes no output. A word is found in one of [`STEM_PARTS`] parts by its hash,
/// so that workers seldom wait on each other; a part past its share of [`STEMS_LIMIT`] is
/// emptied, as [`Normalizer::trim_cache`] empties a worker's cache.
#[derive(Debug, Default)]
pub struct Stems {
    parts: [Mutex<FxHashMap<Box<str>, Box<str>>>; STEM_PARTS],
}

impl Stems {
    /// Words held.
    #[cfg(test)]
    fn held(&self) -> usize {
        (self.parts.iter())
            .map(|p| p.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    /// The stem of `base` (a lower-cased word), worked out by `stem` if not yet known.
    fn get_or_stem(&self, base: &str, stem: impl FnOnce() -> String) -> String {
        let hash = rustc_hash::FxBuildHasher.hash_one(base);
        let part = &self.parts[(hash >> 60) as usize % STEM_PARTS];
        if let Some(known) = part
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(base)
        {
            return known.to_string();
        }
        // Stemmed outside the lock: another worker may stem the same word meanwhile, to
        // the same result.
        let stemmed = stem();
        let mut map = part.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= STEMS_LIMIT / STEM_PARTS {
            map.clear();
        }
        map.insert(base.into(), stemmed.as_str().into());
        stemmed
    }
}

/// Maps surfaces to [`Term`]s, caching one entry per distinct surface.
///
/// One normalizer per worker thread: it is cheap to create and not shared; its stems may
/// be ([`Normalizer::sharing`]).
pub struct Normalizer {
    stemmer: rust_stemmers::Stemmer,
    stems: Arc<Stems>,
    stop_words: &'static StopWords,
    /// Surfaces of at most 15 bytes, packed into an integer with their length (see
    /// [`packed`]) and kept as its two halves (see [`wide`]): almost every word, looked up
    /// without hashing or comparing a string, and in a table whose lookups can be
    /// prefetched.
    short_ids: Index<[u64; 2], TermId>,
    ids: FxHashMap<Box<str>, TermId>,
    terms: Vec<Term>,
    /// By term id, as `terms`.
    info: Vec<TermInfo>,
    /// The [`Possessor`] of each possessive term, by id: a few terms in a hundred, asked
    /// for only by the phrase stage.
    possessors: FxHashMap<TermId, Possessor>,
    /// A [`fresh_stamp`], taken again whenever the cache is emptied: ids from before are
    /// not those after, nor those of another normalizer.
    generation: u64,
}

/// A number no other call returns in this process: it tells apart the generations of
/// every normalizer (what a stage learnt by term id from one is never read as learnt from
/// another) and the versions of the data a stage learns from ([`TermMarks`]).
pub(crate) fn fresh_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A surface of at most 15 bytes as one integer: its bytes, then its length in the last.
fn packed(surface: &str) -> Option<u128> {
    let bytes = surface.as_bytes();
    (bytes.len() < 16).then(|| {
        let mut key = [0u8; 16];
        key[..bytes.len()].copy_from_slice(bytes);
        key[15] = bytes.len() as u8;
        u128::from_le_bytes(key)
    })
}

/// `SURFACE_MASKS[n]` keeps the first `n` bytes of a little-endian `u128`: a 128-bit shift
/// by a variable amount took some twenty instructions, twice a token.
static SURFACE_MASKS: [u128; 16] = {
    let mut masks = [0u128; 16];
    let mut n = 1;
    while n < 16 {
        masks[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

/// [`packed`] of `text[span]`, read with one 16-byte load where the text goes on that far
/// from the span's start, the bytes past the surface masked off: copying the surface into
/// a buffer and reading it back as one integer stalled the processor on every token.
fn packed_in(text: &str, span: Span) -> Option<u128> {
    let len = span.len();
    let window = text.as_bytes().get(span.start..span.start + 16);
    match window {
        Some(window) if len < 16 => {
            let bytes = u128::from_le_bytes(window.try_into().expect("a 16-byte window"));
            let surface = bytes & SURFACE_MASKS[len];
            Some(surface | (len as u128) << 120)
        }
        _ => packed(span.of(text)),
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer::sharing(Arc::default())
    }
}

impl Normalizer {
    /// A normalizer that looks stems up in, and adds them to, `stems`: one per worker of a
    /// run, all sharing one [`Stems`].
    pub fn sharing(stems: Arc<Stems>) -> Self {
        Normalizer {
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
            stems,
            stop_words: StopWords::english(),
            short_ids: Index::default(),
            ids: FxHashMap::default(),
            terms: Vec::new(),
            info: Vec::new(),
            possessors: FxHashMap::default(),
            generation: fresh_stamp(),
        }
    }

    /// The term id of `surface`, computing its normal forms on first sight.
    pub fn term_id(&mut self, surface: &str, kind: TokenKind) -> TermId {
        self.term_id_packed(surface, Span::new(0, surface.len()), packed(surface), kind)
    }

    /// [`Normalizer::term_id`] of the surface `text[span]`, already [`packed`] if short.
    /// The surface is sliced out only when needed: a short one that is found never is.
    #[inline(always)]
    fn term_id_packed(
        &mut self,
        text: &str,
        span: Span,
        short: Option<u128>,
        kind: TokenKind,
    ) -> TermId {
        let known = match short {
            Some(key) => self.short_ids.get(wide(key)),
            None => self.ids.get(span.of(text)).copied(),
        };
        match known {
            Some(id) => id,
            None => self.add_term(span.of(text), short, kind),
        }
    }

    /// Works out and caches the normal forms of a surface not yet seen: out of line, since
    /// all but a few percent of lookups find their term (see [`word_len_slow`]).
    #[cold]
    #[inline(never)]
    fn add_term(&mut self, written: &str, short: Option<u128>, kind: TokenKind) -> TermId {
        // A word hyphenated across lines is read as written on one ("Secretary-General");
        // only such a word has a line break.
        let one_line;
        let surface = match written.as_bytes().contains(&b'\n') {
            true => {
                one_line = collapse_whitespace(written);
                &one_line
            }
            false => written,
        };
        let lower = fold_case(surface);
        let hash = word_hash(&lower);
        let stem = match kind {
            TokenKind::Word => self.stem(&lower),
            _ => lower.clone(),
        };
        let stop = self.stop_words.contains(&lower);
        let contracted_negation = lower.ends_with("n't") || lower == "cannot";
        // A part of three letters or more ("war", not the "UN" of "UN-brokered").
        let part_stem = |part: &str| {
            (kind == TokenKind::Word
                && part.chars().count() >= 3
                && part.chars().all(chars::is_alphabetic))
            .then(|| self.stem(part).into_boxed_str())
        };
        // One search for a hyphen for the many words without one.
        let (head_stem, tail_stem) = match lower.find('-') {
            Some(first) => {
                let last = lower.rfind('-').unwrap_or(first);
                (part_stem(&lower[..first]), part_stem(&lower[last + 1..]))
            }
            None => (None, None),
        };
        let possessive = kind == TokenKind::Word && lower.ends_with("'s");
        let id = self.terms.len() as TermId;
        debug_assert_eq!(self.info.len(), self.terms.len(), "one info per term");
        let stem_hash = word_hash(&stem);
        self.info.push(TermInfo {
            hash,
            surface_hash: word_hash(surface),
            stem_hash,
            stop,
            contracted_negation,
            starts_lower: surface.starts_with(char::is_lowercase),
            has_tail_stem: tail_stem.is_some(),
            has_head_stem: head_stem.is_some(),
            possessive,
        });
        if let Some(base) = possessor_of(&lower, self.stop_words).filter(|_| possessive) {
            // An apostrophe of any kind, then "s".
            let apostrophe = surface.char_indices().rev().nth(1).map_or(0, |(at, _)| at);
            let possessor = Possessor {
                hash: word_hash(base),
                surface_hash: word_hash(&surface[..apostrophe]),
                suffix_len: (surface.len() - apostrophe) as u8,
            };
            self.possessors.insert(id, possessor);
        }
        self.terms.push(Term {
            lower: lower.into(),
            stem: stem.into(),
            tail_stem,
            head_stem,
        });
        match short {
            Some(key) => _ = self.short_ids.get_or_insert(wide(key), id),
            None => _ = self.ids.insert(written.into(), id),
        };
        id
    }

    /// The Snowball stem of a lower-cased word, or its entry in the stem exceptions. The
    /// possessive is removed first so that "russia's" and "russia" share a stem whatever
    /// apostrophe the text used.
    pub fn stem(&self, lower: &str) -> String {
        let base = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix('\''))
            .unwrap_or(lower);
        match EXCEPTIONS.get(base) {
            Some(stem) => stem.to_string(),
            None => (self.stems).get_or_stem(base, || self.stemmer.stem(base).into_owned()),
        }
    }

    /// The term behind an id from this normalizer.
    pub fn term(&self, id: TermId) -> &Term {
        &self.terms[id as usize]
    }

    /// The hashes and flags of the term behind an id.
    pub fn info(&self, id: TermId) -> &TermInfo {
        &self.info[id as usize]
    }

    /// What a possessive term is the possessive of; `None`, without a lookup, for a term
    /// that is not [`TermInfo::possessive`], and for a contraction.
    pub fn possessor(&self, id: TermId) -> Option<&Possessor> {
        match self.info(id).possessive {
            true => self.possessors.get(&id),
            false => None,
        }
    }

    /// Tokens of `span`, normalized.
    pub fn tokenize(&mut self, text: &str, span: Span, out: &mut Vec<Token>) {
        // The span is cut into tokens first, each surface's cache bucket fetched as it is
        // cut, and then each token looked up, its term's info fetched for the stages that
        // read it next. Both tables are larger than the processor's caches: looking each
        // token up as it was cut waited for memory on the bucket (a tenth of a run on 1 GB),
        // and the tone stage then waited again on the term.
        // A key is read again rather than kept: it is one load from text just read.
        let first = out.len();
        for (span, kind) in tokens(text, span) {
            if let Some(key) = packed_in(text, span) {
                self.short_ids.prefetch(wide(key));
            }
            out.push(Token {
                span,
                kind,
                term: 0,
            });
        }
        for token in &mut out[first..] {
            let (span, kind) = (token.span, token.kind);
            token.term = self.term_id_packed(text, span, packed_in(text, span), kind);
            prefetch(&self.info[token.term as usize]);
        }
    }

    /// Empties the cache if it has grown past its limit. Call between documents only: ids
    /// handed out before are invalid afterwards.
    pub fn trim_cache(&mut self) {
        if self.terms.len() > CACHE_LIMIT {
            self.short_ids.clear();
            self.ids.clear();
            self.terms.clear();
            self.info.clear();
            self.possessors.clear();
            self.generation = fresh_stamp();
        }
    }

    /// Changes whenever ids handed out before may stand for other terms since (see
    /// [`Normalizer::trim_cache`]), and differs from every other normalizer's: what a
    /// caller remembers by term id is valid while the generation it was learnt in lasts.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// How often each term occurs among the words and numbers of one document (punctuation is
/// not counted), by term id: a bag of words in a flat array. The stages that need the
/// document's word counts, or which words it writes in lower case, read its distinct terms
/// here instead of a hash table updated at every token (which cost more than the tokens'
/// own lookups).
#[derive(Clone, Default)]
pub struct TermCounts {
    /// By term id; zero for terms not seen.
    counts: Vec<u32>,
    /// The terms seen, in order of first sight: the first `distinct` entries; the rest is
    /// room to write the next token's term in (see [`TermCounts::add`]).
    seen: Vec<TermId>,
    distinct: usize,
    tokens: u64,
}

/// The terms seen and their counts, not the room past them.
impl std::fmt::Debug for TermCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermCounts")
            .field("seen", &self.iter().collect::<Vec<_>>())
            .field("tokens", &self.tokens)
            .finish()
    }
}

impl TermCounts {
    /// Counts the words and numbers among `tokens`.
    pub fn add(&mut self, tokens: &[Token]) {
        if self.seen.len() < self.distinct + tokens.len() {
            self.seen.resize(self.distinct + tokens.len(), 0);
        }
        for t in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
            let id = t.term as usize;
            if id >= self.counts.len() {
                self.counts.resize((id + 1).next_power_of_two(), 0);
            }
            let count = &mut self.counts[id];
            // Whether a term is new to the document is as good as random: written each
            // time and kept only if new, it costs no branch (mispredicted on most new
            // terms, this test was most of the function's time on 1 GB).
            self.seen[self.distinct] = t.term;
            self.distinct += usize::from(*count == 0);
            *count += 1;
            self.tokens += 1;
        }
    }

    /// Each term seen, with its count, in order of first sight.
    pub fn iter(&self) -> impl Iterator<Item = (TermId, u32)> + '_ {
        (self.seen[..self.distinct].iter()).map(|&id| (id, self.counts[id as usize]))
    }

    /// Words and numbers counted.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Forgets every count, keeping the memory.
    pub fn clear(&mut self) {
        for &id in &self.seen[..self.distinct] {
            self.counts[id as usize] = 0;
        }
        self.distinct = 0;
        self.tokens = 0;
    }
}

/// What a stage asks of every token that depends on the term alone, learnt at the term's
/// first sight and kept by term id: one byte per term, whose meaning the stage gives it
/// (0 is "not yet learnt", so a stage's learnt value must not be 0). Ids are handed out in
/// order of first sight, so the frequent words of a text sit together in the first few
/// cache lines, where looking the same things up in tables keyed by hash touched a line
/// per word. Each stage wraps it in a type of its own, so that one stage's marks cannot
/// be handed to another.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermMarks {
    /// By term id; 0 for a term not yet marked.
    marks: Vec<u8>,
    /// The [`Normalizer::generation`] the ids are from, and the stamp of the data the
    /// marks were learnt from (see [`fresh_stamp`]); 0 before anything is learnt.
    learnt_from: (u64, u64),
}

impl TermMarks {
    /// Forgets every mark unless it was learnt over `norm`'s current ids and data stamped
    /// `data`: a stage calls it before reading marks.
    pub(crate) fn follow(&mut self, norm: &Normalizer, data: u64) {
        let now = (norm.generation(), data);
        if self.learnt_from != now {
            self.marks.clear();
            self.learnt_from = now;
        }
    }

    /// The mark of `term`, worked out by `learn` (never 0) on first sight.
    #[inline]
    pub(crate) fn of(&mut self, term: TermId, learn: impl FnOnce() -> u8) -> u8 {
        let at = term as usize;
        if at >= self.marks.len() {
            self.marks.resize(at + 1, 0);
        }
        match self.marks[at] {
            0 => {
                let mark = learn();
                debug_assert_ne!(mark, 0, "a learnt mark is not 0");
                self.marks[at] = mark;
                mark
            }
            mark => mark,
        }
    }
}

/// Adds words until `norm` empties its cache ([`Normalizer::trim_cache`]), so that the
/// ids it hands out next stand for other terms than before: for the tests of what stages
/// remember by term id.
#[cfg(test)]
pub(crate) fn forget_every_term(norm: &mut Normalizer) {
    let before = norm.generation();
    let mut k = 0;
    while norm.generation() == before {
        norm.term_id(&format!("w{k}"), TokenKind::Word);
        k += 1;
        if k % 1024 == 0 {
            norm.trim_cache();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_blanks_are_told_by_their_byte() {
        for b in 0..=127u8 {
            assert_eq!(may_start_blank(b), is_blank(char::from(b)), "byte {b}");
        }
        // Each kind of whitespace or control character between words, and leading: two
        // words, nothing else.
        for space in [
            "\t", "\n", "\u{b}", "\u{c}", "\r", " ", "\u{a0}", "\u{2003}", "\u{2}", "\u{7f}",
            "\u{9f}",
        ] {
            let text = format!("{space}peace{space}talks{space}");
            let found: Vec<&str> = tokens(&text, Span::new(0, text.len()))
                .map(|(span, _)| span.of(&text))
                .collect();
            assert_eq!(found, ["peace", "talks"], "{space:?}");
        }
    }

    fn words(text: &str) -> Vec<&str> {
        tokens(text, Span::new(0, text.len()))
            .map(|(s, _)| s.of(text))
            .collect()
    }

    proptest::proptest! {
        /// The quick ends of a word (a plain end; hyphens, apostrophes, colons and periods
        /// in ASCII) are where the full rules end it: words of letters, digits, periods,
        /// joiners, colons, "www", "http" and non-ASCII letters, followed by anything.
        #[test]
        fn a_word_ends_where_the_full_rules_end_it(
            text in "(www|WWW|http|Http|[a-zA-Z])[a-zA-Z0-9]{0,5}([.'&:@_/-]|://|www|[a-z0-9]{0,3}|[A-Z]| |é|’|\\.\\.){0,6}",
        ) {
            proptest::prop_assert_eq!(word_len(&text), word_len_slow(&text), "{:?}", text);
        }

        /// ASCII is folded byte by byte as it would be a character at a time.
        #[test]
        fn ascii_folds_as_any_text(text in "[ -~]{0,30}") {
            // What the buffer held before is left as it was.
            let (mut bytewise, mut charwise) = (String::from("X"), String::from("X"));
            fold_case_into(&text, &mut bytewise);
            fold_chars_into(&text, &mut charwise);
            proptest::prop_assert_eq!(bytewise, charwise);
        }

        /// The key read in place is the key of the surface copied out, for every span of
        /// 1 to 20 bytes, at the text's end too.
        #[test]
        fn packed_in_place_is_packed(text in "[a-zé’ .,-]{1,40}", a in 0usize..40, n in 1usize..20) {
            let starts: Vec<usize> = (0..text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let start = starts[a % starts.len()];
            // The last character boundary within `n` bytes, or the first past them: spans
            // are drawn valid rather than rejected (a 20,000-case run gave up on rejects).
            let boundary = |e: &usize| text.is_char_boundary(*e);
            let end = (start + 1..=(start + n).min(text.len()))
                .rev()
                .find(boundary)
                .or_else(|| (start + n..=text.len()).find(boundary))
                .expect("the text's end is a boundary");
            let span = Span::new(start, end);
            proptest::prop_assert_eq!(packed_in(&text, span), packed(span.of(&text)));
        }
    }

    #[test]
    fn short_and_long_surfaces_keep_their_own_ids() {
        let mut n = Normalizer::default();
        // 15 bytes (packed into an integer) and 16 bytes (kept as a string).
        let short = n.term_id("internationally", TokenKind::Word);
        let long = n.term_id("internationalist", TokenKind::Word);
        let upper = n.term_id("US", TokenKind::Word);
        let lower = n.term_id("us", TokenKind::Word);
        assert_ne!(short, long);
        assert_ne!(upper, lower);
        assert_eq!(n.term_id("internationally", TokenKind::Word), short);
        assert_eq!(n.term_id("internationalist", TokenKind::Word), long);
        assert_eq!(&*n.term(short).lower, "internationally");
        assert_eq!(&*n.term(long).lower, "internationalist");
        assert_eq!(&*n.term(upper).lower, "us");
    }

    #[test]
    fn apostrophes_hyphens_and_acronyms_stay_inside_words() {
        assert_eq!(
            words("the Kremlin‘s pro-war U.S. policy, centuries-old don’t"),
            vec![
                "the",
                "Kremlin‘s",
                "pro-war",
                "U.S.",
                "policy",
                ",",
                "centuries-old",
                "don’t"
            ]
        );
    }

    /// Lines of a UN speech converted from PDF (2001-GNB, 2014-BGD, 2014-JAM): a word
    /// hyphenated at a line end is one token over both lines, read as written on one.
    #[test]
    fn a_word_hyphenated_across_lines_is_one_token() {
        let text = "Allow me, on behalf of the Government of Guinea-\n\
                    Bissau, to thank the Secretary- \r\n\
                    General for the post-\n\n2015 framework (2001-\n2010) and capacity-\n\
                    building; the war -\nand the duty- and quota-free access.";
        assert_eq!(
            words(text),
            [
                "Allow",
                "me",
                ",",
                "on",
                "behalf",
                "of",
                "the",
                "Government",
                "of",
                "Guinea-\nBissau",
                ",",
                "to",
                "thank",
                "the",
                "Secretary- \r\nGeneral",
                "for",
                "the",
                "post-\n\n2015",
                "framework",
                "(",
                "2001-\n2010",
                ")",
                "and",
                "capacity-\nbuilding",
                ";",
                "the",
                "war",
                "-",
                "and",
                "the",
                "duty",
                "-",
                "and",
                "quota-free",
                "access",
                "."
            ]
        );
        let mut n = Normalizer::default();
        let mut tokens = Vec::new();
        n.tokenize(text, Span::new(0, text.len()), &mut tokens);
        let lower = |k: usize| n.term(tokens[k].term).lower.to_string();
        assert_eq!(lower(9), "guinea-bissau");
        assert_eq!(lower(14), "secretary-general");
        assert_eq!(lower(17), "post-2015");
        assert_eq!(lower(20), "2001-2010");
        let building = &tokens[23];
        assert_eq!(n.term(building.term).tail_stem.as_deref(), Some("build"));
        assert!(n.info(building.term).starts_lower);
        assert_eq!(
            n.info(building.term).surface_hash,
            word_hash("capacity-building"),
            "the surface as written on one line"
        );
        // The same word on one line and across two is one term in the phrase counts.
        let one_line = n.term_id("Guinea-Bissau", TokenKind::Word);
        assert_eq!(n.info(one_line).hash, n.info(tokens[9].term).hash);
    }

    /// A sentence of a UN speech converted from PDF (2001-BIH), bridged by the segmenter
    /// over a page number: the number is no token, the sentence's own numbers are.
    #[test]
    fn a_page_number_between_lines_of_a_sentence_is_no_token() {
        let text = "The people of Bosnia\n13\n\nand Herzegovina back resolution 1373\n2\n\n\
                    and the agreement to be signed in Paris in\n2015\nand its non-\n- 22 -\n\
                    discriminatory rules of\n1945.";
        assert_eq!(
            words(text),
            [
                "The",
                "people",
                "of",
                "Bosnia",
                "and",
                "Herzegovina",
                "back",
                "resolution",
                "1373",
                "and",
                "the",
                "agreement",
                "to",
                "be",
                "signed",
                "in",
                "Paris",
                "in",
                "2015",
                "and",
                "its",
                "non-\n- 22 -\ndiscriminatory",
                "rules",
                "of",
                "1945",
                "."
            ]
        );
        // Not between two lines of the text: its first line, or its last.
        assert_eq!(words("\n13\nand more"), ["13", "and", "more"]);
        assert_eq!(words("the end of\n13\n"), ["the", "end", "of", "13"]);
    }

    #[test]
    fn numbers_keep_separators_and_suffixes() {
        assert_eq!(
            words("over 13,000 in 1990s, 3.5% and $1.2bn"),
            vec![
                "over", "13,000", "in", "1990s", ",", "3.5", "%", "and", "$", "1.2bn"
            ]
        );
    }

    #[test]
    fn glued_sentence_and_domains() {
        assert_eq!(words("trade.However"), vec!["trade", ".", "However"]);
        assert_eq!(
            words("see www.un.org. Mail press@state.gov."),
            vec!["see", "www.un.org", ".", "Mail", "press@state.gov", "."]
        );
        // Hyphenated at a line end, an address is one token, as a word is.
        assert_eq!(
            words("see www.un-\nwomen.org and https://un.org/peace-\n\nbuilding."),
            vec![
                "see",
                "www.un-\nwomen.org",
                "and",
                "https://un.org/peace-\n\nbuilding",
                "."
            ]
        );
        assert_eq!(
            words("Read HTTPS://state.gov/r?id=4, then: http stops"),
            vec![
                "Read",
                "HTTPS://state.gov/r?id=4",
                ",",
                "then",
                ":",
                "http",
                "stops"
            ]
        );
    }

    #[test]
    fn trailing_period_of_a_word_is_punctuation() {
        assert_eq!(
            words("Mr. Smith left."),
            vec!["Mr", ".", "Smith", "left", "."]
        );
    }

    #[test]
    fn a_terms_info_is_what_its_forms_say_in_half_a_cache_line() {
        assert_eq!((size_of::<TermInfo>(), align_of::<TermInfo>()), (32, 32));
        let mut n = Normalizer::default();
        let words = ["UN-brokered", "Talks", "won't", "the", "pro-Kremlin's"];
        let surfaces = (words.map(|w| (w, TokenKind::Word))).into_iter();
        for (surface, kind) in surfaces.chain([("2024", TokenKind::Number)]) {
            let id = n.term_id(surface, kind);
            let (term, info) = (n.term(id), n.info(id));
            assert_eq!(info.hash, word_hash(&term.lower), "{surface}");
            assert_eq!(info.stem_hash, word_hash(&term.stem), "{surface}");
            assert_eq!(info.surface_hash, word_hash(surface), "{surface}");
            assert_eq!(info.has_tail_stem, term.tail_stem.is_some(), "{surface}");
            assert_eq!(info.has_head_stem, term.head_stem.is_some(), "{surface}");
        }
        let brokered = n.term_id("UN-brokered", TokenKind::Word);
        assert_eq!(n.term(brokered).tail_stem.as_deref(), Some("broker"));
        assert_eq!(n.term(brokered).head_stem, None);
        let loving = n.term_id("peace-loving", TokenKind::Word);
        assert_eq!(n.term(loving).head_stem.as_deref(), Some("peac"));
    }

    #[test]
    fn normal_forms() {
        let mut n = Normalizer::default();
        let a = n.term_id("Kremlin‘s", TokenKind::Word);
        assert_eq!(&*n.term(a).lower, "kremlin's");
        assert_eq!(&*n.term(a).stem, "kremlin");
        let c = n.term_id("cooperation", TokenKind::Word);
        let d = n.term_id("Cooperate", TokenKind::Word);
        assert_eq!(n.term(c).stem, n.term(d).stem);
        let the = n.term_id("The", TokenKind::Word);
        assert!(n.info(the).stop);
        let negations = ["Don’t", "WON'T", "cannot", "Cannot"]
            .map(|w| n.term_id(w, TokenKind::Word))
            .map(|id| n.info(id).contracted_negation);
        assert_eq!(negations, [true; 4]);
        let plain = ["not", "cant", "Kant", "the"]
            .map(|w| n.term_id(w, TokenKind::Word))
            .map(|id| n.info(id).contracted_negation);
        assert_eq!(plain, [false; 4]);
        assert_eq!(n.term_id("cooperation", TokenKind::Word), c, "cached");
        let mut stem = |w: &str| {
            let id = n.term_id(w, TokenKind::Word);
            n.term(id).stem.to_string()
        };
        assert_ne!(
            stem("detention"),
            stem("detente"),
            "exception keeps them apart"
        );
        assert_eq!(stem("broke"), stem("break"), "irregular verb");
        assert_eq!(stem("fought"), stem("fighting"));
    }

    #[test]
    fn term_counts_count_words_and_numbers_by_surface() {
        let text = "Peace, peace and PEACE in 2024; peace.";
        let mut norm = Normalizer::default();
        let mut tokens = Vec::new();
        norm.tokenize(text, Span::new(0, text.len()), &mut tokens);
        let mut counts = TermCounts::default();
        counts.add(&tokens);
        let seen: Vec<(&str, u32, bool)> = (counts.iter())
            .map(|(id, n)| {
                let surface = tokens.iter().find(|t| t.term == id).unwrap().span.of(text);
                (surface, n, norm.info(id).starts_lower)
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Peace", 1, false),
                ("peace", 2, true),
                ("and", 1, true),
                ("PEACE", 1, false),
                ("in", 1, true),
                ("2024", 1, false),
            ]
        );
        assert_eq!(counts.tokens(), 7);
        counts.clear();
        assert_eq!(counts.iter().count(), 0);
        counts.add(&tokens[..2]);
        assert_eq!(counts.iter().collect::<Vec<_>>(), [(tokens[0].term, 1)]);
        assert_eq!(counts.tokens(), 1);
    }

    /// Sentence after sentence, as a document is counted: each adds its new terms after
    /// those seen before and counts the others in, whatever the sentences' lengths.
    #[test]
    fn term_counts_add_up_over_sentences() {
        let text = "Peace talks. Talks on peace and trade, and more talks on trade. Peace.";
        let mut norm = Normalizer::default();
        let mut counts = TermCounts::default();
        let mut expected: Vec<(TermId, u32)> = Vec::new();
        for sentence in text.split_inclusive(". ") {
            let start = sentence.as_ptr() as usize - text.as_ptr() as usize;
            let mut tokens = Vec::new();
            norm.tokenize(text, Span::new(start, start + sentence.len()), &mut tokens);
            counts.add(&tokens);
            for t in tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
                match expected.iter_mut().find(|(id, _)| *id == t.term) {
                    Some((_, n)) => *n += 1,
                    None => expected.push((t.term, 1)),
                }
            }
            assert_eq!(counts.iter().collect::<Vec<_>>(), expected, "{sentence:?}");
        }
        assert_eq!(counts.tokens(), 13);
        assert!(format!("{counts:?}").contains("tokens: 13"));
    }

    #[test]
    fn an_emptied_cache_normalizes_as_a_fresh_one() {
        let mut n = Normalizer::default();
        for i in 0..=CACHE_LIMIT {
            n.term_id(&format!("w{i}"), TokenKind::Word);
        }
        n.trim_cache();
        let text = "Cooperation w5 TALKS";
        let mut tokens = Vec::new();
        n.tokenize(text, Span::new(0, text.len()), &mut tokens);
        let lower: Vec<&str> = tokens.iter().map(|t| &*n.term(t.term).lower).collect();
        assert_eq!(lower, ["cooperation", "w5", "talks"]);
        for t in &tokens {
            let (term, info) = (n.term(t.term), n.info(t.term));
            assert_eq!(
                info.hash,
                word_hash(&term.lower),
                "info emptied with the forms"
            );
        }
        let ids: Vec<TermId> = tokens.iter().map(|t| t.term).collect();
        assert_eq!(ids, [0, 1, 2], "numbered afresh");
    }

    /// Normalizers sharing [`Stems`] stem as one that shares nothing, whoever stems a word
    /// first, and the shared stems stay bounded.
    #[test]
    fn shared_stems_are_the_stems() {
        let stems = Arc::new(Stems::default());
        let (mut first, mut second) = (
            Normalizer::sharing(stems.clone()),
            Normalizer::sharing(stems.clone()),
        );
        let mut alone = Normalizer::default();
        let text = "Negotiations negotiated NEGOTIATING peace-keeping Russia's talks";
        let stems_of = |n: &mut Normalizer| {
            let mut tokens = Vec::new();
            n.tokenize(text, Span::new(0, text.len()), &mut tokens);
            (tokens.iter())
                .map(|t| {
                    (
                        n.term(t.term).stem.clone(),
                        n.term(t.term).tail_stem.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let expected = stems_of(&mut alone);
        assert_eq!(expected[0].0.as_ref(), "negoti");
        assert_eq!(expected[3].1.as_deref(), Some("keep"));
        assert_eq!(stems_of(&mut first), expected);
        let held = stems.held();
        assert!(held >= 4, "the first normalizer's stems are shared: {held}");
        assert_eq!(
            stems_of(&mut second),
            expected,
            "stems found, not worked out"
        );
        assert_eq!(stems.held(), held);
        for i in 0..2 * STEMS_LIMIT {
            first.stem(&format!("word{i}s"));
        }
        assert!(stems.held() <= STEMS_LIMIT, "{}", stems.held());
        assert_eq!(stems_of(&mut Normalizer::sharing(stems)), expected);
    }

    proptest::proptest! {
        /// A text's word hashes take the quick way only where it gives what the tokenizer
        /// gives, and they are the normalizer's term hashes.
        #[test]
        fn plain_word_hashes_are_the_tokenized_ones(
            text in "[a-zA-Z]{1,8}( [a-zA-Z]{1,8}){0,5}|[a-zA-Z0-9 .'’é:/@&-]{0,40}",
        ) {
            let (mut plain, mut tokenized) = (Vec::new(), Vec::new());
            tokenized_word_hashes_into(&text, &mut tokenized);
            if plain_word_hashes_into(&text, &mut plain) {
                proptest::prop_assert_eq!(&plain, &tokenized);
            }
            proptest::prop_assert_eq!(word_hashes(&text), tokenized.clone());
            let mut n = Normalizer::default();
            let mut tokens = Vec::new();
            n.tokenize(&text, Span::new(0, text.len()), &mut tokens);
            let terms: Vec<u64> = (tokens.iter())
                .filter(|t| t.kind != TokenKind::Punct)
                .map(|t| n.info(t.term).hash)
                .collect();
            proptest::prop_assert_eq!(terms, tokenized);
        }
    }

    #[test]
    fn plain_phrases_take_the_quick_way() {
        let mut hashes = Vec::new();
        for plain in [
            "economic sanctions",
            "United Nations Security Council",
            "Putin",
            "A",
            "antidisestablishmentarianismists",
        ] {
            assert!(plain_word_hashes_into(plain, &mut hashes), "{plain}");
        }
        for other in [
            "U.S. sanctions",
            "Russia's war",
            "post-war order",
            "G20 summit",
            "naïve",
            "",
            "economic  sanctions",
            " sanctions",
            "sanctions ",
            "[sanctions]",
            "{sanctions}",
            "`sanctions@",
            "antidisestablishmentarianismistss",
        ] {
            assert!(!plain_word_hashes_into(other, &mut hashes), "{other}");
        }
    }

    #[test]
    fn a_possessive_knows_its_possessor_and_a_contraction_has_none() {
        let mut n = Normalizer::default();
        let mut possessor = |surface: &str| {
            let id = n.term_id(surface, TokenKind::Word);
            assert!(n.info(id).possessive, "{surface}");
            n.possessor(id).copied()
        };
        let guinea = possessor("Guinea\u{2019}s").unwrap();
        assert_eq!(guinea.hash, word_hash("guinea"));
        assert_eq!(guinea.surface_hash, word_hash("Guinea"));
        assert_eq!(guinea.suffix_len, 4);
        assert_eq!(possessor("RUSSIA'S").unwrap().suffix_len, 2);
        for contraction in ["that's", "It's", "there's", "Let's"] {
            assert_eq!(possessor(contraction), None, "{contraction}");
        }
        let russia = n.term_id("Russia", TokenKind::Word);
        assert_eq!(n.possessor(russia), None);
    }
}
