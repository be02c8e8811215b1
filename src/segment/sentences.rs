//! English sentence boundaries inside one paragraph.
//!
//! A boundary is a terminator (`.`, `!`, `?`, `…`, `...`) with any closing quotes or brackets,
//! followed by a sentence start (a capital, a digit, an opening quote or bracket). A period
//! after an abbreviation, an initial or a dotted acronym only ends a sentence when the next
//! word is one that typically starts a sentence ("The", "It", "However", …), so that
//! "the U.S. economy" and "George W. Bush" stay whole while "sanctions from the U.S. The …"
//! is cut.

use rustc_hash::FxHashSet;
use std::sync::LazyLock;

use crate::chars;
use crate::matcher::WordList;
use crate::span::Span;

/// Abbreviations that are always followed by more of the same sentence. Lists of
/// abbreviations are matched in capitals too ("MR.", "NO. 5", see [`listed`]).
static NEVER_FINAL: WordList = WordList::new(&[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Gen", "Gens", "Sen", "Sens", "Rep", "Reps", "Gov",
    "St", "Mt", "Ft", "Lt", "Col", "Capt", "Cmdr", "Sgt", "Adm", "Maj", "Brig", "Rev", "Hon",
    "Pres", "Fr", "Supt", "Insp", "Amb", "Sec", "Cpl", "Pvt", "e.g", "i.e", "cf", "vs", "viz",
    "approx", "incl", "esp", "Ave", "Blvd", "Gen'l", "Ph", "Dept", "Univ", "Assn", "Approx",
    "Incl", "Cf", "Viz", "Vs", "Esp", "v", "H.E",
]);

/// Nouns that a dotted acronym modifies ("U.S. Senate", "U.N. Envoy"): after an acronym,
/// these continue the sentence; any other capitalised word starts a new one.
static AFTER_ACRONYM: WordList = WordList::new(&[
    "President",
    "Vice",
    "Senate",
    "Senator",
    "Congress",
    "Congressman",
    "Army",
    "Navy",
    "Air",
    "Marines",
    "Marine",
    "Forces",
    "Force",
    "Treasury",
    "State",
    "Department",
    "Embassy",
    "Ambassador",
    "Secretary",
    "Secretary-General",
    "Government",
    "Parliament",
    "Commission",
    "Commissioner",
    "Council",
    "Security",
    "General",
    "Assembly",
    "Supreme",
    "Court",
    "House",
    "Envoy",
    "Mission",
    "Special",
    "Representative",
    "Defense",
    "Defence",
    "Foreign",
    "Trade",
    "Census",
    "Bureau",
    "Federal",
    "Central",
    "Command",
    "Coast",
    "Border",
    "Customs",
    "Attorney",
    "Justice",
    "Intelligence",
    "Energy",
    "Agency",
    "Agriculture",
    "Commerce",
    "Labor",
    "Navy's",
    "Military",
    "Olympic",
    "Open",
    "Peacekeeping",
    "Human",
    "High",
    "Refugee",
    "Food",
    "Development",
    "Chamber",
    "Capitol",
    "Constitution",
    "Dollar",
    "Steel",
    "Patent",
    "Postal",
    "Public",
    "National",
    "Member",
    "Members",
    "Allies",
    "Ally",
    "Prime",
    "Minister",
    "Ministry",
    "Chancellor",
    "Cabinet",
    "Office",
    "Administration",
    "Summit",
    "District",
    "Attorney",
    "Marshal",
    "Route",
    "Highway",
    "Code",
    "Constitution",
    "Charter",
    "Resolution",
    "Resolutions",
    "Geological",
    "Census",
    "Bureau",
    "Agency",
    "Coast",
    "Customs",
    "Postal",
    "Patent",
    "Forest",
    "Chamber",
    "Steel",
    "Open",
    "News",
    "Delegation",
    "Delegate",
    "Representative",
    "Representatives",
    "Member",
    "Members",
    "Secretariat",
    "Headquarters",
    "Peacekeeping",
    "Peacekeepers",
    "Troops",
    "Officials",
    "Citizens",
    "Dollar",
    "Dollars",
    "Fund",
    "Programme",
    "Program",
    "Trusteeship",
    "Charters",
    "Director",
    "Armed",
    "Employment",
    "Securities",
    "Environmental",
    "Electoral",
    "Consulate",
    "Consul",
    "Intelligence",
    "Justice",
    "Federal",
    "National",
    "Special",
    "Central",
    "Trade",
    "Energy",
    "Health",
    "Labor",
    "Commerce",
    "Defense",
    "Homeland",
    "Olympic",
    "Libertarian",
    "Prohibition",
    "Taxpayers",
    "Green",
    "Democratic",
    "Republican",
    "Communist",
    "Socialist",
]);

