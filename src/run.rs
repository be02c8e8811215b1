//! A whole `analyze` run: discover, analyse in parallel, write in order, commit.
//!
//! Documents are read and analysed in parallel and written in corpus order, so the output
//! is byte-identical whatever the number of threads; memory holds the documents between
//! reading and writing ([`IN_FLIGHT`]), not the corpus.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::corpus::{self, Discovery, SourceFile};
use crate::dates::{Dating, DatingReport};
use crate::error::{Error, Warning};
use crate::groups::{GroupBy, Groups, Metadata};
use crate::ordered::{self, Window};
use crate::output::{self, CellPolicy, DocumentFiles, DocumentRows, Head, Output};
use crate::partial::{
    self, DataChecksums, Identity, PartDocument, PartialManifest, Share, StoredTotals,
};
use crate::phrases::DocPhrases;
use crate::pipeline::{Analyzer, DocResult, Totals, Worker};
use crate::tokenize::Stems;

/// Documents read and not yet written, at most: memory holds these, not the corpus.
const IN_FLIGHT: Window = Window {
    items: 2048,
    weight: 8 << 20,
};

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// Where the output files go.
    pub output: PathBuf,
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// File discovery rules.
    pub discovery: Discovery,
    /// Text-cell policy.
    pub cells: CellPolicy,
    /// Start each CSV file with a UTF-8 byte-order mark, for Excel (`--excel`).
    pub excel: bool,
    /// Options recorded in the manifest as given by the user.
    pub options: serde_json::Value,
    /// How documents are grouped in `groups.csv`.
    pub group_by: GroupBy,
    /// Where documents' dates are read from.
    pub dating: Dating,
    /// Show a progress bar on standard error (for runs longer than a second).
    pub progress: bool,
    /// Analyse only this share of the documents and write a partial result for
    /// [`crate::partial::merge`] (`--shard K/N`, `detente map`).
    pub share: Option<Share>,
    /// Checksums of the lexicon and gazetteer in use, recorded in the manifest.
    pub data: DataChecksums,
    /// Problems found in the run's data files before it started (a dictionary's entries
    /// left out), reported first among the run's warnings, by every share alike (the merge
    /// keeps one of each).
    pub data_warnings: Vec<Warning>,
    /// Called with the file list between discovery and reading; `None` in normal runs.
    /// Tests use it to delete or change files while a run is going, which is otherwise a
    /// race that cannot be timed.
    pub on_discovered: Option<fn(&[SourceFile])>,
}

/// A progress bar on standard error: MB and documents done, rate and time left. It stays
/// hidden for the first second so that short runs print nothing.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    files: u64,
    done: std::sync::atomic::AtomicU64,
    started: Instant,
}

