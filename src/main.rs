//! The `detente` command line: argument parsing and reporting only; the work is in the
//! library.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use detente::Warning;
use detente::corpus::{DEFAULT_EXTENSIONS, Discovery, Document, Format, LeftOut};
use detente::dates::Dating;
use detente::entities::{Gazetteer, Periods, Recognizer, gazetteer};
use detente::groups::GroupBy;
use detente::output::{CellPolicy, Head, fixed};
use detente::partial::{DataChecksums, Shard, Share};
use detente::phrases::{MAX_PHRASES, PhraseOptions};
use detente::pipeline::{Analyzer, Worker, organisation_names};
use detente::run::{RunConfig, run};
use detente::segment;
use detente::tone::{self, Lexicon, Scorer, dictionaries};
use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};

/// Many small short-lived allocations on several threads (per-document tables, rows):
/// mimalloc keeps them thread-local and avoids glibc's lock and page-fault churn, which
/// otherwise kept two threads from being faster than one. It is built without transparent
/// huge pages (`no_thp` in Cargo.toml): each 2 MB page is zeroed whole on first touch, and
/// on a VM that hands freed memory back to its host that cost about a third of a 100 MB
/// run's CPU; small pages cost 1–3% more user time in TLB misses (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, asked for most blocks through its plain entry points, as Rust's own allocator
/// asks C's `malloc`: the `mimalloc` crate asks for every block through the aligned ones,
/// whose checks were a third of the cost of an allocation (1.4 million on 10 MB of text;
/// 24M instructions fewer, 0.7%).
struct Allocator;

/// mimalloc rounds sizes of this many bytes or more up to a multiple of it, so that such
/// blocks are aligned to it; smaller blocks are aligned to 8 bytes, which covers any
/// alignment no larger than their size.
const PLAIN_ALIGN: usize = 16;

/// Whether a plain allocation of `layout` is aligned enough.
fn plain(layout: Layout) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= layout.size()
}

// SAFETY: each call goes to mimalloc, plain only when its blocks are aligned enough (see
// `PLAIN_ALIGN`); `mi_free` frees blocks from either entry point.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match plain(layout) {
            true => unsafe { mi::mi_malloc(layout.size()).cast() },
            false => unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match plain(layout) {
            true => unsafe { mi::mi_zalloc(layout.size()).cast() },
            false => unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let grown = Layout::from_size_align(new_size, layout.align());
        match grown.is_ok_and(plain) {
            true => unsafe { mi::mi_realloc(ptr.cast(), new_size).cast() },
            false => unsafe { mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast() },
        }
    }
}

/// Exit status when some files were skipped (the rest were written).
const EXIT_SOME_SKIPPED: u8 = 3;
/// Exit status when no file could be read.
const EXIT_NONE_READ: u8 = 4;

#[derive(Parser)]
#[command(
    name = "detente",
    version,
    about = "Cooperative vs. conflictual tone, entities and repeated phrases in a corpus of documents",
    after_help = "Examples:\n  detente analyze corpus -o output\n  detente analyze ~/articles -o results --threads 4 --lexicon-add my-terms.csv\n  detente explain \"Russia and the U.S. agreed to resume talks, but sanctions remain.\"\n  detente segment corpus/news/arctic-council-thaw.txt\n\nExit status: 0 all documents analysed; 1 refused before any work (missing corpus, output folder\ninside the corpus or not writable, bad lexicon or gazetteer); 2 usage error; 3 some files skipped\n(the rest written, run.json says why); 4 no file could be read (nothing written: earlier\nresults stay)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a corpus folder and write CSV files (sentences, sections, documents,
    /// groups, mentions, entities, dyads, phrases), run.json and report.html.
    Analyze(AnalyzeArgs),
    /// Show how one text is tokenized, matched and scored, step by step.
    Explain(ExplainArgs),
    /// Show how a file is cut into sections and sentences, with byte spans.
    Segment {
        /// The file to segment (.txt, .md or .html).
        file: PathBuf,
    },
    /// Check a lexicon, rule-word, gazetteer (.csv), given-name, LIWC (.dic) or VADER (.txt,
    /// .tsv) file and report the first error with file, line and column.
    Lexicon {
        #[command(subcommand)]
        action: LexiconAction,
    },
    /// Score hand-coded sentences (CSV with `text` and `label`, optional `quad`) and report
    /// agreement: accuracy, precision/recall/F1, Cohen's kappa, Krippendorff's alpha, the
    /// confusion matrix and the worst disagreements.
    Validate(ValidateArgs),
    /// Write report.html (charts and tables) from the output folder of `analyze`, and with
    /// --xlsx the workbook detente.xlsx.
    Report(ReportArgs),
    /// Merge the partial results of `analyze --shard K/N` runs (or, from standard input,
    /// the records of `map`) into the files one `analyze` over the whole corpus writes,
    /// byte for byte.
    Merge(MergeArgs),
    /// Mapper for Hadoop Streaming, Spark's RDD.pipe and the like: analyse the documents
    /// whose ids are read from standard input (one per line) and write their partial
    /// result as records (KEY, tab, JSON) on standard output, for `detente merge -`.
    Map(MapArgs),
}

