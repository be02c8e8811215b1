//! Stage 2: cut a document into sections, paragraphs and sentences.
//!
//! The segmenter only produces spans; it never copies or rewrites the text. It works line by
//! line: first it decides the document's layout (one paragraph per line, blank-line
//! paragraphs, or hard-wrapped prose), then which lines are headings (from markup, or by
//! heuristics for plain text), then it groups the remaining lines into paragraphs and splits
//! each paragraph into sentences with [`sentences::split`].

mod headings;
pub mod sentences;

use crate::corpus::{Document, Format};
use crate::span::Span;

pub use headings::is_plain_heading;

/// How the paragraphs of a plain-text document are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Every line is a paragraph (scraped news, the UN speeches).
    LinePerParagraph,
    /// Paragraphs are separated by blank lines, each on a line of its own.
    BlankLine,
    /// Paragraphs are separated by blank lines and wrapped at a fixed width inside.
    HardWrapped,
}

/// A section: the text under one heading (or before the first heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's text; empty for the lead section before any heading.
    pub title: String,
    /// Heading level: 1–6 for headings (numbered plain headings use their depth), 0 for the
    /// lead section.
    pub level: u8,
    /// Where the heading's text is, if the section has one.
    pub heading: Option<Span>,
    /// 1-based line on which the section starts.
    pub start_line: usize,
}

/// A paragraph, inside one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph's text, without list markers.
    pub span: Span,
    /// Index into [`Segmentation::sections`].
    pub section: usize,
}

/// A sentence, inside one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence's text, trimmed.
    pub span: Span,
    /// Index into [`Segmentation::sections`].
    pub section: usize,
    /// Index into [`Segmentation::paragraphs`].
    pub paragraph: usize,
}

/// The structure of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segmentation {
    /// The layout detected for the document.
    pub layout: Layout,
    /// A title for the whole document (markup title, first heading or headline), may be empty.
    pub title: String,
    /// Sections in document order.
    pub sections: Vec<Section>,
    /// Paragraphs in document order.
    pub paragraphs: Vec<Paragraph>,
    /// Sentences in document order; they never overlap and never cross a paragraph.
    pub sentences: Vec<Sentence>,
}

/// One line of the text, without its line terminator.
#[derive(Debug, Clone, Copy)]
struct Line {
    span: Span,
    /// What kind of line it is, decided before paragraphs are built.
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Blank,
    /// A line with no letters or digits (rules, lone bullet markers, separators).
    Marker,
    Heading(u8),
    /// A Markdown setext underline or fenced-code line: not text.
    Skip,
    /// A line holding only a short number ("12", "3.") or a stray letter: a page number or
    /// scanning debris left by a PDF extraction.
    PageNumber,
    Text,
}

/// Segments a document into sections, paragraphs and sentences.
pub fn segment(doc: &Document) -> Segmentation {
    let text = doc.text.as_str();
    let mut lines = split_lines(text);
    if doc.format == Format::Html {
        // A number in an element of its own is the page's content ("<td>120</td>"), not a
        // page number to leave out, unless the extraction found it to be one
        // (`Document::page_numbers`: "<p>- 12 -</p>" from a PDF's printed page).
        for line in lines.iter_mut().filter(|l| l.role == Role::PageNumber) {
            if doc.page_numbers.binary_search(&line.span).is_err() {
                line.role = Role::Text;
            }
        }
    }
    let layout = detect_layout(text, &lines);
    match doc.format {
        Format::Html => mark_html_headings(doc, &mut lines),
        Format::Markdown => headings::mark_markdown(text, &mut lines),
        Format::Plain => headings::mark_plain(text, &mut lines, layout),
    }
    build(doc, text, &lines, layout)
}

/// The sentences of a free text, with no heading detection: blank lines separate
/// paragraphs and line breaks are read as in hard-wrapped prose (see
/// [`sentences::split_lines`]). This is the splitter on its own, for callers and tests.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let lines = split_lines(text);
    let doc = Document::from_text("", Format::Plain, String::new());
    build(&doc, text, &lines, Layout::HardWrapped)
        .sentences
        .into_iter()
        .map(|s| s.span)
        .collect()
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    // memchr's vector search: a loop over every byte was 1.4% of a run.
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(classify(text, start, i));
        start = i + 1;
    }
    if start < text.len() {
        lines.push(classify(text, start, text.len()));
    }
    lines
}