impl Progress {
    fn new(enabled: bool, bytes: u64, files: u64) -> Progress {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(bytes),
                indicatif::ProgressDrawTarget::hidden(),
            );
            let style = indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {msg} {binary_bytes_per_sec}, {eta} left",
            )
            .expect("valid template");
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            files,
            done: Default::default(),
            started: Instant::now(),
        }
    }

    /// One more document done (or skipped), of `bytes` bytes.
    fn advance(&self, bytes: u64) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let Some(bar) = &self.bar else { return };
        if bar.is_hidden() && self.started.elapsed().as_secs() >= 1 {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.inc(bytes);
        bar.set_message(format!("{done}/{} documents", self.files));
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A document's result with its text and decoding warnings, or why it was skipped.
type Loaded<'a> = Result<
    (
        DocResult,
        Option<DocumentRows>,
        String,
        Vec<Warning>,
        &'a SourceFile,
    ),
    (Warning, &'a SourceFile),
>;

/// Documents up to this size have their rows formatted by the thread that analysed them,
/// so that writing, one document at a time, only copies bytes. A bigger document's rows
/// are formatted straight into the files as it is written, which keeps memory at the size
/// of its text instead of text plus rows.
const FORMAT_IN_WORKER: usize = 8 << 20;

/// The outcome of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// Files found.
    pub files: usize,
    /// Documents analysed.
    pub documents: u64,
    /// Files skipped, with the reason.
    pub skipped: Vec<Warning>,
    /// Other warnings (decoding fallbacks, unreadable folders).
    pub warnings: Vec<Warning>,
    /// Sections written.
    pub sections: u64,
    /// Sentences written.
    pub sentences: u64,
    /// Word and number tokens.
    pub tokens: u64,
    /// Entity mentions.
    pub mentions: u64,
    /// Repeated phrases listed.
    pub phrases: usize,
    /// Wall-clock seconds.
    pub elapsed_seconds: f64,
    /// The rows of the listings that `report.html` charts, for
    /// [`crate::report::write_html`]; empty for a shard, which writes no listing.
    #[serde(skip)]
    pub heads: Vec<Head>,
}

/// `run.json`: what was run, on what, with what result.
impl RunReport {
    /// The report of a run (or merge) that added up to `totals`, started at `started`.
    pub(crate) fn new(
        files: usize,
        totals: &Totals,
        skipped: Vec<Warning>,
        warnings: Vec<Warning>,
        phrases: usize,
        heads: Vec<Head>,
        started: Instant,
    ) -> RunReport {
        RunReport {
            files,
            documents: totals.documents,
            skipped,
            warnings,
            sections: totals.sections,
            sentences: totals.counts.sentences,
            tokens: totals.counts.tokens,
            mentions: totals.mentions,
            phrases,
            elapsed_seconds: started.elapsed().as_secs_f64(),
            heads,
        }
    }
}

#[derive(serde::Serialize)]
pub(crate) struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub corpus: String,
    pub options: &'a serde_json::Value,
    pub data: &'a DataChecksums,
    #[serde(serialize_with = "inputs")]
    pub inputs: Vec<(&'a str, u64)>,
    pub lexicon_terms: usize,
    pub gazetteer_entities: usize,
    pub report: &'a RunReport,
    /// How the documents analysed were dated.
    pub dates: &'a DatingReport,
    /// The partial results a `merge` read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    pub runtime: Runtime,
}

/// The input list as objects (`{"doc_id": …, "bytes": …}`), readable with any JSON tool.
fn inputs<S: serde::Serializer>(list: &[(&str, u64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(serde::Serialize)]
    struct Input<'a> {
        doc_id: &'a str,
        bytes: u64,
    }
    let mut seq = s.serialize_seq(Some(list.len()))?;
    for (doc_id, bytes) in list {
        seq.serialize_element(&Input {
            doc_id,
            bytes: *bytes,
        })?;
    }
    seq.end()
}

impl Manifest<'_> {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("manifest serialises")
    }
}

#[derive(serde::Serialize)]
pub(crate) struct Runtime {
    pub threads: usize,
}

/// The file the warning of [`pruned_warning`] is about.
pub(crate) const PRUNED_FILE: &str = "phrases.csv";

/// The warning that phrase counts are approximate, when a table was pruned.
pub(crate) fn pruned_warning(totals: &Totals) -> Option<Warning> {
    let phrases = &totals.phrases;
    let dropped = match phrases.pruned_below {
        0 => return None,
        1 => "seen once".to_string(),
        floor => format!("seen {floor} times or fewer"),
    };
    Some(Warning::new(
        PRUNED_FILE,
        format!(
            "phrase counts are approximate: to bound memory, the rarest phrases were dropped from the count whenever there were too many (the last time, those {dropped}), so a phrase's count may be low by up to {}; a larger --max-phrases gives exact counts",
            phrases.undercount
        ),
    ))
}

