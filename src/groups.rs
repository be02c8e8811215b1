//! Comparison groups: sub-folders of the corpus, or a column of its metadata.
//!
//! A corpus may hold `metadata.csv` files (first column `doc_id`, then any columns such as
//! source, date, country) in its root or in any sub-folder; a file's `doc_id`s are relative
//! to its own folder. Their columns are carried into `documents.csv`, and `--by FIELD`
//! groups documents on one of them. Without `--by`, documents are grouped by the first
//! `--group-depth` folders of their path.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::datafile::DataFile;
use crate::error::{Error, Warning};
use crate::metrics::Counts;

/// File name of a metadata table.
pub const METADATA_FILE: &str = "metadata.csv";
/// Group of documents directly in the corpus folder when grouping by folder.
pub const ROOT_GROUP: &str = ".";
/// Group of documents with no value for the `--by` field.
pub const NO_VALUE: &str = "(none)";

/// How documents are grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// By the first N folders of the document's path (0: one group for everything).
    Folder(usize),
    /// By a metadata column.
    Field(String),
}

impl Default for GroupBy {
    fn default() -> Self {
        GroupBy::Folder(1)
    }
}

/// Metadata of the corpus's documents, from every `metadata.csv` under its folder.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// Column names after `doc_id`, in order of first appearance.
    pub columns: Vec<String>,
    rows: FxHashMap<String, Row>,
    /// What the tables said twice: a column or a document described again, whose later
    /// values replace the earlier ones. A mistyped table should not pass without a word.
    pub warnings: Vec<Warning>,
}

/// One document's values, and where they were last read (to name it in warnings).
#[derive(Debug, Clone, Default)]
struct Row {
    values: Vec<String>,
    file: Arc<str>,
    line: usize,
}

impl Metadata {
    /// Reads every `metadata.csv` under `corpus` (hidden folders skipped).
    pub fn load(corpus: &Path) -> Result<Metadata, Error> {
        let mut meta = Metadata::default();
        let mut files: Vec<_> = walkdir::WalkDir::new(corpus)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.file_name() == METADATA_FILE)
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for path in files {
            let folder = path
                .parent()
                .and_then(|p| p.strip_prefix(corpus).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"));
            let prefix = folder
                .filter(|f| !f.is_empty())
                .map(|f| f + "/")
                .unwrap_or_default();
            let data = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            meta.add(&path.display().to_string(), &prefix, &data)?;
        }
        Ok(meta)
    }

    /// Adds one table whose `doc_id`s are relative to `prefix`.
    pub fn add(&mut self, name: &str, prefix: &str, data: &str) -> Result<(), Error> {
        let file = DataFile::parse(name, data)?;
        file.expect_header(&["doc_id"])?;
        let header = &file.header;
        for (i, column) in header.iter().enumerate().skip(1) {
            if header.iter().take(i).any(|c| c.trim() == column.trim()) {
                self.warnings.push(Warning::new(
                    name,
                    format!(
                        "column `{}` is given twice; the later one's values are kept",
                        column.trim()
                    ),
                ));
            }
        }
        let positions: Vec<usize> = header
            .iter()
            .skip(1)
            .map(|h| {
                let h = h.trim().to_string();
                match self.columns.iter().position(|c| *c == h) {
                    Some(p) => p,
                    None => {
                        self.columns.push(h);
                        self.columns.len() - 1
                    }
                }
            })
            .collect();
        let file_name: Arc<str> = Arc::from(name);
        for (line, record) in &file.rows {
            let Some(id) = record.get(0).map(str::trim).filter(|id| !id.is_empty()) else {
                continue;
            };
            let doc_id = format!("{prefix}{id}");
            let row = self.rows.entry(doc_id.clone()).or_default();
            if row.line > 0 {
                self.warnings.push(Warning::new(
                    name,
                    format!(
                        "line {line}: `{doc_id}` is described again (first at {}:{}); the values given here replace those",
                        row.file, row.line
                    ),
                ));
            }
            (row.file, row.line) = (file_name.clone(), *line);
            for (value, &p) in record.iter().skip(1).zip(&positions) {
                if row.values.len() <= p {
                    row.values.resize(p + 1, String::new());
                }
                row.values[p] = value.trim().to_string();
            }
        }
        Ok(())
    }

    /// True when no table described a document.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A warning for each row that describes no document of the corpus (`is_document`
    /// says which ids are), in file and line order: a mistyped `doc_id` leaves its document
    /// without values, grouped under [`NO_VALUE`].
    pub fn unmatched(&self, is_document: impl Fn(&str) -> bool) -> Vec<Warning> {
        let mut rows: Vec<(&String, &Row)> = (self.rows.iter())
            .filter(|(id, _)| !is_document(id))
            .collect();
        rows.sort_by(|a, b| (&a.1.file, a.1.line).cmp(&(&b.1.file, b.1.line)));
        rows.into_iter()
            .map(|(id, Row { file, line, .. })| {
                Warning::new(
                    &**file,
                    format!(
                        "line {line}: `{id}` is no document of the corpus; its values are not used"
                    ),
                )
            })
            .collect()
    }

