//! After a run: a human-facing view of the output folder — `report.html` (charts and
//! tables in one self-contained page) and `detente.xlsx` (every table as a worksheet).
//!
//! This stage reads the finished CSV files back from the output folder instead of taking
//! the pipeline's in-memory results, so it stays decoupled from the analysis: it works on
//! any earlier output folder (`detente report DIR`), and columns or files added later
//! (`groups.csv`, `tone_ci_low`/`tone_ci_high`, a dyad `level`) are picked up when they are
//! present and skipped when they are not. Big files are streamed, never loaded whole. The
//! one exception is the rows charted from the listings (entities, dyads, phrases): a run
//! that has just written them hands them over as [`Head`]s in the same CSV form, since
//! finding thirty rows in megabytes of listing was most of the report's time.

mod html;
mod xlsx;

use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Warning};
use crate::output::{CellPolicy, Head, Output};

pub use html::render_html;

/// File name of the HTML report inside the output folder.
pub const HTML_FILE: &str = "report.html";
/// File name of the workbook inside the output folder.
pub const XLSX_FILE: &str = "detente.xlsx";
/// Every report file: made from the CSV files, written after them.
pub const FILES: [&str; 2] = [HTML_FILE, XLSX_FILE];

/// Writes `report.html` into `out_dir` (a finished output folder) and returns its path.
///
/// Needs `documents.csv` and `sections.csv`; every other table is shown when present. The
/// charted rows of the listings come from `heads` when the run that wrote the folder
/// handed them over ([`crate::run::RunReport::heads`]), else from the files. The file is
/// written to a temporary name and renamed into place, so a reader never sees a
/// half-written report.
pub fn write_html(out_dir: &Path, heads: &[Head]) -> Result<Written, Error> {
    let (page, warnings) = render_html(out_dir, heads)?;
    let mut out = Output::new(out_dir, CellPolicy::default())?;
    out.file(HTML_FILE, page.as_bytes())?;
    out.commit()?;
    Ok(Written {
        path: out_dir.join(HTML_FILE),
        warnings,
    })
}

/// Writes `detente.xlsx` into `out_dir` (a finished output folder) and returns its path.
///
/// One worksheet per CSV file found, a tone chart and an `about` sheet; written to a
/// temporary name and renamed into place.
pub fn write_xlsx(out_dir: &Path) -> Result<Written, Error> {
    xlsx::write(out_dir, xlsx::EXCEL_MAX_ROWS)
}

/// A report file written, and what it found amiss in the CSV files it was made from.
#[derive(Debug)]
pub struct Written {
    /// The file's path.
    pub path: PathBuf,
    /// One warning per column of a file where a cell charted as a number held something
    /// else (a hand-edited file): the report drew it as 0 or left its row out.
    pub warnings: Vec<Warning>,
}

/// Writes a file through a temporary file in the same folder and renames it into place,
/// so the target is either the old file or the complete new one (a rename within one
/// folder is atomic, a copy across file systems would not be). Like [`Output::file`], but
/// streaming: a workbook can be far bigger than memory should hold.
fn write_atomic(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<PathBuf, Error> {
    let target = dir.join(name);
    let io = |source| Error::Io {
        path: target.clone(),
        source,
    };
    let mut tmp = crate::output::result_temp(dir, name).map_err(io)?;
    fill(tmp.as_file_mut()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(&target).map_err(|e| io(e.error))?;
    Ok(target)
}

/// An error about one output file, in the library's error type.
fn file_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(message.into()),
    }
}

/// Rows of each listing that the report charts: the most mentioned entities, the dyads
/// of each level in the most sentences, the most frequent phrases.
pub const TOP_ROWS: usize = 30;

/// A finished output folder, with what its `run.json` says read once: the manifest lists
/// every input, megabytes on a large corpus, and parsing it for each file read was a
/// quarter of the report's time.
pub struct Folder {
    dir: PathBuf,
    run: RunJson,
    not_numbers: Arc<NotNumbers>,
}

