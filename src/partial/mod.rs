//! Scale-out: one share of a corpus analysed on its own, and the shares merged.
//!
//! `analyze --shard K/N` keeps the documents whose id hashes to shard K of N (FNV-1a of
//! the `doc_id`, so a document stays in its shard when unrelated files are added) and
//! writes a **partial result**: the four per-document CSV files exactly as a whole run
//! writes them, `partial.json` (tool version, options, data checksums, the corpus listing
//! it was cut from, and each document's place and row counts) and `totals.json` (the raw
//! sums behind the corpus-wide files, phrases with the text of every surface form, and
//! how the share's documents were dated, for run.json).
//!
//! [`merge`] checks that the partials fit together (same version, options, lexicon,
//! gazetteer and corpus listing; every shard once), copies their rows in corpus order,
//! sums their totals, and writes the same files as one `analyze` over the whole corpus,
//! byte for byte. That holds while no phrase table was pruned; when one was, the run and
//! the merge each say their phrase counts are approximate.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use crate::corpus::SourceFile;
use crate::dates::DatingReport;
use crate::entities::EntityType;
use crate::error::{Error, Warning};
use crate::groups::Groups;
use crate::metrics::Counts;
use crate::output::{self, CellPolicy, DocumentFiles, DocumentRows, Output};
use crate::phrases::{PhraseCounts, StoredPhrases};
use crate::pipeline::{DyadLevel, DyadStat, EntityStat, Totals};
use crate::run::{Manifest, RunReport, Runtime};

pub mod stream;

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
/// Version of the partial format; partials of another format are refused. Format 3: word
/// and phrase hashes are XXH3, the same whatever compiler built detente (SipHash before).
/// Format 4: the identity holds the metadata's digest. Format 5: the totals hold how the
/// documents were dated. Format 6: a possessive counts in phrases as the word it is the
/// possessive of, and phrases are stored by their hashes' bits read backwards.
pub(crate) const FORMAT: u32 = 6;

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

/// The share of a corpus that a partial run analyses.
#[derive(Debug, Clone)]
pub enum Share {
    /// `analyze --shard K/N`: the documents whose id hashes to shard K.
    Shard(Shard),
    /// `detente map`: the documents named on its standard input.
    Documents(HashSet<String>),
}

impl Share {
    /// Whether the document (or skipped file) `doc_id` belongs to this share.
    pub fn contains(&self, doc_id: &str) -> bool {
        match self {
            Share::Shard(shard) => shard.contains(doc_id),
            Share::Documents(ids) => ids.contains(doc_id),
        }
    }

    /// Whether a problem met while listing the corpus, about `file` (which may not be a
    /// document), is this share's to report. Each shard reports its own files and shard 1
    /// the rest; every share of named documents reports them all, as it cannot know what
    /// the others were given, and the merge keeps one of each.
    pub fn reports_listing_problem(&self, file: &str) -> bool {
        match self {
            Share::Shard(shard) => shard.index == 1 || shard.contains(file),
            Share::Documents(_) => true,
        }
    }
}

/// 64-bit FNV-1a: a hash that is the same on every machine and in every version, for
/// shard assignment and data checksums (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_on(FNV_OFFSET, bytes)
}

