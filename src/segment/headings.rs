//! Finding headings: Markdown syntax, or heuristics for plain text.

use super::{Layout, Line, Role, ends_sentence};
use crate::corpus::Format;
use crate::span::Span;

/// Words that stay lowercase in a title-case heading.
const MINOR_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "with",
    "between", "from", "by", "vs", "vs.", "as", "into", "over", "under", "after", "before",
    "about", "against", "amid", "per", "via", "is", "are", "up", "out", "off", "than", "its",
];

/// First words that mark a salutation or byline, never a heading.
const NOT_HEADING_START: &[&str] = &[
    "By",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Mr",
    "Mrs",
    "Ms",
    "Madam",
    "Madame",
    "Ladies",
    "Dear",
    "From",
    "To",
    "Photo",
    "Image",
    "Source",
    "Posted",
    "Updated",
    "Published",
    "Sent",
    "Your",
    "Excellency",
    "Excellencies",
    "Distinguished",
    "Honourable",
    "Honorable",
    "Thank",
    "Excellence",
    "Secretary-General",
    "Members",
    "Head",
    "Heads",
    "Fellow",
    "Colleagues",
];

/// Is this single line of plain text a heading?
///
/// A heading is short (at most 10 words and 80 characters), starts with a capital or a
/// section number, ends without punctuation, and is in title case or all capitals.
/// Datelines, bylines, salutations, dates, bullets and lines with commas or dashes are not
/// headings, so the rule does not fire on ordinary short sentences.
pub fn is_plain_heading(line: &str) -> bool {
    let s = line.trim();
    // The final punctuation first: it turns away most lines of prose at once.
    if s.is_empty()
        || s.ends_with(|c: char| ".!?,;:\"'\u{201d}\u{2019})]-\u{2013}\u{2014}\u{2026}".contains(c))
    {
        return false;
    }
    // `nth`, not `count`: a State of the Union address can be one 200 kB line; and only
    // past 80 bytes can there be more than 80 characters.
    if s.len() > 80 && s.chars().nth(80).is_some() {
        return false;
    }
    // Its first word starts with a capital or is a section number. Checked before the
    // words are split: the lines of hard-wrapped prose mostly start in lower case, and
    // splitting every one of them was 2% of a run.
    if !s.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        return false;
    }
    let mut split = [""; 10];
    let mut n = 0;
    for word in s.split_whitespace() {
        if n == split.len() {
            return false;
        }
        split[n] = word;
        n += 1;
    }
    let words = &split[..n];
    if NOT_HEADING_START.contains(&words[0]) {
        return false;
    }
    if s.contains([',', ';', '|', '@', '\u{2013}', '\u{2014}', '('])
        || s.contains(" - ")
        || s.contains("http")
    {
        return false;
    }
    let (numbered, rest) = strip_section_number(words);
    if rest.is_empty() {
        return false;
    }
    let first = rest[0].chars().next().unwrap_or(' ');
    if !first.is_uppercase() {
        return false;
    }
    if !numbered && rest.len() == 1 && rest[0].chars().filter(|c| c.is_alphabetic()).count() < 4 {
        return false;
    }
    // A title does not end in a minor word ("At the" is a wrapped fragment).
    let ends_minor = rest.len() > 1 && MINOR_WORDS.contains(&rest[rest.len() - 1]);
    !ends_minor && (is_all_caps(s) || is_title_case(rest.iter().copied()))
}

/// At least three letters, all capitals.
fn is_all_caps(s: &str) -> bool {
    let mut n = 0;
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        n += 1;
    }
    n >= 3
}

/// Every word capitalised (or a number) but minor words after the first, and at least one
/// such word. Used by [`super::sentences::split_lines`] on candidate line breaks too, so it
/// does not allocate.
pub(super) fn is_title_case<'a>(words: impl IntoIterator<Item = &'a str>) -> bool {
    let mut major = 0;
    for (i, w) in words.into_iter().enumerate() {
        let Some(first) = w.chars().find(|c| c.is_alphanumeric()) else {
            continue;
        };
        if first.is_uppercase() || first.is_numeric() {
            major += 1;
        } else if i == 0 || !MINOR_WORDS.iter().any(|m| m.eq_ignore_ascii_case(w)) {
            return false;
        }
    }
    major > 0
}

/// `1.`, `2.3`, `IV.` style section numbers at the start of a heading. A first number
/// above 20 is a paragraph number ("59.\tAt the International Development" is the first
/// line of UN paragraph 59), not a section's.
fn strip_section_number<'a, 'b>(words: &'b [&'a str]) -> (bool, &'b [&'a str]) {
    let w = words[0].trim_end_matches('.');
    let arabic = !w.is_empty()
        && w.split('.')
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && w.split('.')
            .next()
            .and_then(|p| p.parse::<u8>().ok())
            .is_some_and(|n| n <= 20);
    if arabic && words.len() > 1 {
        (true, &words[1..])
    } else {
        (false, words)
    }
}

fn section_depth(line: &str) -> u8 {
    let first = line.split_whitespace().next().unwrap_or("");
    let (numbered, _) = strip_section_number(&[first, "x"]);
    if numbered {
        first.trim_end_matches('.').split('.').count().min(6) as u8
    } else {
        1
    }
}

