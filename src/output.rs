//! Stage 6: the CSV files and the run manifest.
//!
//! Every file is written to a temporary file in the output folder and renamed into place
//! only when the whole run has succeeded ([`Output::commit`]), so an interrupted run leaves
//! the previous results intact. Text cells that a spreadsheet would run as a formula are
//! prefixed with an apostrophe unless the user asks for raw cells.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::metrics::{
    Counts, Fraction, MAX_SCALED_DECIMALS, Milli, ScaledBuffer, ToneCounts, push_fixed,
    push_scaled, scaled_text,
};
use crate::phrases::Repeated;
use crate::pipeline::{DocResult, DyadLevel, DyadStat, EntityKey, EntityStat, Totals};
use crate::span::collapse_whitespace_cow;

/// `sentences.csv` columns.
pub const SENTENCES: &[&str] = &[
    "doc_id",
    "section_index",
    "sentence_index",
    "start_byte",
    "end_byte",
    "tokens",
    "coop",
    "conflict",
    "tone",
    "label",
    "evidence",
    "text",
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
    "goldstein",
];
/// `sections.csv` columns.
pub const SECTIONS: &[&str] = &[
    "doc_id",
    "section_index",
    "section_title",
    "n_sentences",
    "n_tokens",
    "n_content_tokens",
    "coop",
    "conflict",
    "tone",
    "logit_tone",
    "coop_per_1k",
    "conflict_per_1k",
    "cooperative_sentences",
    "conflictual_sentences",
    "mixed_sentences",
    "neutral_sentences",
    "top_entities",
    "top_phrases",
    "section_level",
    "start_line",
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
    "goldstein",
    "tone_ci_low",
    "tone_ci_high",
];
/// `documents.csv` columns.
pub const DOCUMENTS: &[&str] = &[
    "doc_id",
    "title",
    "n_sections",
    "n_sentences",
    "n_tokens",
    "coop",
    "conflict",
    "tone",
    "logit_tone",
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
    "goldstein",
    "layout",
    "tone_ci_low",
    "tone_ci_high",
];
/// `groups.csv` columns.
pub const GROUPS: &[&str] = &[
    "group",
    "documents",
    "sections",
    "sentences",
    "tokens",
    "coop",
    "conflict",
    "tone",
    "logit_tone",
    "tone_ci_low",
    "tone_ci_high",
];

/// `mentions.csv` columns.
pub const MENTIONS: &[&str] = &[
    "doc_id",
    "section_index",
    "sentence_index",
    "start_byte",
    "end_byte",
    "surface",
    "entity",
    "type",
    "country",
    "source",
];
/// `entities.csv` columns.
pub const ENTITIES: &[&str] = &[
    "entity",
    "type",
    "mentions",
    "documents",
    "coop",
    "conflict",
    "tone",
    "aliases",
    "country",
];
/// `dyads.csv` columns.
pub const DYADS: &[&str] = &[
    "entity_a",
    "entity_b",
    "sentences",
    "coop",
    "conflict",
    "tone",
    "goldstein",
    "example_doc_id",
    "example_sentence_index",
    "level",
];
/// `phrases.csv` columns.
pub const PHRASES: &[&str] = &[
    "phrase",
    "n",
    "count",
    "documents",
    "sections",
    "score",
    "example",
];

/// How text cells are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellPolicy {
    /// Write text cells exactly as they are, even if a spreadsheet would run them.
    pub raw: bool,
}

impl CellPolicy {
    /// A text cell, with a leading apostrophe if it starts with `= + - @`, tab or CR and is
    /// not a plain number: a signed number in a metadata column (a Polity score of -7)
    /// stays a number for spreadsheets, pandas and R, and no spreadsheet runs it.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !self.raw && s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s) {
            Cow::Owned(format!("'{s}"))
        } else {
            Cow::Borrowed(s)
        }
    }
}