/// FNV-1a's starting state.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a's state `h` after `bytes`.
fn fnv1a_on(h: u64, bytes: &[u8]) -> u64 {
    (bytes.iter()).fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// The FNV-1a state before `bytes` that leads to `h` after them: each step multiplies by an
/// odd number, which has an inverse modulo 2⁶⁴, so a step can be undone.
fn fnv1a_before(h: u64, bytes: &[u8]) -> u64 {
    // Newton's iteration doubles the correct low bits each time: 3 (an odd number is its
    // own inverse modulo 8), 6, 12, 24, 48, 96.
    let inverse = (0..5).fold(FNV_PRIME, |x, _| {
        x.wrapping_mul(2u64.wrapping_sub(FNV_PRIME.wrapping_mul(x)))
    });
    (bytes.iter().rev()).fold(h, |h, &b| h.wrapping_mul(inverse) ^ u64::from(b))
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
    /// Skipped (unreadable, binary…): no rows, but still part of the corpus listing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// What two partial results must share to be merged: the run they are shares of.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// Partial format version.
    pub format: u32,
    /// detente's version.
    pub version: String,
    /// The corpus folder as given.
    pub corpus: String,
    /// Files in the whole corpus listing the share was cut from.
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
    /// [`Metadata::digest`](crate::groups::Metadata::digest) of the corpus's metadata
    /// (since format 4; an older partial reads as empty and is refused by its format).
    #[serde(default)]
    pub metadata_digest: String,
}

impl Identity {
    /// Why a partial of this identity cannot be merged by this detente, if it cannot.
    fn foreign(&self) -> Option<String> {
        (self.format != FORMAT || self.version != env!("CARGO_PKG_VERSION")).then(|| {
            format!(
                "made by detente {} (partial format {}); this is detente {} (format {FORMAT}): re-run it with this version",
                self.version,
                self.format,
                env!("CARGO_PKG_VERSION")
            )
        })
    }

    /// Whether this share was cut from the same corpus listing as `other`'s.
    fn same_listing(&self, other: &Identity) -> bool {
        (&self.corpus_digest, self.corpus_files) == (&other.corpus_digest, other.corpus_files)
    }

    /// Why this share cannot be merged with `other`'s (described as `what`), if it cannot.
    fn mismatch(&self, other: &Identity, what: &str) -> Option<String> {
        let (a, b) = (self, other);
        if !a.same_listing(b) {
            // Which listing is the older one, nothing here tells (records come in any
            // order): the difference is said without a direction.
            let how = match a.corpus_files.abs_diff(b.corpus_files) {
                0 => "the same number of files, but a file renamed or of another size".into(),
                n => format!(
                    "the listings differ by {}",
                    crate::error::counted(n, "file", "files")
                ),
            };
            return Some(format!(
                "cut from a corpus listing of {} files, {what} from one of {} ({how}): the corpus changed between the runs; run every share on the same corpus, unchanged",
                a.corpus_files, b.corpus_files
            ));
        }
        if a.metadata_digest != b.metadata_digest {
            return Some(format!(
                "made with other metadata.csv contents than {what}: run every share with the same metadata"
            ));
        }
        if a.data.lexicon != b.data.lexicon {
            return Some(format!("made with another lexicon than {what}"));
        }
        if a.data.gazetteer != b.data.gazetteer {
            return Some(format!("made with another gazetteer than {what}"));
        }
        let (x, y) = (options_in_effect(&a.options), options_in_effect(&b.options));
        if x != y {
            return Some(format!(
                "made with other options than {what}: {}",
                option_differences(&x, &y)
            ));
        }
        None
    }
}

/// The options that only shape phrase counting, which `--no-phrases` turns off.
const PHRASE_OPTIONS: [&str; 3] = ["min_count", "max_n", "max_phrases"];

/// `options` (as `run.json` records them) as they shaped the output: with phrases off
/// (`"phrases": false`), the phrase options are null, as they did nothing. Applied to what
/// is compared and recorded, so that a partial written before they were nulled (with their
/// defaults) still merges with one written after.
pub fn options_in_effect(options: &serde_json::Value) -> serde_json::Value {
    let mut options = options.clone();
    if let Some(map) = options.as_object_mut()
        && map.get("phrases") == Some(&serde_json::Value::Bool(false))
    {
        for name in PHRASE_OPTIONS {
            map.insert(name.to_string(), serde_json::Value::Null);
        }
    }
    options
}

/// The options that differ, as `name a vs b` (the whole objects if either is not one).
fn option_differences(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return format!("{a} vs {b}");
    };
    let null = serde_json::Value::Null;
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (x, y) = (a.get(name).unwrap_or(&null), b.get(name).unwrap_or(&null));
            (x != y).then(|| format!("{name} {x} vs {y}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `partial.json`: what a shard run was and what it holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PartialManifest {
    /// The run this is a share of.
    #[serde(flatten)]
    pub identity: Identity,
    /// Which share, for `--shard K/N`; none for a share of named documents (`detente map`).
    pub shard: Option<Shard>,
    /// The share's documents in corpus order, skipped ones included.
    pub documents: Vec<PartDocument>,
    /// Files of this share that were skipped.
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
    dates: DatingReport,
    phrases: StoredPhrases,
}

impl StoredTotals {
    /// A shard's totals, groups and dating counts, sorted so that a shard gives the same
    /// file each time.
    pub fn new(totals: Totals, groups: &Groups, dates: DatingReport) -> StoredTotals {
        let mut entities: Vec<_> = (totals.entities.into_iter())
            .map(|((name, t), s)| (name, t, s))
            .collect();
        entities.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut dyads: Vec<_> = (totals.dyads.iter())
            .map(|((level, a, b), s)| (level, a.to_string(), b.to_string(), s.clone()))
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
            dates,
            phrases: totals.phrases.into_stored(),
        }
    }

    fn into_totals(self) -> (Totals, Groups, DatingReport) {
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
        (totals, self.groups, self.dates)
    }
}

/// The digest of a corpus listing: every shard must have been cut from the same one.
pub fn listing_digest(files: &[SourceFile]) -> String {
    entries_digest(files.iter().map(|f| (f.doc_id.as_str(), f.bytes)))
}

/// The digest of a listing of files given as ids and sizes, in listing order.
fn entries_digest<'a>(entries: impl IntoIterator<Item = (&'a str, u64)>) -> String {
    let mut all = Vec::new();
    for (doc_id, bytes) in entries {
        all.extend(listing_entry(doc_id, bytes));
    }
    format!("{:016x}", fnv1a(&all))
}