/// Marks plain-text headings: a heading-like line that is a paragraph of its own.
pub(super) fn mark_plain(text: &str, lines: &mut [Line], layout: Layout) {
    // In a text typed in capitals throughout, a line in capitals is no heading.
    let text_lines = lines.iter().filter(|l| l.role == Role::Text).count();
    let caps_lines = lines
        .iter()
        .filter(|l| l.role == Role::Text && is_all_caps(l.span.of(text)))
        .count();
    let shouting = text_lines >= 5 && caps_lines * 3 > text_lines;
    for i in 0..lines.len() {
        if lines[i].role != Role::Text {
            continue;
        }
        let s = lines[i].span.of(text);
        if !is_plain_heading(s) || (shouting && is_all_caps(s)) {
            continue;
        }
        // Right under a line that leaves its sentence open ("President of the General
        // Assembly,", a wrapped line) it is that sentence's last words; but a heading may
        // follow a salutation or byline ("Mr. President" / "Climate Change"). Under a
        // heading it is the heading's second line.
        let prev = (i > 0).then(|| lines[i - 1]);
        if prev.is_some_and(|p| {
            let p_text = p.span.of(text);
            p.role == Role::Text
                && !ends_sentence(p_text)
                && !p_text
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| NOT_HEADING_START.contains(&w))
        }) {
            continue;
        }
        let prev_blank = prev.is_none_or(|p| p.role != Role::Text);
        let next = lines[i + 1..].iter().find(|l| l.role != Role::Blank);
        let next_blank = lines.get(i + 1).is_none_or(|l| l.role != Role::Text);
        // A heading introduces something; in wrapped prose it must stand alone between
        // blank lines, or it would be a wrapped line that happens to be capitalised.
        let stands_alone = layout != Layout::HardWrapped || (prev_blank && next_blank);
        if next.is_some() && stands_alone {
            lines[i].role = Role::Heading(section_depth(s));
        }
    }
}

/// Marks ATX (`## Title`) and setext (`Title` over `===` or `---`) headings and skips fenced
/// code blocks.
///
/// A fence that is never closed fences nothing: CommonMark would run it to the end of the
/// document, which on a malformed file silently drops all the text after it.
pub(super) fn mark_markdown(text: &str, lines: &mut [Line]) {
    let is_fence = |line: &Line| {
        let t = line.span.of(text).trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    };
    let mut unclosed = None;
    for (i, line) in lines.iter().enumerate() {
        if is_fence(line) {
            unclosed = if unclosed.is_some() { None } else { Some(i) };
        }
    }
    let mut in_fence = false;
    for i in 0..lines.len() {
        let s = lines[i].span.of(text);
        let t = s.trim_start();
        if is_fence(&lines[i]) {
            if unclosed != Some(i) {
                in_fence = !in_fence;
            }
            lines[i].role = Role::Skip;
            continue;
        }
        if in_fence {
            lines[i].role = Role::Skip;
            continue;
        }
        if let Some(level) = atx_level(s) {
            lines[i].role = Role::Heading(level);
            continue;
        }
        let underline = t.trim_end();
        let setext = underline.len() >= 2
            && (underline.bytes().all(|b| b == b'=') || underline.bytes().all(|b| b == b'-'));
        if setext
            && i > 0
            && lines[i - 1].role == Role::Text
            && (i < 2
                || lines[i - 2].role == Role::Blank
                || matches!(lines[i - 2].role, Role::Heading(_)))
        {
            let level = if underline.starts_with('=') { 1 } else { 2 };
            lines[i - 1].role = Role::Heading(level);
            lines[i].role = Role::Skip;
        }
    }
}

fn atx_level(line: &str) -> Option<u8> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes)
        && t[hashes..].starts_with([' ', '\t'])
        && !t[hashes..].trim().is_empty()
    {
        Some(hashes as u8)
    } else {
        None
    }
}

/// The span of a heading line's title text, without Markdown `#` markers.
pub(super) fn title_span(text: &str, line: Span, format: Format) -> Span {
    let line = line.trim(text);
    if format != Format::Markdown {
        return line;
    }
    let s = line.of(text);
    let hashes = s.bytes().take_while(|&b| b == b'#').count();
    let mut end = line.end;
    let body = s[hashes..].trim_end();
    let closing = body.len() - body.trim_end_matches('#').len();
    if closing > 0 && body[..body.len() - closing].ends_with(' ') {
        end = line.start + hashes + body.len() - closing;
    }
    Span::new(line.start + hashes, end).trim(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_that_fire() {
        for h in [
            "The Relationship Between Russia and the U.S. Now",
            "Key Takeaways",
            "FOREIGN AFFAIRS",
            "1. Background",
            "2.1 Current Positions",
            "Sanctions Still Bite",
            "Introduction",
        ] {
            assert!(is_plain_heading(h), "{h}");
        }
    }

    #[test]
    fn lines_that_are_not_headings() {
        for h in [
            "The talks resumed today.",
            "Economy grows",
            "By Staff Reporter",
            "GENEVA, March 3 \u{2014}",
            "Friday, January 4, 2019",
            "Mr. President,",
            "Mr. President",
            "-",
            "Magnitogorsk apartment building collapses after explosion, dozens dead",
            "Thank you",
            "a lowercase line",
            "War",
        ] {
            assert!(!is_plain_heading(h), "{h}");
        }
    }

    #[test]
    fn atx_levels() {
        assert_eq!(atx_level("## Sanctions"), Some(2));
        assert_eq!(atx_level("#hashtag"), None);
        assert_eq!(atx_level("####### seven"), None);
    }
}