/// What the report takes from `run.json`. An absent or unreadable file, or an absent
/// field, gives the defaults.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RunJson {
    corpus: String,
    version: String,
    options: RunOptions,
    report: RunFigures,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RunOptions {
    /// The metadata column the run grouped by (`--by`), if any.
    by: Option<String>,
    /// The folder depth it grouped by otherwise (`--group-depth`; 1 when not recorded).
    group_depth: Option<usize>,
    /// Whether the run wrote text cells raw (`--raw-cells`). Without raw cells, `output`
    /// put an apostrophe before text that a spreadsheet would run as a formula; the
    /// report shows the text as it was, so it must know whether a leading apostrophe is
    /// that guard or part of the text.
    raw_cells: bool,
    /// Whether the run counted phrases (false with `--no-phrases`; absent before it).
    phrases: Option<bool>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RunFigures {
    sentences: Option<u64>,
    /// Only counted.
    skipped: Vec<serde::de::IgnoredAny>,
}

impl Folder {
    /// The output folder `dir`, its `run.json` read.
    pub fn open(dir: &Path) -> Folder {
        let run = std::fs::read(dir.join("run.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Folder {
            dir: dir.to_path_buf(),
            run,
            not_numbers: Arc::default(),
        }
    }

    /// A warning for each file and column in which a cell read as a number so far was
    /// not one, naming the first such cell's row and column (`FILE:ROW:COLUMN`, as a
    /// spreadsheet numbers them); in file and column order.
    pub fn not_numbers(&self) -> Vec<Warning> {
        let seen = self.not_numbers.0.lock().unwrap_or_else(|e| e.into_inner());
        (seen.iter())
            .map(|((path, name), first)| {
                let cell = &first.cell;
                let message = match first.others {
                    0 => format!(
                        "column {name} holds {cell:?}, not a number: the report reads it as empty"
                    ),
                    n => format!(
                        "column {name} holds {cell:?}, not a number, as do {n} more of the cells the report read in it: it reads them as empty"
                    ),
                };
                let place = format!("{}:{}:{}", path.display(), first.row, first.column);
                Warning::new(place, message)
            })
            .collect()
    }

    /// The folder's path.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The corpus analysed, as `run.json` names it; empty when unknown.
    pub fn corpus(&self) -> &str {
        &self.run.corpus
    }

    /// The detente version that wrote the folder; empty when unknown.
    pub fn version(&self) -> &str {
        &self.run.version
    }

    /// Sentences analysed, when `run.json` says.
    pub fn sentences(&self) -> Option<u64> {
        self.run.report.sentences
    }

    /// Files the run skipped.
    pub fn skipped(&self) -> usize {
        self.run.report.skipped.len()
    }

    /// The group of a document of `documents.csv`, as the run grouped it: by a metadata
    /// column (shown as `meta_NAME` when it shares a name with one of the file's own), or
    /// by the folders of its id.
    fn group_of(&self, document: &Row) -> String {
        let options = &self.run.options;
        match &options.by {
            Some(field) => {
                let shown = format!("{}{field}", crate::output::SHADOWED_PREFIX);
                (document.get(&shown).or_else(|| document.get(field)))
                    .filter(|value| !value.is_empty())
                    .unwrap_or(crate::groups::NO_VALUE)
                    .to_string()
            }
            None => crate::groups::GroupBy::Folder(options.group_depth.unwrap_or(1))
                .group_of(document.text("doc_id"), &crate::groups::Metadata::default()),
        }
    }

    fn raw_cells(&self) -> bool {
        self.run.options.raw_cells
    }

    /// Whether the run counted phrases: an empty `phrases.csv` means none was repeated
    /// only if it did.
    fn phrases_counted(&self) -> bool {
        self.run.options.phrases != Some(false)
    }
}

/// A text cell as it was before the formula guard: `'=x` → `=x`. Borrowed, because the
/// guard is always exactly one leading byte.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Cells read as numbers that held something else, by file and column name: a
/// hand-edited CSV file ("n/a" in a tone column) would otherwise be charted as 0 without a
/// word. Shared by the readers of one [`Folder`], some on threads of their own.
#[derive(Debug, Default)]
struct NotNumbers(Mutex<BTreeMap<(PathBuf, String), NotNumber>>);

/// The first cell of a column that was not a number, and how many others followed.
#[derive(Debug)]
struct NotNumber {
    /// As a spreadsheet numbers rows, the header being row 1.
    row: u64,
    /// 1-based, as a spreadsheet counts.
    column: usize,
    cell: String,
    others: u64,
}

/// Where a row was read from, for [`Row::num`] to say where a cell is not a number.
#[derive(Debug)]
struct Origin {
    path: PathBuf,
    not_numbers: Arc<NotNumbers>,
}

impl Origin {
    /// Notes that `cell`, in column `i` (named `name`) of `record`, is not a number.
    fn not_a_number(&self, record: &csv::StringRecord, i: usize, name: &str, cell: &str) {
        let mut seen = self.not_numbers.0.lock().unwrap_or_else(|e| e.into_inner());
        // The row as a spreadsheet numbers it (the csv reader's record index counts the
        // header from 0). Not its line: the reader counts the lines of a file with CRLF
        // line ends, as Excel saves it, one short (rust-csv issue 395).
        let row = record.position().map_or(0, |p| p.record() + 1);
        (seen.entry((self.path.clone(), name.to_string())))
            .and_modify(|first| first.others += 1)
            .or_insert_with(|| NotNumber {
                row,
                column: i + 1,
                cell: cell.to_string(),
                others: 0,
            });
    }
}

/// The header of one CSV file: column names and where each one is.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    names: Vec<String>,
    /// Looked up for every cell a report reads: a fast hash (the names are ours).
    index: FxHashMap<String, usize>,
}

impl Columns {
    fn new(names: Vec<String>) -> Columns {
        let mut index = FxHashMap::default();
        index.reserve(names.len());
        for (i, name) in names.iter().enumerate() {
            // The first of two equal names wins, as a spreadsheet lookup would do.
            index.entry(name.clone()).or_insert(i);
        }
        Columns { names, index }
    }

    /// Column names in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether the file has this column.
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// Position of a column.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// One row of a CSV file, looked up by column name.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    columns: &'a Columns,
    record: &'a csv::StringRecord,
    raw: bool,
    /// `None` for rows a run handed over ([`Head`]), which it wrote itself.
    origin: Option<&'a Origin>,
}

impl<'a> Row<'a> {
    /// The cell at position `i`, without the formula guard; empty past the row's end.
    pub fn cell(&self, i: usize) -> &'a str {
        let cell = self.record.get(i).unwrap_or("");
        if self.raw { cell } else { unguard(cell) }
    }

    /// The cell in column `name`, or `None` when the file has no such column.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.columns.position(name).map(|i| self.cell(i))
    }

    /// The cell in column `name`, empty when the column is absent.
    pub fn text(&self, name: &str) -> &'a str {
        self.get(name).unwrap_or("")
    }

    /// The cell in column `name` as a number; `None` when absent, empty or not a number.
    /// A cell that is neither empty nor a finite number is noted for the folder's
    /// [`Folder::not_numbers`].
    pub fn num(&self, name: &str) -> Option<f64> {
        let i = self.columns.position(name)?;
        let cell = self.cell(i).trim();
        if cell.is_empty() {
            return None;
        }
        let number = cell.parse::<f64>().ok().filter(|x| x.is_finite());
        if let (None, Some(origin)) = (number, self.origin) {
            origin.not_a_number(self.record, i, name, cell);
        }
        number
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    /// Whether the row has no cell.
    pub fn is_empty(&self) -> bool {
        self.record.is_empty()
    }
}