/// Acronyms that modify the name after them ("U.S. District Judge", "U.N. Envoy") even
/// after a comma; other acronyms after a comma are a place closing an appositive
/// ("Washington, D.C. President Biden …").
const MODIFYING_ACRONYMS: &[&str] = &["U.S", "U.N", "U.K", "E.U"];

/// Common nouns that take a letter as a label ("Hall B", "grade A", "Plan B"): the letter
/// is not an initial, so its period can end a sentence.
const LETTER_LABELS: &[&str] = &[
    "hall",
    "grade",
    "plan",
    "room",
    "gate",
    "annex",
    "section",
    "article",
    "group",
    "category",
    "class",
    "type",
    "phase",
    "level",
    "building",
    "block",
    "zone",
    "sector",
    "terminal",
    "appendix",
    "exhibit",
    "schedule",
    "option",
    "unit",
    "vitamin",
    "hepatitis",
    "team",
    "division",
    "part",
    "chapter",
    "item",
    "point",
    "area",
    "stage",
    "tier",
    "list",
    "wing",
];

/// Abbreviations before a number ("No. 5", "p. 12"); elsewhere ordinary words.
static BEFORE_NUMBER: WordList = WordList::new(&[
    "No", "Nos", "no", "nos", "lb", "lbs", "Art", "Arts", "art", "arts", "Fig", "Vol", "vol",
    "Vols", "vols", "Ch", "ch", "chap", "Chap", "p", "pp", "para", "Para", "paras", "Paras", "Sec",
    "Nr", "Op", "op", "Res", "res", "Corr", "Add", "Rev", "Suppl", "Supp", "Ann",
]);

/// Abbreviations that may end a sentence; they do when a sentence-starting word follows.
static MAYBE_FINAL: WordList = WordList::new(&[
    "etc", "Inc", "Ltd", "Co", "Corp", "Jr", "Sr", "Bros", "Esq", "Jan", "Feb", "Mar", "Apr",
    "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu",
    "Thur", "Thurs", "Fri", "Sat", "Sun", "al", "ed", "eds", "Gov't",
]);

/// Words that typically start a sentence; beyond the stop words.
const STARTER_EXTRAS: &[&str] = &[
    "however",
    "meanwhile",
    "nevertheless",
    "moreover",
    "furthermore",
    "instead",
    "thus",
    "therefore",
    "nobody",
    "despite",
    "although",
    "yet",
    "still",
    "also",
    "today",
    "yesterday",
    "tomorrow",
    "later",
    "earlier",
    "officials",
    "many",
    "several",
    "one",
    "two",
    "three",
    "in",
    "on",
    "at",
    "after",
    "since",
    "according",
    "last",
    "next",
    "even",
    "while",
];

/// Verbs and linking words that, in capitals after an abbreviation, go on with its sentence.
const CAPS_CONTINUERS: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "shall", "should", "can",
    "could", "may", "might", "must", "does", "did", "and", "or", "of", "to", "for", "with", "than",
    "said", "says",
];

/// Words that end a wrapped line mid-sentence beyond the stop words.
const CONNECTING: &[&str] = &[
    "per", "via", "upon", "amid", "among", "toward", "towards", "within", "without", "across",
    "whose",
];

/// Stop words and [`STARTER_EXTRAS`]: a sentence often starts with one, and a line that
/// ends with one runs on. Asked at every line end, so in a fast hash set.
static STARTERS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    stop_words::get("en")
        .iter()
        .copied()
        .chain(STARTER_EXTRAS.iter().copied())
        .map(str::to_string)
        .collect()
});

/// Whether `word`, in any case, is one of the [`STARTERS`].
fn is_starter(word: &str) -> bool {
    STARTERS.contains(&word.to_lowercase())
}

const OPENERS: &[char] = &[
    '"', '\'', '\u{201c}', '\u{2018}', '(', '[', '\u{ab}', '\u{2039}', '\u{201e}', '\u{300c}',
    '\u{300e}',
];
const CLOSERS: &[char] = &[
    '"', '\'', '\u{201d}', '\u{2019}', ')', ']', '\u{bb}', '\u{203a}', '\u{300d}', '\u{300f}',
];
const BULLETS: &[char] = &['-', '*', '\u{2022}', '\u{2013}', '\u{2014}'];

/// True for "1. First item" / "12) item": a numbered list item's marker.
pub fn starts_numbered_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(line.as_bytes().get(digits), Some(b'.') | Some(b')'))
        && line
            .as_bytes()
            .get(digits + 1)
            .is_some_and(|b| *b == b' ' || *b == b'\t')
}

/// Does a line start in lower case, perhaps after a dash or an asterisk that a scan or a
/// wrapped aside put first ("- good to give fish", "— we say one thing")? Such a line
/// goes on with the sentence before it.
pub fn starts_lower(line: &str) -> bool {
    let t = line.trim_start();
    let t = match t.strip_prefix(['-', '*', '\u{2013}', '\u{2014}']) {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => t,
    };
    t.starts_with(char::is_lowercase)
}