/// Runs the analysis of `config.corpus` into `config.output`.
///
/// Refuses before any work (an error, nothing written) when the corpus folder is missing,
/// is not a folder or cannot be read, when the output folder is the corpus folder or inside
/// it, when the output folder cannot be created or written, or when the corpus holds no
/// file with an analysed extension. Per-file problems are reported in the returned
/// [`RunReport`] and in `run.json`; the run goes on without the file. When no file could
/// be read (the report counts no document), a whole run writes nothing, so that the
/// output folder keeps an earlier run's results; a share still writes its partial result.
pub fn run(config: &RunConfig, analyzer: &Analyzer) -> Result<RunReport, Error> {
    let started = Instant::now();
    let corpus_meta = std::fs::metadata(&config.corpus).map_err(|source| Error::Io {
        path: config.corpus.clone(),
        source,
    })?;
    if !corpus_meta.is_dir() {
        return Err(Error::NotAFolder(config.corpus.clone()));
    }
    if is_inside(&config.output, &config.corpus) {
        return Err(Error::OutputInsideCorpus {
            output: config.output.clone(),
            corpus: config.corpus.clone(),
        });
    }
    // Discovery only reads, so every refusal up to here leaves the disk as it was.
    let discovery = &config.discovery;
    let scan = discovery.scan(&config.corpus)?;
    let mut files = scan.files;
    let mut warnings = scan.warnings;
    let mut skipped = scan.skipped;
    if files.is_empty() && skipped.is_empty() {
        return Err(Error::NoDocuments {
            path: config.corpus.clone(),
            extensions: discovery.extensions.join(", "),
        });
    }
    let listing = (files.len(), partial::listing_digest(&files));
    // Read, like the listing, before a share keeps its own documents: a metadata row for
    // any document of the corpus, read or not, describes one. Its warnings are listing
    // problems, reported by the share that reports those.
    let metadata = Metadata::load(&config.corpus)?;
    warnings.extend(metadata.warnings.iter().cloned());
    if !metadata.is_empty() {
        let listed: rustc_hash::FxHashSet<&str> = (files.iter().map(|f| f.doc_id.as_str()))
            .chain(skipped.iter().map(|w| w.file.as_str()))
            .collect();
        let left_out = |id: &str| discovery.left_out.covers(Path::new(id));
        warnings.extend(metadata.unmatched(|id| listed.contains(id) || left_out(id)));
    }
    // A metadata column named like one of documents.csv's own is shown there as
    // `meta_NAME` (see `DocumentFiles::open`): `--by` takes the name shown too.
    let group_by = match &config.group_by {
        GroupBy::Field(field) if !metadata.columns.contains(field) => field
            .strip_prefix(output::SHADOWED_PREFIX)
            .filter(|name| metadata.columns.iter().any(|c| c == name))
            .map_or_else(
                || config.group_by.clone(),
                |name| GroupBy::Field(name.into()),
            ),
        other => other.clone(),
    };
    if let GroupBy::Field(field) = &group_by
        && !metadata.columns.contains(field)
    {
        return Err(Error::UnknownField {
            option: "--by",
            field: field.clone(),
            columns: metadata.columns.join(", "),
        });
    }
    if let Some(share) = &config.share {
        files.retain(|f| share.contains(&f.doc_id));
        skipped.retain(|w| share.reports_listing_problem(&w.file));
        warnings.retain(|w| share.reports_listing_problem(&w.file));
    }
    if let Dating::Field(field) = &config.dating
        && config.dating.fields(&metadata).is_empty()
    {
        return Err(Error::UnknownField {
            option: "--date-field",
            field: field.clone(),
            columns: metadata.columns.join(", "),
        });
    }
    let dated = (config.dating).date_all(files.iter().map(|f| f.doc_id.as_str()), &metadata);
    let mut dating = dated.report();
    warnings.splice(0..0, config.data_warnings.iter().cloned());
    // Before the output folder is touched, like every refusal above.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.unwrap_or(0))
        .build()?;
    let mut part_documents = Vec::new();
    let mut out = Output::new(&config.output, config.cells)?;
    out.bom = config.excel;
    if let Some(hook) = config.on_discovered {
        hook(&files);
    }
    let mut doc_files = DocumentFiles::open(&out, &metadata.columns)?;
    let mut totals = Totals::default();
    totals.phrases.partial = config.share.is_some();
    let mut groups = Groups::default();
    let progress = Progress::new(
        config.progress,
        files.iter().map(|f| f.bytes).sum(),
        files.len() as u64,
    );
    let spent = Spent::default();
    let stems = Arc::new(Stems::default());
    // Documents are analysed on every thread and written in corpus order by whichever
    // thread is free to (see `ordered`): the output is the same whatever the thread count.
    ordered::map_in_order(
        &pool,
        &files,
        |file| file.bytes,
        IN_FLIGHT,
        || Worker::sharing(&stems),
        |worker, file| -> Loaded {
            let (mut doc, warnings) =
                corpus::load(file).map_err(|e| (skip_reason(file, e), file))?;
            doc.date = dated.date(&doc.doc_id);
            if let Some(table) = spent.take() {
                worker.recycle(table);
            }
            let mut result = analyzer.document(&doc, worker);
            let rows = (doc.text.len() <= FORMAT_IN_WORKER).then(|| {
                let rows = DocumentRows::format(
                    config.cells,
                    &doc.text,
                    &result,
                    &metadata.values(&result.doc_id),
                );
                // Only the totals and phrases are still needed.
                result.sentences = Vec::new();
                result.mentions = Vec::new();
                rows
            });
            Ok((result, rows, doc.text, warnings, file))
        },
        |result| -> Result<(), Error> {
            match result {
                Ok((mut doc, rows, text, doc_warnings, file)) => {
                    warnings.extend(doc_warnings);
                    warnings.extend(dated.count(&doc.doc_id, &mut dating));
                    if config.share.is_some() {
                        part_documents.push(PartDocument {
                            doc_id: doc.doc_id.to_string(),
                            ordinal: file.ordinal,
                            bytes: file.bytes,
                            rows: [
                                doc.totals.counts.sentences,
                                doc.totals.sections,
                                1,
                                doc.totals.mentions,
                            ],
                            skipped: false,
                        });
                    }
                    if doc.totals.counts.sentences == 0 {
                        warnings.push(Warning::new(doc.doc_id.to_string(), no_text_reason(&text)));
                    }
                    match rows {
                        Some(rows) => doc_files.append(&rows)?,
                        None => doc_files.write(
                            config.cells,
                            &text,
                            &doc,
                            &metadata.values(&doc.doc_id),
                        )?,
                    }
                    let group = groups
                        .entry(group_by.group_of(&doc.doc_id, &metadata))
                        .or_default();
                    group.documents += 1;
                    group.sections += doc.totals.sections;
                    group.counts += doc.totals.counts;
                    progress.advance(text.len() as u64);
                    totals.phrases.absorb(
                        &mut doc.phrases,
                        &doc.doc_id,
                        file.ordinal,
                        &text,
                        &analyzer.phrases,
                    );
                    spent.give_back(doc.phrases);
                    totals.merge(doc.totals);
                }
                Err((w, file)) => {
                    if config.share.is_some() {
                        part_documents.push(PartDocument {
                            doc_id: file.doc_id.clone(),
                            ordinal: file.ordinal,
                            bytes: file.bytes,
                            rows: [0; 4],
                            skipped: true,
                        });
                    }
                    skipped.push(w);
                    progress.advance(0);
                }
            }
            Ok(())
        },
    )?;
    progress.finish();
    if config.share.is_none() && totals.documents == 0 {
        // Nothing could be read: results of empty files would replace an earlier run's for
        // no gain. Dropping the output removes its temporary files, and the folder keeps
        // what it had. A share writes its partial all the same: the merge needs its account
        // of the files it skipped, and must not find an earlier partial in its place.
        return Ok(RunReport::new(
            files.len(),
            &totals,
            skipped,
            warnings,
            0,
            Vec::new(),
            started,
        ));
    }
    doc_files.finish(&mut out)?;
    let (phrases, heads) = match config.share {
        Some(_) => (totals.phrases.len(), Vec::new()),
        None => {
            output::write_groups(&mut out, &groups)?;
            pool.install(|| output::write_totals(&mut out, &totals, analyzer.phrases.min_count))?
        }
    };
    warnings.extend(pruned_warning(&totals));
    let report = RunReport::new(
        files.len(),
        &totals,
        skipped,
        warnings,
        phrases,
        heads,
        started,
    );
    if let Some(share) = &config.share {
        let manifest = PartialManifest {
            identity: Identity {
                format: partial::FORMAT,
                version: env!("CARGO_PKG_VERSION").to_string(),
                corpus: config.corpus.display().to_string(),
                corpus_files: listing.0,
                corpus_digest: listing.1,
                options: config.options.clone(),
                data: config.data.clone(),
                lexicon_terms: analyzer.lexicon.len(),
                gazetteer_entities: analyzer.gazetteer.len(),
                metadata_columns: metadata.columns.clone(),
                metadata_digest: metadata.digest(),
            },
            shard: match share {
                Share::Shard(shard) => Some(*shard),
                Share::Documents(_) => None,
            },
            documents: part_documents,
            skipped: report.skipped.clone(),
            warnings: report.warnings.clone(),
        };
        let stored = StoredTotals::new(totals, &groups, dating);
        out.file_with(partial::TOTALS_FILE, |w| {
            serde_json::to_writer(w, &stored).map_err(std::io::Error::other)
        })?;
        let json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
        out.file(partial::PARTIAL_FILE, &json)?;
        out.commit()?;
        return Ok(report);
    }
    let manifest = Manifest {
        tool: "detente",
        version: env!("CARGO_PKG_VERSION"),
        corpus: config.corpus.display().to_string(),
        options: &config.options,
        data: &config.data,
        inputs: files.iter().map(|f| (f.doc_id.as_str(), f.bytes)).collect(),
        lexicon_terms: analyzer.lexicon.len(),
        gazetteer_entities: analyzer.gazetteer.len(),
        report: &report,
        dates: &dating,
        merged_from: Vec::new(),
        runtime: Runtime {
            threads: pool.current_num_threads(),
        },
    };
    out.file("run.json", &manifest.to_json())?;
    out.supersede_reports();
    out.commit()?;
    Ok(report)
}

