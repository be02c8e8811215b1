//! Stage 1: find the documents of a corpus folder and decode them to UTF-8 text.
//!
//! Discovery is deterministic (sorted by relative path) so that every later stage can
//! process documents in parallel and still emit them in a stable order.

mod html;

use std::fs;
use std::path::{Path, PathBuf};

use crate::dates::DocDate;
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
    /// Place in the sorted corpus (the whole corpus, also in a `--shard` run): where
    /// per-corpus tables record "first seen", so that shards merge to the same result.
    pub ordinal: u32,
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
    /// When it was written, if known (see [`crate::dates`]): names are read as they were
    /// meant then.
    pub date: Option<DocDate>,
    /// Where markup holds only a page number (HTML: an element of its own outside tables
    /// and lists, as a PDF's conversion leaves one between two paragraphs); empty for
    /// plain text and Markdown, whose page numbers the segmenter finds on their lines.
    pub page_numbers: Vec<Span>,
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
                    date: None,
                    page_numbers: extracted.page_numbers,
                }
            }
            _ => Document {
                doc_id: doc_id.into(),
                format,
                text,
                title: None,
                headings: Vec::new(),
                date: None,
                page_numbers: Vec::new(),
            },
        }
    }
}

/// Which files of a folder form the corpus.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// Extensions to include, lowercase without the dot.
    pub extensions: Vec<String>,
    /// A folder never descended into. [`crate::run::run`] refuses an output folder inside
    /// the corpus instead of relying on this; it is kept for library callers.
    pub exclude: Option<PathBuf>,
    /// Files and folders the user leaves out (`--exclude`).
    pub left_out: LeftOut,
}

/// Files and folders left out of a corpus by glob, as `--exclude` gives them: a pattern
/// without a `/` is matched against each file's and folder's name at any depth
/// (`README*`, `*.SOURCE.md`, `drafts`), one with a `/` against its path from the corpus
/// folder (`sotu/1790-*.txt`, `**/notes/*.md`). `*` and `?` never match a `/`; `**`
/// matches any folders. A corpus often comes with files about it (a README, a licence, a
/// source note) in its folders, which would otherwise be read as documents.
#[derive(Debug, Clone)]
pub struct LeftOut {
    names: globset::GlobSet,
    paths: globset::GlobSet,
}

impl Default for LeftOut {
    fn default() -> Self {
        LeftOut {
            names: globset::GlobSet::empty(),
            paths: globset::GlobSet::empty(),
        }
    }
}

impl LeftOut {
    /// The files and folders `patterns` match; an error names the first bad pattern.
    pub fn new(patterns: &[String]) -> Result<LeftOut, globset::Error> {
        let mut names = globset::GlobSetBuilder::new();
        let mut paths = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let anchored = pattern.strip_prefix('/').unwrap_or(pattern);
            let glob = globset::GlobBuilder::new(anchored)
                .literal_separator(true)
                .build()?;
            match anchored.contains('/') {
                true => paths.add(glob),
                false => names.add(glob),
            };
        }
        Ok(LeftOut {
            names: names.build()?,
            paths: paths.build()?,
        })
    }

    /// Whether the file or folder at `relative`, its path from the corpus folder, or a
    /// folder it is in, is left out: a metadata row for a document left out describes no
    /// document to warn about.
    pub fn covers(&self, relative: &Path) -> bool {
        (relative.ancestors())
            .filter(|path| !path.as_os_str().is_empty())
            .any(|path| self.matches(path))
    }

    /// Whether the file or folder at `relative`, its path from the corpus folder, is left
    /// out itself (a scan does not walk a folder left out).
    pub fn matches(&self, relative: &Path) -> bool {
        relative
            .file_name()
            .is_some_and(|name| self.names.is_match(name))
            || self.paths.is_match(relative)
    }
}

impl Discovery {
    /// The files with these extensions, as given to `--ext` (any case, with or without a
    /// dot) and recorded in `run.json`'s options.
    pub fn of_extensions(extensions: &[String]) -> Discovery {
        Discovery {
            extensions: (extensions.iter())
                .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            exclude: None,
            left_out: LeftOut::default(),
        }
    }
}

impl Default for Discovery {
    fn default() -> Self {
        let extensions: Vec<String> = DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect();
        Discovery::of_extensions(&extensions)
    }
}