/// Whether `s` is a decimal number and nothing else ("-1", "+2.5", "-3e4"; not "-inf").
fn is_plain_number(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

/// A number with `decimals` decimals, never "-0.000".
pub fn fixed(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    write_fixed(&mut s, x, decimals);
    s
}

fn write_fixed(out: &mut String, x: f64, decimals: usize) {
    // Zero of either sign is written unsigned; other values as `format!` would (see
    // `push_fixed`), less the sign of a negative value that rounds to zero.
    if x == 0.0 && decimals as u32 <= MAX_SCALED_DECIMALS {
        return push_scaled(out, 0, decimals as u32);
    }
    let start = out.len();
    push_fixed(out, x, decimals as u32);
    let digits = &out[start..];
    if digits.starts_with('-') && digits[1..].bytes().all(|b| b == b'0' || b == b'.') {
        out.remove(start);
    }
}

/// `f` with `decimals` decimals, computed in integers into `digits`, when that is provably
/// the text [`write_fixed`] gives for `f.value()`; `None` leaves it to float formatting.
/// Float formatting was the costliest part of a sentence's row.
///
/// Why it is the same: with `r = num / den` exact and `q` its nearest f64, `|q − r| ≤
/// 2⁻⁵³·|r|`. Unless `r·10ᵈ` is exactly halfway between two integers (tested below, and
/// left to float formatting), it is at least `1/(2·den)` from halfway. When `|num|·10ᵈ <
/// 2⁵²`, the error `2⁻⁵³·|num|/den·10ᵈ` is below that distance, so `q` rounds to the same
/// `d` decimals as `r`. Clamping to a whole bound is done on the exact ratio.
fn exact_fraction_text(digits: &mut ScaledBuffer, f: Fraction, decimals: u32) -> Option<&str> {
    rounded_exactly(f, decimals).map(|scaled| scaled_text(digits, scaled, decimals))
}

/// `f` times `10^decimals`, rounded to the nearest whole number, when the bound above
/// shows that float formatting rounds the same way; `None` for halfway cases, huge sums,
/// a zero denominator and clamped values (whose float text is as quick).
fn rounded_exactly(f: Fraction, decimals: u32) -> Option<i64> {
    if decimals > MAX_SCALED_DECIMALS {
        return None;
    }
    let scale = 10i64.pow(decimals);
    let clamped = f
        .bound
        .is_some_and(|b| i128::from(f.num).abs() >= i128::from(b) * i128::from(f.den).abs());
    if f.den == 0 || clamped || i128::from(f.num).abs() * i128::from(scale) >= 1 << 52 {
        return None;
    }
    let d = f.den.checked_abs()?;
    let x = f.num * scale * f.den.signum();
    let (whole, rest) = (x.div_euclid(d), x.rem_euclid(d));
    // `rest` against `d − rest` rather than `2·rest` against `d`, which could overflow.
    (rest != d - rest).then(|| whole + i64::from(rest > d - rest))
}

/// A sum in thousandths with three decimals, by integer arithmetic into `digits`: the
/// same text as [`fixed`] with 3 decimals, without float formatting on every cell of
/// every row.
fn milli_text(digits: &mut ScaledBuffer, m: Milli) -> &str {
    scaled_text(digits, m.0, 3)
}

/// CSV records written field by field into `W`: per-document rows, formatted in memory by
/// the worker that analysed the document, or straight into the file for a huge document.
///
/// The format is the csv crate's with CRLF ends (what its reader and every spreadsheet
/// read): a field is quoted only if it holds a comma, a double quote, CR or LF, with its
/// quotes doubled, and a record with no bytes at all is written `""` so that it reads back
/// as one empty field. Written here rather than through `csv::Writer`, whose per-field
/// state machine was a twelfth of a run.
pub struct Rows<W: Write> {
    sink: W,
    /// Fields written in the current record.
    fields: usize,
    /// Whether the current record has had a byte written yet.
    empty: bool,
    /// Reused for numbers and collapsed text, so that a row allocates nothing.
    scratch: String,
}

/// The bytes that make a field quoted: a comma, a quote, a line feed, a carriage return.
const QUOTE_BYTES: [u8; 4] = [b',', b'"', b'\n', b'\r'];

/// [`QUOTE_BYTES`] as a table, for short fields.
const QUOTED: [bool; 256] = {
    let mut quoted = [false; 256];
    let mut k = 0;
    while k < QUOTE_BYTES.len() {
        quoted[QUOTE_BYTES[k] as usize] = true;
        k += 1;
    }
    quoted
};

/// Writes `field` as a CSV field: quoted, its quotes doubled, if [`needs_quotes`].
fn write_escaped(sink: &mut impl Write, field: &[u8]) -> std::io::Result<()> {
    if !needs_quotes(field) {
        return sink.write_all(field);
    }
    // Most quoted fields are sentences with a comma: their quotes, if any, are found with
    // memchr (a byte at a time, this was a sixth of the rows' formatting).
    sink.write_all(b"\"")?;
    let mut start = 0;
    for quote in memchr::memchr_iter(b'"', field) {
        sink.write_all(&field[start..=quote])?;
        sink.write_all(b"\"")?;
        start = quote + 1;
    }
    sink.write_all(&field[start..])?;
    sink.write_all(b"\"")
}

/// A field escaped once to be written in many records (a document's id, on each of its
/// rows), so that it is not searched for quotes every time.
struct Escaped(Vec<u8>);

impl Escaped {
    fn new(field: &str) -> Escaped {
        let mut escaped = Vec::with_capacity(field.len() + 2);
        write_escaped(&mut escaped, field.as_bytes()).expect("writing to memory");
        Escaped(escaped)
    }
}

/// Whether a field must be quoted. Most fields are short (ids, labels, names): for them a
/// table lookup a byte costs less than the two memchr calls a long text needs.
fn needs_quotes(field: &[u8]) -> bool {
    if field.len() <= 24 {
        return field.iter().any(|&b| QUOTED[b as usize]);
    }
    let [a, b, c, d] = QUOTE_BYTES;
    memchr::memchr3(a, b, c, field).is_some() || memchr::memchr(d, field).is_some()
}

impl<W: Write> Rows<W> {
    /// Records written into `sink`.
    pub fn new(sink: W) -> Rows<W> {
        Rows {
            sink,
            fields: 0,
            empty: true,
            scratch: String::new(),
        }
    }

    /// Writes one field of the current record; [`Rows::end_row`] ends the record.
    pub fn field(&mut self, field: impl AsRef<[u8]>) -> std::io::Result<()> {
        self.put(field.as_ref(), write_escaped)
    }

    /// Writes a field escaped beforehand, as [`Rows::field`] would write it.
    fn escaped(&mut self, field: &Escaped) -> std::io::Result<()> {
        self.unquoted(&field.0)
    }

    /// Starts a field and writes `bytes` into it with `write`, unless there are none (an
    /// empty field is nothing between its commas).
    fn put(
        &mut self,
        bytes: &[u8],
        write: impl FnOnce(&mut W, &[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.separate()?;
        if bytes.is_empty() {
            return Ok(());
        }
        self.empty = false;
        write(&mut self.sink, bytes)
    }

    /// Writes a word of a fixed vocabulary (a label, a type, a source), which needs no
    /// quotes and is never empty: not searched for quotes on every row.
    fn word(&mut self, word: &'static str) -> std::io::Result<()> {
        debug_assert!(!word.is_empty() && !needs_quotes(word.as_bytes()), "{word}");
        self.unquoted(word.as_bytes())
    }

    /// Starts a field: a comma after the record's previous one.
    fn separate(&mut self) -> std::io::Result<()> {
        if self.fields > 0 {
            self.sink.write_all(b",")?;
            self.empty = false;
        }
        self.fields += 1;
        Ok(())
    }

    /// Writes a field that needs no quotes: a number, a word, a field escaped beforehand.
    fn unquoted(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.put(bytes, |sink, bytes| sink.write_all(bytes))
    }

    /// Writes an integer field.
    pub fn int(&mut self, n: impl itoa::Integer) -> std::io::Result<()> {
        let mut buf = itoa::Buffer::new();
        let digits = buf.format(n);
        self.unquoted(digits.as_bytes())
    }

    /// Writes a field with what `format` puts into the scratch buffer, as text or, if
    /// `number`, as a number.
    fn formatted(&mut self, number: bool, format: impl FnOnce(&mut String)) -> std::io::Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        format(&mut scratch);
        let result = if number {
            self.unquoted(scratch.as_bytes())
        } else {
            self.field(scratch.as_bytes())
        };
        self.scratch = scratch;
        result
    }

    /// Writes a sum in thousandths.
    fn milli(&mut self, m: Milli) -> std::io::Result<()> {
        self.unquoted(milli_text(&mut [0; _], m).as_bytes())
    }

    /// Writes a number with `decimals` decimals, as [`fixed`] does.
    fn fixed(&mut self, x: f64, decimals: usize) -> std::io::Result<()> {
        self.formatted(true, |out| write_fixed(out, x, decimals))
    }

    /// Writes a text field escaped by `cells`.
    fn text(&mut self, cells: CellPolicy, text: &str) -> std::io::Result<()> {
        self.field(cells.text(text).as_bytes())
    }

    /// Writes the `coop`, `conflict` and `tone` cells.
    fn tone(&mut self, t: &ToneCounts) -> std::io::Result<()> {
        self.milli(t.coop())?;
        self.milli(t.conflict())?;
        self.fraction(t.tone_fraction(), 4)
    }

    /// Writes the four quad-class sums and the Goldstein-like mean.
    fn quads(&mut self, t: &ToneCounts) -> std::io::Result<()> {
        for m in [
            t.verbal_coop,
            t.material_coop,
            t.verbal_conflict,
            t.material_conflict,
        ] {
            self.milli(m)?;
        }
        self.fraction(t.goldstein_fraction(), 3)
    }

    /// Writes the 95% tone interval as two cells, empty when it is not defined.
    fn interval(&mut self, c: &Counts) -> std::io::Result<()> {
        match c.tone_interval() {
            Some((lo, hi)) => {
                self.fixed(lo, 4)?;
                self.fixed(hi, 4)
            }
            None => {
                self.field("")?;
                self.field("")
            }
        }
    }

    /// Writes a fraction with `decimals` decimals, as [`fixed`] does its value.
    fn fraction(&mut self, f: Fraction, decimals: u32) -> std::io::Result<()> {
        match exact_fraction_text(&mut [0; _], f, decimals) {
            Some(text) => self.unquoted(text.as_bytes()),
            None => self.fixed(f.value(), decimals as usize),
        }
    }

    /// Writes a text field with its runs of whitespace collapsed to one space, escaped by
    /// `cells`.
    pub fn collapsed_text(&mut self, cells: CellPolicy, text: &str) -> std::io::Result<()> {
        self.formatted(false, |out| {
            crate::span::collapse_whitespace_into(out, text);
            if let Cow::Owned(escaped) = cells.text(out) {
                *out = escaped;
            }
        })
    }

    /// Writes a whole record.
    pub fn row<I, T>(&mut self, record: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        for field in record {
            self.field(field)?;
        }
        self.end_row()
    }

    /// Ends the current record.
    pub fn end_row(&mut self) -> std::io::Result<()> {
        if self.empty {
            self.sink.write_all(b"\"\"")?;
        }
        (self.fields, self.empty) = (0, true);
        self.sink.write_all(b"\r\n")
    }

    /// The sink, holding every record written so far.
    pub fn into_inner(self) -> W {
        self.sink
    }
}

/// Most bytes handed to the kernel in one write to a file.
///
/// A buffered write of a file's pages is copied into page-cache folios as large as the
/// write (and its offset's alignment) allows, and on this project's benchmark machine (a
/// 2-core VM) folios of 512 KiB or more cost several times the system time of smaller ones
/// (`dd` of 2 GB: 2.8–5.5 s in 1 MiB writes, 1.1–1.5 s in 256 KiB ones). A 1 GB corpus
/// writes 2.3 GB of CSV, and its 1 MiB writes were 4–10% of a run's samples (2–4% in 256
/// KiB ones; BENCHMARKS.md). Elsewhere the size should make no difference: a system call
/// per 256 KiB is nothing.
pub const WRITE_CHUNK: usize = 1 << 18;

/// A writer that hands its inner writer at most [`WRITE_CHUNK`] bytes per write.
#[derive(Debug)]
pub struct Chunked<W>(W);

impl<W: Write> Write for Chunked<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(&buf[..buf.len().min(WRITE_CHUNK)])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `inner` buffered for output: written [`WRITE_CHUNK`] bytes at a time.
pub(crate) fn buffered<W: Write>(inner: W) -> BufWriter<Chunked<W>> {
    BufWriter::with_capacity(WRITE_CHUNK, Chunked(inner))
}

/// Takes the writer out of [`buffered`], its buffer written.
pub(crate) fn unbuffered<W: Write>(
    buffer: BufWriter<Chunked<W>>,
) -> Result<W, std::io::IntoInnerError<BufWriter<Chunked<W>>>> {
    buffer.into_inner().map(|chunked| chunked.0)
}

/// A file buffer whose `flush` does nothing: CSV writers flush their sink when they are
/// done, and a writer made per record or per document must not cost a system call each
/// time. [`Output::finish`] flushes the buffer for real.
struct Sink(BufWriter<Chunked<File>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A CSV file being written to a temporary path in the output folder.
pub struct CsvFile {
    sink: Sink,
    temp: tempfile::TempPath,
    target: PathBuf,
}

impl CsvFile {
    /// Writes one record.
    pub fn row<I, T>(&mut self, record: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.rows(|rows| rows.row(record))
    }

    /// Appends bytes holding whole records, formatted by [`Rows`].
    pub fn append(&mut self, records: &[u8]) -> Result<(), Error> {
        self.sink
            .write_all(records)
            .map_err(|source| self.io_error(source))
    }

    /// Formats records straight into the file.
    fn rows(
        &mut self,
        format: impl FnOnce(&mut Rows<&mut Sink>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        format(&mut Rows::new(&mut self.sink)).map_err(|source| self.io_error(source))
    }

    fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.target.clone(),
            source,
        }
    }
}

/// Every file a run writes through [`Output`]. `run.json` is staged, so renamed, last: a
/// `run.json` newer than the CSVs beside it never describes older CSVs.
pub const FILES: &[&str] = &[
    "sentences.csv",
    "sections.csv",
    "documents.csv",
    "mentions.csv",
    "groups.csv",
    "entities.csv",
    "dyads.csv",
    "phrases.csv",
    "run.json",
    crate::partial::PARTIAL_FILE,
    crate::partial::TOTALS_FILE,
];

/// A hidden file in the output folder that a run holds an advisory lock on, so that two
/// runs never write to one folder at once (and a run may delete stale temporary files).
pub const LOCK_FILE: &str = ".detente.lock";

/// The UTF-8 byte-order mark that `--excel` puts at the start of each CSV file: without it,
/// Excel reads a CSV in the system's legacy code page and garbles accents and curly quotes.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A finished file waiting for [`Output::commit`], being synced to disk meanwhile.
struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
    /// The sync runs on its own thread: on a small corpus, waiting for each file's sync in
    /// turn was a sixth of the time after the last document. `None`: synced already, for
    /// want of a thread.
    synced: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// The output folder of one run: staged files, committed together.
pub struct Output {
    dir: PathBuf,
    /// Cell policy for text columns.
    pub cells: CellPolicy,
    /// Start every CSV file with a UTF-8 byte-order mark (`--excel`).
    pub bom: bool,
    staged: Vec<Staged>,
    /// Whether [`Output::commit`] removes the reports (see [`Output::supersede_reports`]).
    supersede_reports: bool,
    /// Held for the life of the run; the operating system releases it even on `kill -9`.
    _lock: Option<File>,
    /// The outermost folder of `dir`'s path that this run created, if any: an output
    /// dropped without [`Output::commit`] (a run that read no file, or failed) removes the
    /// folders it made, so that it leaves nothing where there was nothing.
    created: Option<PathBuf>,
}

/// A hidden temporary file in `dir` for the output file `name`, to be renamed into place
/// when complete (and removed by the next run if this one is killed). Results are ordinary
/// files once renamed: created readable as the user's umask allows, not with the
/// owner-only mode of a temporary file.
pub(crate) fn result_temp(dir: &Path, name: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

impl Output {
    /// Prepares `dir` (created if missing) before any work: checks that files can be
    /// created in it, takes the folder's lock, and deletes temporary files that a killed
    /// run left behind.
    ///
    /// Fails with [`Error::OutputNotWritable`] when the folder cannot be created or written
    /// and [`Error::OutputBusy`] when another run holds its lock.
    pub fn new(dir: &Path, cells: CellPolicy) -> Result<Output, Error> {
        let not_writable = |source| Error::OutputNotWritable {
            path: dir.to_path_buf(),
            source,
        };
        // Asked first: creating it would fail with the system's "File exists".
        if dir.exists() && !dir.is_dir() {
            return Err(not_writable(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it is a file, not a folder",
            )));
        }
        let created = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .last()
            .map(Path::to_path_buf);
        std::fs::create_dir_all(dir).map_err(not_writable)?;
        // A probe: a folder we may open but not write to (read-only mount, no `w`
        // permission) is refused now, not after the analysis.
        tempfile::Builder::new()
            .prefix(".detente-probe.")
            .tempfile_in(dir)
            .map_err(not_writable)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(not_writable)?;
        let locked = match lock.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::OutputBusy(dir.to_path_buf()));
            }
            // A file system without locks: run, but leave other files alone.
            Err(std::fs::TryLockError::Error(_)) => false,
        };
        if locked {
            remove_stale_temps(dir);
        }
        Ok(Output {
            dir: dir.to_path_buf(),
            cells,
            bom: false,
            staged: Vec::new(),
            supersede_reports: false,
            _lock: Some(lock),
            created,
        })
    }

    fn temp(&self, name: &str) -> Result<(File, tempfile::TempPath, PathBuf), Error> {
        let target = self.dir.join(name);
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let (file, path) = result_temp(&self.dir, name).map_err(io)?.into_parts();
        Ok((file, path, target))
    }

    /// Starts a CSV file with its header row (after a byte-order mark with `bom`).
    pub fn csv(&self, name: &str, header: &[&str]) -> Result<CsvFile, Error> {
        let (mut file, temp, target) = self.temp(name)?;
        if self.bom {
            file.write_all(BOM).map_err(|source| Error::Io {
                path: target.clone(),
                source,
            })?;
        }
        let mut f = CsvFile {
            sink: Sink(buffered(file)),
            temp,
            target,
        };
        f.row(header)?;
        Ok(f)
    }

    /// Finishes a CSV file; it is renamed into place at [`Output::commit`].
    pub fn finish(&mut self, file: CsvFile) -> Result<(), Error> {
        let CsvFile { sink, temp, target } = file;
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let file = unbuffered(sink.0).map_err(|e| io(e.into_error()))?;
        self.stage(file, temp, target)
    }

    /// Writes a whole small file (the manifest).
    pub fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.file_with(name, |w| w.write_all(bytes))
    }

    /// Writes a whole file through a buffer, for data too big to build in memory first.
    pub fn file_with(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut BufWriter<Chunked<File>>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let (file, temp, target) = self.temp(name)?;
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let mut buffer = buffered(file);
        write(&mut buffer).map_err(io)?;
        let file = unbuffered(buffer).map_err(|e| io(e.into_error()))?;
        self.stage(file, temp, target)
    }

    /// Starts syncing a finished file and queues it for [`Output::commit`].
    fn stage(
        &mut self,
        file: File,
        temp: tempfile::TempPath,
        target: PathBuf,
    ) -> Result<(), Error> {
        let file = std::sync::Arc::new(file);
        let on_thread = std::sync::Arc::clone(&file);
        let synced = match std::thread::Builder::new().spawn(move || on_thread.sync_all()) {
            Ok(thread) => Some(thread),
            // No thread to be had (a process limit): sync here, as before threads were used,
            // rather than fail a run whose every file is written.
            Err(_) => {
                file.sync_all().map_err(|source| Error::Io {
                    path: target.clone(),
                    source,
                })?;
                None
            }
        };
        self.staged.push(Staged {
            temp,
            target,
            synced,
        });
        Ok(())
    }

    /// Has [`Output::commit`] remove the folder's reports ([`crate::report::FILES`]) before
    /// it puts the new files in place: made from the files being replaced, they would
    /// describe other results than those beside them (a run killed before its report was
    /// written, a run without `--xlsx` after one with it). The caller writes them anew.
    pub fn supersede_reports(&mut self) {
        self.supersede_reports = true;
    }

    /// Waits until every finished file is synced, removes the reports if superseded,
    /// renames each file into place, then syncs the folder so that the renames survive a
    /// power cut. Each rename is atomic: a reader sees the old file or the new one, never
    /// part of one.
    pub fn commit(self) -> Result<(), Error> {
        // Every file is on disk before any is renamed: a failed sync leaves the folder as
        // the last run left it.
        let mut staged = Vec::with_capacity(self.staged.len());
        // Committed, the folders are the results': dropping the output keeps them.
        let mut this = self;
        this.created = None;
        for Staged {
            temp,
            target,
            synced,
        } in std::mem::take(&mut this.staged)
        {
            let synced = synced.map_or(Ok(()), |thread| {
                (thread.join())
                    .unwrap_or_else(|_| Err(std::io::Error::other("the sync thread panicked")))
            });
            if let Err(source) = synced {
                return Err(Error::Io {
                    path: target,
                    source,
                });
            }
            staged.push((temp, target));
        }
        let superseded: &[&str] = match this.supersede_reports {
            true => &crate::report::FILES,
            false => &[],
        };
        for path in superseded.iter().map(|name| this.dir.join(name)) {
            match std::fs::remove_file(&path) {
                Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::Io { path, source });
                }
                _ => {}
            }
        }
        // The files replaced are held open while renaming, and let go on a thread of their
        // own, beside the work left: freeing a replaced file's cached pages, which the
        // rename that unlinks it does, was most of the commit's time when a run replaced
        // an earlier one (0.45 s for a 1.8 GB `sentences.csv`). Only regular files: opening
        // a named pipe would wait for a writer.
        let mut replaced = Vec::with_capacity(staged.len());
        for (temp, target) in staged {
            if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
                replaced.extend(File::open(&target).ok());
            }
            temp.persist(&target).map_err(|e| Error::Io {
                path: target.clone(),
                source: e.error,
            })?;
        }
        // Best effort: not every platform can open a folder to sync it.
        if let Ok(dir) = File::open(&this.dir) {
            let _ = dir.sync_all();
        }
        // Without a thread, they are let go here.
        let _ = std::thread::Builder::new().spawn(move || drop(replaced));
        Ok(())
    }
}