/// A CSV file of the output folder, read one row at a time.
pub struct CsvReader {
    origin: Arc<Origin>,
    columns: Columns,
    reader: csv::Reader<BufReader<File>>,
    record: csv::StringRecord,
    raw: bool,
}

impl CsvReader {
    /// Opens `name` in `folder`; `Ok(None)` when the file does not exist (optional tables).
    pub fn open(folder: &Folder, name: &str) -> Result<Option<CsvReader>, Error> {
        let path = folder.dir.join(name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let mut reader = csv::ReaderBuilder::new()
            // Tolerate rows of another width: a report should show what is there.
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 20, file));
        let header = reader.headers().map_err(|source| Error::Csv {
            path: path.clone(),
            source,
        })?;
        // Every table detente writes has several columns: one column is a file re-saved
        // with another separator (Excel in many locales writes `;`), whose charts would be
        // empty bars at 0.
        if header.len() < 2 {
            return Err(file_error(
                &path,
                "has a single column: not comma-separated as detente writes it (re-saved with `;` or tabs?)",
            ));
        }
        let columns = Columns::new(header.iter().map(str::to_string).collect());
        Ok(Some(CsvReader {
            raw: folder.raw_cells(),
            origin: Arc::new(Origin {
                path,
                not_numbers: folder.not_numbers.clone(),
            }),
            columns,
            reader,
            record: csv::StringRecord::new(),
        }))
    }

    /// The header.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, Error> {
        let more = self
            .reader
            .read_record(&mut self.record)
            .map_err(|source| Error::Csv {
                path: self.origin.path.clone(),
                source,
            })?;
        Ok(more.then_some(Row {
            columns: &self.columns,
            record: &self.record,
            raw: self.raw,
            origin: Some(&self.origin),
        }))
    }
}