#[derive(Args)]
struct MergeArgs {
    /// The partial results' folders, one per shard, in any order; or `-` to read the
    /// records of `detente map` mappers from standard input, in any order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Also write detente.xlsx.
    #[arg(long)]
    xlsx: bool,
    /// Print only warnings and errors: no progress bar, no summary.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct ReportArgs {
    /// The output folder of an earlier `detente analyze`.
    #[arg(default_value = "output")]
    dir: PathBuf,
    /// Also write detente.xlsx (one sheet per table, a tone chart).
    #[arg(long)]
    xlsx: bool,
}

#[derive(Subcommand)]
enum LexiconAction {
    /// Validate a file before using it.
    Check {
        /// The file to check.
        file: PathBuf,
        /// What the file is: the format of the options named beside each kind below (no
        /// option reads rule words, whose format is the built-in modifiers.csv's); without
        /// it, the kind is guessed from the extension (.dic, .txt, .tsv) and the CSV header.
        #[arg(long = "as", value_name = "KIND")]
        kind: Option<DataKind>,
        /// For a LIWC dictionary: CATEGORY=cooperative|conflictual (repeatable), to count
        /// the entries a run with these mappings would load; without it, every word line
        /// is checked and counted. Refused for other kinds of file.
        #[arg(long = "map", value_name = "CATEGORY=POLARITY", value_parser = mapping_arg)]
        maps: Vec<String>,
    },
}

/// The kinds of data file `lexicon check` reads: the formats of the options that read
/// them, and of the built-in rule words.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DataKind {
    /// Lexicon terms (`--lexicon`, `--lexicon-add`).
    Lexicon,
    /// Rule words: negators, intensifiers, hedges… (the format of the built-in
    /// data/lexicon/modifiers.csv, which no option replaces).
    RuleWords,
    /// Gazetteer entities (`--gazetteer-add`).
    Gazetteer,
    /// Given names, one per line (`--given-names`).
    GivenNames,
    /// Periods in which a country code is read as another (`--periods-add`).
    Periods,
    /// A LIWC-style dictionary (`--dictionary`).
    Dictionary,
    /// A VADER-style lexicon (`--vader`).
    Vader,
}

impl DataKind {
    /// The kind guessed for a file named `path` whose first line is `header`.
    fn guess(path: &Path, header: &str) -> (DataKind, String) {
        let ext = (path.extension().and_then(|e| e.to_str()))
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "dic" => (DataKind::Dictionary, "its .dic extension".into()),
            "txt" | "tsv" => (DataKind::Vader, format!("its .{ext} extension")),
            _ if header.starts_with("term,kind") => {
                (DataKind::RuleWords, "its header `term,kind,…`".into())
            }
            _ if header.starts_with("canonical,") => {
                (DataKind::Gazetteer, "its header `canonical,…`".into())
            }
            _ if header.starts_with("country,from,until,as") => (
                DataKind::Periods,
                "its header `country,from,until,as`".into(),
            ),
            _ if header.starts_with("term,polarity") => {
                (DataKind::Lexicon, "its header `term,polarity,…`".into())
            }
            _ => (
                DataKind::Lexicon,
                "neither its extension nor its header".into(),
            ),
        }
    }

    /// What a person calls a file of this kind.
    fn description(self) -> &'static str {
        match self {
            DataKind::Lexicon => "lexicon",
            DataKind::RuleWords => "rule-word file",
            DataKind::Gazetteer => "gazetteer",
            DataKind::GivenNames => "given-name list",
            DataKind::Periods => "periods file",
            DataKind::Dictionary => "LIWC dictionary",
            DataKind::Vader => "VADER lexicon",
        }
    }

    /// What one entry of a file of this kind is, in the singular and the plural.
    fn entry_nouns(self) -> (&'static str, &'static str) {
        match self {
            DataKind::GivenNames => ("name", "names"),
            DataKind::Periods => ("period", "periods"),
            _ => ("entry", "entries"),
        }
    }
}

#[derive(Args)]
struct ValidateArgs {
    /// CSV of coded sentences: columns `text`, `label` (cooperative, conflictual, neutral)
    /// and optionally `quad`.
    coded: PathBuf,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

#[derive(Args)]
struct LexiconArgs {
    /// Replace the built-in lexicon terms with this CSV (term,polarity,class,intensity,notes).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dictionary", "vader"])]
    lexicon: Option<PathBuf>,
    /// Replace the built-in terms with a LIWC-style dictionary (`*` wildcards); its
    /// categories are mapped with --map.
    #[arg(
        long,
        value_name = "FILE.dic",
        requires = "maps",
        conflicts_with = "vader"
    )]
    dictionary: Option<PathBuf>,
    /// Map a LIWC category to a polarity: CATEGORY=cooperative or CATEGORY=conflictual
    /// (repeatable).
    #[arg(
        long = "map",
        value_name = "CATEGORY=POLARITY",
        requires = "dictionary",
        value_parser = mapping_arg
    )]
    maps: Vec<String>,
    /// Replace the built-in terms with a VADER-style lexicon (token, tab, mean valence, …):
    /// positive valence reads as cooperative, negative as conflictual.
    #[arg(long, value_name = "FILE")]
    vader: Option<PathBuf>,
    /// Add terms to the lexicon, overriding built-in ones with the same stems (repeatable).
    #[arg(long, value_name = "FILE")]
    lexicon_add: Vec<PathBuf>,
    /// Add or override gazetteer entities (canonical,type,country,role,as_of,aliases; repeatable).
    #[arg(long, value_name = "FILE")]
    gazetteer_add: Vec<PathBuf>,
    /// Add given names that make an unknown capitalised name a person (one per line;
    /// repeatable).
    #[arg(long, value_name = "FILE")]
    given_names: Vec<PathBuf>,
}