/// Whether `inner` is `outer` or lies inside it, once links and `..` are resolved. A path
/// that does not exist yet is resolved through its nearest existing ancestor.
pub fn is_inside(inner: &Path, outer: &Path) -> bool {
    match (resolve(inner), outer.canonicalize()) {
        (Some(inner), Ok(outer)) => inner.starts_with(outer),
        _ => false,
    }
}

fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut resolved = real;
            for part in missing.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        resolved.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => resolved.push(other),
                }
            }
            return Some(resolved);
        }
        missing.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}

/// Why a document gave no sentence; it is still listed in `documents.csv` with zeros.
fn no_text_reason(text: &str) -> String {
    let why = if text.is_empty() {
        "empty: no text"
    } else if text.trim().is_empty() {
        "only whitespace"
    } else if !text.chars().any(char::is_alphanumeric) {
        "no letters or digits (only punctuation or symbols)"
    } else {
        "no sentence found"
    };
    format!("analysed, 0 sentences: {why}")
}

fn skip_reason(file: &SourceFile, e: Error) -> Warning {
    let message = match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            "skipped: no longer there (deleted or moved after the corpus was listed)".to_string()
        }
        Error::Io { source, .. } => format!("skipped: cannot read: {source}"),
        Error::NotAFile(_) => "skipped: no longer a regular file".to_string(),
        Error::Binary(_) => "skipped: binary file (NUL bytes)".to_string(),
        Error::NotText { what, .. } => format!("skipped: {what}"),
        other => format!("skipped: {other}"),
    };
    Warning::new(file.doc_id.clone(), message)
}

