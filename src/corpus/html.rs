//! Visible text of an HTML page, one block element per paragraph, with its headings.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::HeadingHint;
use crate::span::{Span, join_words};

/// The result of [`extract`].
pub struct Extracted {
    /// Blocks separated by blank lines; inline whitespace collapsed.
    pub text: String,
    /// `<title>` text, if the page has one.
    pub title: Option<String>,
    /// `h1`–`h6` blocks with their spans in `text`.
    pub headings: Vec<HeadingHint>,
    /// Spans in `text` of the blocks that hold only a page number of the forms a sentence
    /// of plain text is read through ("12", "3.", "- 12 -"), but for those inside a table
    /// or a list, which are its data.
    pub page_numbers: Vec<Span>,
}

/// Elements whose content is never visible text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "blockquote",
    "pre",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "address",
    "body",
    "form",
    "fieldset",
    "details",
    "summary",
];

/// Elements whose content is the page's data, where a number in a block of its own is a
/// value ("<td>120</td>", "<li>3</li>", a Word table's "<td><p>120</p></td>"), never the
/// number of a printed page that a PDF's conversion left between two paragraphs.
const DATA: &[&str] = &[
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "figcaption",
];

/// Parses `source` with an HTML5 parser and returns its visible text.
///
/// The tree is walked iteratively (not recursively), so pathologically deep nesting cannot
/// overflow the stack.
pub fn extract(source: &str) -> Extracted {
    let page = Html::parse_document(source);
    let mut out = Builder::default();
    let mut skip_depth = 0usize;
    let mut heading: Option<u8> = None;
    // Whether the open heading already gave its block of text. Everything after that is
    // body text: in malformed pages (`<h1>Summit<p>Text…` never closed) the parser puts
    // the rest of the page inside the heading, and it must not all become titles.
    let mut heading_done = false;
    let mut title: Option<String> = None;
    // Open elements of [`DATA`]: a block ended inside one is no page number.
    let mut data_depth = 0usize;
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if name == "title" && title.is_none() {
                        let text: String = node
                            .children()
                            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                            .collect();
                        // Its line breaks are the markup's formatting: no page number
                        // or line-end hyphen of a printed page ([`crate::wrap`]).
                        let text = join_words(&text);
                        if !text.is_empty() {
                            title = Some(text);
                        }
                    }
                    if skip_depth > 0 || SKIPPED.contains(&name) {
                        skip_depth += 1;
                        continue;
                    }
                    if BLOCKS.contains(&name) {
                        heading_done |=
                            out.end_block(heading.filter(|_| !heading_done), data_depth > 0);
                        data_depth += usize::from(DATA.contains(&name));
                        if let Some(level) = heading_level(name) {
                            heading = Some(level);
                            heading_done = false;
                        }
                    }
                }
                Node::Text(text) if skip_depth == 0 => out.push_inline(text),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        continue;
                    }
                    if BLOCKS.contains(&name) {
                        heading_done |=
                            out.end_block(heading.filter(|_| !heading_done), data_depth > 0);
                        data_depth -= usize::from(DATA.contains(&name));
                        if heading_level(name).is_some() {
                            heading = None;
                        }
                    }
                }
            }
        }
    }
    out.end_block(heading.filter(|_| !heading_done), false);
    let text = out.text.trim_end().to_string();
    Extracted {
        text,
        title,
        headings: out.headings,
        page_numbers: out.page_numbers,
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Accumulates the current block's inline text, collapsing whitespace as a browser does.
#[derive(Default)]
struct Builder {
    text: String,
    block: String,
    headings: Vec<HeadingHint>,
    page_numbers: Vec<Span>,
}

impl Builder {
    fn push_inline(&mut self, raw: &str) {
        for (i, word) in raw.split_whitespace().enumerate() {
            let glue = i > 0 || raw.starts_with(char::is_whitespace);
            if glue && !self.block.is_empty() && !self.block.ends_with(' ') {
                self.block.push(' ');
            }
            self.block.push_str(word);
        }
        if raw.ends_with(char::is_whitespace)
            && !self.block.is_empty()
            && !self.block.ends_with(' ')
        {
            self.block.push(' ');
        }
    }

    /// Ends the current block, `in_data` when it stands inside an element of [`DATA`];
    /// returns whether it held text and was a heading.
    fn end_block(&mut self, heading: Option<u8>, in_data: bool) -> bool {
        let block = self.block.trim();
        let mut was_heading = false;
        if !block.is_empty() {
            if !self.text.is_empty() {
                self.text.push_str("\n\n");
            }
            let start = self.text.len();
            self.text.push_str(block);
            if let Some(level) = heading {
                self.headings.push(HeadingHint {
                    span: Span::new(start, self.text.len()),
                    level,
                });
                was_heading = true;
            } else if !in_data && crate::wrap::is_page_number_in_sentence(block) {
                self.page_numbers.push(Span::new(start, self.text.len()));
            }
        }
        self.block.clear();
        was_heading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_are_dropped_and_headings_kept() {
        let page = "<html><head><title>T</title><style>p{}</style></head><body>\
            <h1>Main</h1><script>var x = 1;</script><p>One <b>two</b>\n three.</p>\
            <h2>Sub</h2><ul><li>a</li><li>b</li></ul></body></html>";
        let e = extract(page);
        assert_eq!(e.text, "Main\n\nOne two three.\n\nSub\n\na\n\nb");
        assert_eq!(e.title.as_deref(), Some("T"));
        let titles: Vec<_> = e
            .headings
            .iter()
            .map(|h| (h.span.of(&e.text), h.level))
            .collect();
        assert_eq!(titles, vec![("Main", 1), ("Sub", 2)]);
    }

    /// The title's line breaks are the markup's: a number alone on a line is one of its
    /// words, not a page number, and a hyphen at a line end joins nothing.
    #[test]
    fn a_title_keeps_every_word() {
        let e = extract(
            "<title>\n Security Council\n resolution\n\n 242\n\n adopted by the East-\n West \
             group\n</title><p>x</p>",
        );
        assert_eq!(
            e.title.as_deref(),
            Some("Security Council resolution 242 adopted by the East- West group")
        );
    }

    /// A block holding only a page number, as a PDF's conversion leaves one in a `<p>`, a
    /// `<div>` or between two `<br>`, is found; a number in a table or a list is data, and
    /// a heading, "Page 9" or a year (four digits, as in plain text) is none.
    #[test]
    fn page_numbers_are_found_outside_tables_and_lists() {
        let e = extract(
            "<p>believes that the</p><p>- 12 -</p><div>13</div><p>to<br>\n14.<br>resume</p>\
             <table><tr><td>120</td><td><p>45</p></td></tr></table><ul><li>3</li></ul>\
             <dl><dt>7</dt></dl><h2>8</h2><p>Page 9</p><p>2015.</p>",
        );
        let found: Vec<&str> = e.page_numbers.iter().map(|s| s.of(&e.text)).collect();
        assert_eq!(found, ["- 12 -", "13", "14."]);
    }

    #[test]
    fn entities_are_decoded() {
        let e = extract("<p>Trade &amp; aid &mdash; Kremlin&#8217;s</p>");
        assert_eq!(e.text, "Trade & aid \u{2014} Kremlin\u{2019}s");
    }

    #[test]
    fn an_unclosed_heading_does_not_turn_the_page_into_titles() {
        let e = extract(
            "<h1>Summit<p>Leaders agreed.<div>Trade grew.</div><h2><div>Next</div><p>More.</p></h2>",
        );
        assert_eq!(
            e.text,
            "Summit\n\nLeaders agreed.\n\nTrade grew.\n\nNext\n\nMore."
        );
        let titles: Vec<_> = e.headings.iter().map(|h| h.span.of(&e.text)).collect();
        assert_eq!(titles, vec!["Summit", "Next"]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let page = "<div>".repeat(20_000) + "deep text" + &"</div>".repeat(20_000);
        assert!(extract(&page).text.contains("deep text"));
    }
}