/// What is read and how it is analysed: the options `analyze` and `map` share.
#[derive(Args)]
struct AnalysisArgs {
    /// The corpus folder.
    #[arg(default_value = "corpus")]
    corpus: PathBuf,
    /// Threads to analyse and write with (default: one per core).
    #[arg(long, value_name = "N", value_parser = thread_count)]
    threads: Option<usize>,
    /// File extensions to read, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_EXTENSIONS.iter().map(|s| s.to_string()))]
    ext: Vec<String>,
    /// Leave out the files and folders matching GLOB (repeatable): a name at any depth
    /// (`README*`, `*.SOURCE.md`, `drafts`), or a path from the corpus folder when it holds
    /// a `/` (`sotu/17*.txt`, `**/notes`); `*` stops at `/`, `**` crosses folders.
    #[arg(long, value_name = "GLOB", value_parser = glob_arg)]
    exclude: Vec<String>,
    /// Fewest occurrences for a phrase to be listed in phrases.csv.
    #[arg(long, default_value_t = 2)]
    min_count: u64,
    /// Longest phrase in words (2–6).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(2..=6))]
    max_n: u8,
    /// Distinct phrases held in memory (about 50 bytes each, 200 once seen twice) before
    /// the rarest are dropped and phrase counts become approximate; raise it when a run says
    /// so and exact counts matter (they then also agree across shards).
    #[arg(long, value_name = "N", default_value_t = MAX_PHRASES, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1024..))]
    max_phrases: usize,
    /// Count no phrases, for a run about a third faster on a large corpus: phrases.csv is
    /// written with its header only and sections.csv's top_phrases column is empty.
    #[arg(long, conflicts_with_all = ["min_count", "max_n", "max_phrases"])]
    no_phrases: bool,
    /// Write text cells exactly as found, even those a spreadsheet would run as formulas.
    #[arg(long)]
    raw_cells: bool,
    /// Start each CSV file with a UTF-8 byte-order mark so that Excel reads accents and
    /// curly quotes correctly (default: plain UTF-8).
    #[arg(long)]
    excel: bool,
    /// Group documents in groups.csv by the first N folders of their path.
    #[arg(long, value_name = "N", default_value_t = 1, conflicts_with = "by")]
    group_depth: usize,
    /// Group documents by a column of the corpus's metadata.csv instead (e.g. source, year).
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
    /// The metadata.csv column that dates documents (default: a column named `date` or
    /// `year`, else a year that starts the file name, as in 1962-Kennedy.txt); `none` dates
    /// nothing. A document's date decides which state a name spoke for then: "Moscow" in
    /// 1962 is coded SUN, the Soviet Union (data/gazetteer/periods.csv).
    #[arg(long, value_name = "FIELD")]
    date_field: Option<String>,
    /// Add or redraw the periods in which a dated document's country codes are read as
    /// another's (country,from,until,as; repeatable): a file's rows for a country replace
    /// the built-in ones for it. An option of the commands that date documents only:
    /// `explain` and `validate` read text without a date.
    #[arg(long, value_name = "FILE")]
    periods_add: Vec<PathBuf>,
    /// Also list capitalised names that nothing types (no gazetteer entry, title, given
    /// name or head word such as Bank, River, Treaty) as OTHER; most are not names.
    #[arg(long)]
    untyped_names: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

impl AnalysisArgs {
    /// Checksums of the data files in use, built-in or the user's (the periods among the
    /// gazetteer's), so that partial results made with different data are not merged.
    fn checksums(&self) -> Result<DataChecksums> {
        let given = &self.lexicon;
        let mut lexicon = vec![tone::lexicon::BUILTIN_MODIFIERS.to_string()];
        let replacement = [&given.lexicon, &given.dictionary, &given.vader];
        match replacement.into_iter().flatten().next() {
            Some(path) => lexicon.push(read(path)?),
            None => lexicon.push(tone::lexicon::BUILTIN_LEXICON.to_string()),
        }
        lexicon.extend(given.maps.iter().cloned());
        for path in &given.lexicon_add {
            lexicon.push(read(path)?);
        }
        let mut gazetteer = vec![
            gazetteer::BUILTIN_GAZETTEER.to_string(),
            gazetteer::BUILTIN_GIVEN_NAMES.to_string(),
            detente::entities::periods::BUILTIN_PERIODS.to_string(),
        ];
        let added = [&given.gazetteer_add, &given.given_names, &self.periods_add];
        for path in added.into_iter().flatten() {
            gazetteer.push(read(path)?);
        }
        let of = |files: &[String]| {
            DataChecksums::of(&files.iter().map(String::as_str).collect::<Vec<_>>())
        };
        Ok(DataChecksums {
            lexicon: of(&lexicon),
            gazetteer: of(&gazetteer),
        })
    }
}

/// `--threads`: a whole number of at least one (rayon would read 0 as "one per core", which
/// the user did not ask for by writing it).
fn thread_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("at least one thread is needed".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Output folder (created if missing).
    #[arg(short, long, default_value = "output")]
    output: PathBuf,
    /// Also write detente.xlsx (one sheet per table, a tone chart); report.html is always
    /// written.
    #[arg(long)]
    xlsx: bool,
    /// Print only warnings and errors: no progress bar, no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Analyse only share K of N of the documents (by a hash of their ids) and write a
    /// partial result for `detente merge` (for cluster job arrays, GNU parallel, ...).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
}

#[derive(Args)]
struct MapArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Print the corpus's document ids, one per line (the input to give mappers), and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Args)]
struct ExplainArgs {
    /// The text to explain.
    text: String,
    /// Also list capitalised names that nothing types as OTHER (as for analyze).
    #[arg(long)]
    untyped_names: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

/// Reads a user's data file (lexicon, gazetteer) as UTF-8, stripping a byte-order mark.
/// Text in another encoding is refused with the line and column of its first bad byte, so
/// the user can find it; guessing an encoding would silently change the terms.
fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            bail!(
                "{}:{line}:{column}: not valid UTF-8 (byte 0x{:02X}); save the file as UTF-8",
                path.display(),
                bytes[e.valid_up_to()]
            )
        }
    }
}