impl Drop for Output {
    /// Unless committed, removes the folders the run created, once its staged files are
    /// gone: only those left empty but for the lock, so nothing of anyone else's goes.
    fn drop(&mut self) {
        let Some(created) = self.created.take() else {
            return;
        };
        self.staged.clear();
        let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
        for folder in self.dir.ancestors() {
            if std::fs::remove_dir(folder).is_err() || folder == created {
                break;
            }
        }
    }
}

/// Deletes `.NAME.XXXXXX.tmp` files of [`FILES`] left by a run that was killed before it
/// could clean up. Called only with the folder's lock held, so no live run owns them.
/// The report files (`report.html`, `detente.xlsx`) are written the same way, without the
/// `.tmp` suffix, and their leftovers go too.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if is_stale_temp(name, FILES, &crate::report::FILES) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `.NAME.XXXXXX.tmp` for a NAME of `files` or `reports` (made by [`result_temp`]), also
/// `.NAME.XXXXXX` for one of `reports` (as earlier versions made them), or a write probe;
/// `XXXXXX` is tempfile's six random letters and digits.
fn is_stale_temp(name: &str, files: &[&str], reports: &[&str]) -> bool {
    let Some(hidden) = name.strip_prefix('.') else {
        return false;
    };
    let random = |rest: &str| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    let of = |target: &str| hidden.strip_prefix(target)?.strip_prefix('.');
    hidden.starts_with("detente-probe.")
        || files.iter().any(|f| {
            of(f)
                .and_then(|r| r.strip_suffix(".tmp"))
                .is_some_and(random)
        })
        || (reports.iter())
            .any(|f| of(f).is_some_and(|r| random(r.strip_suffix(".tmp").unwrap_or(r))))
}