fn classify(text: &str, start: usize, mut end: usize) -> Line {
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    let span = Span::new(start, end);
    let s = span.of(text);
    let role = if s.trim().is_empty() {
        Role::Blank
    } else if !s.chars().any(char::is_alphanumeric) {
        Role::Marker
    } else if is_debris(s.trim()) {
        Role::PageNumber
    } else {
        Role::Text
    };
    Line { span, role }
}

/// A page number ("12", "3.", "- 13 -"), a running page header of a UN record
/// ("A/56/PV.44", "A/56/PV.44 12/11/2001") or a lower-case letter left alone on its line by
/// a scan ("c", "i"): no paragraph of its own. A capital may be a drop cap ("I" / "am
/// delighted").
fn is_debris(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let header = words.next().is_some_and(is_un_record_symbol)
        && words.all(|w| !w.chars().any(char::is_alphabetic))
        && line.len() <= 40;
    let number = crate::wrap::page_number(line).is_some();
    let mut chars = line.chars();
    let letter =
        chars.next().is_some_and(char::is_lowercase) && chars.all(|c| c.is_ascii_punctuation());
    number || letter || header
}

/// "A/56/PV.44": the symbol of a UN General Assembly verbatim record.
fn is_un_record_symbol(word: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    word.strip_prefix("A/")
        .and_then(|rest| rest.split_once("/PV."))
        .is_some_and(|(session, meeting)| digits(session) && digits(meeting))
}

/// Hard-wrapped text has many lines that continue on the next line and stay under ~100
/// characters; one-paragraph-per-line text mostly ends its lines with punctuation.
fn detect_layout(text: &str, lines: &[Line]) -> Layout {
    let mut inner = 0usize;
    let mut open_inner = 0usize;
    let mut long = 0usize;
    let mut nonblank = 0usize;
    let mut blanks_between = 0usize;
    for (i, line) in lines.iter().enumerate() {
        if line.role == Role::Blank {
            if i > 0 && lines[i - 1].role != Role::Blank {
                blanks_between += 1;
            }
            continue;
        }
        nonblank += 1;
        if matches!(line.role, Role::Marker | Role::PageNumber) {
            continue;
        }
        let s = line.span.of(text).trim_end();
        // Counted only past 100 bytes, which 100 characters take at least.
        if s.len() > 100 && s.chars().count() > 100 {
            long += 1;
        }
        let next_is_text = lines.get(i + 1).is_some_and(|n| n.role == Role::Text);
        if next_is_text {
            inner += 1;
            // Short open lines are headlines or captions; wrapped lines fill the width.
            if s.len() >= 40 && !s.ends_with(['.', '!', '?', ':', '"', '\u{201d}', '\u{2019}']) {
                open_inner += 1;
            }
        }
    }
    if nonblank > 0 && inner >= 2 && open_inner * 2 > inner && long * 10 <= nonblank {
        Layout::HardWrapped
    } else if nonblank > 1 && blanks_between * 2 >= nonblank {
        Layout::BlankLine
    } else {
        Layout::LinePerParagraph
    }
}

/// Lines are in text order, so each hint is found by binary search: a linear search per
/// heading made a page with 400,000 headings take minutes.
fn mark_html_headings(doc: &Document, lines: &mut [Line]) {
    for hint in &doc.headings {
        if let Ok(i) = lines.binary_search_by_key(&hint.span.start, |l| l.span.start)
            && lines[i].span == hint.span
        {
            lines[i].role = Role::Heading(hint.level);
        }
    }
}

