//! The streaming form of a partial result, for engines that pass records from mappers to
//! a reducer over standard input and output: Hadoop Streaming, Spark's `RDD.pipe`, or
//! `map | sort | reduce` in a shell.
//!
//! [`map`] analyses the documents named on a mapper's standard input as one share of the
//! corpus and writes that share as lines of `KEY<TAB>JSON`:
//!
//! | key | one per | value |
//! |---|---|---|
//! | `h` | mapper | the run's [`Identity`] (version, options, data checksums, listing) |
//! | `d` + 10-digit ordinal | document | its rows in the four row files, or that it was skipped |
//! | `n` | mapper | its skipped files and warnings |
//! | `t` | mapper | its totals but the phrases (entities, dyads, groups, word counts, dating) |
//! | `p` + 16 hex digits | phrase | one phrase's counts and surface forms, keyed by its hash |
//!
//! Sorted by key, the documents come in corpus order and each phrase's records sit
//! together, as an engine's shuffle leaves them. [`merge_records`] (`detente merge -`)
//! takes the records in any order: it spools the rows to a temporary file and writes them
//! in corpus order once it has checked that every document of the listing came exactly once.

use std::collections::HashSet;
use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{
    Identity, PARTIAL_FILE, PartialManifest, RowReaders, Share, StoredTotals, Sums, TOTALS_FILE,
    finish, open_output, partial_error, read_json,
};
use crate::error::{Error, Warning};
use crate::output::{self, DocumentFiles, DocumentRows};
use crate::phrases::StoredGram;
use crate::pipeline::Analyzer;
use crate::run::{RunConfig, RunReport, run};

/// A document's record (`d`): its place and size, and its rows as the per-document files
/// hold them.
#[derive(serde::Serialize, serde::Deserialize)]
struct DocRecord<S> {
    doc_id: String,
    bytes: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    skipped: bool,
    /// Rows of sentences.csv, sections.csv, documents.csv and mentions.csv.
    rows: [S; 4],
}

/// A mapper's skipped files and warnings (`n`).
#[derive(serde::Serialize, serde::Deserialize)]
struct Notes {
    skipped: Vec<Warning>,
    warnings: Vec<Warning>,
}

/// Analyses the documents `ids` (document ids as `detente map CORPUS --list` prints them)
/// of the corpus `config` names, as a share of it, and writes the share's records to
/// `out`. `config.output` is not used: the share is staged in a temporary folder.
///
/// An id that is not a document of the corpus is a warning: the merge then reports the
/// document that nobody analysed.
pub fn map(
    config: &RunConfig,
    analyzer: &Analyzer,
    ids: HashSet<String>,
    out: impl Write,
) -> Result<RunReport, Error> {
    let staging = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let dir = staging.path().join("share");
    let mut share = config.clone();
    share.output = dir.clone();
    share.share = Some(Share::Documents(ids.clone()));
    let mut report = run(&share, analyzer)?;
    let mut manifest: PartialManifest = read_json(&dir, PARTIAL_FILE)?;
    let found: HashSet<&str> = (manifest.documents.iter())
        .map(|d| d.doc_id.as_str())
        .collect();
    let mut unknown: Vec<&String> = ids
        .iter()
        .filter(|id| !found.contains(id.as_str()))
        .collect();
    unknown.sort();
    for id in unknown {
        let w = Warning::new(
            id.clone(),
            "not a document of the corpus (see `detente map CORPUS --list`): ignored",
        );
        manifest.warnings.push(w.clone());
        report.warnings.push(w);
    }
    write_records(&dir, &manifest, out).map_err(|source| Error::Io {
        path: PathBuf::from("standard output"),
        source,
    })?;
    Ok(report)
}