/// The per-document files, written as documents complete.
pub struct DocumentFiles {
    sentences: CsvFile,
    sections: CsvFile,
    documents: CsvFile,
    mentions: CsvFile,
}

fn joined(list: &[(String, u64)]) -> String {
    list.iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Put before a metadata column's name in `documents.csv` when the table has a column of
/// that name already (a metadata `title` is `meta_title`).
pub const SHADOWED_PREFIX: &str = "meta_";

impl DocumentFiles {
    /// Opens the four per-document files; `metadata` names the metadata columns that
    /// follow the fixed ones in `documents.csv`.
    pub fn open(out: &Output, metadata: &[String]) -> Result<DocumentFiles, Error> {
        let mut documents: Vec<&str> = DOCUMENTS.to_vec();
        let renamed: Vec<String> = metadata
            .iter()
            .map(|m| {
                if DOCUMENTS.contains(&m.as_str()) {
                    format!("{SHADOWED_PREFIX}{m}")
                } else {
                    m.clone()
                }
            })
            .collect();
        documents.extend(renamed.iter().map(String::as_str));
        Ok(DocumentFiles {
            sentences: out.csv("sentences.csv", SENTENCES)?,
            sections: out.csv("sections.csv", SECTIONS)?,
            documents: out.csv("documents.csv", &documents)?,
            mentions: out.csv("mentions.csv", MENTIONS)?,
        })
    }

    /// Writes one document's rows, formatting them straight into the files; `metadata`
    /// holds its values for the metadata columns.
    pub fn write(
        &mut self,
        cells: CellPolicy,
        text: &str,
        doc: &DocResult,
        metadata: &[&str],
    ) -> Result<(), Error> {
        let view = DocumentView {
            cells,
            text,
            doc,
            metadata,
        };
        self.sentences.rows(|rows| view.sentences(rows))?;
        self.sections.rows(|rows| view.sections(rows))?;
        self.documents.rows(|rows| view.document(rows))?;
        self.mentions.rows(|rows| view.mentions(rows))
    }

    /// Appends rows formatted in memory by [`DocumentRows::format`].
    pub fn append(&mut self, rows: &DocumentRows) -> Result<(), Error> {
        self.sentences.append(&rows.sentences)?;
        self.sections.append(&rows.sections)?;
        self.documents.append(&rows.documents)?;
        self.mentions.append(&rows.mentions)
    }

    /// Finishes the four files.
    pub fn finish(self, out: &mut Output) -> Result<(), Error> {
        out.finish(self.sentences)?;
        out.finish(self.sections)?;
        out.finish(self.documents)?;
        out.finish(self.mentions)
    }
}

/// Records formatted by `format` into memory, which starts with room for `capacity` bytes.
fn into_memory(
    capacity: usize,
    format: impl FnOnce(&mut Rows<Vec<u8>>) -> std::io::Result<()>,
) -> Vec<u8> {
    let mut rows = Rows::new(Vec::with_capacity(capacity));
    format(&mut rows).expect("formatting into memory does not fail");
    rows.into_inner()
}

/// One document's rows for the four per-document files, formatted in memory: threads
/// format the documents they analysed, so that writing in corpus order, one document at a
/// time, only copies bytes.
#[derive(Debug, Default)]
pub struct DocumentRows {
    /// `sentences.csv` records.
    pub sentences: Vec<u8>,
    /// `sections.csv` records.
    pub sections: Vec<u8>,
    /// The `documents.csv` record.
    pub documents: Vec<u8>,
    /// `mentions.csv` records.
    pub mentions: Vec<u8>,
}

impl DocumentRows {
    /// Formats one document's rows; `metadata` holds its values for the metadata columns.
    pub fn format(cells: CellPolicy, text: &str, doc: &DocResult, metadata: &[&str]) -> Self {
        let view = DocumentView {
            cells,
            text,
            doc,
            metadata,
        };
        // Sized for the usual rows (the text, its evidence and some 150 bytes of numbers a
        // sentence; 100 bytes a mention) so that they are not copied as they grow.
        DocumentRows {
            sentences: into_memory(text.len() + 150 * doc.sentences.len(), |rows| {
                view.sentences(rows)
            }),
            sections: into_memory(0, |rows| view.sections(rows)),
            documents: into_memory(0, |rows| view.document(rows)),
            mentions: into_memory(100 * doc.mentions.len(), |rows| view.mentions(rows)),
        }
    }
}

/// What one document's rows are made of.
struct DocumentView<'a> {
    cells: CellPolicy,
    text: &'a str,
    doc: &'a DocResult,
    metadata: &'a [&'a str],
}