/// What [`Discovery::scan`] found under a corpus folder.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// The documents to read, sorted by `doc_id`.
    pub files: Vec<SourceFile>,
    /// Entries that would have been documents (or folders that may hold some) but cannot
    /// be read: broken links, link loops, unreadable folders, FIFOs and devices with a
    /// document extension. Each one makes the run's exit status "some skipped".
    pub skipped: Vec<Warning>,
    /// Problems that lose nothing: a link back to a parent folder (not followed twice),
    /// a broken link without a document extension, a file name that is not UTF-8.
    pub warnings: Vec<Warning>,
}

impl Discovery {
    /// Lists the corpus files under `root`, sorted by `doc_id`, with every problem met on
    /// the way (skipped entries and warnings together; see [`Discovery::scan`]).
    pub fn find(&self, root: &Path) -> Result<(Vec<SourceFile>, Vec<Warning>), Error> {
        let scan = self.scan(root)?;
        let mut problems = scan.skipped;
        problems.extend(scan.warnings);
        Ok((scan.files, problems))
    }

    /// Walks `root` and sorts what it finds into documents, skipped entries and warnings.
    ///
    /// Hidden files and folders are not read, nor is the excluded folder, nor what the user
    /// left out ([`LeftOut`]). Links are
    /// followed, but never back into a folder being walked. A missing, unreadable or
    /// non-folder root is an error: nothing could be analysed.
    pub fn scan(&self, root: &Path) -> Result<Scan, Error> {
        let io = |source| Error::Io {
            path: root.to_path_buf(),
            source,
        };
        let meta = fs::metadata(root).map_err(io)?;
        if !meta.is_dir() {
            return Err(Error::NotAFolder(root.to_path_buf()));
        }
        // Reading the root now turns "permission denied" into one clear error instead of a
        // run that finds no documents.
        fs::read_dir(root).map_err(io)?;
        let exclude = self.exclude.as_ref().and_then(|p| p.canonicalize().ok());
        let mut scan = Scan::default();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|entry| {
                let hidden = entry.depth() > 0
                    && entry.file_name().as_encoded_bytes().first() == Some(&b'.');
                let excluded = exclude.as_ref().is_some_and(|ex| {
                    entry.file_type().is_dir()
                        && entry.path().canonicalize().ok().as_ref() == Some(ex)
                });
                let left_out = entry.depth() > 0
                    && (self.left_out)
                        .matches(entry.path().strip_prefix(root).unwrap_or(entry.path()));
                !hidden && !excluded && !left_out
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.walk_problem(root, &err, &mut scan);
                    continue;
                }
            };
            let path = entry.path();
            let file_type = entry.file_type();
            if file_type.is_dir() || !self.wanted(path) {
                continue;
            }
            let (doc_id, lossy) = doc_id(root, path);
            if lossy {
                scan.warnings.push(Warning::new(
                    doc_id.clone(),
                    "file name is not valid UTF-8; its doc_id shows each bad byte as \\xNN",
                ));
            }
            if !file_type.is_file() {
                // Reading a FIFO would block the run forever; a device is not a document.
                scan.skipped.push(Warning::new(
                    doc_id,
                    format!("skipped: not a regular file ({})", kind_of(&file_type)),
                ));
                continue;
            }
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            scan.files.push(SourceFile {
                doc_id,
                path: path.to_path_buf(),
                bytes,
                ordinal: 0,
            });
        }
        scan.files.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        dedupe_ids(&mut scan);
        for (ordinal, file) in scan.files.iter_mut().enumerate() {
            file.ordinal = ordinal as u32;
        }
        Ok(scan)
    }

    /// Does the path end in one of the analysed extensions? A `metadata.csv` describes
    /// documents and is never one, even with `--ext csv`.
    fn wanted(&self, path: &Path) -> bool {
        path.file_name() != Some(crate::groups::METADATA_FILE.as_ref())
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| self.extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
    }

    /// Files an error of the folder walk as skipped (something that may have held text
    /// is lost) or as a warning (nothing is lost).
    fn walk_problem(&self, root: &Path, err: &walkdir::Error, scan: &mut Scan) {
        let path = err.path().unwrap_or(root);
        let (id, _) = doc_id(root, path);
        if let Some(ancestor) = err.loop_ancestor() {
            let (target, _) = doc_id(root, ancestor);
            let target = if target.is_empty() { "." } else { &target };
            scan.warnings.push(Warning::new(
                id,
                format!(
                    "link to a folder being read ({target}); not followed, so no file is read twice"
                ),
            ));
            return;
        }
        let link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        // Followed: a link to an unreadable folder loses its documents just the same.
        let folder = fs::metadata(path).is_ok_and(|m| m.is_dir());
        let io = err.io_error();
        let why = match io {
            Some(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
                "broken symbolic link (its target does not exist)".to_string()
            }
            Some(e) if e.raw_os_error() == Some(ELOOP) => "symbolic link loop".to_string(),
            Some(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                "permission denied".to_string()
            }
            Some(e) => e.to_string(),
            None => err.to_string(),
        };
        if folder {
            scan.skipped.push(Warning::new(
                id,
                format!("skipped: cannot read folder: {why}; documents in it are not analysed"),
            ));
        } else if self.wanted(path) {
            scan.skipped
                .push(Warning::new(id, format!("skipped: {why}")));
        } else {
            scan.warnings
                .push(Warning::new(id, format!("ignored: {why}")));
        }
    }
}

