//! Typed errors of the library and the warnings a run collects.

use std::path::PathBuf;

/// Something that stops an operation. Per-file problems during a run are turned into
/// [`Warning`]s by the caller so that the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The corpus path exists but is not a folder.
    #[error("{0}: not a folder")]
    NotAFolder(PathBuf),
    /// The corpus folder holds no file with an analysed extension.
    #[error("{path}: no documents found (looked for files ending in {extensions})")]
    NoDocuments {
        /// The corpus folder.
        path: PathBuf,
        /// The extensions looked for.
        extensions: String,
    },
    /// A path found as a file is no longer a regular file when it is read (a FIFO, a
    /// device or a folder now stands there).
    #[error("{0}: not a regular file")]
    NotAFile(String),
    /// The output folder is the corpus folder or inside it: its CSV files would become
    /// documents of the next run, and a run could overwrite the corpus.
    #[error(
        "{output}: the output folder is inside the corpus folder {corpus}; choose one outside it (e.g. beside it)"
    )]
    OutputInsideCorpus {
        /// The output folder as given.
        output: PathBuf,
        /// The corpus folder as given.
        corpus: PathBuf,
    },
    /// The output folder cannot be created or written to.
    #[error("{path}: cannot write to the output folder: {source}")]
    OutputNotWritable {
        /// The output folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Another run holds the output folder's lock.
    #[error("{0}: another detente run is writing to this output folder")]
    OutputBusy(PathBuf),
    /// `--by` or `--date-field` names a column no `metadata.csv` of the corpus has.
    #[error("{option} {field}: no metadata.csv in the corpus has that column (columns: {columns})")]
    UnknownField {
        /// The option that named it.
        option: &'static str,
        /// The field asked for.
        field: String,
        /// The columns found.
        columns: String,
    },
    /// A file holds NUL bytes and is not text.
    #[error("{0}: binary file (NUL bytes), skipped")]
    Binary(String),
    /// A file is a document of a format that holds its text in another form (PDF, Word,
    /// RTF), known by its first bytes: `what` says which and how to get its text.
    #[error("{doc}: {what}, skipped")]
    NotText {
        /// The document's id.
        doc: String,
        /// The format, and what to do with it.
        what: &'static str,
    },
    /// A data file (lexicon, gazetteer, modifiers) is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    Data {
        /// The file's name as the user gave it, or `built-in:…` for bundled data.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (field number for CSV data).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// `--map` names a category that the LIWC dictionary does not define.
    #[error(
        "--map {argument}: {file} defines no category of that name or id (it defines {defined})"
    )]
    UnknownCategory {
        /// The argument as `CATEGORY=POLARITY`.
        argument: String,
        /// The dictionary's name as the user gave it.
        file: String,
        /// The category names it defines, comma-separated.
        defined: String,
    },
    /// A partial result (`analyze --shard`) is missing, unreadable, or does not fit with
    /// the others given to `merge`.
    #[error("{path}: {message}")]
    Partial {
        /// The partial's folder (or the file in it).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The worker threads could not be started (a limit on processes or memory). Said
    /// by `analyze` and `merge` alike, so it names no option of either.
    #[error(
        "cannot start the worker threads: {0} (a limit on processes such as `ulimit -u`? `analyze --threads` sets how many)"
    )]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// Writing a CSV failed.
    #[error("{path}: {source}")]
    Csv {
        /// The output file.
        path: PathBuf,
        /// The csv crate's error.
        source: csv::Error,
    },
}

/// A per-file problem that did not stop the run; listed in `run.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    /// The document (relative path) or file concerned.
    pub file: String,
    /// What happened and what was done about it.
    pub message: String,
}

impl Warning {
    /// A warning about `file`.
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            file: file.into(),
            message: message.into(),
        }
    }
}

/// `n` and its noun, `one` or `many` as `n` asks: "1 entry", "3 entries".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}