impl DocumentView<'_> {
    fn id(&self) -> Escaped {
        Escaped::new(&self.cells.text(&self.doc.doc_id))
    }

    /// One row per sentence, field by field: these rows are most of a run's output.
    fn sentences<W: Write>(&self, f: &mut Rows<W>) -> std::io::Result<()> {
        let id = self.id();
        for s in &self.doc.sentences {
            let t = &s.counts.tone;
            f.escaped(&id)?;
            f.int(s.section)?;
            f.int(s.index)?;
            f.int(s.span.start)?;
            f.int(s.span.end)?;
            f.int(s.counts.tokens)?;
            f.tone(t)?;
            f.word(t.label().as_str())?;
            f.field(self.cells.text(&s.evidence).as_bytes())?;
            f.collapsed_text(self.cells, s.span.of(self.text))?;
            f.quads(t)?;
            f.end_row()?;
        }
        Ok(())
    }

    fn sections<W: Write>(&self, f: &mut Rows<W>) -> std::io::Result<()> {
        let id = self.id();
        let cells = self.cells;
        for (index, s) in self.doc.sections.iter().enumerate() {
            let c: &Counts = &s.counts;
            f.escaped(&id)?;
            f.int(index)?;
            f.text(cells, &s.section.title)?;
            f.int(c.sentences)?;
            f.int(c.tokens)?;
            f.int(c.content_tokens)?;
            f.tone(&c.tone)?;
            f.fixed(c.tone.logit_tone(), 4)?;
            f.fixed(c.per_1k(c.tone.coop()), 3)?;
            f.fixed(c.per_1k(c.tone.conflict()), 3)?;
            f.int(c.cooperative_sentences)?;
            f.int(c.conflictual_sentences)?;
            f.int(c.mixed_sentences)?;
            f.int(c.neutral_sentences)?;
            f.text(cells, &joined(&s.top_entities))?;
            f.text(cells, &joined(&s.top_phrases))?;
            f.int(s.section.level)?;
            f.int(s.section.start_line)?;
            f.quads(&c.tone)?;
            f.interval(c)?;
            f.end_row()?;
        }
        Ok(())
    }

    fn document<W: Write>(&self, f: &mut Rows<W>) -> std::io::Result<()> {
        let doc = self.doc;
        let cells = self.cells;
        let c = &doc.totals.counts;
        f.escaped(&self.id())?;
        f.text(cells, &doc.title)?;
        f.int(doc.sections.len())?;
        f.int(c.sentences)?;
        f.int(c.tokens)?;
        f.tone(&c.tone)?;
        f.fixed(c.tone.logit_tone(), 4)?;
        f.quads(&c.tone)?;
        f.field(
            serde_json::to_value(doc.layout)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        )?;
        f.interval(c)?;
        for v in self.metadata {
            f.text(cells, v)?;
        }
        f.end_row()
    }

    fn mentions<W: Write>(&self, f: &mut Rows<W>) -> std::io::Result<()> {
        let id = self.id();
        for m in &self.doc.mentions {
            let mention = &m.mention;
            f.escaped(&id)?;
            f.int(m.section)?;
            f.int(m.sentence)?;
            f.int(mention.span.start)?;
            f.int(mention.span.end)?;
            // On one line, as the sentence text is: a name wrapped over two lines in the
            // source is one name, and a line break in a cell splits the row for line tools.
            let surface = collapse_whitespace_cow(mention.span.of(self.text));
            f.field(self.cells.text(&surface).as_bytes())?;
            f.field(self.cells.text(&mention.entity).as_bytes())?;
            f.word(mention.etype.as_str())?;
            f.field(&mention.country)?;
            f.word(mention.source.as_str())?;
            f.end_row()?;
        }
        Ok(())
    }
}