    /// A checksum of the columns and every document's values, the same whatever order the
    /// tables were read in: shares of a corpus whose metadata changed between them are not
    /// merged (their groups would mix old and new values).
    pub fn digest(&self) -> String {
        let mut rows: Vec<(&String, &Vec<String>)> = self
            .rows
            .iter()
            .map(|(id, row)| (id, &row.values))
            .collect();
        rows.sort_unstable();
        let mut all = Vec::new();
        for field in self.columns.iter().chain(
            rows.iter()
                .flat_map(|(id, values)| std::iter::once(*id).chain(values.iter())),
        ) {
            all.extend_from_slice(&(field.len() as u64).to_le_bytes());
            all.extend_from_slice(field.as_bytes());
        }
        format!("{:016x}", crate::partial::fnv1a(&all))
    }

    /// The values of every column for a document (empty strings where unknown).
    pub fn values(&self, doc_id: &str) -> Vec<&str> {
        let row = self.rows.get(doc_id).map(|r| &r.values);
        (0..self.columns.len())
            .map(|i| row.and_then(|r| r.get(i)).map_or("", String::as_str))
            .collect()
    }

    /// The value of one column for a document.
    pub fn value(&self, doc_id: &str, column: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.rows
            .get(doc_id)?
            .values
            .get(i)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

impl GroupBy {
    /// The group of a document.
    pub fn group_of(&self, doc_id: &str, metadata: &Metadata) -> String {
        match self {
            GroupBy::Folder(0) => "(all)".to_string(),
            GroupBy::Folder(depth) => {
                let folders: Vec<&str> = doc_id.split('/').collect();
                let folders = &folders[..folders.len() - 1];
                if folders.is_empty() {
                    ROOT_GROUP.to_string()
                } else {
                    folders[..folders.len().min(*depth)].join("/")
                }
            }
            GroupBy::Field(field) => metadata
                .value(doc_id, field)
                .unwrap_or(NO_VALUE)
                .to_string(),
        }
    }
}

/// Sums for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupStat {
    /// Documents.
    pub documents: u64,
    /// Sections.
    pub sections: u64,
    /// Sizes and tone.
    pub counts: Counts,
}

/// Sums per group, sorted by group name.
pub type Groups = BTreeMap<String, GroupStat>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_fields() {
        let mut m = Metadata::default();
        m.add("metadata.csv", "", "doc_id,source,year\na.txt,RIA,2014\n")
            .unwrap();
        m.add(
            "news/metadata.csv",
            "news/",
            "doc_id,year,country\nb.txt,2025,RUS\n",
        )
        .unwrap();
        assert_eq!(m.columns, vec!["source", "year", "country"]);
        assert_eq!(m.values("news/b.txt"), vec!["", "2025", "RUS"]);
        assert_eq!(m.value("a.txt", "year"), Some("2014"));
        assert_eq!(
            GroupBy::Field("year".into()).group_of("news/b.txt", &m),
            "2025"
        );
        assert_eq!(
            GroupBy::Field("source".into()).group_of("news/b.txt", &m),
            NO_VALUE
        );
        assert_eq!(GroupBy::Folder(1).group_of("news/x/b.txt", &m), "news");
        assert_eq!(GroupBy::Folder(2).group_of("news/x/b.txt", &m), "news/x");
        assert_eq!(GroupBy::Folder(1).group_of("top.txt", &m), ROOT_GROUP);
        assert!(m.add("bad.csv", "", "id,source\n").is_err());
    }

    /// A document described twice, a column given twice and a row for no document are
    /// each named in a warning; the later values are the ones kept.
    #[test]
    fn what_a_table_says_twice_or_of_nothing_is_warned_of() {
        let mut m = Metadata::default();
        m.add(
            "metadata.csv",
            "",
            "doc_id,genre\na/x.txt,blog\n\nmissing.txt,news\n",
        )
        .unwrap();
        assert!(m.warnings.is_empty());
        m.add(
            "a/metadata.csv",
            "a/",
            "doc_id,genre,genre\nx.txt,news,column\n",
        )
        .unwrap();
        assert_eq!(m.value("a/x.txt", "genre"), Some("column"));
        let messages: Vec<String> = (m.warnings.iter())
            .map(|w| format!("{}: {}", w.file, w.message))
            .collect();
        assert_eq!(
            messages,
            [
                "a/metadata.csv: column `genre` is given twice; the later one's values are kept",
                "a/metadata.csv: line 2: `a/x.txt` is described again (first at metadata.csv:2); \
                 the values given here replace those",
            ]
        );
        let unmatched: Vec<String> = (m.unmatched(|id| id == "a/x.txt").iter())
            .map(|w| format!("{}: {}", w.file, w.message))
            .collect();
        assert_eq!(
            unmatched,
            [
                "metadata.csv: line 4: `missing.txt` is no document of the corpus; its values are not used"
            ]
        );
    }
}
