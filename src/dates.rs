//! A document's date, from its metadata or its file name: what a name meant depends on
//! when it was written ("Moscow" in 1962 speaks for the Soviet Union; see
//! [`crate::entities::Periods`]).

use std::fmt;

use rustc_hash::FxHashMap;

use crate::error::Warning;
use crate::groups::Metadata;

/// A calendar date. A date given only to the year or the month is taken as its middle
/// (1 July, the 15th), so that it falls in a period that covers most of that year or
/// month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocDate {
    /// Year, 1000 to 2999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

impl DocDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (with `-`, `/`, `.` or `_` between, a month
    /// or day of one or two digits), the forms metadata tables use; a time after a full
    /// date ("T12:00", " 12:00") is ignored, and so is the ".0" a spreadsheet adds to a year
    /// it stored as a number. `None` for anything else, a month or day out of range
    /// included ("1962-13"): such a value is reported, not read as its year.
    pub fn parse(text: &str) -> Option<DocDate> {
        let (date, parts, rest) = DocDate::leading(text.trim())?;
        match (parts, rest) {
            (_, "") | (1, ".0") => Some(date),
            (3, _) if rest.starts_with(['T', ' ']) => Some(date),
            _ => None,
        }
    }

    /// The date a file name starts with ("1962-Kennedy.txt", "2019-01-04-Summit.txt",
    /// "1990_01_05_speech.txt", "1946_ARG.txt"), if any: the date is followed by `-`, `_`,
    /// `.` or a space. Only the last part of a path is read.
    pub fn from_file_name(doc_id: &str) -> Option<DocDate> {
        let name = doc_id.rsplit(['/', '\\']).next().unwrap_or(doc_id);
        let (date, _, rest) = DocDate::leading(name)?;
        rest.starts_with(['-', '_', '.', ' ']).then_some(date)
    }

    /// The date at the start of `text`, how many of its parts were read (1: the year, 2:
    /// and the month, 3: and the day), and what follows it.
    fn leading(text: &str) -> Option<(DocDate, u8, &str)> {
        let year_digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let year = (year_digits == 4)
            .then(|| text[..4].parse::<u16>().ok())
            .flatten()
            .filter(|y| (1000..3000).contains(y))?;
        let mut date = DocDate {
            year,
            month: 7,
            day: 1,
        };
        let rest = &text[4..];
        let Some((month, after_month)) = part(rest).filter(|(m, _)| (1..=12).contains(m)) else {
            return Some((date, 1, rest));
        };
        (date.month, date.day) = (month, 15);
        let Some((day, after_day)) = part(after_month).filter(|(d, _)| (1..=31).contains(d)) else {
            return Some((date, 2, after_month));
        };
        date.day = day;
        Some((date, 3, after_day))
    }
}

/// A month or day at the start of `s`: a separator and one or two digits; with what
/// follows.
fn part(s: &str) -> Option<(u8, &str)> {
    let s = s.strip_prefix(['-', '/', '.', '_'])?;
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let value = (1..=2)
        .contains(&n)
        .then(|| s[..n].parse().ok())
        .flatten()?;
    Some((value, &s[n..]))
}

impl fmt::Display for DocDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Where documents' dates are read from (`--date-field`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Dating {
    /// The metadata columns named `date` and `year` (any case), the first that has a
    /// value for the document, else the year its file name starts with.
    #[default]
    Auto,
    /// This metadata column only.
    Field(String),
    /// Documents are not dated.
    Off,
}

/// Where one document's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// A metadata column.
    Metadata,
    /// The start of the file name.
    FileName,
}

/// How a run dated its documents, for run.json. Only documents analysed count: a file
/// skipped as unreadable is no document of the run, so that the counts add up to the
/// report's `documents`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatingReport {
    /// The metadata columns dates were read from, in order of preference.
    pub fields: Vec<String>,
    /// Documents dated by the metadata column.
    pub from_metadata: u64,
    /// Documents dated by their file name.
    pub from_file_name: u64,
    /// Documents without a date.
    pub undated: u64,
    /// Documents undated because their metadata value is not a date (each is a warning).
    pub unreadable: u64,
}