/// Words that cannot end a sentence: a line ending in one was cut mid-sentence
/// ("… the recent adoption by the" / "General Assembly …"), whatever the next line's case.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
    "and", "or", "but", "nor", "as", "than", "that", "which", "who", "whom", "our", "their", "its",
    "his", "her", "my", "your", "this", "these", "those", "is", "are", "was", "were",
];

/// Does the line end in a word that cannot end a sentence?
pub fn ends_in_function_word(line: &str) -> bool {
    let last = line.split_whitespace().next_back().unwrap_or("");
    FUNCTION_WORDS.contains(&last) || CONNECTING.contains(&last)
}

/// Does the line start with the tail of a sentence cut by a line break: one word and a
/// period ("Agreement. It is our hope …" after "… AGOA and the Cotonou")? A title
/// ("Mr. President") is no such tail.
pub fn starts_with_tail(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    first.strip_suffix('.').is_some_and(|word| {
        word.chars().count() >= 2
            && word.chars().all(chars::is_alphabetic)
            && !listed(&NEVER_FINAL, word)
    })
}

/// Words a headline leaves out: articles, the pronouns of a speaker and a listener, the
/// verb "be" and clause-joining "that" and "which" ("Consensus is growing that in post-Taliban").
const NOT_IN_HEADLINES: &[&str] = &[
    "a", "an", "the", "i", "me", "my", "we", "us", "our", "you", "your", "is", "are", "was",
    "were", "be", "been", "that", "which",
];

/// Is a short line without closing punctuation, at a sentence's start, a line of its own:
/// in title case or capitals (a heading, a salutation, a line of a signature) or a headline
/// in sentence case ("UN Security Council meets on Syria")? A comma makes it a clause of
/// prose ("On 21 September, an Extraordinary European" / "Council adopted …"), as does,
/// in sentence case, a first word that typically starts a sentence or a word that headlines
/// leave out ("I congratulate Mr. Sam" / "Kutesa …", "Australia therefore welcomes the
/// Security").
pub(super) fn stands_alone(line: &str) -> bool {
    if line.contains(',') {
        return false;
    }
    if super::headings::is_title_case(line.split_whitespace()) {
        return true;
    }
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    !is_starter(first) && words.all(|w| !NOT_IN_HEADLINES.iter().any(|n| n.eq_ignore_ascii_case(w)))
}

/// Splits a paragraph made of `lines` (spans of its raw lines) into sentences.
///
/// Besides punctuation, a line break ends a sentence when the line has no terminal
/// punctuation and does not end in a function word, the next line starts with a capital,
/// and either the next line starts with a word that typically starts a sentence, or the
/// line stands alone: it is clearly shorter than the paragraph's longest, starts the
/// paragraph or follows a line that ended its sentence, and reads as a line of its own
/// ([`stands_alone`]: a headline, caption, salutation, a line of a signature). A short
/// line of prose is no such evidence: ragged-right lines of a PDF extraction are often
/// short ("… to be done. East" / "Timor remains …").
pub fn split_lines(text: &str, paragraph: Span, lines: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    // Worked out only for a paragraph with a candidate break (most line ends are not one:
    // they end in punctuation, or the next line starts in lower case), as are the tests
    // after the first two below, which allocate.
    let mut widest = None;
    let mut start = paragraph.start;
    for (i, pair) in lines.windows(2).enumerate() {
        let line = pair[0].of(text).trim_end();
        let next = pair[1].of(text).trim_start();
        let open = !line.ends_with(['.', '!', '?', '\u{2026}', ',', ';', ':', '-'])
            && !line.ends_with(CLOSERS);
        let capital = !starts_lower(next)
            && next
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || BULLETS.contains(&c));
        if !(open && capital) || pair[0].end <= start {
            continue;
        }
        let last_word = line
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .to_lowercase();
        let continues = STARTERS.contains(&last_word) || CONNECTING.contains(&last_word.as_str());
        if continues || starts_with_tail(next) {
            continue;
        }
        let first_word = next.split(char::is_whitespace).next().unwrap_or("");
        let starter = first_word != "I" && is_starter(first_word);
        // A line that starts mid-sentence is part of it ("… the Durban" / "World Conference
        // against Racism, Racial" / "Discrimination …").
        let at_start =
            || i == 0 || start == pair[0].start || super::ends_sentence(lines[i - 1].of(text));
        let mut short = || {
            let widest = *widest.get_or_insert_with(|| {
                (lines.iter())
                    .map(|l| l.of(text).trim_end().chars().count())
                    .max()
                    .unwrap_or(0)
            });
            line.chars().count() * 4 < widest * 3
        };
        if starter || (at_start() && short() && stands_alone(line)) {
            split(text, Span::new(start, pair[0].end), &mut out);
            start = pair[1].start;
        }
    }
    split(
        text,
        Span::new(start.max(paragraph.start), paragraph.end),
        &mut out,
    );
    out
}