impl LexiconArgs {
    /// The lexicon, with the warnings its files gave.
    fn lexicon(&self) -> Result<(Lexicon, Vec<Warning>)> {
        let mut warnings = Vec::new();
        // The built-in terms, unless replaced (by one file at most: the arguments conflict):
        // then the built-in rule words alone, first.
        let replaced = [&self.lexicon, &self.dictionary, &self.vader]
            .iter()
            .any(|r| r.is_some());
        let mut lexicon = match replaced {
            false => Lexicon::builtin(),
            true => Lexicon::with_builtin_modifiers(),
        };
        if let Some(path) = &self.lexicon {
            lexicon.add_terms(&path.display().to_string(), &read(path)?, false)?;
        } else if let Some(path) = &self.dictionary {
            let name = path.display().to_string();
            let maps = parse_maps(&self.maps)?;
            let loaded = dictionaries::load_liwc(&mut lexicon, &name, &read(path)?, &maps)?;
            warnings.extend(loaded.warnings(&name));
            // Every sentence would be neutral: a mistake, not a result.
            if loaded.added == 0 {
                bail!(
                    "{name}: no word of the dictionary is in a --map category (each word line is the word, then its category ids)"
                );
            }
        } else if let Some(path) = &self.vader {
            let name = path.display().to_string();
            let loaded = dictionaries::load_vader(&mut lexicon, &name, &read(path)?)?;
            warnings.extend(loaded.warnings(&name));
            if loaded.added == 0 {
                bail!("{name}: no token with a valence other than 0");
            }
        }
        for path in &self.lexicon_add {
            lexicon.add_terms(&path.display().to_string(), &read(path)?, true)?;
        }
        Ok((lexicon, warnings))
    }

    /// The lexicon and the gazetteer. With `beside`, the gazetteer is built on a second
    /// thread while the lexicon is built (about two fifths and three fifths of start-up's
    /// work, before any document), unless no thread can be started (a process limit:
    /// then in turn). The lexicon's error is the one reported when both fail, and in turn
    /// the gazetteer is not built once the lexicon has failed, as before. The warnings
    /// their files gave come with them, for a run to record or a command to print.
    fn build(&self, beside: bool) -> Result<(Lexicon, Gazetteer, Vec<Warning>)> {
        std::thread::scope(|scope| {
            let aside = beside
                .then(|| {
                    let thread = std::thread::Builder::new().name("gazetteer".into());
                    thread.spawn_scoped(scope, || self.gazetteer())
                })
                .and_then(Result::ok);
            let lexicon = self.lexicon();
            // Joined before the lexicon's error is returned, so that its own outcome (even
            // a panic) gives way to that error.
            let gazetteer = aside.map(|thread| thread.join());
            let (lexicon, mut warnings) = lexicon?;
            let (gazetteer, more) = match gazetteer {
                Some(joined) => joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                None => self.gazetteer()?,
            };
            warnings.extend(more);
            Ok((lexicon, gazetteer, warnings))
        })
    }