/// `errno` for "too many levels of symbolic links" on Linux and the BSDs/macOS.
#[cfg(any(target_os = "linux", target_os = "android"))]
const ELOOP: i32 = 40;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const ELOOP: i32 = 62;

fn kind_of(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "not a file or folder"
}

/// Two names can only map to one doc_id through the `\xNN` escapes of non-UTF-8 names; the
/// later ones get a suffix so that every row of the output still names one file.
fn dedupe_ids(scan: &mut Scan) {
    let mut seen = std::collections::HashSet::new();
    for file in &mut scan.files {
        if seen.insert(file.doc_id.clone()) {
            continue;
        }
        let mut n = 2;
        let unique = loop {
            let candidate = format!("{} ({n})", file.doc_id);
            if !seen.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        scan.warnings.push(Warning::new(
            unique.clone(),
            format!(
                "another file's name reads as {} too; this one is listed as {unique}",
                file.doc_id
            ),
        ));
        seen.insert(unique.clone());
        file.doc_id = unique;
    }
}

/// `path` relative to `root` with `/` separators. Bytes of a name that are not UTF-8 are
/// written `\xNN`, so that two such names stay apart (a lossy U+FFFD would merge them);
/// the flag says whether that happened.
fn doc_id(root: &Path, path: &Path) -> (String, bool) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut lossy = false;
    let parts: Vec<String> = rel
        .components()
        .map(|c| {
            let raw = c.as_os_str();
            if let Some(s) = raw.to_str() {
                return s.to_string();
            }
            lossy = true;
            let mut out = String::new();
            for chunk in raw.as_encoded_bytes().utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
            out
        })
        .collect();
    (parts.join("/"), lossy)
}

/// Reads and decodes one file.
///
/// The file is checked again when it is read: one that has vanished since discovery is an
/// I/O error (`NotFound`), one that is no longer a regular file is refused (reading a FIFO
/// would block), and one whose size changed, during the run or while being read, is
/// analysed as read with a warning. See [`decode_vec`] for the text encodings.
pub fn load(file: &SourceFile) -> Result<(Document, Vec<Warning>), Error> {
    let io = |source| Error::Io {
        path: file.path.clone(),
        source,
    };
    let before = fs::metadata(&file.path).map_err(io)?;
    if !before.is_file() {
        return Err(Error::NotAFile(file.doc_id.clone()));
    }
    let bytes = fs::read(&file.path).map_err(io)?;
    let mut warnings = Vec::new();
    let after = fs::metadata(&file.path).ok();
    let moved = after
        .as_ref()
        .is_none_or(|a| a.len() != before.len() || a.modified().ok() != before.modified().ok());
    if before.len() != file.bytes || bytes.len() as u64 != before.len() || moved {
        warnings.push(Warning::new(
            &file.doc_id,
            format!(
                "changed during the run ({} bytes when found, {} bytes read); analysed as read",
                file.bytes,
                bytes.len()
            ),
        ));
    }
    let text = decode_vec(bytes, &file.doc_id, &mut warnings)?;
    let format =
        Format::from_extension(file.path.extension().and_then(|e| e.to_str()).unwrap_or(""));
    Ok((
        Document::from_text(file.doc_id.clone(), format, text),
        warnings,
    ))
}