/// Bytes of a paragraph examined at a time, and so the longest sentence: later stages hold
/// a sentence's tokens at once (some 24 bytes a word), so a 50 MB line without a period
/// would cost hundreds of megabytes.
const WINDOW: usize = 1 << 20;

/// Splits `span` of `text` into sentences, appending their trimmed spans to `out`.
/// Pieces without a letter or digit are dropped.
pub fn split(text: &str, span: Span, out: &mut Vec<Span>) {
    split_windowed(text, span, out, WINDOW);
}

/// [`split`] in windows of about `window` bytes, each ending at a whitespace. The sentence
/// still open at a window's end is carried into the next window, so the result is the
/// same as splitting the paragraph at once, except that a single "sentence" longer than a
/// window is cut at the window's end.
fn split_windowed(text: &str, span: Span, out: &mut Vec<Span>, window: usize) {
    let mut start = span.start;
    while span.end - start > window {
        let mut cut = start + window;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        // End the window at a whitespace so that the word before the cut is whole.
        if let Some(ws) = text[start..cut].rfind(char::is_whitespace)
            && ws > 0
        {
            cut = start + ws;
        }
        let open = split_piece(text, Span::new(start, cut), out, false);
        if open > start {
            start = open;
        } else {
            push(text, Span::new(start, cut), out);
            start = cut;
        }
    }
    split_piece(text, Span::new(start, span.end), out, true);
}

/// Splits `span` into sentences. With `last`, the final piece is pushed too; without, it is
/// left open and its start returned (the span's start when no boundary was found).
fn split_piece(text: &str, span: Span, out: &mut Vec<Span>, last: bool) -> usize {
    // Offsets are bytes into `s`, stepped over whole characters.
    let s = span.of(text);
    let ascii = s.is_ascii();
    let mut start = 0usize;
    let mut from = 0usize;
    while let Some(k) = find_terminator(s, from, ascii) {
        let c = char_at(s, k).expect("a terminator was found there");
        let skip = |mut at: usize, over: &dyn Fn(char) -> bool| {
            while let Some(n) = char_at(s, at).filter(|&n| over(n)) {
                at += n.len_utf8();
            }
            at
        };
        let mut j = skip(k, &is_terminator);
        let single_period = c == '.' && j == k + 1;
        j = skip(j, &|n| CLOSERS.contains(&n));
        if j >= s.len() {
            break;
        }
        let end = j;
        let q = skip(j, &char::is_whitespace);
        if q >= s.len() {
            break;
        }
        let spaced = q > j;
        let breaks = if s[k..j].chars().any(is_unambiguous_terminator) {
            true
        } else if spaced {
            starts_sentence(s, q) && (!single_period || period_ends(s, k, start, q))
        } else {
            glued_boundary(s, k, j, single_period)
        };
        if breaks {
            push(text, Span::new(span.start + start, span.start + end), out);
            start = q;
        }
        from = q.max(k + c.len_utf8());
    }
    if last {
        push(text, Span::new(span.start + start, span.end), out);
    }
    span.start + start
}

/// The byte offset of the first terminator in `s` at or after byte `from` (a character
/// boundary); `ascii` says that `s` is ASCII. The ASCII terminators are found with
/// memchr's vector search, and in other text, before the first of them, the lead bytes of
/// the non-ASCII ones (a character is decoded only there): testing each byte against a
/// table was 1.4% of a run in ASCII text, and half of the splitter's own work in text with
/// curly quotes (whose lead byte is 0xE2 too). Text that is not ASCII is searched a block
/// at a time, so that text whose sentences end in non-ASCII marks only (Chinese, Hindi) is
/// not searched to its end for an ASCII one at every sentence.
fn find_terminator(s: &str, from: usize, ascii: bool) -> Option<usize> {
    let bytes = s.as_bytes();
    if ascii {
        let [dot, bang, question] = ASCII_TERMINATORS;
        return memchr::memchr3(dot, bang, question, bytes.get(from..)?).map(|at| from + at);
    }
    let mut block = from;
    while block < bytes.len() {
        let block_end = (block + SEARCH_BLOCK).min(bytes.len());
        if let Some(at) = terminator_within(s, block, block_end) {
            return Some(at);
        }
        block = block_end;
    }
    None
}

/// Bytes of text that is not ASCII searched at once for a terminator: a few sentences.
const SEARCH_BLOCK: usize = 1024;