impl DatingReport {
    /// Adds the counts of another share of the same run, so that a merge reports what one
    /// run over the whole corpus does. The shares of a run read the same metadata with the
    /// same options, so their `fields` are the same; a share's are kept.
    pub fn add(&mut self, other: DatingReport) {
        if self.fields.is_empty() {
            self.fields = other.fields;
        }
        self.from_metadata += other.from_metadata;
        self.from_file_name += other.from_file_name;
        self.undated += other.undated;
        self.unreadable += other.unreadable;
    }
}

/// The dates of a corpus's documents, as [`Dating::date_all`] found them, counted as the
/// documents are analysed ([`Dated::count`]).
#[derive(Debug, Clone, Default)]
pub struct Dated {
    /// The metadata columns dates were read from, in order of preference.
    pub fields: Vec<String>,
    /// Each dated document's date and where it came from, by id.
    pub dates: FxHashMap<String, (DocDate, DateSource)>,
    /// The warning for each document whose metadata value is not a date, by id.
    pub unreadable: FxHashMap<String, Warning>,
}

impl Dated {
    /// The date of document `doc_id`, if it has one.
    pub fn date(&self, doc_id: &str) -> Option<DocDate> {
        self.dates.get(doc_id).map(|&(date, _)| date)
    }

    /// An empty report of this dating, for [`Dated::count`] to count documents in.
    pub fn report(&self) -> DatingReport {
        DatingReport {
            fields: self.fields.clone(),
            ..DatingReport::default()
        }
    }

    /// Counts the analysed document `doc_id` in `report`, and gives its warning if its
    /// metadata value is not a date (so that each such warning is one of `unreadable`).
    pub fn count(&self, doc_id: &str, report: &mut DatingReport) -> Option<Warning> {
        match self.dates.get(doc_id) {
            Some((_, DateSource::Metadata)) => report.from_metadata += 1,
            Some((_, DateSource::FileName)) => report.from_file_name += 1,
            None => report.undated += 1,
        }
        let warning = self.unreadable.get(doc_id).cloned();
        report.unreadable += u64::from(warning.is_some());
        warning
    }
}

