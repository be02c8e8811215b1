//! Scale-out: one share of a corpus analysed on its own, and the shares merged.
//!
//! `analyze --shard K/N` keeps the documents whose id hashes to shard K of N (FNV-1a of
//! the `doc_id`, so a document stays in its shard when unrelated files are added) and
//! writes a **partial result**: the four per-document CSV files exactly as a whole run
//! writes them, `partial.json` (tool version, options, data checksums, the corpus listing
//! it was cut from, and each document's place and row counts) and `totals.json` (the raw
//! sums behind the corpus-wide files, phrases with the text of every surface form).
//!
//! [`merge`] checks that the partials fit together (same version, options, lexicon,
//! gazetteer and corpus listing; every shard once), copies their rows in corpus order,
//! sums their totals, and writes the same files as one `analyze` over the whole corpus,
//! byte for byte. That holds while no phrase table was pruned; when one was, the run and
//! the merge each say their phrase counts are approximate.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use crate::corpus::SourceFile;
use crate::entities::EntityType;
use crate::error::{Error, Warning};
use crate::groups::Groups;
use crate::metrics::Counts;
use crate::output::{self, CellPolicy, DocumentFiles, DocumentRows, Output};
use crate::phrases::{PhraseCounts, StoredPhrases};
use crate::pipeline::{DyadLevel, DyadStat, EntityStat, Totals};
use crate::run::{Manifest, RunReport, Runtime};

/// The manifest of a partial result.
pub const PARTIAL_FILE: &str = "partial.json";
/// The raw sums of a partial result.
pub const TOTALS_FILE: &str = "totals.json";
/// The per-document files a partial holds, copied by [`merge`].
const ROW_FILES: [&str; 4] = [
    "sentences.csv",
    "sections.csv",
    "documents.csv",
    "mentions.csv",
];
/// Version of the partial format; partials of another format are refused.
pub(crate) const FORMAT: u32 = 1;

/// Shard `index` of `count` (1-based), as given to `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// K: which share, from 1.
    pub index: u32,
    /// N: how many shares.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let parse = |n: &str| n.trim().parse::<u32>().ok();
        let (k, n) = s
            .split_once('/')
            .and_then(|(k, n)| Some((parse(k)?, parse(n)?)))
            .ok_or_else(|| format!("`{s}` is not K/N (for example 2/8)"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("`{s}`: K must be between 1 and N"));
        }
        Ok(Shard { index: k, count: n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the document (or skipped file) `doc_id` belongs to this shard.
    pub fn contains(&self, doc_id: &str) -> bool {
        fnv1a(doc_id.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// 64-bit FNV-1a: a hash that is the same on every machine and in every version, for
/// shard assignment and data checksums (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Checksums of the data a run scored and recognised with, so that partials made with
/// different lexicons or gazetteers are not merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataChecksums {
    /// FNV-1a (hex) of the lexicon and modifier files in use.
    pub lexicon: String,
    /// FNV-1a (hex) of the gazetteer and given-name files in use.
    pub gazetteer: String,
}

impl DataChecksums {
    /// The checksum of several files' contents, in order.
    pub fn of(contents: &[&str]) -> String {
        let mut all = Vec::new();
        for c in contents {
            all.extend_from_slice(&(c.len() as u64).to_le_bytes());
            all.extend_from_slice(c.as_bytes());
        }
        format!("{:016x}", fnv1a(&all))
    }
}

/// One document of a partial: its place in the corpus and how many rows it has in each
/// per-document file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartDocument {
    /// The document's id.
    pub doc_id: String,
    /// Its place in the sorted corpus.
    pub ordinal: u32,
    /// Its size on disk.
    pub bytes: u64,
    /// Rows in sentences.csv, sections.csv, documents.csv and mentions.csv.
    pub rows: [u64; 4],
}

/// `partial.json`: what a shard run was and what it holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PartialManifest {
    /// Partial format version.
    pub format: u32,
    /// detente's version.
    pub version: String,
    /// Which share.
    pub shard: Shard,
    /// The corpus folder as given.
    pub corpus: String,
    /// Files in the whole corpus listing the shard was cut from.
    pub corpus_files: usize,
    /// FNV-1a (hex) of that listing (ids and sizes).
    pub corpus_digest: String,
    /// The options that shape the output (as `run.json` records them).
    pub options: serde_json::Value,
    /// Lexicon and gazetteer checksums.
    pub data: DataChecksums,
    /// Terms in the lexicon.
    pub lexicon_terms: usize,
    /// Entities in the gazetteer.
    pub gazetteer_entities: usize,
    /// The metadata columns of `documents.csv`.
    pub metadata_columns: Vec<String>,
    /// The shard's documents in corpus order.
    pub documents: Vec<PartDocument>,
    /// Files of this shard that were skipped.
    pub skipped: Vec<Warning>,
    /// Warnings (the corpus-wide ones from listing only in shard 1).
    pub warnings: Vec<Warning>,
}

/// `totals.json`: the raw sums behind the corpus-wide files.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredTotals {
    counts: Counts,
    documents: u64,
    sections: u64,
    mentions: u64,
    entities: Vec<(String, EntityType, EntityStat)>,
    dyads: Vec<(DyadLevel, String, String, DyadStat)>,
    groups: Groups,
    phrases: StoredPhrases,
}