/// One file's bytes in a listing's digest: its id, a NUL, its size.
fn listing_entry(doc_id: &str, bytes: u64) -> impl Iterator<Item = u8> + '_ {
    (doc_id.bytes().chain([0])).chain(bytes.to_le_bytes())
}

/// Of `entries` (ids and sizes, sorted by id), the one whose absence gives the listing
/// digest `digest`, if one does: the file added since a listing of one file fewer. The
/// digest of the listing without entry `i` is the state after the entries before it,
/// carried on through those after; it is `digest` when that state is the one that the
/// entries after `i` lead to `digest` from, found by undoing them from the end.
fn added_entry<'a>(entries: &[(&'a str, u64)], digest: &str) -> Option<&'a str> {
    let digest = u64::from_str_radix(digest, 16).ok()?;
    let bytes = |(id, size): &(&str, u64)| listing_entry(id, *size).collect::<Vec<u8>>();
    // `towards[i]`: the state from which entries i.. lead to `digest`.
    let mut towards = vec![digest; entries.len() + 1];
    for i in (0..entries.len()).rev() {
        towards[i] = fnv1a_before(towards[i + 1], &bytes(&entries[i]));
    }
    let mut state = FNV_OFFSET;
    for (i, entry) in entries.iter().enumerate() {
        if state == towards[i + 1] {
            return Some(entry.0);
        }
        state = fnv1a_on(state, &bytes(entry));
    }
    None
}

/// A partial read back.
struct Part {
    dir: PathBuf,
    manifest: PartialManifest,
    shard: Shard,
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
        if let Some(why) = manifest.identity.foreign() {
            return Err(partial_error(dir, why));
        }
        let shard = manifest
            .shard
            .ok_or_else(|| partial_error(dir, "not the output of `detente analyze --shard K/N`"))?;
        Ok(Part {
            dir: dir.to_path_buf(),
            manifest,
            shard,
        })
    }

    /// Why this partial cannot be merged with `first`, if it cannot.
    fn mismatch(&self, first: &Part) -> Option<String> {
        let other = first.dir.display();
        if self.shard.count != first.shard.count {
            return Some(format!(
                "shard {} but {other} is shard {}: every partial must come from the same N",
                self.shard, first.shard
            ));
        }
        (self.manifest.identity).mismatch(&first.manifest.identity, &other.to_string())
    }
}

/// The partial's manifest, as a person names it in a message.
fn manifest_path(part: &Part) -> String {
    part.dir.join(PARTIAL_FILE).display().to_string()
}