/// Decodes raw bytes to text; see [`decode_vec`], which this copies `bytes` for.
pub fn decode(bytes: &[u8], doc_id: &str, warnings: &mut Vec<Warning>) -> Result<String, Error> {
    decode_vec(bytes.to_vec(), doc_id, warnings)
}

/// Decodes a file's bytes to text, reusing the buffer when it is already UTF-8 (a
/// 200 MB file then costs 200 MB, not 400).
///
/// - UTF-8: a byte-order mark is stripped.
/// - UTF-16 LE/BE with a byte-order mark: decoded, with a warning.
/// - A PDF, Word, OpenDocument or RTF file, known by its first bytes whatever its name:
///   refused with what to do ([`Error::NotText`]). A PDF need not hold a NUL byte early,
///   and an RTF file is ASCII: read as text, either gave its markup as sentences.
/// - NUL bytes in the first 8 KiB: refused as binary ([`Error::Binary`]).
/// - Not valid UTF-8 but mostly UTF-8 (more valid multibyte characters than bad
///   sequences): decoded as UTF-8 with each bad sequence replaced by U+FFFD, with a warning.
/// - Otherwise not valid UTF-8: decoded as Windows-1252 (a superset of Latin-1), with a
///   warning.
/// - NUL characters further in are replaced by spaces (same byte length, so offsets are
///   kept) with a warning: spreadsheets and CSV readers choke on them.
pub fn decode_vec(
    mut bytes: Vec<u8>,
    doc_id: &str,
    warnings: &mut Vec<Warning>,
) -> Result<String, Error> {
    if let Some(what) = formatted_document(&bytes) {
        return Err(Error::NotText {
            doc: doc_id.to_string(),
            what,
        });
    }
    let mut text = if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            bytes.drain(..bom_len);
            utf8_or_fallback(bytes, doc_id, warnings)?
        } else {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            warnings.push(Warning::new(
                doc_id,
                format!("decoded from {} (byte-order mark)", encoding.name()),
            ));
            if had_errors {
                warnings.push(Warning::new(
                    doc_id,
                    "invalid byte sequences replaced with U+FFFD",
                ));
            }
            text.into_owned()
        }
    } else {
        utf8_or_fallback(bytes, doc_id, warnings)?
    };
    // memchr's vector search: the slice's own `contains` reads a word at a time, a
    // third of a percent of a run for a byte that is almost never there.
    if memchr::memchr(0, text.as_bytes()).is_some() {
        let nuls = text.bytes().filter(|&b| b == 0).count();
        text = text.replace('\0', " ");
        warnings.push(Warning::new(
            doc_id,
            format!("{nuls} NUL character(s) replaced with spaces"),
        ));
    }
    Ok(text)
}