/// Lone bullet markers, `- ` / `* ` / `• ` prefixes; numbered items keep their number.
fn strip_bullet(text: &str, span: Span) -> Span {
    let s = span.of(text);
    for marker in [
        "- ",
        "* ",
        "+ ",
        "\u{2022} ",
        "\u{2013} ",
        "\u{2014} ",
        "\u{25aa} ",
        "\u{00b7} ",
    ] {
        if let Some(rest) = s.strip_prefix(marker) {
            return Span::new(span.end - rest.len(), span.end).trim(text);
        }
    }
    span
}

fn starts_item(text: &str, span: Span) -> bool {
    let s = span.of(text).trim_start();
    strip_bullet(text, span.trim(text)) != span.trim(text) || sentences::starts_numbered_item(s)
}

/// Does a line stop mid-sentence (no terminal punctuation or closing quote)? A paragraph
/// whose last line is open goes on after a page number.
fn is_open(line: &str) -> bool {
    !line.trim_end().ends_with([
        '.', '!', '?', '\u{2026}', ':', ';', '"', '\u{201d}', '\u{2019}', ')',
    ])
}

/// Does a line end a sentence: a terminator, perhaps inside closing quotes or brackets?
/// A line ending in a colon, a semicolon or a quote after a word ("the parties’",
/// "a consistent life ethic\"") does not, so a lower-case line after it goes on with it.
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ']', '\u{bb}'])
        .ends_with(sentences::is_terminator)
}

fn build(doc: &Document, text: &str, lines: &[Line], layout: Layout) -> Segmentation {
    let mut seg = Segmentation {
        layout,
        title: String::new(),
        sections: Vec::new(),
        paragraphs: Vec::new(),
        sentences: Vec::new(),
    };
    let mut paragraph: Option<(usize, usize)> = None; // first and last line index
    // Blank lines and page numbers seen since the paragraph's last line: the paragraph is
    // flushed only when the next line turns out not to continue it.
    let mut gap = false;
    let mut page_break = false;
    let flush = |seg: &mut Segmentation, range: Option<(usize, usize)>| {
        let Some((first, last)) = range else { return };
        if seg.sections.is_empty() {
            seg.sections.push(Section {
                title: String::new(),
                level: 0,
                heading: None,
                start_line: first + 1,
            });
        }
        let section = seg.sections.len() - 1;
        let block = &lines[first..=last];
        let span = strip_bullet(
            text,
            Span::new(block[0].span.start, block[block.len() - 1].span.end).trim(text),
        );
        if span.is_empty() {
            return;
        }
        let index = seg.paragraphs.len();
        seg.paragraphs.push(Paragraph { span, section });
        let line_spans: Vec<Span> = block
            .iter()
            .filter(|l| l.role == Role::Text)
            .map(|l| l.span)
            .collect();
        for s in sentences::split_lines(text, span, &line_spans) {
            seg.sentences.push(Sentence {
                span: s,
                section,
                paragraph: index,
            });
        }
    };
    for (i, line) in lines.iter().enumerate() {
        match line.role {
            Role::Heading(level) => {
                flush(&mut seg, paragraph.take());
                let title_span = headings::title_span(text, line.span, doc.format);
                // A plain heading on two lines ("… WHEN WE WORK" / "TOGETHER") is one.
                let second_line = doc.format == Format::Plain
                    && i > 0
                    && matches!(lines[i - 1].role, Role::Heading(_));
                if second_line
                    && let Some(section) = seg.sections.last_mut()
                    && let Some(first) = section.heading
                {
                    let both = Span::new(first.start, title_span.end);
                    section.heading = Some(both);
                    section.title = both.collapsed(text);
                    continue;
                }
                seg.sections.push(Section {
                    title: title_span.collapsed(text),
                    level,
                    heading: Some(title_span),
                    start_line: i + 1,
                });
            }
            Role::Marker | Role::Skip => flush(&mut seg, paragraph.take()),
            Role::Blank => gap = true,
            // In HTML the elements around a page number's are apart already (the blank
            // lines between them): they join over it as they would were it not there.
            Role::PageNumber => page_break = doc.format != Format::Html,
            Role::Text => {
                let continues = paragraph.is_some_and(|(_, last_index)| {
                    let last = lines[last_index].span.of(text);
                    // A lower-case line after an unfinished sentence continues it across a
                    // stray line break or a page number; so does any line after one that
                    // ends in a function word ("by the"), and one that starts with the
                    // sentence's last word ("of the UN" / "Charter."). A blank line is
                    // bridged only by a lower-case line after a line without any closing
                    // mark: a headline ("… sworn in") or a colon before a command stays.
                    let next = line.span.of(text);
                    // A word hyphenated at the line end goes on on this line, over a blank
                    // line or a page number too ("Secretary-" / "General"), as the
                    // tokenizer reads it (`wrap::hyphen_wrap`).
                    // In HTML a line ends an element, and a hyphen there joins nothing
                    // ("<li>First-</li><li>second</li>"): the next element is another
                    // paragraph, or the tokenizer would join the two.
                    let trimmed = last.trim_end();
                    if crate::wrap::ends_in_word_hyphen(trimmed) {
                        if doc.format == Format::Html {
                            return false;
                        }
                        let after = lines[last_index].span.start + trimmed.len();
                        if crate::wrap::hyphen_wrap(&text[after..]).is_some() {
                            return true;
                        }
                    }
                    let lower = sentences::starts_lower(next);
                    let goes_on = !ends_sentence(last)
                        && (lower
                            || sentences::ends_in_function_word(last)
                            || sentences::starts_with_tail(next));
                    if page_break {
                        is_open(last) || goes_on
                    } else if gap {
                        is_open(last) && lower
                    } else {
                        (layout == Layout::HardWrapped && !starts_item(text, line.span)) || goes_on
                    }
                });
                gap = false;
                page_break = false;
                paragraph = match paragraph {
                    Some((first, _)) if continues => Some((first, i)),
                    other => {
                        flush(&mut seg, other);
                        Some((i, i))
                    }
                };
            }
        }
    }
    flush(&mut seg, paragraph.take());
    seg.title = document_title(doc, text, lines, &seg);
    seg
}