/// The refusal of partials cut from different corpus listings: the corpus changed between
/// the shard runs. It names every partial by its manifest, grouped by listing, and, when
/// the corpus folder is still there to list as the shards did, which listing it has now
/// and which of each stale share's own files were added, removed or changed since.
fn listing_mismatch(parts: &[Part]) -> Option<Error> {
    let mut listings: Vec<(&Identity, Vec<&Part>)> = Vec::new();
    for part in parts {
        let identity = &part.manifest.identity;
        match listings.iter_mut().find(|(i, _)| i.same_listing(identity)) {
            Some((_, group)) => group.push(part),
            None => listings.push((identity, vec![part])),
        }
    }
    if listings.len() == 1 {
        return None;
    }
    let identity = &parts[0].manifest.identity;
    // The shards' own discovery options, as their manifests record them.
    let list = |name: &str| -> Vec<String> {
        (identity.options.get(name))
            .and_then(|e| serde_json::from_value(e.clone()).ok())
            .unwrap_or_default()
    };
    let discovery = crate::corpus::Discovery {
        left_out: crate::corpus::LeftOut::new(&list("exclude")).unwrap_or_default(),
        ..crate::corpus::Discovery::of_extensions(&list("ext"))
    };
    let now = (discovery.scan(Path::new(&identity.corpus)).ok()).map(|scan| {
        let listing = (scan.files.len(), listing_digest(&scan.files));
        (scan.files, listing)
    });
    let mut message = format!(
        "the partials were cut from {} different listings of the corpus {}, which changed between the shard runs:",
        listings.len(),
        identity.corpus
    );
    let mut changes = Vec::new();
    for (listing, group) in &listings {
        let names: Vec<String> = group.iter().map(|p| manifest_path(p)).collect();
        let current = now.as_ref().is_some_and(|(_, (files, digest))| {
            (*files, digest) == (listing.corpus_files, &listing.corpus_digest)
        });
        message.push_str(&format!(
            " {} ({} files{});",
            names.join(", "),
            listing.corpus_files,
            if current {
                ", as the corpus is now"
            } else {
                ""
            }
        ));
        if let (Some((files, _)), false) = (&now, current) {
            for part in group {
                changes.extend(changed_since(part, files));
            }
            let others: Vec<&Part> = (parts.iter())
                .filter(|p| !group.iter().any(|g| std::ptr::eq(*g, *p)))
                .collect();
            changes.extend(changed_elsewhere(group, &others, listing, files));
        }
    }
    message.pop();
    if !changes.is_empty() {
        let shown = changes.len().min(5);
        message.push_str(&format!(
            ". Changed since: {}{}",
            changes[..shown].join(", "),
            if changes.len() > shown { ", …" } else { "" }
        ));
    }
    message.push_str(". Run every shard again on the corpus as it is now");
    Some(partial_error(&parts[0].dir, message))
}

/// The files of `part`'s share that differ in `files` (the corpus listed now) from what the
/// partial recorded: gone, of another size, or new.
fn changed_since(part: &Part, files: &[SourceFile]) -> Vec<String> {
    let recorded: std::collections::HashMap<&str, u64> = (part.manifest.documents.iter())
        .map(|d| (d.doc_id.as_str(), d.bytes))
        .collect();
    let listed: std::collections::HashMap<&str, u64> = (files.iter())
        .filter(|f| part.shard.contains(&f.doc_id))
        .map(|f| (f.doc_id.as_str(), f.bytes))
        .collect();
    let of = manifest_path(part);
    let mut changes = Vec::new();
    for doc in &part.manifest.documents {
        match listed.get(doc.doc_id.as_str()) {
            None => changes.push(format!("{} (gone; in {of})", doc.doc_id)),
            Some(&now) if now != doc.bytes => changes.push(format!(
                "{} ({} bytes in {of}, {now} now)",
                doc.doc_id, doc.bytes
            )),
            Some(_) => {}
        }
    }
    for file in files
        .iter()
        .filter(|f| listed.contains_key(f.doc_id.as_str()))
    {
        if !recorded.contains_key(file.doc_id.as_str()) {
            changes.push(format!("{} (new; not in {of})", file.doc_id));
        }
    }
    changes
}

/// What changed since the listing `listing` in the shares of `others`, which no partial of
/// `group` (those cut from it) holds, judged from `files` (the corpus listed now): there
/// the group's partials record no file, but the listing's digest tells a file added since,
/// the usual change, when those shares' files now, less that one, give it. Other changes
/// there cannot be named, and are said with the shares' file counts then and now.
fn changed_elsewhere(
    group: &[&Part],
    others: &[&Part],
    listing: &Identity,
    files: &[SourceFile],
) -> Vec<String> {
    let held = |id: &str| group.iter().any(|p| p.shard.contains(id));
    let recorded = (group.iter()).flat_map(|p| &p.manifest.documents);
    let mut entries: Vec<(&str, u64)> = recorded.map(|d| (d.doc_id.as_str(), d.bytes)).collect();
    let held_files = entries.len();
    let elsewhere = files.iter().filter(|f| !held(&f.doc_id));
    entries.extend(elsewhere.map(|f| (f.doc_id.as_str(), f.bytes)));
    let then = listing.corpus_files.saturating_sub(held_files);
    let now = entries.len() - held_files;
    entries.sort_unstable();
    let of = manifest_path(group[0]);
    if entries_digest(entries.iter().copied()) == listing.corpus_digest {
        return Vec::new();
    }
    if now == then + 1
        && let Some(id) = added_entry(&entries, &listing.corpus_digest).filter(|id| !held(id))
    {
        return vec![format!("{id} (new; not in {of})")];
    }
    let shares: Vec<String> = others.iter().map(|p| manifest_path(p)).collect();
    vec![format!(
        "files of the {} of {} ({then} then, {now} now; which cannot be told, as {of} and the partials cut with it record only their own)",
        if shares.len() == 1 { "share" } else { "shares" },
        shares.join(", ")
    )]
}