/// [`find_terminator`] within bytes `from..to` of `s`, which is not ASCII.
fn terminator_within(s: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = &s.as_bytes()[..to];
    let [dot, bang, question] = ASCII_TERMINATORS;
    let next_ascii = memchr::memchr3(dot, bang, question, &bytes[from..]).map(|at| from + at);
    let end = next_ascii.unwrap_or(to);
    // 0xE0 (the lead byte of Devanagari, whose dandas end sentences) is searched for apart,
    // as memchr takes three bytes at most.
    let [e0_lead, lead_1, lead_2, lead_3] = NON_ASCII_LEADS;
    let next_e0 = |at: usize| memchr::memchr(e0_lead, &bytes[at..end]).map_or(end, |k| at + k);
    let mut e0 = next_e0(from);
    let mut at = from;
    loop {
        let lead = memchr::memchr3(lead_1, lead_2, lead_3, &bytes[at..e0]).map_or(e0, |k| at + k);
        if lead == end {
            return next_ascii;
        }
        if char_at(s, lead).is_some_and(is_terminator) {
            return Some(lead);
        }
        if lead == e0 {
            e0 = next_e0(lead + 1);
        }
        at = lead + 1;
    }
}

/// The ASCII terminators ([`is_terminator`]).
const ASCII_TERMINATORS: [u8; 3] = [b'.', b'!', b'?'];

/// The lead bytes of the UTF-8 encodings of the non-ASCII terminators
/// ([`is_terminator`]): Devanagari's first, then '…', '。' and the fullwidth marks.
const NON_ASCII_LEADS: [u8; 4] = [0xE0, 0xE2, 0xE3, 0xEF];

/// The character at byte `at` of `s`, if any.
fn char_at(s: &str, at: usize) -> Option<char> {
    s[at..].chars().next()
}

fn push(text: &str, span: Span, out: &mut Vec<Span>) {
    let span = span.trim(text);
    let body = strip_lead(span.of(text));
    let start = span.end - body.len();
    let mut keep = |piece: Span| {
        if piece.of(text).chars().any(chars::is_alphanumeric) {
            out.push(piece);
        }
    };
    match heading_prefix(body) {
        Some(n) => {
            keep(Span::new(start, start + n).trim(text));
            keep(Span::new(start + n, span.end));
        }
        None => keep(Span::new(start, span.end)),
    }
}

/// A heading in capitals run into the sentence after it, as in addresses printed on one
/// line ("NEIGHBORHOODS During my Administration …", "VIII. THE NEW AND DEVELOPING
/// NATIONS Our efforts …"): the byte length up to the sentence's first word, so that the
/// heading becomes an item of its own. At least eight letters in capitals, and nine in a
/// single word, so that acronyms ("NATO Allies", "MERCOSUR Member States") stay.
fn heading_prefix(s: &str) -> Option<usize> {
    // Most sentences start with a word in title case or in lower case, which the loop
    // below turns away at its first word, but only after cutting it out and reading it
    // twice: asked of every sentence, that was half of pushing one.
    match s.as_bytes() {
        [first, second, ..] if first.is_ascii_uppercase() && second.is_ascii_lowercase() => {
            return None;
        }
        [first, ..] if first.is_ascii_lowercase() => return None,
        _ => {}
    }
    let (mut words, mut letters, mut comma) = (0usize, 0usize, false);
    // A heading is short; the limit keeps a text in capitals from being scanned to its end.
    for (offset, word) in word_offsets(s).take(24) {
        let mut it = word.chars().filter(|&c| chars::is_alphabetic(c));
        let first = it.next();
        if first.is_some_and(char::is_uppercase) && it.clone().any(char::is_lowercase) {
            // The first word of the sentence in title case ("Our", "During"); after a
            // comma the capitals were the sentence's first words ("WE THANK YOU, Mr. …").
            let long = letters >= if words >= 2 { 8 } else { 9 };
            let starts = word.chars().nth(1).is_some_and(char::is_lowercase);
            return (long && starts && !comma).then_some(offset);
        }
        comma = word.ends_with([',', ';']);
        if is_caps_word(word) {
            words += 1;
            letters += word.chars().filter(|&c| chars::is_alphabetic(c)).count();
        } else if !word.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
    }
    None
}

/// The words of `s` with their byte offsets.
fn word_offsets(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
}