    /// The gazetteer, with the warnings its files gave.
    fn gazetteer(&self) -> Result<(Gazetteer, Vec<Warning>)> {
        let mut g = Gazetteer::builtin();
        let mut warnings = Vec::new();
        for path in &self.gazetteer_add {
            g.add_csv(&path.display().to_string(), &read(path)?, true)?;
        }
        for path in &self.given_names {
            let names = g.add_given_names(&read(path)?);
            warnings.extend(names.warnings(&path.display().to_string()));
        }
        Ok((g, warnings))
    }
}

/// Prints each warning on standard error.
fn warn<'a>(warnings: impl IntoIterator<Item = &'a Warning>) {
    for w in warnings {
        eprintln!("detente: warning: {w}");
    }
}

/// `--exclude`: a pattern is checked when the arguments are read, so that a bad one is a
/// usage error.
fn glob_arg(pattern: &str) -> Result<String, String> {
    LeftOut::new(&[pattern.to_string()])
        .map(|_| pattern.to_string())
        .map_err(|e| e.to_string())
}

/// `--map`: checked when the arguments are read, so that a bad one is a usage error.
fn mapping_arg(s: &str) -> Result<String, String> {
    dictionaries::parse_mapping(s).map(|_| s.to_string())
}

fn parse_maps(maps: &[String]) -> Result<Vec<(String, tone::Polarity)>> {
    maps.iter()
        .map(|m| dictionaries::parse_mapping(m).map_err(|e| anyhow::anyhow!("--map {e}")))
        .collect()
}

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes away
    // (`detente segment FILE | head`) instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Explain(args) => explain(args).map(|_| ExitCode::SUCCESS),
        Command::Segment { file } => segment_file(&file).map(|_| ExitCode::SUCCESS),
        Command::Lexicon {
            action: LexiconAction::Check { file, kind, maps },
        } => check_file(&file, kind, &maps),
        Command::Validate(args) => validate(&args).map(|_| ExitCode::SUCCESS),
        Command::Report(args) => report(&args).map(|_| ExitCode::SUCCESS),
        Command::Merge(args) => merge(&args),
        Command::Map(args) => map(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("detente: error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each cause once: the library's messages already
/// quote the operating system's reason, which is also their `source`.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// The run `args` ask for, writing to `output`.
fn prepare(args: &AnalysisArgs, output: PathBuf, progress: bool) -> Result<(RunConfig, Analyzer)> {
    if !args.corpus.exists() {
        bail!("{}: corpus folder not found", args.corpus.display());
    }
    if !args.corpus.is_dir() {
        bail!("{}: not a folder", args.corpus.display());
    }
    // Side by side unless the run is held to one thread.
    // Recorded in run.json and printed with the run's other warnings, not here.
    let (lexicon, mut gazetteer, data_warnings) = args.lexicon.build(args.threads != Some(1))?;
    for path in &args.periods_add {
        gazetteer.add_periods(&path.display().to_string(), &read(path)?)?;
    }
    let analyzer = Analyzer {
        lexicon,
        gazetteer,
        phrases: PhraseOptions {
            max_n: args.max_n as usize,
            min_count: args.min_count,
            max_phrases: args.max_phrases,
            enabled: !args.no_phrases,
        },
        untyped_names: args.untyped_names,
    };
    let options = detente::partial::options_in_effect(&serde_json::json!({
        "ext": args.ext,
        "exclude": args.exclude,
        "min_count": args.min_count,
        "max_n": args.max_n,
        "max_phrases": args.max_phrases,
        "phrases": !args.no_phrases,
        "raw_cells": args.raw_cells,
        "excel": args.excel,
        "by": args.by,
        "group_depth": args.group_depth,
        "lexicon": args.lexicon.lexicon.as_ref().map(|p| p.display().to_string()),
        "dictionary": args.lexicon.dictionary.as_ref().map(|p| p.display().to_string()),
        "map": args.lexicon.maps,
        "vader": args.lexicon.vader.as_ref().map(|p| p.display().to_string()),
        "lexicon_add": args.lexicon.lexicon_add.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "gazetteer_add": args.lexicon.gazetteer_add.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "given_names": args.lexicon.given_names.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "periods_add": args.periods_add.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "untyped_names": args.untyped_names,
        "date_field": args.date_field,
    }));
    let config = RunConfig {
        corpus: args.corpus.clone(),
        output,
        threads: args.threads,
        discovery: Discovery {
            left_out: LeftOut::new(&args.exclude)?,
            ..Discovery::of_extensions(&args.ext)
        },
        cells: CellPolicy {
            raw: args.raw_cells,
        },
        excel: args.excel,
        options,
        group_by: match &args.by {
            Some(field) => GroupBy::Field(field.clone()),
            None => GroupBy::Folder(args.group_depth),
        },
        dating: match args.date_field.as_deref() {
            None => Dating::Auto,
            Some("none") => Dating::Off,
            Some(field) => Dating::Field(field.to_string()),
        },
        progress,
        share: None,
        data: args.checksums()?,
        data_warnings,
        on_discovered: None,
    };
    Ok((config, analyzer))
}

fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let progress = !args.quiet && std::io::stderr().is_terminal();
    let (mut config, analyzer) = prepare(&args.analysis, args.output.clone(), progress)?;
    config.share = args.shard.map(Share::Shard);
    let existed = args.output.exists();
    let report = run(&config, &analyzer)?;
    // A shard answers for the files of its own share: shard 1 also reports the listing
    // problems of the others' (for the merge), which are not its failures, and a share
    // that holds no file has nothing to fail at.
    let own = |file: &str| args.shard.is_none_or(|shard| shard.contains(file));
    let skipped = report.skipped.iter().filter(|w| own(&w.file)).count();
    let none_read = report.documents == 0 && (report.files > 0 || skipped > 0);
    let what = match args.shard {
        Some(shard) => {
            // Recorded for the merge, but not this shard's to count (see `own`).
            let others = match report.skipped.len() - skipped {
                0 => String::new(),
                n => format!(
                    ", which also records for the merge {} of the other shards",
                    detente::error::counted(n, "skipped file", "skipped files")
                ),
            };
            format!(
                "shard {shard}: partial result in {}{others}; combine the shards with `detente merge`",
                args.output.display()
            )
        }
        None => results_in(
            &args.output,
            args.xlsx,
            &report.heads,
            none_read.then_some(existed),
        )?,
    };
    summarise(&report, args.quiet, skipped, &what);
    Ok(exit_status(none_read, skipped))
}

/// Exit status 0 even when files were skipped: an engine would retry or fail the task,
/// and the merge reports them (exit status 3).
fn map(args: MapArgs) -> Result<ExitCode> {
    let (config, analyzer) = prepare(&args.analysis, PathBuf::new(), false)?;
    if args.list {
        let scan = config.discovery.scan(&config.corpus)?;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for file in &scan.files {
            writeln!(out, "{}", file.doc_id)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut ids = std::collections::HashSet::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.context("standard input: cannot read the document ids")?;
        let id = line.trim_end_matches('\r');
        if !id.is_empty() {
            ids.insert(id.to_string());
        }
    }
    let report = detente::partial::stream::map(&config, &analyzer, ids, std::io::stdout().lock())?;
    warn(report.warnings.iter().chain(&report.skipped));
    Ok(ExitCode::SUCCESS)
}

fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let existed = args.output.exists();
    let report = if args.parts.iter().any(|p| p == Path::new("-")) {
        if args.parts.len() > 1 {
            bail!("`-` (records on standard input) cannot be merged with partial folders");
        }
        let input = std::io::BufReader::with_capacity(1 << 20, std::io::stdin().lock());
        detente::partial::stream::merge_records(input, &args.output)?
    } else {
        detente::partial::merge(&args.parts, &args.output)?
    };
    let none_read = report.documents == 0;
    let skipped = report.skipped.len();
    let what = results_in(
        &args.output,
        args.xlsx,
        &report.heads,
        none_read.then_some(existed),
    )?;
    summarise(&report, args.quiet, skipped, &what);
    Ok(exit_status(none_read, skipped))
}

/// Writes the reports beside the CSV files and says where they all are; `heads` as for
/// [`detente::report::write_html`]. After a run that read no file, and so wrote nothing
/// (`none_read`: whether the output folder existed before it), says what became of the
/// folder: one that existed keeps its earlier results, reports included; one the run
/// created is removed again (see [`detente::output::Output`]).
fn results_in(
    output: &Path,
    xlsx: bool,
    heads: &[Head],
    none_read: Option<bool>,
) -> Result<String> {
    if let Some(existed) = none_read {
        let folder = match (existed, output.exists()) {
            (true, _) => "is as it was",
            (false, false) => "was not created",
            (false, true) => "was created, and is left empty",
        };
        return Ok(format!(
            "no file could be read, so nothing was written: {} {folder}",
            output.display()
        ));
    }
    let name = |p: &Path| {
        p.file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned())
    };
    let files: Vec<String> = (write_reports(output, heads, xlsx)?.iter())
        .map(|p| name(p))
        .collect();
    Ok(format!(
        "results in {} ({})",
        output.display(),
        files.join(", ")
    ))
}