/// Checks that `parts` are the N shards of one run, each once.
fn check_set(parts: &[Part]) -> Result<(), Error> {
    let first = &parts[0];
    if parts.iter().all(|p| p.shard.count == first.shard.count)
        && let Some(error) = listing_mismatch(parts)
    {
        return Err(error);
    }
    for part in &parts[1..] {
        if let Some(why) = part.mismatch(first) {
            return Err(partial_error(&part.dir, why));
        }
    }
    let n = first.shard.count;
    let mut seen: Vec<Option<&Path>> = vec![None; n as usize];
    for part in parts {
        let k = part.shard.index;
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

/// The four row files of a partial, read document by document in their order.
struct RowReaders([Records; 4]);

impl RowReaders {
    fn open(dir: &Path) -> Result<RowReaders, Error> {
        let open = |name: &str| Records::open(dir.join(name));
        Ok(RowReaders([
            open(ROW_FILES[0])?,
            open(ROW_FILES[1])?,
            open(ROW_FILES[2])?,
            open(ROW_FILES[3])?,
        ]))
    }

    /// Reads the next document's rows, `doc`, into `rows`.
    fn read(&mut self, doc: &PartDocument, rows: &mut DocumentRows) -> Result<(), Error> {
        let [sentences, sections, documents, mentions] = &mut self.0;
        rows.sentences.clear();
        rows.sections.clear();
        rows.documents.clear();
        rows.mentions.clear();
        sentences.read(doc.rows[0], &mut rows.sentences)?;
        sections.read(doc.rows[1], &mut rows.sections)?;
        documents.read(doc.rows[2], &mut rows.documents)?;
        mentions.read(doc.rows[3], &mut rows.mentions)
    }

    /// Checks that every row was read.
    fn at_end(&mut self) -> Result<(), Error> {
        self.0.iter_mut().try_for_each(Records::at_end)
    }
}

/// The corpus-wide sums of a merge, added share by share in any order.
struct Sums {
    totals: Totals,
    groups: Groups,
    dates: DatingReport,
    skipped: Vec<Warning>,
    warnings: Vec<Warning>,
}

impl Sums {
    fn new() -> Sums {
        let mut totals = Totals::default();
        totals.phrases.partial = true;
        Sums {
            totals,
            groups: Groups::default(),
            dates: DatingReport::default(),
            skipped: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds one share's totals.
    fn add(&mut self, stored: StoredTotals) {
        let (totals, groups, dates) = stored.into_totals();
        self.totals.merge(totals);
        self.dates.add(dates);
        for (name, g) in groups {
            let mine = self.groups.entry(name).or_default();
            mine.documents += g.documents;
            mine.sections += g.sections;
            mine.counts += g.counts;
        }
    }

    /// Adds one share's skipped files and warnings.
    fn note(&mut self, skipped: &[Warning], warnings: &[Warning]) {
        self.skipped.extend_from_slice(skipped);
        // A share's "approximate phrase counts" warning is the merge's to give, once.
        let own = |w: &&Warning| w.file != crate::run::PRUNED_FILE;
        self.warnings.extend(warnings.iter().filter(own).cloned());
    }
}

/// The output folder of a merge, set up as the run that made the shares set up its own.
fn open_output(identity: &Identity, output: &Path) -> Result<Output, Error> {
    let option = |key: &str| identity.options.get(key).and_then(|v| v.as_bool());
    let cells = CellPolicy {
        raw: option("raw_cells").unwrap_or(false),
    };
    let mut out = Output::new(output, cells)?;
    out.bom = option("excel").unwrap_or(false);
    Ok(out)
}

/// Writes the corpus-wide files and `run.json` of a merge whose rows are written, and
/// commits the output; when no share read a document, writes nothing (see [`crate::run::run`]).
/// `inputs` are the documents in corpus order.
fn finish(
    mut out: Output,
    identity: &Identity,
    mut sums: Sums,
    inputs: Vec<(&str, u64)>,
    merged_from: Vec<String>,
    started: Instant,
) -> Result<RunReport, Error> {
    let min_count = (identity.options.get("min_count"))
        .and_then(|v| v.as_u64())
        .unwrap_or(2);
    let totals = &mut sums.totals;
    // No share read a file: as a whole run that reads none, the merge then leaves the
    // output folder as it was (its staged files go with `out`).
    let none_read = totals.documents == 0;
    let (phrases, heads) = match none_read {
        true => (0, Vec::new()),
        false => {
            totals.phrases.resolve_texts();
            output::write_groups(&mut out, &sums.groups)?;
            // The listings run on a pool of their own, whose failure to start (a limit on
            // processes) is an error, as in `analyze`; rayon's global pool would panic.
            let pool = rayon::ThreadPoolBuilder::new().build()?;
            pool.install(|| output::write_totals(&mut out, totals, min_count))?
        }
    };
    sums.warnings.extend(crate::run::pruned_warning(totals));
    // Shares of named documents each report the problems met while listing the corpus.
    for list in [&mut sums.skipped, &mut sums.warnings] {
        list.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        list.dedup();
    }
    let report = RunReport::new(
        identity.corpus_files,
        totals,
        sums.skipped,
        sums.warnings,
        phrases,
        heads,
        started,
    );
    if none_read {
        return Ok(report);
    }
    let run = Manifest {
        tool: "detente",
        version: env!("CARGO_PKG_VERSION"),
        corpus: identity.corpus.clone(),
        options: &options_in_effect(&identity.options),
        data: &identity.data,
        inputs,
        lexicon_terms: identity.lexicon_terms,
        gazetteer_entities: identity.gazetteer_entities,
        report: &report,
        dates: &sums.dates,
        merged_from,
        runtime: Runtime { threads: 1 },
    };
    out.file("run.json", &run.to_json())?;
    out.supersede_reports();
    out.commit()?;
    Ok(report)
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
    let identity = &first.manifest.identity;
    let mut out = open_output(identity, output)?;

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
        .map(|part| RowReaders::open(&part.dir))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut files = DocumentFiles::open(&out, &identity.metadata_columns)?;
    let mut rows = DocumentRows::default();
    for (_, p, doc) in &order {
        readers[*p].read(doc, &mut rows)?;
        files.append(&rows)?;
    }
    for reader in &mut readers {
        reader.at_end()?;
    }
    files.finish(&mut out)?;

    // Totals: sums, whatever the order.
    let mut sums = Sums::new();
    for part in &parts {
        sums.add(read_json::<StoredTotals>(&part.dir, TOTALS_FILE)?);
        sums.note(&part.manifest.skipped, &part.manifest.warnings);
    }
    let inputs = (order.iter())
        .map(|(_, _, d)| (d.doc_id.as_str(), d.bytes))
        .collect();
    let merged_from = parts.iter().map(|p| p.dir.display().to_string()).collect();
    finish(out, identity, sums, inputs, merged_from, started)
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

    /// Undoing FNV-1a's steps gives the state before them, so that the file added to a
    /// listing is found from the listing's digest alone.
    #[test]
    fn a_file_added_to_a_listing_is_found_from_its_digest() {
        let state = fnv1a_on(FNV_OFFSET, b"news/a.txt");
        assert_eq!(
            fnv1a_before(fnv1a_on(state, b"\0\x07tail"), b"\0\x07tail"),
            state
        );
        let digest = |entries: &[(&str, u64)]| entries_digest(entries.iter().copied());
        let then = [("a.txt", 10), ("c.txt", 30), ("d.txt", 40)];
        let now = [("a.txt", 10), ("b.txt", 20), ("c.txt", 30), ("d.txt", 40)];
        assert_eq!(added_entry(&now, &digest(&then)), Some("b.txt"));
        let last = [("a.txt", 10), ("c.txt", 30), ("d.txt", 40), ("e.txt", 5)];
        assert_eq!(added_entry(&last, &digest(&then)), Some("e.txt"));
        // A file resized as well: no single addition explains the digest.
        let resized = [("a.txt", 11), ("b.txt", 20), ("c.txt", 30), ("d.txt", 40)];
        assert_eq!(added_entry(&resized, &digest(&then)), None);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of the FNV-1a 64-bit reference.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