/// A word in capitals: it has letters and none is lower-case ("THE", "PEACE-THE", "1947:").
fn is_caps_word(word: &str) -> bool {
    word.chars().any(chars::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// "IV", "VIII", "XII": a Roman numeral as used to number sections.
fn is_roman(token: &str) -> bool {
    (1..=6).contains(&token.len()) && token.bytes().all(|b| b"IVXLC".contains(&b))
}

/// Stage directions in transcripts ("[Applause]"): not part of any sentence.
const STAGE_DIRECTIONS: &[&str] = &[
    "applause",
    "laughter",
    "cheers",
    "cheering",
    "booing",
    "pause",
    "silence",
    "inaudible",
    "crosstalk",
    "interruption",
    "music",
    "laughs",
];

/// The sentence without what a reader does not read as part of it: a list or UN paragraph
/// number ("2. The duty …", "330.\tThe Assembly …"), an interview speaker tag ("((WN))
/// Given that …", with a translation's language label) or a stage direction ("[Laughter]
/// In 2005 …"). These stay outside every sentence's span: a prefix that is no item of its
/// own, so the byte spans still point into the original text.
fn strip_lead(s: &str) -> &str {
    let mut rest = s;
    loop {
        let before = rest.len();
        if starts_numbered_item(rest) {
            rest = rest[rest.find([' ', '\t']).unwrap_or(0)..].trim_start();
        }
        if let Some(inner) = rest.strip_prefix("((")
            && let Some(close) = inner.find("))")
            && close <= 60
        {
            rest = inner[close + 2..].trim_start();
            // "((WN)) : What …" and a translation's label, "((hi))Hindi language: \u{200d}…".
            rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
            let mut n = rest.len().min(48);
            while !rest.is_char_boundary(n) {
                n -= 1;
            }
            if let Some(end) = rest[..n].find(": \u{200d}") {
                rest = rest[end + ": \u{200d}".len()..].trim_start();
            }
        }
        if let Some(inner) = rest.strip_prefix('[')
            && let Some(close) = inner.find(']')
            && STAGE_DIRECTIONS.contains(&inner[..close].to_lowercase().as_str())
        {
            rest = inner[close + 1..].trim_start();
        }
        if let Some(inner) = rest.strip_prefix('(')
            && is_interpreter_note(inner)
            && let Some(close) = inner.find(')')
        {
            rest = inner[close + 1..].trim_start();
        }
        // A bullet glued to an item run into a one-line text ("… our nation. -International
        // Relations …").
        if let Some(item) = rest.strip_prefix(BULLETS)
            && item.trim_start().starts_with(char::is_uppercase)
        {
            rest = item.trim_start();
        }
        if rest.len() == before {
            return rest;
        }
    }
}

/// An interpreter's note in a UN record, after its opening parenthesis: "(spoke in
/// French)", "(interpretation from Arabic)". Not part of any sentence, and a sentence
/// starts after it.
fn is_interpreter_note(after_paren: &str) -> bool {
    ["spoke in ", "interpretation from ", "continued in "]
        .iter()
        .any(|note| after_paren.starts_with(note))
}

/// Sentence-ending marks: Latin ones, the Devanagari danda and double danda, and the CJK
/// full stop and full-width marks.
pub(super) fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}') || is_unambiguous_terminator(c)
}

/// Marks that always end a sentence: unlike the period they are never part of an
/// abbreviation or a number, and CJK text puts no space after them.
fn is_unambiguous_terminator(c: char) -> bool {
    matches!(
        c,
        '\u{964}' | '\u{965}' | '\u{3002}' | '\u{ff01}' | '\u{ff1f}' | '\u{ff61}'
    )
}

/// A letter of a script without case (Devanagari, Arabic, Chinese …): after a terminator
/// and a space it starts a sentence as a capital does.
fn is_caseless_letter(c: char) -> bool {
    chars::is_alphabetic(c) && !c.is_lowercase() && !c.is_uppercase()
}

/// Does the text at byte `q` of `s` look like the start of a sentence?
fn starts_sentence(s: &str, q: usize) -> bool {
    let rest = &s[q..];
    let mut after = rest.chars();
    let Some(c) = after.next() else {
        return false;
    };
    if c.is_uppercase() || c.is_ascii_digit() || BULLETS.contains(&c) || is_caseless_letter(c) {
        return true;
    }
    // An interview speaker tag, whatever its case ("((hi))Hindi language: …").
    if c == '(' && after.clone().next() == Some('(') {
        return true;
    }
    // An interpreter's note ("… Protocol. (spoke in English) I have …").
    if c == '(' {
        let note: String = after.take(24).collect();
        if is_interpreter_note(&note) {
            return true;
        }
    }
    // After opening quotes or brackets ("((WN)) What …" has two).
    rest.chars()
        .find(|n| !OPENERS.contains(n))
        .is_some_and(|n| OPENERS.contains(&c) && (n.is_uppercase() || n.is_ascii_digit()))
}

/// "trade.However": a period or mark at byte `k` glued to the next sentence's capitalised
/// word at byte `j`.
fn glued_boundary(s: &str, k: usize, j: usize, single_period: bool) -> bool {
    let mut next = s[j..].chars();
    let next_upper = next.next().is_some_and(char::is_uppercase);
    let after_lower = next.next().is_some_and(char::is_lowercase);
    let before = &s[..k];
    let prev_word = before
        .chars()
        .rev()
        .take_while(|&c| chars::is_alphabetic(c))
        .count();
    let prev_lower = before.chars().next_back().is_some_and(char::is_lowercase);
    // A period is one byte: more before `j` are closing marks.
    let mark = !single_period || j > k + 1;
    next_upper && after_lower && prev_lower && (prev_word >= 2 || mark)
}