/// Some rows of a CSV file held in memory, with the number of rows the file has.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Columns,
    rows: Vec<csv::StringRecord>,
    total: usize,
    raw: bool,
    /// `None` for a head's rows and for the empty table of a missing file.
    origin: Option<Arc<Origin>>,
}

impl Table {
    /// Reads the rows of `name` in `folder` for which `keep` says yes; `None` when the
    /// file is absent.
    pub fn read_where(
        folder: &Folder,
        name: &str,
        mut keep: impl FnMut(&Row) -> bool,
    ) -> Result<Option<Table>, Error> {
        let Some(mut reader) = CsvReader::open(folder, name)? else {
            return Ok(None);
        };
        let mut rows = Vec::new();
        let mut total = 0;
        while let Some(row) = reader.next_row()? {
            total += 1;
            if keep(&row) {
                rows.push(row.record.clone());
            }
        }
        Ok(Some(Table {
            columns: reader.columns,
            rows,
            total,
            raw: reader.raw,
            origin: Some(reader.origin),
        }))
    }

    /// Reads every row of `name` in `folder`; `None` when the file is absent.
    pub fn read(folder: &Folder, name: &str) -> Result<Option<Table>, Error> {
        Table::read_where(folder, name, |_| true)
    }

    /// Reads the `k` rows of `name` in `folder` with the largest `key` (ties in file order),
    /// holding at most `2k` rows at a time, so a file of millions of dyads costs little.
    /// Rows whose key is `None` are skipped and not counted in [`Table::total`].
    pub fn read_top(
        folder: &Folder,
        name: &str,
        k: usize,
        key: impl Fn(&Row) -> Option<f64>,
    ) -> Result<Option<Table>, Error> {
        let Some(mut reader) = CsvReader::open(folder, name)? else {
            return Ok(None);
        };
        let mut top = TopRows::new(k);
        while let Some(row) = reader.next_row()? {
            if let Some(value) = key(&row) {
                top.offer(value, row.record);
            }
        }
        Ok(Some(Table {
            columns: reader.columns,
            total: top.offered,
            rows: top.rows(),
            raw: reader.raw,
            origin: Some(reader.origin),
        }))
    }

    /// [`Table::read_top`] of a listing's [`Head`], handed over by the run that wrote
    /// `folder`, instead of the file: the head holds every row that can be among the top,
    /// in file order, and says how many rows the file has.
    pub fn top_of_head(
        folder: &Folder,
        head: &Head,
        k: usize,
        key: impl Fn(&Row) -> Option<f64>,
    ) -> Result<Table, Error> {
        let error = |source| Error::Csv {
            path: folder.dir.join(head.file),
            source,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(&head.csv[..]);
        let names = reader.headers().map_err(error)?.iter().map(str::to_string);
        let columns = Columns::new(names.collect());
        let raw = folder.raw_cells();
        let mut top = TopRows::new(k);
        for record in reader.records() {
            let record = record.map_err(error)?;
            let row = Row {
                columns: &columns,
                record: &record,
                raw,
                origin: None,
            };
            if let Some(value) = key(&row) {
                top.offer(value, &record);
            }
        }
        Ok(Table {
            rows: top.rows(),
            columns,
            total: head.rows,
            raw,
            origin: None,
        })
    }

    /// The header.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// Whether the file has this column.
    pub fn has(&self, name: &str) -> bool {
        self.columns.has(name)
    }

    /// The rows held.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.iter().map(|record| Row {
            columns: &self.columns,
            record,
            raw: self.raw,
            origin: self.origin.as_deref(),
        })
    }

    /// How many rows are held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many rows the file has (held or not).
    pub fn total(&self) -> usize {
        self.total
    }
}

