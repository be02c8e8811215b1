//! Stage 1: find the documents of a corpus folder and decode them to UTF-8 text.
//!
//! Discovery is deterministic (sorted by relative path) so that every later stage can
//! process documents in parallel and still emit them in a stable order.

mod html;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Warning};
use crate::span::Span;

/// File extensions analysed when the user does not pass `--ext`.
pub const DEFAULT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm"];

/// How a document's text is marked up, which decides how sections are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: headings are found heuristically.
    Plain,
    /// Markdown: ATX (`# Title`) and setext headings.
    Markdown,
    /// HTML: text extracted with a real parser, headings from `h1`–`h6`.
    Html,
}

impl Format {
    /// The format implied by a file extension (case-insensitive); unknown ones are plain text.
    pub fn from_extension(ext: &str) -> Format {
        match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" | "xhtml" => Format::Html,
            _ => Format::Plain,
        }
    }
}

/// A file found in the corpus, not yet read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the corpus root with `/` separators: the document's id in every output.
    pub doc_id: String,
    /// Path on disk.
    pub path: PathBuf,
    /// Size on disk when discovered.
    pub bytes: u64,
}

/// A heading known from markup (HTML), given to the segmenter as a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadingHint {
    /// Where the heading's text sits in the document text.
    pub span: Span,
    /// 1 for `h1` … 6 for `h6`.
    pub level: u8,
}

/// A decoded document, ready for segmentation.
#[derive(Debug, Clone)]
pub struct Document {
    /// See [`SourceFile::doc_id`].
    pub doc_id: String,
    /// How the text is marked up.
    pub format: Format,
    /// The decoded UTF-8 text (for HTML: the extracted visible text). All byte spans point here.
    pub text: String,
    /// A title given by markup (HTML `<title>`), if any.
    pub title: Option<String>,
    /// Headings given by markup; empty for plain text and Markdown, whose headings are
    /// found by the segmenter.
    pub headings: Vec<HeadingHint>,
}

impl Document {
    /// A document made directly from text, as the library's callers and tests do.
    pub fn from_text(doc_id: impl Into<String>, format: Format, text: impl Into<String>) -> Self {
        let text = text.into();
        match format {
            Format::Html => {
                let extracted = html::extract(&text);
                Document {
                    doc_id: doc_id.into(),
                    format,
                    text: extracted.text,
                    title: extracted.title,
                    headings: extracted.headings,
                }
            }
            _ => Document {
                doc_id: doc_id.into(),
                format,
                text,
                title: None,
                headings: Vec::new(),
            },
        }
    }
}

/// Which files of a folder form the corpus.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// Extensions to include, lowercase without the dot.
    pub extensions: Vec<String>,
    /// A folder never descended into (the output folder when it sits inside the corpus).
    pub exclude: Option<PathBuf>,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery {
            extensions: DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect(),
            exclude: None,
        }
    }
}

impl Discovery {
    /// Lists the corpus files under `root`, sorted by `doc_id`.
    ///
    /// Hidden files and folders are skipped, as is the excluded folder. Problems with single
    /// entries (unreadable folders, broken links) become warnings; a missing or unreadable
    /// root is an error.
    pub fn find(&self, root: &Path) -> Result<(Vec<SourceFile>, Vec<Warning>), Error> {
        let meta = fs::metadata(root).map_err(|source| Error::Io {
            path: root.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(Error::NotAFolder(root.to_path_buf()));
        }
        let exclude = self.exclude.as_ref().and_then(|p| p.canonicalize().ok());
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|entry| {
                let hidden =
                    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
                let excluded = exclude.as_ref().is_some_and(|ex| {
                    entry.file_type().is_dir()
                        && entry.path().canonicalize().ok().as_ref() == Some(ex)
                });
                !hidden && !excluded
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.to_path_buf());
                    warnings.push(Warning::new(
                        display_path(root, &path),
                        format!("skipped: {err}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let wanted = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| self.extensions.iter().any(|x| x.eq_ignore_ascii_case(e)));
            if !wanted {
                continue;
            }
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            files.push(SourceFile {
                doc_id: display_path(root, path),
                path: path.to_path_buf(),
                bytes,
            });
        }
        files.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        Ok((files, warnings))
    }
}

/// `path` relative to `root`, with `/` separators, lossily converted to UTF-8.
fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads and decodes one file.
///
/// UTF-8 is expected (a BOM is stripped); UTF-16 with a BOM is decoded; anything else that is
/// not valid UTF-8 is decoded as Windows-1252 with a warning. Files that look binary (NUL
/// bytes) are refused.
pub fn load(file: &SourceFile) -> Result<(Document, Vec<Warning>), Error> {
    let bytes = fs::read(&file.path).map_err(|source| Error::Io {
        path: file.path.clone(),
        source,
    })?;
    let mut warnings = Vec::new();
    let text = decode(&bytes, &file.doc_id, &mut warnings)?;
    let format =
        Format::from_extension(file.path.extension().and_then(|e| e.to_str()).unwrap_or(""));
    Ok((
        Document::from_text(file.doc_id.clone(), format, text),
        warnings,
    ))
}

/// Decodes raw bytes to text; see [`load`].
pub fn decode(bytes: &[u8], doc_id: &str, warnings: &mut Vec<Warning>) -> Result<String, Error> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if encoding != encoding_rs::UTF_8 {
            warnings.push(Warning::new(
                doc_id,
                format!("decoded from {} (byte-order mark)", encoding.name()),
            ));
        }
        if had_errors {
            warnings.push(Warning::new(
                doc_id,
                "invalid byte sequences replaced with U+FFFD",
            ));
        }
        return Ok(text.into_owned());
    }
    if looks_binary(bytes) {
        return Err(Error::Binary(doc_id.to_string()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(Warning::new(
                doc_id,
                format!(
                    "not valid UTF-8 (first bad byte at offset {}); decoded as Windows-1252",
                    err.valid_up_to()
                ),
            ));
            Ok(text.into_owned())
        }
    }
}

/// A file with NUL bytes in its first 8 KiB is treated as binary, as `grep` and `git` do.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let mut w = Vec::new();
        let text = decode(b"\xEF\xBB\xBFHello", "a.txt", &mut w).unwrap();
        assert_eq!(text, "Hello");
        assert!(w.is_empty());
    }

    #[test]
    fn utf16_with_bom_is_decoded_with_warning() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Détente".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let mut w = Vec::new();
        assert_eq!(decode(&bytes, "a.txt", &mut w).unwrap(), "Détente");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        let mut w = Vec::new();
        let text = decode(b"d\xe9tente \x93quoted\x94", "a.txt", &mut w).unwrap();
        assert_eq!(text, "détente \u{201c}quoted\u{201d}");
        assert!(w[0].message.contains("Windows-1252"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let mut w = Vec::new();
        assert!(matches!(
            decode(b"abc\0def", "x.txt", &mut w),
            Err(Error::Binary(_))
        ));
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_extension("MD"), Format::Markdown);
        assert_eq!(Format::from_extension("htm"), Format::Html);
        assert_eq!(Format::from_extension("txt"), Format::Plain);
    }
}
