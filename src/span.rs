//! Byte spans into a document's text, the common currency of every stage.

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

/// The words of `s` joined by single spaces: a name, phrase or title may be wrapped over
/// lines in the source, and is shown on one.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