/// The `k` rows with the largest key, ties in the order offered, holding at most `2k`
/// rows at a time.
struct TopRows {
    k: usize,
    /// (key, place in the order offered, record): the place keeps ties in that order.
    best: Vec<(f64, usize, csv::StringRecord)>,
    /// The k-th largest key so far, once k rows are held: a later row must beat it to be
    /// among the top, since ties go to the earlier row. Most rows are then skipped without
    /// being copied.
    floor: Option<f64>,
    /// Rows offered.
    offered: usize,
}

impl TopRows {
    fn new(k: usize) -> TopRows {
        TopRows {
            k,
            best: Vec::new(),
            floor: None,
            offered: 0,
        }
    }

    fn offer(&mut self, value: f64, record: &csv::StringRecord) {
        let value = if value.is_nan() { f64::MIN } else { value };
        self.offered += 1;
        if self.floor.is_some_and(|floor| value <= floor) {
            return;
        }
        self.best.push((value, self.offered - 1, record.clone()));
        if self.best.len() >= 2 * self.k.max(1) {
            self.keep_top();
            self.floor = self.best.last().map(|b| b.0);
        }
    }

    fn keep_top(&mut self) {
        self.best.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(a.1.cmp(&b.1))
        });
        self.best.truncate(self.k);
    }

    /// The top rows, largest key first.
    fn rows(mut self) -> Vec<csv::StringRecord> {
        self.keep_top();
        self.best.into_iter().map(|(_, _, r)| r).collect()
    }
}