fn utf8_or_fallback(
    bytes: Vec<u8>,
    doc_id: &str,
    warnings: &mut Vec<Warning>,
) -> Result<String, Error> {
    if looks_binary(&bytes) {
        return Err(Error::Binary(doc_id.to_string()));
    }
    let err = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    let first_bad = err.utf8_error().valid_up_to();
    let bytes = err.into_bytes();
    let (mut multibyte, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    if multibyte > bad {
        warnings.push(Warning::new(
            doc_id,
            format!(
                "not valid UTF-8: {bad} bad byte sequence(s), the first at byte {first_bad}, replaced with U+FFFD"
            ),
        ));
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    warnings.push(Warning::new(
        doc_id,
        format!("not valid UTF-8 (first bad byte at offset {first_bad}); decoded as Windows-1252"),
    ));
    Ok(text.into_owned())
}

/// The formats of documents that hold their text in another form, by their first bytes
/// (their "magic numbers"), each with what a user should do to read it.
const FORMATTED: &[(&[u8], &str)] = &[
    (
        b"%PDF-",
        "a PDF document, not text: extract its text first (`pdftotext FILE`)",
    ),
    (
        b"PK\x03\x04",
        "a zip archive (a Word .docx, an OpenDocument .odt or the like), not text: save or convert it as plain text first",
    ),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an Office document of the old format (a Word .doc or the like), not text: save it as plain text first",
    ),
    (
        b"{\\rtf",
        "an RTF document, not text: save it as plain text first",
    ),
];

/// What a file is and how to read it, if its first bytes are those of a formatted
/// document ([`FORMATTED`]).
fn formatted_document(bytes: &[u8]) -> Option<&'static str> {
    (FORMATTED.iter())
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

/// A file with NUL bytes in its first 8 KiB is treated as binary, as `grep` and `git` do.
fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern without `/` is a name at any depth, one with `/` a path from the corpus
    /// folder (a leading `/` only anchors it), `*` stops at `/` and `**` crosses folders.
    #[test]
    fn left_out_matches_names_anywhere_and_paths_from_the_root() {
        let globs: Vec<String> = [
            "README*",
            "*.SOURCE.md",
            "drafts",
            "sotu/17*.txt",
            "/a/**/x.md",
        ]
        .map(String::from)
        .to_vec();
        let left_out = LeftOut::new(&globs).unwrap();
        let out = |p: &str| left_out.matches(Path::new(p));
        assert!(out("README.md") && out("sotu/README.txt") && out("ungdc.SOURCE.md"));
        assert!(out("drafts") && out("news/drafts") && !out("news/drafts.txt"));
        assert!(out("sotu/1790-Washington.txt") && !out("sotu/1801-Jefferson.txt"));
        assert!(
            !out("old/sotu/1790-Washington.txt"),
            "a path is from the corpus folder"
        );
        assert!(out("a/x.md") && out("a/b/c/x.md") && !out("b/a/x.md"));
        assert!(!out("readme.md"), "as written, case and all");
        assert!(left_out.covers(Path::new("news/drafts/b.txt")) && !out("news/drafts/b.txt"));
        assert!(!left_out.covers(Path::new("news/b.txt")));
        assert!(!LeftOut::default().matches(Path::new("README.md")));
        assert!(LeftOut::new(&["a[".to_string()]).is_err());
    }

    /// What is left out is not listed, and a folder left out is not walked.
    #[test]
    fn a_scan_leaves_out_what_the_globs_match() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("README.md", "About the corpus."),
            ("news/a.txt", "Talks resumed."),
            ("news/drafts/b.txt", "Draft."),
            ("speeches/c.md", "Trade grew."),
        ] {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let discovery = Discovery {
            left_out: LeftOut::new(&["README*".to_string(), "drafts".to_string()]).unwrap(),
            ..Discovery::default()
        };
        let scan = discovery.scan(dir.path()).unwrap();
        let ids: Vec<&str> = scan.files.iter().map(|f| f.doc_id.as_str()).collect();
        assert_eq!(ids, ["news/a.txt", "speeches/c.md"]);
        let all = Discovery::default().scan(dir.path()).unwrap();
        assert_eq!(all.files.len(), 4);
    }

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

    /// A PDF with no NUL byte near its start, a .docx renamed .txt and an RTF file (ASCII
    /// throughout) were read as text, their markup analysed as sentences.
    #[test]
    fn formatted_documents_are_refused_with_what_to_do() {
        let mut w = Vec::new();
        for (bytes, says) in [
            (
                &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>"[..],
                "pdftotext",
            ),
            (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", ".docx"),
            (
                b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Peace talks.}",
                "RTF",
            ),
        ] {
            match decode(bytes, "x.txt", &mut w) {
                Err(e @ Error::NotText { .. }) => {
                    let e = e.to_string();
                    assert!(e.starts_with("x.txt: ") && e.contains(says), "{e}");
                }
                other => panic!("{says}: {other:?}"),
            }
        }
        // Text that merely mentions a format is text.
        assert!(decode(b"PK and %PDF- are magic numbers.", "x.txt", &mut w).is_ok());
        assert!(w.is_empty());
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let mut w = Vec::new();
        assert!(matches!(
            decode(b"abc\0def", "x.txt", &mut w),
            Err(Error::Binary(_))
        ));
    }

    /// With `--ext csv` the corpus's CSV files are documents, but not its metadata.
    #[test]
    fn metadata_is_never_a_document() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.csv", "metadata.csv", "b.txt"] {
            std::fs::write(dir.path().join(name), "doc_id,year\nb.txt,2001\n").unwrap();
        }
        let discovery = Discovery {
            extensions: vec!["csv".into(), "txt".into()],
            ..Discovery::default()
        };
        let (files, _) = discovery.find(dir.path()).unwrap();
        let ids: Vec<&str> = files.iter().map(|f| f.doc_id.as_str()).collect();
        assert_eq!(ids, ["a.csv", "b.txt"]);
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_extension("MD"), Format::Markdown);
        assert_eq!(Format::from_extension("htm"), Format::Html);
        assert_eq!(Format::from_extension("txt"), Format::Plain);
    }
}