/// Writes `groups.csv`.
pub fn write_groups(out: &mut Output, groups: &crate::groups::Groups) -> Result<(), Error> {
    let cells = out.cells;
    let mut f = out.csv("groups.csv", GROUPS)?;
    f.rows(|rows| {
        for (name, g) in groups {
            let c = &g.counts;
            rows.text(cells, name)?;
            rows.int(g.documents)?;
            rows.int(g.sections)?;
            rows.int(c.sentences)?;
            rows.int(c.tokens)?;
            rows.tone(&c.tone)?;
            rows.fixed(c.tone.logit_tone(), 4)?;
            rows.interval(c)?;
            rows.end_row()?;
        }
        Ok(())
    })?;
    out.finish(f)
}

/// What `report.html` needs of a listing file: the header and every row that can be among
/// the [`crate::report::TOP_ROWS`] it charts (by mentions, sentences or count), in file
/// order and formatted as in the file, with the number of rows the file has. The run that
/// writes a listing hands these to the report, which otherwise reads megabytes of rows back
/// to chart thirty; the report picks and orders the charted rows itself, as from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The listing's file name.
    pub file: &'static str,
    /// The dyad level (`entity`, `country`) of a `dyads.csv` head, whose rows and count
    /// are of that level only.
    pub level: Option<&'static str>,
    /// The header and the rows, as CSV.
    pub csv: Vec<u8>,
    /// Rows in the file (of the level).
    pub rows: usize,
}

impl Head {
    fn new(
        file: &'static str,
        level: Option<&'static str>,
        header: &[&str],
        rows: usize,
        format: impl FnOnce(&mut Rows<Vec<u8>>) -> std::io::Result<()>,
    ) -> Head {
        let csv = into_memory(0, |records| {
            records.row(header)?;
            format(records)
        });
        Head {
            file,
            level,
            csv,
            rows,
        }
    }
}

/// Writes `entities.csv`, `dyads.csv` and `phrases.csv` from the corpus totals; returns
/// the number of phrases listed and the [`Head`]s of the three files.
pub fn write_totals(
    out: &mut Output,
    totals: &Totals,
    min_count: u64,
) -> Result<(usize, Vec<Head>), Error> {
    // Listing the phrases (the longest part) runs beside the writing of the other two.
    let (phrases, written) = rayon::join(
        || totals.phrases.repeated(min_count),
        || write_entities_and_dyads(out, totals),
    );
    let mut heads = written?;
    let cells = out.cells;
    // Formatted in chunks in parallel, then written in order: hundreds of thousands of
    // phrases took a fifth of a second on one thread, at the end of the run when nothing
    // else is left to do. A window of chunks at a time, so that the file is not held in
    // memory whole.
    let name = "phrases.csv";
    let mut f = out.csv(name, PHRASES)?;
    for window in phrases.chunks(PHRASE_ROWS_AT_ONCE * PHRASE_CHUNKS_AT_ONCE) {
        let chunks: Vec<Vec<u8>> = window
            .par_chunks(PHRASE_ROWS_AT_ONCE)
            .map(|chunk| into_memory(0, |rows| phrase_rows(rows, cells, chunk.iter())))
            .collect();
        for chunk in &chunks {
            f.append(chunk)?;
        }
    }
    out.finish(f)?;
    let charted = most_frequent(&phrases, crate::report::TOP_ROWS);
    heads.push(Head::new(name, None, PHRASES, phrases.len(), |rows| {
        phrase_rows(rows, cells, charted.into_iter())
    }));
    Ok((phrases.len(), heads))
}

/// Formats `phrases.csv` records.
fn phrase_rows<'a, W: Write>(
    rows: &mut Rows<W>,
    cells: CellPolicy,
    phrases: impl Iterator<Item = &'a Repeated<'a>>,
) -> std::io::Result<()> {
    // "doc:sentence", built in one buffer: a `format!` a row was a hundredth of a run.
    let mut example = String::new();
    for r in phrases {
        let p = r.gram;
        example.clear();
        if let Some((doc, s)) = p.example() {
            example.push_str(doc);
            example.push(':');
            example.push_str(itoa::Buffer::new().format(s));
        }
        rows.text(cells, r.text)?;
        rows.int(p.n)?;
        rows.int(p.count)?;
        rows.int(p.documents)?;
        rows.int(p.sections)?;
        rows.fixed(r.score, 2)?;
        rows.text(cells, &example)?;
        rows.end_row()?;
    }
    Ok(())
}

/// The `k` phrases with the highest count (ties to the earlier), in list order.
fn most_frequent<'a>(phrases: &'a [Repeated<'a>], k: usize) -> Vec<&'a Repeated<'a>> {
    let mut order: Vec<usize> = (0..phrases.len()).collect();
    if order.len() > k {
        order.select_nth_unstable_by(k, |a, b| {
            (phrases[*b].gram.count)
                .cmp(&phrases[*a].gram.count)
                .then(a.cmp(b))
        });
        order.truncate(k);
    }
    order.sort_unstable();
    order.into_iter().map(|i| &phrases[i]).collect()
}