/// Writes `report.html` (and with `xlsx` the workbook) into the output folder `dir`, prints
/// what they found amiss in its CSV files once, and returns their paths.
fn write_reports(dir: &Path, heads: &[Head], xlsx: bool) -> Result<Vec<PathBuf>> {
    let mut written = vec![detente::report::write_html(dir, heads)?];
    if xlsx {
        written.push(detente::report::write_xlsx(dir)?);
    }
    // Both reports chart the sections' tone: a bad cell is said once.
    let mut warnings: Vec<Warning> = Vec::new();
    for w in written.iter().flat_map(|w| &w.warnings) {
        if warnings.iter().all(|said| said.file != w.file) {
            warnings.push(w.clone());
        }
    }
    warn(&warnings);
    Ok(written.into_iter().map(|w| w.path).collect())
}

/// Prints the warnings and, unless `quiet`, a one-line summary ending with `what`, with
/// `skipped` files skipped: those the exit status counts.
fn summarise(report: &detente::run::RunReport, quiet: bool, skipped: usize, what: &str) {
    warn(report.warnings.iter().chain(&report.skipped));
    if !quiet {
        let n =
            |count: u64, one: &str, many: &str| detente::error::counted(count as usize, one, many);
        eprintln!(
            "detente: {}, {}, {}, {} in {:.2} s; {} skipped, {}; {what}",
            n(report.documents, "document", "documents"),
            n(report.sections, "section", "sections"),
            n(report.sentences, "sentence", "sentences"),
            n(report.tokens, "token", "tokens"),
            report.elapsed_seconds,
            skipped,
            detente::error::counted(report.warnings.len(), "warning", "warnings"),
        );
    }
}