impl StoredTotals {
    /// A shard's totals and groups, sorted so that a shard gives the same file each time.
    pub fn new(totals: Totals, groups: &Groups) -> StoredTotals {
        let mut entities: Vec<_> = (totals.entities.into_iter())
            .map(|((name, t), s)| (name, t, s))
            .collect();
        entities.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut dyads: Vec<_> = (totals.dyads.into_iter())
            .map(|((level, a, b), s)| (level, a, b, s))
            .collect();
        dyads.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        StoredTotals {
            counts: totals.counts,
            documents: totals.documents,
            sections: totals.sections,
            mentions: totals.mentions,
            entities,
            dyads,
            groups: groups.clone(),
            phrases: totals.phrases.into_stored(),
        }
    }

    fn into_totals(self) -> (Totals, Groups) {
        let totals = Totals {
            counts: self.counts,
            documents: self.documents,
            sections: self.sections,
            mentions: self.mentions,
            entities: (self.entities.into_iter())
                .map(|(name, t, s)| ((name, t), s))
                .collect(),
            dyads: (self.dyads.into_iter())
                .map(|(level, a, b, s)| ((level, a, b), s))
                .collect(),
            phrases: PhraseCounts::from_stored(self.phrases),
        };
        (totals, self.groups)
    }
}

/// The digest of a corpus listing: every shard must have been cut from the same one.
pub fn listing_digest(files: &[SourceFile]) -> String {
    let mut all = Vec::new();
    for f in files {
        all.extend_from_slice(f.doc_id.as_bytes());
        all.push(0);
        all.extend_from_slice(&f.bytes.to_le_bytes());
    }
    format!("{:016x}", fnv1a(&all))
}

/// A partial read back.
struct Part {
    dir: PathBuf,
    manifest: PartialManifest,
}

fn partial_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Partial {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T, Error> {
    let path = dir.join(name);
    let file = File::open(&path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            format!("no {name}: not the output of `detente analyze --shard K/N`")
        } else {
            format!("cannot read {name}: {e}")
        };
        partial_error(dir, why)
    })?;
    serde_json::from_reader(BufReader::with_capacity(1 << 20, file))
        .map_err(|e| partial_error(&path, format!("not a partial result ({e})")))
}