/// Writes one record: its key, a tab, its value as one line of JSON.
fn record<T: serde::Serialize>(out: &mut impl Write, key: &str, value: &T) -> std::io::Result<()> {
    out.write_all(key.as_bytes())?;
    out.write_all(b"\t")?;
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes the partial in `dir`, described by `manifest`, as records.
fn write_records(dir: &Path, manifest: &PartialManifest, out: impl Write) -> std::io::Result<()> {
    let mut out = output::buffered(out);
    record(&mut out, "h", &manifest.identity)?;
    let mut readers = RowReaders::open(dir).map_err(std::io::Error::other)?;
    let mut rows = DocumentRows::default();
    for doc in &manifest.documents {
        readers
            .read(doc, &mut rows)
            .map_err(std::io::Error::other)?;
        let text = |bytes| std::str::from_utf8(bytes).map_err(std::io::Error::other);
        let value = DocRecord {
            doc_id: doc.doc_id.clone(),
            bytes: doc.bytes,
            skipped: doc.skipped,
            rows: [
                text(&rows.sentences)?,
                text(&rows.sections)?,
                text(&rows.documents)?,
                text(&rows.mentions)?,
            ],
        };
        record(&mut out, &format!("d{:010}", doc.ordinal), &value)?;
    }
    let notes = Notes {
        skipped: manifest.skipped.clone(),
        warnings: manifest.warnings.clone(),
    };
    record(&mut out, "n", &notes)?;
    let mut totals: StoredTotals = read_json(dir, TOTALS_FILE).map_err(std::io::Error::other)?;
    let grams = totals.phrases.take_grams();
    record(&mut out, "t", &totals)?;
    for gram in &grams {
        record(&mut out, &format!("p{:016x}", gram.hash()), gram)?;
    }
    out.flush()
}

/// A document's rows spooled to disk until every record is in.
struct Spooled {
    ordinal: u32,
    doc_id: String,
    bytes: u64,
    offset: u64,
    lengths: [usize; 4],
    line: u64,
}

/// Where a record came from, for error messages.
fn at_line(line: u64) -> PathBuf {
    PathBuf::from(format!("standard input, line {line}"))
}

/// Merges the records of `detente map` mappers read from `input`, in any order, into
/// `output`, as one `analyze` run over the whole corpus would have written it (with
/// `run.json`; the caller writes the reports).
///
/// Refuses, before writing anything, input that is not such records, records of another
/// version, options, data or corpus listing than the first mapper's, a document given
/// twice, and documents of the listing that no mapper analysed (naming their neighbours).
pub fn merge_records(input: impl BufRead, output: &Path) -> Result<RunReport, Error> {
    let started = Instant::now();
    let spool_error = |source| Error::Io {
        path: std::env::temp_dir(),
        source,
    };
    let mut spool = output::buffered(tempfile::tempfile().map_err(spool_error)?);
    let mut spooled: Vec<Spooled> = Vec::new();
    let mut offset = 0u64;
    let mut identity: Option<(Identity, u64)> = None;
    let mut sums = Sums::new();
    let mut input = input;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(|source| Error::Io {
                path: PathBuf::from("standard input"),
                source,
            })?;
        if read == 0 {
            break;
        }
        line += 1;
        let record = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if record.is_empty() {
            continue;
        }
        let bad = |why: String| partial_error(&at_line(line), why);
        let Some(tab) = record.iter().position(|&b| b == b'\t') else {
            return Err(bad("not a record of `detente map` (no tab)".into()));
        };
        let (key, value) = (&record[..tab], &record[tab + 1..]);
        let parse_error = |e: serde_json::Error| bad(format!("damaged record ({e})"));
        match key.first() {
            Some(b'h') if key.len() == 1 => {
                let this: Identity = serde_json::from_slice(value).map_err(parse_error)?;
                if let Some(why) = this.foreign() {
                    return Err(bad(why));
                }
                match &identity {
                    None => identity = Some((this, line)),
                    Some((first, at)) => {
                        if let Some(why) = this.mismatch(first, &format!("the mapper at line {at}"))
                        {
                            return Err(bad(why));
                        }
                    }
                }
            }
            Some(b'd') => {
                let ordinal = std::str::from_utf8(&key[1..])
                    .ok()
                    .and_then(|k| k.parse::<u32>().ok())
                    .ok_or_else(
                        || bad("not a record of `detente map` (bad document key)".into()),
                    )?;
                let doc: DocRecord<String> = serde_json::from_slice(value).map_err(parse_error)?;
                let mut lengths = [0; 4];
                for (length, rows) in lengths.iter_mut().zip(&doc.rows) {
                    spool.write_all(rows.as_bytes()).map_err(spool_error)?;
                    *length = rows.len();
                }
                spooled.push(Spooled {
                    ordinal,
                    doc_id: doc.doc_id,
                    bytes: doc.bytes,
                    offset,
                    lengths,
                    line,
                });
                offset += lengths.iter().sum::<usize>() as u64;
            }
            Some(b'n') if key.len() == 1 => {
                let notes: Notes = serde_json::from_slice(value).map_err(parse_error)?;
                sums.note(&notes.skipped, &notes.warnings);
            }
            Some(b't') if key.len() == 1 => {
                sums.add(serde_json::from_slice(value).map_err(parse_error)?);
            }
            Some(b'p') => {
                let gram: StoredGram = serde_json::from_slice(value).map_err(parse_error)?;
                sums.totals.phrases.add_stored(gram);
            }
            _ => {
                return Err(bad(format!(
                    "not a record of `detente map` (key `{}`)",
                    String::from_utf8_lossy(key)
                )));
            }
        }
    }
    let Some((identity, _)) = identity else {
        return Err(partial_error(
            Path::new("standard input"),
            "no records of `detente map` (a `h` record starts each mapper's output)",
        ));
    };
    spooled.sort_by_key(|d| d.ordinal);
    check_complete(&spooled, identity.corpus_files)?;

    let mut out = open_output(&identity, output)?;
    let mut files = DocumentFiles::open(&out, &identity.metadata_columns)?;
    let mut spool = output::unbuffered(spool).map_err(|e| spool_error(e.into_error()))?;
    let mut rows = DocumentRows::default();
    for doc in &spooled {
        spool
            .seek(SeekFrom::Start(doc.offset))
            .map_err(spool_error)?;
        let targets = [
            &mut rows.sentences,
            &mut rows.sections,
            &mut rows.documents,
            &mut rows.mentions,
        ];
        for (target, &length) in targets.into_iter().zip(&doc.lengths) {
            target.clear();
            target.resize(length, 0);
            spool.read_exact(target).map_err(spool_error)?;
        }
        files.append(&rows)?;
    }
    files.finish(&mut out)?;
    let inputs = (spooled.iter())
        .map(|d| (d.doc_id.as_str(), d.bytes))
        .collect();
    finish(
        out,
        &identity,
        sums,
        inputs,
        vec!["standard input".into()],
        started,
    )
}