/// Decides whether a single period at byte `k`, followed by a sentence-like start at `q`, ends the
/// sentence, looking at the token before the period.
fn period_ends(s: &str, k: usize, sentence_start: usize, q: usize) -> bool {
    let t = s[..k]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let raw = &s[t..k];
    // The word after any bracket or slash it is glued to, without Markdown emphasis:
    // "[see A/9023/Rev." has "Rev", "**Mr." has "Mr".
    let token = raw
        .rsplit(['/', '(', '['])
        .next()
        .unwrap_or(raw)
        .trim_start_matches(|c: char| OPENERS.contains(&c) || c == '*' || c == '_');
    if token.is_empty() {
        return true;
    }
    let next_word = next_word(s, q);
    // Asked only by the rules for abbreviations, acronyms and initials: most periods end a
    // plain word, and lower-casing the next word for them was an allocation a sentence.
    let next_is_starter = || is_starter(next_word);
    let next_is_number = next_word.starts_with(|c: char| c.is_ascii_digit());
    if listed(&NEVER_FINAL, token) {
        return false;
    }
    // In capitals a sentence-starting word cannot be told from one inside a sentence by
    // its case; after an abbreviation, a verb or linking word in capitals goes on with the
    // sentence ("THE U.S.A. IS", "J.F. KENNEDY AND").
    // Each list asked once: a period ends most sentences, and these lookups were most of
    // deciding whether it does.
    let maybe_final = listed(&MAYBE_FINAL, token);
    let abbreviation = is_dotted_acronym(token) || is_initial(token) || maybe_final;
    if abbreviation
        && next_word.len() >= 2
        && is_caps_word(next_word)
        && CAPS_CONTINUERS.contains(&next_word.to_lowercase().as_str())
    {
        return false;
    }
    // "No. 5", "paras. 20-22", "Sales No. E.73.II.C.1", "p. XIV": a number, a document
    // symbol or a Roman numeral of two or more letters follows.
    let numeric = next_is_number
        || next_word.bytes().any(|b| b.is_ascii_digit())
        || (next_word.len() >= 2 && is_roman(next_word));
    if numeric && listed(&BEFORE_NUMBER, token) {
        return false;
    }
    // "VIII. THE NEW AND DEVELOPING NATIONS": a section numeral before a heading in
    // capitals; the heading is cut off after it (see `heading_prefix`).
    if is_roman(token) && heading_prefix(&s[q..]).is_some() {
        return false;
    }
    if maybe_final {
        return next_is_starter() && !next_is_number;
    }
    if matches!(token, "a.m" | "p.m" | "A.M" | "P.M") {
        // A time ends a sentence before a capital unless a time zone follows ("GMT").
        return !next_is_number && !next_word.chars().all(|c| c.is_uppercase());
    }
    if is_dotted_acronym(token) {
        let appositive = s[..t].trim_end().ends_with(',') && !MODIFYING_ACRONYMS.contains(&token);
        // "H.R. 4407", "17 U.S. Code": a bill or section number goes on with the name.
        if next_is_number && !appositive {
            return false;
        }
        return next_is_starter() || appositive || !listed(&AFTER_ACRONYM, next_word);
    }
    // "V. I. Lenin", "U. S. Army": an initial before another initial is never the end,
    // even when the next is a letter that can start a sentence ("I", "A").
    let mut after = s[q..].chars();
    if is_initial(token)
        && matches!((after.next(), after.next()), (Some(c), Some('.')) if c.is_uppercase())
    {
        return false;
    }
    if is_initial(token) {
        let before = s[..t].split_whitespace().next_back().unwrap_or("");
        let label = LETTER_LABELS.contains(&before.to_lowercase().as_str());
        return next_is_starter() || (label && !next_is_number);
    }
    let at_piece_start = t <= sentence_start;
    let list_number = token.len() <= 3 && token.bytes().all(|b| b.is_ascii_digit());
    !(at_piece_start && list_number)
}

/// Is `token` in `list`, as written or, in capitals, as the listed word ("MR" for "Mr")?
fn listed(list: &WordList, token: &str) -> bool {
    if list.contains(token) {
        return true;
    }
    let mut chars = token.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    !rest.is_empty() && is_caps_word(token) && {
        let title: String = std::iter::once(first)
            .chain(rest.to_lowercase().chars())
            .collect();
        list.contains(title.as_str())
    }
}

fn next_word(s: &str, q: usize) -> &str {
    let rest = &s[q..];
    let word = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("");
    word.trim_start_matches(OPENERS)
        .trim_end_matches(|c: char| !chars::is_alphanumeric(c))
}

/// "U.S", "U.S.A", "Ph.D", "e.g": letters in groups of one or two separated by periods.
fn is_dotted_acronym(token: &str) -> bool {
    token.contains('.')
        && token.split('.').all(|part| {
            let n = part.chars().count();
            (1..=2).contains(&n)
                && part.chars().all(chars::is_alphabetic)
                && (n == 1 || part.starts_with(char::is_uppercase))
        })
}