/// Documents' phrase tables on their way back from the writing to the analysing threads
/// (see [`Worker::recycle`]), so that a table's memory is reused, not allocated afresh.
#[derive(Default)]
struct Spent(std::sync::Mutex<Vec<DocPhrases>>);

/// Spent phrase tables held for reuse at most: a few per worker are enough, and more would
/// only hold memory.
const SPENT_KEPT: usize = 16;

impl Spent {
    /// Keeps a document's phrases, once absorbed, for a worker to reuse.
    fn give_back(&self, table: DocPhrases) {
        let mut kept = self.0.lock().expect("spent phrases");
        if kept.len() < SPENT_KEPT {
            kept.push(table);
        }
    }

    /// A spent table, if one is back.
    fn take(&self) -> Option<DocPhrases> {
        self.0.lock().expect("spent phrases").pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pruning_warning_says_which_phrases_went_in_plain_words() {
        let mut totals = Totals::default();
        assert!(pruned_warning(&totals).is_none());
        totals.phrases.pruned_below = 1;
        totals.phrases.undercount = 2;
        let once = pruned_warning(&totals).expect("pruned").message;
        assert!(
            once.contains("those seen once)") && once.contains("up to 2;"),
            "{once}"
        );
        totals.phrases.pruned_below = 3;
        let more = pruned_warning(&totals).expect("pruned").message;
        assert!(more.contains("those seen 3 times or fewer)"), "{more}");
    }
}