/// Rows of `phrases.csv` formatted by one task.
const PHRASE_ROWS_AT_ONCE: usize = 4096;

/// Tasks formatting `phrases.csv` at once: some 4 MB of rows in memory.
const PHRASE_CHUNKS_AT_ONCE: usize = 8;

/// Writes `entities.csv` and `dyads.csv`, most mentioned first; returns their [`Head`]s.
fn write_entities_and_dyads(out: &mut Output, totals: &Totals) -> Result<Vec<Head>, Error> {
    let cells = out.cells;
    let top = crate::report::TOP_ROWS;
    let name = "entities.csv";
    let mut f = out.csv(name, ENTITIES)?;
    // Unstable sorts, which need no buffer: both orders end with the whole key, so no two
    // rows are equal and the order is the one a stable sort gives.
    let mut entities: Vec<_> = totals.entities.iter().collect();
    entities.sort_unstable_by(|a, b| b.1.mentions.cmp(&a.1.mentions).then_with(|| a.0.cmp(b.0)));
    f.rows(|rows| entity_rows(rows, cells, &entities))?;
    out.finish(f)?;
    let mut heads = vec![Head::new(name, None, ENTITIES, entities.len(), |rows| {
        entity_rows(rows, cells, &entities[..top.min(entities.len())])
    })];

    let name = "dyads.csv";
    let mut f = out.csv(name, DYADS)?;
    let mut dyads: Vec<_> = totals.dyads.iter().collect();
    dyads.sort_unstable_by(|a, b| {
        (a.0.0.cmp(&b.0.0))
            .then(b.1.sentences.cmp(&a.1.sentences))
            .then_with(|| a.0.cmp(&b.0))
    });
    f.rows(|rows| dyad_rows(rows, cells, &dyads))?;
    out.finish(f)?;
    // Sorted by level first: each level's dyads are a run of the list.
    let split = dyads.partition_point(|d| d.0.0 == DyadLevel::Entity);
    for (level, at_level) in [
        (DyadLevel::Entity, &dyads[..split]),
        (DyadLevel::Country, &dyads[split..]),
    ] {
        heads.push(Head::new(
            name,
            Some(level.as_str()),
            DYADS,
            at_level.len(),
            |rows| dyad_rows(rows, cells, &at_level[..top.min(at_level.len())]),
        ));
    }
    Ok(heads)
}

/// Formats `entities.csv` records.
fn entity_rows<W: Write>(
    rows: &mut Rows<W>,
    cells: CellPolicy,
    entities: &[(&EntityKey, &EntityStat)],
) -> std::io::Result<()> {
    for ((name, etype), e) in entities {
        let aliases: Vec<&str> = e.aliases.iter().collect();
        rows.text(cells, name)?;
        rows.field(etype.as_str())?;
        rows.int(e.mentions)?;
        rows.int(e.documents)?;
        rows.tone(&e.tone)?;
        rows.text(cells, &aliases.join("|"))?;
        rows.field(&e.country)?;
        rows.end_row()?;
    }
    Ok(())
}