impl Dating {
    /// The metadata columns this dating reads that `metadata` has, in order of preference.
    pub fn fields<'m>(&self, metadata: &'m Metadata) -> Vec<&'m str> {
        let find = |name: &str| {
            (metadata.columns.iter())
                .find(|c| c.eq_ignore_ascii_case(name))
                .map(String::as_str)
        };
        match self {
            Dating::Auto => ["date", "year"].into_iter().filter_map(find).collect(),
            // As `--by` takes a column: by its exact name.
            Dating::Field(name) => (metadata.columns.iter())
                .filter(|c| *c == name)
                .map(String::as_str)
                .collect(),
            Dating::Off => Vec::new(),
        }
    }

    /// The date of document `doc_id`, and where it came from: the first of the columns'
    /// values that is a date, else (with [`Dating::Auto`]) the file name's. `Err` with the
    /// column and its value when nothing dates the document but the metadata holds a
    /// value that is not a date.
    pub fn date_of(
        &self,
        doc_id: &str,
        metadata: &Metadata,
    ) -> Result<Option<(DocDate, DateSource)>, (String, String)> {
        if *self == Dating::Off {
            return Ok(None);
        }
        let mut unreadable = None;
        for field in self.fields(metadata) {
            let Some(value) = metadata.value(doc_id, field).map(str::trim) else {
                continue;
            };
            match DocDate::parse(value) {
                Some(date) => return Ok(Some((date, DateSource::Metadata))),
                None => {
                    unreadable.get_or_insert_with(|| (field.to_string(), value.to_string()));
                }
            }
        }
        let named = (*self == Dating::Auto)
            .then(|| DocDate::from_file_name(doc_id))
            .flatten();
        match (named, unreadable) {
            (Some(date), _) => Ok(Some((date, DateSource::FileName))),
            (None, Some(unreadable)) => Err(unreadable),
            (None, None) => Ok(None),
        }
    }

    /// Dates every one of `doc_ids` as [`Dating::date_of`] does, once, with a warning for
    /// each document whose metadata value is not a date (one per document, so that shards
    /// merged give the warnings of one run).
    pub fn date_all<'a>(
        &self,
        doc_ids: impl IntoIterator<Item = &'a str>,
        metadata: &Metadata,
    ) -> Dated {
        let mut dated = Dated {
            fields: (self.fields(metadata).into_iter())
                .map(str::to_string)
                .collect(),
            ..Dated::default()
        };
        for doc_id in doc_ids {
            match self.date_of(doc_id, metadata) {
                Ok(Some(date)) => {
                    dated.dates.insert(doc_id.to_string(), date);
                }
                Ok(None) => {}
                Err((column, value)) => {
                    let warning = Warning::new(
                        doc_id,
                        format!(
                            "metadata `{column}` value `{value}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD); undated, its names are coded as today"
                        ),
                    );
                    dated.unreadable.insert(doc_id.to_string(), warning);
                }
            }
        }
        dated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> DocDate {
        DocDate { year, month, day }
    }

    #[test]
    fn dates_are_read_to_the_year_month_or_day() {
        assert_eq!(DocDate::parse("1962"), Some(date(1962, 7, 1)));
        assert_eq!(DocDate::parse("1962-10"), Some(date(1962, 10, 15)));
        assert_eq!(DocDate::parse("1962-10-22"), Some(date(1962, 10, 22)));
        assert_eq!(DocDate::parse(" 1991/12/26 "), Some(date(1991, 12, 26)));
        assert_eq!(DocDate::parse("2019.01.04"), Some(date(2019, 1, 4)));
        assert_eq!(DocDate::parse("1990-1-5"), Some(date(1990, 1, 5)));
        assert_eq!(DocDate::parse("1990_01"), Some(date(1990, 1, 15)));
        assert_eq!(DocDate::parse("1962.0"), Some(date(1962, 7, 1)));
        assert_eq!(DocDate::parse("1962-10-22 12:00"), Some(date(1962, 10, 22)));
        assert_eq!(
            DocDate::parse("2019-01-04T12:00:00Z"),
            Some(date(2019, 1, 4))
        );
    }

    #[test]
    fn what_is_not_a_date_is_refused() {
        for text in [
            "",
            "n/a",
            "62",
            "19621",
            "1962a",
            "0962",
            "3001",
            "October 1962",
            // A month or day out of range is reported, not read as the year alone.
            "1962-13",
            "1962-10-32",
            "1962-100",
            "1962 AD",
            "22/10/1962",
        ] {
            assert_eq!(DocDate::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_file_name_dates_its_document_only_by_a_leading_year_and_a_separator() {
        let of = DocDate::from_file_name;
        assert_eq!(of("sotu/1962-Kennedy.txt"), Some(date(1962, 7, 1)));
        assert_eq!(
            of("wikinews/2019-01-04-Summit_ends.txt"),
            Some(date(2019, 1, 4))
        );
        assert_eq!(of("ungdc/1946_ARG.txt"), Some(date(1946, 7, 1)));
        assert_eq!(of("1990_01_05_speech.txt"), Some(date(1990, 1, 5)));
        assert_eq!(of("1990-1-5-speech.txt"), Some(date(1990, 1, 5)));
        assert_eq!(of("1984.txt"), Some(date(1984, 7, 1)));
        for name in [
            "2019/report.txt",
            "news/report-1962.txt",
            "19621-notes.txt",
            "1962notes.txt",
        ] {
            assert_eq!(of(name), None, "{name}");
        }
    }

    #[test]
    fn dates_come_from_the_date_or_year_column_then_the_file_name() {
        let mut metadata = Metadata::default();
        let table = "doc_id,Year,speaker\n1946-ARG.txt,1946,A\nnone.txt,,B\nbad.txt,soon,C\n";
        metadata.add("metadata.csv", "", table).unwrap();
        let auto = Dating::Auto;
        assert_eq!(auto.fields(&metadata), ["Year"]);
        assert_eq!(
            auto.date_of("1946-ARG.txt", &metadata),
            Ok(Some((date(1946, 7, 1), DateSource::Metadata)))
        );
        assert_eq!(
            auto.date_of("1990-x.txt", &metadata),
            Ok(Some((date(1990, 7, 1), DateSource::FileName)))
        );
        assert_eq!(auto.date_of("none.txt", &metadata), Ok(None));
        assert_eq!(
            auto.date_of("bad.txt", &metadata),
            Err(("Year".into(), "soon".into()))
        );
        // A named column is the only source; `Off` dates nothing.
        let named = Dating::Field("speaker".into());
        assert_eq!(named.date_of("1990-x.txt", &metadata), Ok(None));
        assert_eq!(Dating::Off.date_of("1946-ARG.txt", &metadata), Ok(None));

        // A column is taken by its exact name, as `--by` takes it.
        assert_eq!(
            Dating::Field("year".into()).fields(&metadata),
            [] as [&str; 0]
        );

        // Of `date` and `year`, the first whose value is a date, then the file name; a
        // value that is no date is reported only when nothing dates the document.
        let mut both = Metadata::default();
        let table = "doc_id,year,date\na.txt,1946,1946-10-24\nb.txt,1962,\n\
                     c.txt,1962,unknown\n1963-d.txt,,unknown\ne.txt,,unknown\n";
        both.add("metadata.csv", "", table).unwrap();
        assert_eq!(auto.fields(&both), ["date", "year"]);
        let dated = |id| {
            auto.date_of(id, &both)
                .map(|d| d.map(|(d, _)| d.to_string()))
        };
        assert_eq!(dated("a.txt"), Ok(Some("1946-10-24".into())));
        assert_eq!(dated("b.txt"), Ok(Some("1962-07-01".into())));
        assert_eq!(dated("c.txt"), Ok(Some("1962-07-01".into())));
        assert_eq!(dated("1963-d.txt"), Ok(Some("1963-07-01".into())));
        assert_eq!(dated("e.txt"), Err(("date".into(), "unknown".into())));

        let ids = ["1946-ARG.txt", "1990-x.txt", "none.txt", "bad.txt"];
        let dated = auto.date_all(ids, &metadata);
        assert_eq!(dated.dates.len(), 2);
        assert_eq!(dated.date("1990-x.txt"), Some(date(1990, 7, 1)));
        assert_eq!(dated.date("none.txt"), None);
        let mut report = dated.report();
        assert_eq!(report.fields, ["Year"]);
        let warnings: Vec<Warning> = (ids.iter())
            .filter_map(|id| dated.count(id, &mut report))
            .collect();
        assert_eq!(
            (report.from_metadata, report.from_file_name, report.undated),
            (1, 1, 2)
        );
        assert_eq!(report.unreadable, 1);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].file, "bad.txt");
        assert!(
            warnings[0]
                .message
                .contains("`Year` value `soon` is not a date")
        );
        // Only what is counted is reported: a document left out (a file skipped as
        // unreadable) is in no count, and its value gives no warning.
        let mut report = dated.report();
        assert!(dated.count("1946-ARG.txt", &mut report).is_none());
        assert_eq!(
            (report.from_metadata, report.undated, report.unreadable),
            (1, 0, 0)
        );
        // Shares' counts add up to the whole's.
        let mut share = dated.report();
        dated.count("bad.txt", &mut share);
        report.add(share);
        assert_eq!(
            (report.from_metadata, report.undated, report.unreadable),
            (1, 1, 1)
        );
    }
}