impl Part {
    fn open(dir: &Path) -> Result<Part, Error> {
        let manifest: PartialManifest = read_json(dir, PARTIAL_FILE)?;
        if manifest.format != FORMAT || manifest.version != env!("CARGO_PKG_VERSION") {
            return Err(partial_error(
                dir,
                format!(
                    "made by detente {} (partial format {}); this is detente {} (format {FORMAT}): re-run the shard with this version",
                    manifest.version,
                    manifest.format,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        Ok(Part {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// Why this partial cannot be merged with `first`, if it cannot.
    fn mismatch(&self, first: &Part) -> Option<String> {
        let (a, b) = (&self.manifest, &first.manifest);
        let other = first.dir.display();
        if a.shard.count != b.shard.count {
            return Some(format!(
                "shard {} but {other} is shard {}: every partial must come from the same N",
                a.shard, b.shard
            ));
        }
        if (&a.corpus_digest, a.corpus_files) != (&b.corpus_digest, b.corpus_files) {
            return Some(format!(
                "cut from another corpus listing ({} files) than {other} ({} files): run every shard on the same corpus, unchanged",
                a.corpus_files, b.corpus_files
            ));
        }
        if a.data.lexicon != b.data.lexicon {
            return Some(format!("made with another lexicon than {other}"));
        }
        if a.data.gazetteer != b.data.gazetteer {
            return Some(format!("made with another gazetteer than {other}"));
        }
        if a.options != b.options {
            return Some(format!(
                "made with other options than {other}: {} vs {}",
                a.options, b.options
            ));
        }
        None
    }
}

/// Checks that `parts` are the N shards of one run, each once.
fn check_set(parts: &[Part]) -> Result<(), Error> {
    let first = &parts[0];
    for part in &parts[1..] {
        if let Some(why) = part.mismatch(first) {
            return Err(partial_error(&part.dir, why));
        }
    }
    let n = first.manifest.shard.count;
    let mut seen: Vec<Option<&Path>> = vec![None; n as usize];
    for part in parts {
        let k = part.manifest.shard.index;
        if let Some(earlier) = seen[k as usize - 1].replace(&part.dir) {
            return Err(partial_error(
                &part.dir,
                format!("shard {k}/{n} given twice (also {})", earlier.display()),
            ));
        }
    }
    let missing: Vec<String> = (seen.iter().enumerate())
        .filter(|(_, p)| p.is_none())
        .map(|(k, _)| format!("{}/{n}", k + 1))
        .collect();
    if !missing.is_empty() {
        return Err(partial_error(
            &first.dir,
            format!(
                "incomplete set: shard{} {} missing",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Reads the CSV records of one partial file, whole records at a time (a quoted field may
/// hold line breaks).
struct Records {
    path: PathBuf,
    reader: BufReader<File>,
}

impl Records {
    fn open(path: PathBuf) -> Result<Records, Error> {
        let file = File::open(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let mut records = Records {
            path,
            reader: BufReader::with_capacity(1 << 20, file),
        };
        // The header (after a byte-order mark with --excel) is the merge's own.
        records.read(1, &mut Vec::new())?;
        Ok(records)
    }

    /// Appends `n` records to `buf`.
    fn read(&mut self, n: u64, buf: &mut Vec<u8>) -> Result<(), Error> {
        for _ in 0..n {
            let mut quotes = 0;
            loop {
                let from = buf.len();
                let read = (self.reader.read_until(b'\n', buf)).map_err(|source| Error::Io {
                    path: self.path.clone(),
                    source,
                })?;
                if read == 0 {
                    return Err(partial_error(
                        &self.path,
                        "fewer rows than partial.json lists: the partial is damaged",
                    ));
                }
                quotes += buf[from..].iter().filter(|&&b| b == b'"').count();
                if quotes % 2 == 0 && buf.ends_with(b"\n") {
                    break;
                }
            }
        }
        Ok(())
    }

    fn at_end(&mut self) -> Result<(), Error> {
        let more = self.reader.fill_buf().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        if more.is_empty() {
            Ok(())
        } else {
            Err(partial_error(
                &self.path,
                "more rows than partial.json lists: the partial is damaged",
            ))
        }
    }
}

/// Merges the partial results in `parts` into `output`, as one `analyze` run over the
/// whole corpus would have written it (with `run.json`; the caller writes the reports).
///
/// Refuses, before writing anything, partials that are missing or unreadable, made by
/// another version, with other options or data, or cut from another corpus listing, and
/// sets with a shard missing or given twice; each error names the partial.
pub fn merge(parts: &[PathBuf], output: &Path) -> Result<RunReport, Error> {
    let started = Instant::now();
    let parts = parts
        .iter()
        .map(|p| Part::open(p))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = parts.first() else {
        return Err(partial_error(output, "no partial results to merge"));
    };
    check_set(&parts)?;
    let manifest = &first.manifest;
    let option = |key: &str| manifest.options.get(key);
    let cells = CellPolicy {
        raw: option("raw_cells")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    };
    let min_count = option("min_count").and_then(|v| v.as_u64()).unwrap_or(2);
    let mut out = Output::new(output, cells)?;
    out.bom = option("excel").and_then(|v| v.as_bool()).unwrap_or(false);

    // Rows: each document's rows copied from its shard, documents in corpus order.
    let mut order: Vec<(u32, usize, &PartDocument)> = (parts.iter().enumerate())
        .flat_map(|(p, part)| {
            part.manifest
                .documents
                .iter()
                .map(move |d| (d.ordinal, p, d))
        })
        .collect();
    order.sort_by_key(|(ordinal, ..)| *ordinal);
    let mut readers = (parts.iter())
        .map(|part| {
            let open = |name: &str| Records::open(part.dir.join(name));
            Ok([
                open(ROW_FILES[0])?,
                open(ROW_FILES[1])?,
                open(ROW_FILES[2])?,
                open(ROW_FILES[3])?,
            ])
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut files = DocumentFiles::open(&out, &manifest.metadata_columns)?;
    let mut rows = DocumentRows::default();
    for (_, p, doc) in &order {
        let [sentences, sections, documents, mentions] = &mut readers[*p];
        rows.sentences.clear();
        rows.sections.clear();
        rows.documents.clear();
        rows.mentions.clear();
        sentences.read(doc.rows[0], &mut rows.sentences)?;
        sections.read(doc.rows[1], &mut rows.sections)?;
        documents.read(doc.rows[2], &mut rows.documents)?;
        mentions.read(doc.rows[3], &mut rows.mentions)?;
        files.append(&rows)?;
    }
    for reader in readers.iter_mut().flatten() {
        reader.at_end()?;
    }
    files.finish(&mut out)?;

    // Totals: sums, whatever the order.
    let mut totals = Totals::default();
    totals.phrases.partial = true;
    let mut groups = Groups::default();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    for part in &parts {
        let (shard_totals, shard_groups) =
            read_json::<StoredTotals>(&part.dir, TOTALS_FILE)?.into_totals();
        totals.merge(shard_totals);
        for (name, g) in shard_groups {
            let mine = groups.entry(name).or_default();
            mine.documents += g.documents;
            mine.sections += g.sections;
            mine.counts += g.counts;
        }
        skipped.extend(part.manifest.skipped.iter().cloned());
        // A shard's "approximate phrase counts" warning is the merge's to give, once.
        let own = |w: &&Warning| w.file != crate::run::PRUNED_FILE;
        warnings.extend(part.manifest.warnings.iter().filter(own).cloned());
    }
    totals.phrases.resolve_texts();
    output::write_groups(&mut out, &groups)?;
    let phrases = output::write_totals(&mut out, &totals, min_count)?;
    if let Some(w) = crate::run::pruned_warning(&totals) {
        warnings.push(w);
    }
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    let inputs: Vec<(&str, u64)> = (order.iter())
        .map(|(_, _, d)| (d.doc_id.as_str(), d.bytes))
        .collect();
    let report = RunReport::new(
        manifest.corpus_files,
        &totals,
        skipped,
        warnings,
        phrases,
        started,
    );
    let run = Manifest {
        tool: "detente",
        version: env!("CARGO_PKG_VERSION"),
        corpus: manifest.corpus.clone(),
        options: &manifest.options,
        data: &manifest.data,
        inputs,
        lexicon_terms: manifest.lexicon_terms,
        gazetteer_entities: manifest.gazetteer_entities,
        report: &report,
        merged_from: parts.iter().map(|p| p.dir.display().to_string()).collect(),
        shard: None,
        runtime: Runtime { threads: 1 },
    };
    out.file("run.json", &run.to_json())?;
    out.commit()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_document_is_in_exactly_one_shard() {
        let ids: Vec<String> = (0..500).map(|i| format!("news/{i}.txt")).collect();
        for n in [1, 2, 3, 7] {
            let mut sizes = vec![0; n as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=n)
                    .filter(|&k| Shard { index: k, count: n }.contains(id))
                    .collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?} of {n}");
                sizes[owners[0] as usize - 1] += 1;
            }
            // A hash spreads documents evenly enough: no shard has twice its share.
            assert!(
                sizes.iter().all(|&s| s * n as usize <= 2 * ids.len()),
                "{sizes:?}"
            );
        }
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of the FNV-1a 64-bit reference.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