/// Formats `dyads.csv` records.
fn dyad_rows<W: Write>(
    rows: &mut Rows<W>,
    cells: CellPolicy,
    dyads: &[((DyadLevel, &str, &str), &DyadStat)],
) -> std::io::Result<()> {
    for ((level, a, b), d) in dyads {
        let (ex_doc, ex_sentence) = d.example.as_ref().map_or(("", 0), |(d, s)| (&**d, *s));
        rows.text(cells, a)?;
        rows.text(cells, b)?;
        rows.int(d.sentences)?;
        rows.tone(&d.tone)?;
        rows.fraction(d.tone.goldstein_fraction(), 3)?;
        rows.text(cells, ex_doc)?;
        rows.int(ex_sentence)?;
        rows.field(level.as_str())?;
        rows.end_row()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte written through [`buffered`] reaches the file in order, in writes of at
    /// most [`WRITE_CHUNK`] bytes, whether it came in small pieces or in one large one.
    #[test]
    fn output_is_written_in_chunks() {
        /// Records the size of each write it is given.
        #[derive(Debug, Default)]
        struct Recorder {
            bytes: Vec<u8>,
            writes: Vec<usize>,
        }
        impl Write for Recorder {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.bytes.extend_from_slice(buf);
                self.writes.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let large: Vec<u8> = (0..3 * WRITE_CHUNK + 17).map(|i| i as u8).collect();
        let mut out = buffered(Recorder::default());
        out.write_all(b"header\n").unwrap();
        out.write_all(&large).unwrap();
        for row in 0..50_000 {
            writeln!(out, "row {row}").unwrap();
        }
        let recorder = unbuffered(out).unwrap();
        let mut expected = b"header\n".to_vec();
        expected.extend_from_slice(&large);
        for row in 0..50_000 {
            expected.extend_from_slice(format!("row {row}\n").as_bytes());
        }
        assert!(recorder.bytes == expected, "bytes lost or reordered");
        assert_eq!(recorder.writes.iter().max(), Some(&WRITE_CHUNK));
    }

    proptest::proptest! {
        #[test]
        fn fields_are_quoted_when_they_hold_a_separator(
            field in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![b',', b'"', b'\n', b'\r']),
                    proptest::num::u8::ANY,
                    b'a'..=b'z',
                ],
                0..64,
            )
        ) {
            let expected = field.iter().any(|b| b",\"\n\r".contains(b));
            proptest::prop_assert_eq!(needs_quotes(&field), expected);
        }
    }

    proptest::proptest! {
        /// A field escaped once and written in many records reads as the field itself.
        #[test]
        fn a_field_escaped_beforehand_is_written_as_the_field(
            field in "[a-z,\"\n\r =é]{0,12}",
            before in proptest::bool::ANY,
        ) {
            let write = |escaped: bool| {
                let mut rows = Rows::new(Vec::new());
                if before {
                    rows.int(7).unwrap();
                }
                match escaped {
                    true => rows.escaped(&Escaped::new(&field)).unwrap(),
                    false => rows.field(&field).unwrap(),
                }
                rows.end_row().unwrap();
                rows.into_inner()
            };
            proptest::prop_assert_eq!(write(true), write(false));
        }
    }

    /// The words of the fixed vocabularies need no quotes, as [`Rows::word`] assumes.
    #[test]
    fn vocabulary_words_need_no_quotes() {
        use crate::entities::{EntityType, Source};
        use crate::metrics::Label;
        let labels = [
            Label::Cooperative,
            Label::Conflictual,
            Label::Mixed,
            Label::Neutral,
        ];
        let types = [
            EntityType::Person,
            EntityType::Gpe,
            EntityType::Org,
            EntityType::Norp,
            EntityType::Loc,
            EntityType::Other,
        ];
        let sources = [Source::Gazetteer, Source::Title, Source::Pattern];
        let words = (labels.iter().map(|l| l.as_str()))
            .chain(types.iter().map(|t| t.as_str()))
            .chain(sources.iter().map(|s| s.as_str()));
        for word in words {
            assert!(!word.is_empty() && !needs_quotes(word.as_bytes()), "{word}");
        }
    }

    /// The csv crate's writer, which [`Rows`] replaced, as the oracle for its output.
    fn by_csv_crate(records: &[Vec<String>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn by_rows(records: &[Vec<String>]) -> Vec<u8> {
        let mut rows = Rows::new(Vec::new());
        for r in records {
            rows.row(r).unwrap();
        }
        rows.into_inner()
    }

    #[test]
    fn rows_quote_as_the_csv_crate_does() {
        let cases: &[&[&str]] = &[
            &[""],
            &["", ""],
            &[],
            &[
                "plain",
                "a,b",
                "say \"no\"",
                "\"",
                "line\nbreak",
                "cr\rhere",
                " spaced ",
            ],
            &["", "x", ""],
            &["a much longer field of more than sixteen bytes, with a comma late"],
            &["sixteen bytes ok", "seventeen bytes \""],
            &["Ünïcode — “curly” quotes", "'=SUM(A1)"],
            &["\"\"two at the start\", then, one at the end\"", "a\"\"\"b"],
        ];
        let records: Vec<Vec<String>> = cases
            .iter()
            .map(|r| r.iter().map(|f| f.to_string()).collect())
            .collect();
        assert_eq!(
            String::from_utf8(by_rows(&records)).unwrap(),
            String::from_utf8(by_csv_crate(&records)).unwrap()
        );
    }

    fn exact_and_float(num: i64, den: i64, bound: Option<i64>, decimals: u32) -> (String, String) {
        let f = Fraction { num, den, bound };
        let float = fixed(f.value(), decimals as usize);
        let exact =
            exact_fraction_text(&mut [0; _], f, decimals).map_or(float.clone(), String::from);
        (exact, float)
    }

    #[test]
    fn fractions_print_as_their_float_value_does() {
        // Halfway cases (1/20000 at 4 decimals), negative zero, clamping, huge sums.
        for (num, den, bound, decimals) in [
            (1, 20000, None, 4),
            (-1, 20000, None, 4),
            (3, 2000, None, 3),
            (-1, 3, None, 4),
            (-1, 300000, None, 4),
            (2, 3, None, 4),
            (123_456, 1000, Some(10), 3),
            (-99_999, 10_000, Some(10), 3),
            (7, 0, None, 4),
            (1 << 50, 3, None, 4),
            (5, -7, None, 4),
        ] {
            let (exact, float) = exact_and_float(num, den, bound, decimals);
            assert_eq!(exact, float, "{num}/{den}");
        }
        assert_eq!(fixed(0.0, 8), "0.00000000");
        assert_eq!(fixed(0.25, 8), "0.25000000");
        assert_eq!(exact_and_float(1, 4, None, 8).0, "0.25000000");
        assert_eq!(exact_and_float(-1, 300000, None, 4).0, "0.0000");
        assert_eq!(exact_and_float(2, 3, None, 4).0, "0.6667");
    }

    proptest::proptest! {
        #[test]
        fn fractions_match_float_formatting(
            num in -5_000_000i64..5_000_000,
            den in 1i64..5_000_000,
            bounded in proptest::bool::ANY,
            decimals in 3u32..5,
        ) {
            let bound = bounded.then_some(10);
            let (exact, float) = exact_and_float(num, den, bound, decimals);
            proptest::prop_assert_eq!(exact, float);
        }

        #[test]
        fn halfway_fractions_match_float_formatting(m in -20_000i64..20_000, k in 1i64..50) {
            // (2m + 1)·k / (2·10⁴·k) is halfway between two values at 4 decimals.
            let (exact, float) = exact_and_float((2 * m + 1) * k, 20_000 * k, None, 4);
            proptest::prop_assert_eq!(exact, float);
        }

        #[test]
        fn rows_match_the_csv_crate_on_any_record(
            records in proptest::collection::vec(
                proptest::collection::vec("[a,\"\r\n é]{0,40}", 0..5),
                0..6,
            )
        ) {
            proptest::prop_assert_eq!(by_rows(&records), by_csv_crate(&records));
        }
    }

    #[test]
    fn formula_cells_are_neutralised_unless_raw() {
        let safe = CellPolicy::default();
        assert_eq!(safe.text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe.text("-"), "'-");
        assert_eq!(safe.text("@user"), "'@user");
        for number in ["-1", "+2.5", "-0.75", "-3e4"] {
            assert_eq!(safe.text(number), number);
        }
        for not_number in ["-1+1", "-inf", "+-1", "-1,5", "-e"] {
            assert_eq!(safe.text(not_number), format!("'{not_number}"));
        }
        assert_eq!(safe.text("Russia"), "Russia");
        assert_eq!(CellPolicy { raw: true }.text("=1+1"), "=1+1");
    }

    #[test]
    fn only_temporary_files_of_a_run_are_stale() {
        let stale = |name| is_stale_temp(name, FILES, &["report.html"]);
        assert!(stale(".sentences.csv.Ab12Cd.tmp"));
        assert!(stale(".run.json.xY9zQ0.tmp"));
        assert!(stale(".report.html.AbCdEf"));
        assert!(stale(".report.html.AbCdEf.tmp"));
        assert!(stale(".detente-probe.k2Jd8s"));
        assert!(!stale("sentences.csv"));
        assert!(!stale(".sentences.csv"));
        assert!(!stale(".sentences.csv.notes.tmp"));
        assert!(!stale(".report.html.bak"));
        assert!(!stale(".mine.csv.Ab12Cd.tmp"));
        assert!(!stale(".detente.lock"));
    }

    #[test]
    fn milli_prints_as_fixed_does() {
        for k in [
            0,
            1,
            -1,
            999,
            -999,
            1000,
            -1000,
            12_345,
            -7_000_001,
            123_456_789_012,
        ] {
            let mut digits = [0; _];
            let text = milli_text(&mut digits, Milli(k));
            assert_eq!(text, fixed(Milli(k).as_f64(), 3), "{k}");
        }
    }

    #[test]
    fn fixed_never_prints_negative_zero() {
        assert_eq!(fixed(-0.00001, 3), "0.000");
        assert_eq!(fixed(-0.0, 4), "0.0000");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(fixed(0.25, 4), "0.2500");
    }

    #[test]
    fn whole_numbers_print_as_float_formatting_does() {
        for k in (-3000..3000).chain([i64::from(i32::MAX), -(1 << 52)]) {
            for decimals in 1..6 {
                let x = k as f64;
                assert_eq!(
                    fixed(x, decimals),
                    format!("{x:.decimals$}"),
                    "{k} {decimals}"
                );
            }
        }
    }
}