/// `k` documents for the charts of a corpus with more documents than a chart can hold,
/// shown in corpus order: each group's largest (most sentences), then each group's
/// second largest, and so on, the groups with the most sentences first. The longest
/// documents alone would all come from the source that writes long documents, and leave
/// the others out of a comparison.
fn largest_documents<'t>(folder: &Folder, documents: &'t Table, k: usize) -> Vec<Row<'t>> {
    let rows: Vec<Row> = documents.rows().collect();
    let size = |i: usize| rows[i].num("n_sentences").unwrap_or(0.0);
    let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    for (i, row) in rows.iter().enumerate() {
        let at = *index.entry(folder.group_of(row)).or_insert_with(|| {
            groups.push((0.0, Vec::new()));
            groups.len() - 1
        });
        groups[at].0 += size(i);
        groups[at].1.push(i);
    }
    // Largest first; ties in corpus order (the sorts are stable).
    for (_, members) in &mut groups {
        members.sort_by(|&a, &b| size(b).total_cmp(&size(a)));
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut chosen = Vec::with_capacity(k.min(rows.len()));
    for round in 0.. {
        let before = chosen.len();
        let next = (groups.iter()).filter_map(|(_, members)| members.get(round).copied());
        chosen.extend(next.take(k - before));
        if chosen.len() == k || chosen.len() == before {
            break;
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| rows[i]).collect()
}

/// The `k` rows of `table` with the largest `column`, in the table's order: the groups a
/// chart shows when there are too many for it.
fn largest_rows<'t>(table: &'t Table, column: &str, k: usize) -> Vec<Row<'t>> {
    let rows: Vec<Row> = table.rows().collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let value = |i: usize| rows[i].num(column).unwrap_or(0.0);
        value(b).total_cmp(&value(a))
    });
    order.truncate(k);
    order.sort_unstable();
    order.into_iter().map(|i| rows[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn rows_are_read_by_column_name_and_absent_columns_are_none() {
        let dir = folder(&[("t.csv", "a,b\r\n1,x\r\n2,'=y\r\n")]);
        let t = Table::read(&Folder::open(dir.path()), "t.csv")
            .unwrap()
            .unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows[0].num("a"), Some(1.0));
        assert_eq!(rows[0].text("b"), "x");
        assert_eq!(rows[1].text("b"), "=y", "the formula guard is removed");
        assert_eq!(rows[1].get("tone_ci_low"), None);
        assert_eq!(rows[1].num("b"), None);
        assert!(
            Table::read(&Folder::open(dir.path()), "missing.csv")
                .unwrap()
                .is_none()
        );
    }

    /// A cell read as a number that holds something else is named once per file and
    /// column, by its row and column as a spreadsheet numbers them, whichever reader read
    /// it (streamed or held); an empty cell is only empty.
    #[test]
    fn cells_that_are_not_numbers_are_named_by_row_and_column() {
        let dir = folder(&[
            ("t.csv", "a,n,b\n1,2,x\n2,,y\n3,n/a,z\n4,?,w\n"),
            ("u.csv", "k,v\r\nq,inf\r\n"),
        ]);
        let folder = Folder::open(dir.path());
        let t = Table::read(&folder, "t.csv").unwrap().unwrap();
        let read: Vec<Option<f64>> = t.rows().map(|r| r.num("n")).collect();
        assert_eq!(read, [Some(2.0), None, None, None]);
        assert!(
            t.rows()
                .all(|r| r.num("a").is_some() && r.num("missing").is_none())
        );
        let mut reader = CsvReader::open(&folder, "u.csv").unwrap().unwrap();
        assert_eq!(reader.next_row().unwrap().unwrap().num("v"), None);
        let said: Vec<String> = (folder.not_numbers().iter())
            .map(|w| {
                let file = Path::new(&w.file).file_name().unwrap().to_string_lossy();
                format!("{file} {}", w.message)
            })
            .collect();
        assert_eq!(
            said,
            [
                "t.csv:4:2 column n holds \"n/a\", not a number, as do 1 more of the cells the report read in it: it reads them as empty",
                "u.csv:2:2 column v holds \"inf\", not a number: the report reads it as empty",
            ]
        );
    }

    #[test]
    fn raw_runs_keep_a_leading_apostrophe() {
        let dir = folder(&[
            ("t.csv", "a,b\r\n'=y,1\r\n"),
            ("run.json", r#"{"options":{"raw_cells":true}}"#),
        ]);
        let t = Table::read(&Folder::open(dir.path()), "t.csv")
            .unwrap()
            .unwrap();
        assert_eq!(t.rows().next().unwrap().text("a"), "'=y");
    }

    #[test]
    fn top_rows_by_key_keep_ties_in_file_order() {
        let mut csv = String::from("name,n\r\n");
        for i in 0..100 {
            csv.push_str(&format!("r{i},{}\r\n", i % 7));
        }
        let dir = folder(&[("t.csv", &csv)]);
        let t = Table::read_top(&Folder::open(dir.path()), "t.csv", 3, |r| r.num("n"))
            .unwrap()
            .unwrap();
        let names: Vec<_> = t.rows().map(|r| r.text("name").to_string()).collect();
        assert_eq!(names, ["r6", "r13", "r20"]);
        assert_eq!(t.total(), 100);
    }

    proptest::proptest! {
        /// The top rows are those of a stable sort of the whole file by key, largest first
        /// (rows without a key left out), however many rows are skipped on the way.
        #[test]
        fn top_rows_are_those_of_a_full_sort(
            keys in proptest::collection::vec(proptest::option::of(0u8..6), 0..60),
            k in 1usize..6,
        ) {
            let mut csv = String::from("name,n\r\n");
            for (i, key) in keys.iter().enumerate() {
                let n = key.map_or(String::new(), |n| n.to_string());
                csv.push_str(&format!("r{i},{n}\r\n"));
            }
            let dir = folder(&[("t.csv", &csv)]);
            let t = Table::read_top(&Folder::open(dir.path()), "t.csv", k, |r| r.num("n"))
                .unwrap()
                .unwrap();
            let names: Vec<_> = t.rows().map(|r| r.text("name").to_string()).collect();
            let mut sorted: Vec<(usize, u8)> = (keys.iter().enumerate())
                .filter_map(|(i, key)| Some((i, (*key)?)))
                .collect();
            sorted.sort_by_key(|&(_, key)| std::cmp::Reverse(key));
            let expected: Vec<_> = sorted.iter().take(k).map(|(i, _)| format!("r{i}")).collect();
            proptest::prop_assert_eq!(names, expected);
            proptest::prop_assert_eq!(t.total(), sorted.len());
        }
    }

    #[test]
    fn largest_documents_keep_corpus_order() {
        let dir = folder(&[(
            "documents.csv",
            "doc_id,n_sentences\r\na,5\r\nb,50\r\nc,7\r\nd,50\r\n",
        )]);
        let t = Table::read(&Folder::open(dir.path()), "documents.csv")
            .unwrap()
            .unwrap();
        let ids: Vec<_> = largest_documents(&Folder::open(dir.path()), &t, 3)
            .iter()
            .map(|r| r.text("doc_id"))
            .collect();
        assert_eq!(ids, ["b", "c", "d"]);
    }

    /// A source of long documents does not take every place: each group gives its largest
    /// in turn, the largest group first, and the chart keeps corpus order.
    #[test]
    fn documents_are_charted_group_by_group() {
        let documents = "doc_id,n_sentences\r\n\
            long/a,900\r\nlong/b,800\r\nlong/c,700\r\nlong/d,600\r\n\
            news/a,9\r\nnews/b,30\r\nnews/c,20\r\nwire/a,5\r\ntop,1\r\n";
        let dir = folder(&[("documents.csv", documents)]);
        let out = Folder::open(dir.path());
        let t = Table::read(&out, "documents.csv").unwrap().unwrap();
        let ids = |k: usize| -> Vec<&str> {
            (largest_documents(&out, &t, k).iter())
                .map(|r| r.text("doc_id"))
                .collect()
        };
        // The first round: long/a (group of 3,000 sentences), news/b (59), wire/a (5), top (1).
        assert_eq!(ids(4), ["long/a", "news/b", "wire/a", "top"]);
        assert_eq!(
            ids(6),
            ["long/a", "long/b", "news/b", "news/c", "wire/a", "top"]
        );
        assert_eq!(ids(20).len(), 9);

        // Grouped by a metadata column, shown as `meta_source` beside the file's own.
        let documents = "doc_id,n_sentences,source,meta_source\r\n\
            a,900,x,long\r\nb,800,x,long\r\nc,5,x,short\r\nd,3,x,\r\n";
        let run = r#"{"options": {"by": "source"}}"#;
        let dir = folder(&[("documents.csv", documents), ("run.json", run)]);
        let out = Folder::open(dir.path());
        let t = Table::read(&out, "documents.csv").unwrap().unwrap();
        let ids: Vec<_> = (largest_documents(&out, &t, 3).iter())
            .map(|r| r.text("doc_id"))
            .collect();
        assert_eq!(ids, ["a", "c", "d"]);
    }

    #[test]
    fn the_largest_groups_are_charted_in_the_files_order() {
        let groups = "group,sentences\r\na,5\r\nb,50\r\nc,7\r\nd,50\r\ne,1\r\n";
        let dir = folder(&[("groups.csv", groups)]);
        let t = Table::read(&Folder::open(dir.path()), "groups.csv")
            .unwrap()
            .unwrap();
        let names: Vec<_> = (largest_rows(&t, "sentences", 3).iter())
            .map(|r| r.text("group"))
            .collect();
        assert_eq!(names, ["b", "c", "d"]);
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path =
            write_atomic(dir.path(), "x.txt", |f| std::io::Write::write_all(f, b"hi")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hi");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.txt"]);
    }

    /// The workbook and the page are as readable as the CSVs: the mode of a file the user
    /// creates, not the owner-only mode of a temporary file.
    #[cfg(unix)]
    #[test]
    fn atomic_write_gives_an_ordinary_files_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path =
            write_atomic(dir.path(), "x.txt", |f| std::io::Write::write_all(f, b"hi")).unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"hi").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain));
    }
}