/// The exit status of a run that read no file (`none_read`) or skipped `skipped` of its own.
fn exit_status(none_read: bool, skipped: usize) -> ExitCode {
    if none_read {
        ExitCode::from(EXIT_NONE_READ)
    } else if skipped > 0 {
        ExitCode::from(EXIT_SOME_SKIPPED)
    } else {
        ExitCode::SUCCESS
    }
}

fn report(args: &ReportArgs) -> Result<()> {
    if !args.dir.is_dir() {
        bail!("{}: output folder not found", args.dir.display());
    }
    for path in write_reports(&args.dir, &[], args.xlsx)? {
        println!("{}", path.display());
    }
    Ok(())
}

/// Checks one data file, read as `kind` or, without it, as the kind its extension and
/// header suggest; the guess is said with the result, and with an error only where a file
/// of another kind would fail (see [`misread`]).
fn check_file(path: &Path, kind: Option<DataKind>, maps: &[String]) -> Result<ExitCode> {
    let name = path.display().to_string();
    let data = read(path)?;
    let header = data.lines().next().unwrap_or("").trim();
    let (kind, from) = match kind {
        Some(kind) => (kind, None),
        None => {
            let (kind, from) = DataKind::guess(path, header);
            (kind, Some(from))
        }
    };
    let value = clap::ValueEnum::to_possible_value(&kind).expect("every kind has a name");
    let read_as = format!(
        "read as a {} (`--as {}`)",
        kind.description(),
        value.get_name()
    );
    let kinds = (<DataKind as clap::ValueEnum>::value_variants().iter())
        .filter_map(clap::ValueEnum::to_possible_value)
        .map(|k| k.get_name().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let guessed = from.map(|from| {
        format!(
            "{read_as}, guessed from {from}; give `--as KIND` to read it as another kind ({kinds})"
        )
    });
    if !maps.is_empty() && kind != DataKind::Dictionary {
        // A usage error: the arguments ask for two things that do not go together.
        eprintln!(
            "detente: error: --map is for a LIWC dictionary, and {name} is {}: leave --map out, or give `--as dictionary`",
            guessed.as_deref().unwrap_or(&read_as)
        );
        return Ok(ExitCode::from(2));
    }
    // A dictionary's entries that no text can match are left out of its count, and said.
    let loaded = |loaded: dictionaries::Loaded| {
        warn(&loaded.warnings(&name));
        Some(loaded.added)
    };
    // What a LIWC file holds, whichever categories are mapped.
    let lines = |dic: &dictionaries::Loaded| {
        let words = detente::error::counted(dic.words, "word line", "word lines");
        let categories = detente::error::counted(dic.categories, "category", "categories");
        format!("{words} in {categories}")
    };
    let count = match kind {
        DataKind::Dictionary if maps.is_empty() => {
            dictionaries::check_liwc(&name, &data).map(|dic| {
                warn(&dic.warnings(&name));
                println!(
                    "{name}: ok, LIWC dictionary with {}; `--map CATEGORY=cooperative|conflictual` (repeatable) says how many a run would load",
                    lines(&dic)
                );
                None
            })
        }
        DataKind::Dictionary => {
            let maps = parse_maps(maps)?;
            dictionaries::load_liwc(&mut Lexicon::default(), &name, &data, &maps).map(|dic| {
                let of = lines(&dic);
                let entries = detente::error::counted(dic.added, "entry", "entries");
                warn(&dic.warnings(&name));
                println!("{name}: ok, LIWC dictionary with {entries} in the --map categories, of {of}");
                None
            })
        }
        DataKind::Vader => {
            dictionaries::load_vader(&mut Lexicon::default(), &name, &data).map(loaded)
        }
        DataKind::RuleWords => Lexicon::default().add_modifiers(&name, &data).map(Some),
        DataKind::Gazetteer => Gazetteer::default().add_csv(&name, &data, false).map(Some),
        DataKind::GivenNames => {
            let names = Gazetteer::default().add_given_names(&data);
            warn(&names.warnings(&name));
            Ok(Some(names.added))
        }
        DataKind::Periods => Periods::default().add(&name, &data).map(Some),
        DataKind::Lexicon => Lexicon::default().add_terms(&name, &data, false).map(Some),
    };
    let count = match (count, &guessed) {
        (Ok(count), _) => count,
        (Err(e), Some(guess)) if misread(&e, &data) => {
            return Err(anyhow::Error::new(e).context(format!("{name}: {guess}")));
        }
        (Err(e), _) => return Err(e.into()),
    };
    if let Some(count) = count {
        let (one, many) = kind.entry_nouns();
        let entries = detente::error::counted(count, one, many);
        println!("{name}: ok, {} with {entries}", kind.description());
    }
    if let Some(guess) = guessed {
        println!("{name}: {guess}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `e`, met reading `data` as the kind guessed for it, may come from a wrong
/// guess: a file of another kind fails on its first line (a header, a LIWC `%`, a first
/// entry), while a file of the kind guessed fails further on, at a bad line of its own,
/// and an error about an argument (`--map`) is no file's.
fn misread(e: &detente::Error, data: &str) -> bool {
    let first = data.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
    matches!(e, detente::Error::Data { line, .. } if *line == first)
}

fn validate(args: &ValidateArgs) -> Result<()> {
    let (lexicon, gazetteer, warnings) = args.lexicon.build(true)?;
    warn(&warnings);
    let name = args.coded.display().to_string();
    let rows = detente::validate::read_coded(&name, &read(&args.coded)?)?;
    if rows.is_empty() {
        bail!("{name}: no coded sentences");
    }
    print!(
        "{}",
        detente::validate::validate(&lexicon, &gazetteer, &rows)
    );
    Ok(())
}

fn explain(args: ExplainArgs) -> Result<()> {
    let (lexicon, gazetteer, warnings) = args.lexicon.build(true)?;
    warn(&warnings);
    let doc = Document::from_text("explain", Format::Plain, args.text);
    let text = doc.text.as_str();
    let seg = segment::segment(&doc);
    let mut scorer = Scorer::new(&lexicon);
    let mut recognizer = Recognizer::new(&gazetteer).with_untyped_names(args.untyped_names);
    let mut worker = Worker::default();
    let mut tokens = Vec::new();
    let mut names = Vec::new();
    for (i, sentence) in seg.sentences.iter().enumerate() {
        tokens.clear();
        worker.normalizer.tokenize(text, sentence.span, &mut tokens);
        let norm = &worker.normalizer;
        // Text is shown as the CSV cells show it, on one line ("Secretary-General" for
        // "Secretary-" / "General"): a line break would break the lists below.
        println!(
            "sentence {i} [{}..{}]: {}",
            sentence.span.start,
            sentence.span.end,
            sentence.span.collapsed(text)
        );
        let shown: Vec<String> = tokens
            .iter()
            .map(|t| {
                let term = norm.term(t.term);
                let stop = if norm.info(t.term).stop { "*" } else { "" };
                format!("{}{stop}→{}", t.span.collapsed(text), term.stem)
            })
            .collect();
        println!("  tokens (→ stem, * stop word): {}", shown.join(" "));
        let mut mentions = Vec::new();
        recognizer.find(text, &tokens, norm, &mut mentions);
        organisation_names(&mentions, &tokens, &mut names);
        let hits = scorer.score_outside_names(text, &tokens, norm, &names);
        if hits.is_empty() {
            println!("  no lexicon hit");
        }
        for hit in hits {
            let entry = lexicon.entry(hit.entry);
            println!(
                "  hit: \"{}\" = lexicon term \"{}\" ({:?}, {:?}, intensity {:.1})",
                hit.span.collapsed(text),
                entry.term,
                entry.polarity,
                entry.class,
                entry.intensity
            );
            for rule in &hit.rules {
                println!("    rule: {rule}");
            }
            println!(
                "    counts as {:?} with weight {:.3}",
                hit.polarity,
                hit.weight()
            );
        }
        let t = tone::tally(hits);
        println!(
            "  score: coop {} conflict {} tone {} label {} goldstein {}",
            fixed(t.coop().as_f64(), 3),
            fixed(t.conflict().as_f64(), 3),
            fixed(t.tone(), 4),
            t.label().as_str(),
            fixed(t.goldstein(), 3)
        );
        println!("  evidence: {}", tone::evidence(text, hits));
        for m in &mentions {
            println!(
                "  entity: \"{}\" → {} ({}{}{}, {})",
                m.span.collapsed(text),
                m.entity,
                m.etype.as_str(),
                if m.country.is_empty() { "" } else { ", " },
                m.country,
                m.source.as_str()
            );
        }
    }
    Ok(())
}

fn segment_file(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let name = path.display().to_string();
    let mut warnings = Vec::new();
    let text = detente::corpus::decode(&bytes, &name, &mut warnings)?;
    warn(&warnings);
    let format = Format::from_extension(path.extension().and_then(|e| e.to_str()).unwrap_or(""));
    let doc = Document::from_text(name, format, text);
    let seg = segment::segment(&doc);
    let text = doc.text.as_str();
    println!("layout: {:?}; title: {:?}", seg.layout, seg.title);
    for (index, section) in seg.sections.iter().enumerate() {
        println!(
            "section {index} (level {}, line {}): {:?}",
            section.level, section.start_line, section.title
        );
        for (i, s) in seg
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.section == index)
        {
            println!(
                "  {i:>4} [{}..{}] p{} {}",
                s.span.start,
                s.span.end,
                s.paragraph,
                s.span.collapsed(text)
            );
        }
    }
    Ok(())
}