/// A single capital letter: an initial ("George W. Bush").
fn is_initial(token: &str) -> bool {
    let mut it = token.chars();
    matches!((it.next(), it.next()), (Some(c), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        split(text, Span::new(0, text.len()), &mut out);
        out.iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn every_terminator_starts_with_a_listed_lead_byte() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_terminator(c))
        {
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(
                ASCII_TERMINATORS.contains(&lead) || NON_ASCII_LEADS.contains(&lead),
                "{c:?}"
            );
        }
        assert_eq!(find_terminator("Wait\u{2026} no。 x", 0, false), Some(4));
        assert_eq!(find_terminator("Wait\u{2026} no。 x", 5, false), Some(10));
        assert_eq!(find_terminator("“quoted” text", 0, false), None);
    }

    proptest::proptest! {
        /// In ASCII text the vector search finds what the byte-by-byte one finds.
        #[test]
        fn ascii_terminators_are_found_either_way(s in "[ -~]{0,60}", from in 0usize..70) {
            proptest::prop_assert_eq!(find_terminator(&s, from, true), find_terminator(&s, from, false));
        }

        /// In any text the searches find the first character that is a terminator, as
        /// decoding every character does: among curly quotes, ellipses, CJK and fullwidth
        /// marks, and Devanagari letters beside its dandas; after a run of text without
        /// terminators that ends anywhere around the first search block's end.
        #[test]
        fn terminators_are_found_as_by_decoding(
            tail in "[a .!?\u{2026}\u{201c}\u{201d}\u{3002}\u{3001}\u{ff01}\u{ff0c}\u{964}\u{915}\u{e9}]{0,40}",
            pad in 0usize..600,
            skip in 0usize..650,
        ) {
            let s: String = "\u{201c}\u{915}\u{e9} ".chars().cycle().take(pad).collect::<String>() + &tail;
            let from = s.char_indices().map(|(i, _)| i).nth(skip).unwrap_or(s.len());
            let decoded = s[from..].char_indices().find(|&(_, c)| is_terminator(c));
            proptest::prop_assert_eq!(find_terminator(&s, from, false), decoded.map(|(i, _)| from + i));
        }
    }

    #[test]
    fn acronym_inside_and_at_end() {
        assert_eq!(
            sentences("The U.S. economy grew."),
            vec!["The U.S. economy grew."]
        );
        assert_eq!(
            sentences("It drew sanctions from the U.S. The talks failed."),
            vec!["It drew sanctions from the U.S.", "The talks failed."]
        );
    }

    #[test]
    fn glued_sentences_split_but_numbers_and_domains_do_not() {
        assert_eq!(
            sentences("Trade fell.However, talks went on."),
            vec!["Trade fell.", "However, talks went on."]
        );
        assert_eq!(
            sentences("Growth was 3.5 percent at example.com today."),
            vec!["Growth was 3.5 percent at example.com today."]
        );
    }

    #[test]
    fn dotted_acronym_shapes() {
        assert!(is_dotted_acronym("U.S"));
        assert!(is_dotted_acronym("Ph.D"));
        assert!(is_dotted_acronym("e.g"));
        assert!(!is_dotted_acronym("www.un.org"));
        assert!(!is_dotted_acronym("3.5"));
    }

    #[test]
    fn windows_give_the_same_sentences_as_one_pass() {
        let unit = "The U.S. envoy met Mr. Lavrov on Jan. 5 in Geneva. Talks resumed!  Both sides agreed\u{2026} \u{201c}Peace is near,\u{201d} he said. ";
        let text = unit.repeat(40);
        let span = Span::new(0, text.len());
        let mut whole = Vec::new();
        split_windowed(&text, span, &mut whole, usize::MAX);
        for window in [64, 100, 257, 1000] {
            let mut windowed = Vec::new();
            split_windowed(&text, span, &mut windowed, window);
            assert_eq!(windowed, whole, "window {window}");
        }
    }

    #[test]
    fn a_sentence_longer_than_a_window_is_cut_on_whitespace() {
        let text = "word ".repeat(100) + "end.";
        let mut out = Vec::new();
        split_windowed(&text, Span::new(0, text.len()), &mut out, 64);
        assert!(out.len() > 1);
        let mut covered = 0;
        for s in &out {
            assert!(s.start >= covered && s.len() <= 64, "{s:?}");
            assert!(s.of(&text).starts_with("word") || s.of(&text) == "end.");
            covered = s.end;
        }
        assert_eq!(covered, text.len());
    }

    #[test]
    fn numbered_items() {
        assert!(starts_numbered_item("1. Background"));
        assert!(starts_numbered_item("12) Outlook"));
        assert!(!starts_numbered_item("1991. The year"));
        assert!(!starts_numbered_item("3.5 percent"));
    }
}