/// Checks that `docs`, sorted by ordinal, are the `files` documents of the listing, each
/// once.
fn check_complete(docs: &[Spooled], files: usize) -> Result<(), Error> {
    for pair in docs.windows(2) {
        if pair[0].ordinal == pair[1].ordinal {
            return Err(partial_error(
                &at_line(pair[1].line),
                format!(
                    "document {} given twice (also line {}): give each document to one mapper",
                    pair[1].doc_id, pair[0].line
                ),
            ));
        }
    }
    if let Some(beyond) = docs.iter().find(|d| d.ordinal as usize >= files) {
        return Err(partial_error(
            &at_line(beyond.line),
            format!(
                "document {} is not in a listing of {files} files",
                beyond.doc_id
            ),
        ));
    }
    let missing = files - docs.len();
    if missing == 0 {
        return Ok(());
    }
    // Say where the gaps are by the documents around them: the reducer has no listing.
    let gap = |n: usize, after: Option<&str>, before: Option<&str>| match (after, before) {
        (Some(after), _) => format!("{n} after {after}"),
        (None, Some(before)) => format!("{n} before {before}"),
        (None, None) => "all".to_string(),
    };
    let mut gaps = Vec::new();
    let mut expected = 0;
    let mut previous = None;
    for doc in docs {
        let ordinal = doc.ordinal as usize;
        if ordinal > expected {
            gaps.push(gap(ordinal - expected, previous, Some(&doc.doc_id)));
        }
        expected = ordinal + 1;
        previous = Some(doc.doc_id.as_str());
    }
    if files > expected {
        gaps.push(gap(files - expected, previous, None));
    }
    let shown = gaps.len().min(5);
    Err(partial_error(
        Path::new("standard input"),
        format!(
            "incomplete: {missing} of {files} documents missing ({}{}): give every document of `detente map CORPUS --list` to a mapper",
            gaps[..shown].join(", "),
            if gaps.len() > shown { ", …" } else { "" }
        ),
    ))
}