/// Markup title, else a first-line heading, else a headline-like first line.
fn document_title(doc: &Document, text: &str, lines: &[Line], seg: &Segmentation) -> String {
    if let Some(title) = &doc.title {
        return title.clone();
    }
    if let Some(first) = seg.sections.iter().find(|s| s.heading.is_some()) {
        let first_content = lines
            .iter()
            .position(|l| l.role != Role::Blank)
            .map(|i| i + 1);
        if Some(first.start_line) == first_content {
            return first.title.clone();
        }
    }
    let Some(at) = lines.iter().position(|l| l.role == Role::Text) else {
        return String::new();
    };
    let s = lines[at].span.of(text).trim();
    // A headline stands on its own line: a few words, no closing punctuation, not ending
    // in a function word or a word hyphenated at the line end ("The Secretary-" /
    // "General …" is a sentence's start), and not continued in lower case on the next
    // line (the first line of wrapped prose or of a PDF extraction is none). Words past
    // the 21st do not matter, and the first line can be a whole 200 kB speech.
    let words: Vec<&str> = s.split_whitespace().take(21).collect();
    let last = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
    let continued = lines.get(at + 1).is_some_and(|l| {
        l.role == Role::Text && l.span.of(text).trim_start().starts_with(char::is_lowercase)
    });
    // Nor is the first line of a paragraph that goes on after it, unless the line reads as
    // one of its own: ragged-right prose starts with short lines ("The delegation of the
    // Central African" / "Republic would like …").
    let alone = || {
        let end = lines[at].span.trim(text).end;
        seg.paragraphs.first().is_some_and(|p| p.span.end == end) || sentences::stands_alone(s)
    };
    let headline = (2..=20).contains(&words.len())
        && !s.ends_with([
            '.', '!', '?', ':', ';', ',', '\u{2026}', '\u{964}', '\u{3002}',
        ])
        && !crate::tokenize::StopWords::english().contains(&last)
        && !crate::wrap::ends_in_word_hyphen(s)
        && !continued
        && alone();
    if headline {
        crate::span::collapse_whitespace(s)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests;
