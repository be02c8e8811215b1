//! A document's date, from its metadata or its file name: what a name meant depends on
//! when it was written ("Moscow" in 1962 speaks for the Soviet Union; see
//! [`crate::entities::Periods`]).

use std::fmt;

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
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (with `-`, `/` or `.` between), the
    /// forms metadata tables and file names use; whatever follows a full date (a time,
    /// "T12:00") is ignored. `None` for anything else.
    pub fn parse(text: &str) -> Option<DocDate> {
        let (date, rest) = DocDate::leading(text.trim())?;
        // A year followed by more digits or letters is some other number ("19621", "1962a").
        match rest.chars().next() {
            Some(c) if c.is_ascii_alphanumeric() && !rest.starts_with('T') => None,
            _ => Some(date),
        }
    }

    /// The date a file name starts with ("1962-Kennedy.txt", "2019-01-04-Summit.txt",
    /// "1946_ARG.txt"), if any: a year is followed by `-`, `_`, `.` or a space. Only the
    /// last part of a path is read.
    pub fn from_file_name(doc_id: &str) -> Option<DocDate> {
        let name = doc_id.rsplit(['/', '\\']).next().unwrap_or(doc_id);
        let (date, rest) = DocDate::leading(name)?;
        rest.starts_with(['-', '_', '.', ' ']).then_some(date)
    }

    /// The date at the start of `text`, and what follows it.
    fn leading(text: &str) -> Option<(DocDate, &str)> {
        let digits = |s: &str, n: usize| {
            (s.len() >= n && s.as_bytes()[..n].iter().all(u8::is_ascii_digit))
                .then(|| s[..n].parse::<u16>().ok())
                .flatten()
        };
        let year = digits(text, 4).filter(|y| (1000..3000).contains(y))?;
        let mut date = DocDate {
            year,
            month: 7,
            day: 1,
        };
        let rest = &text[4..];
        let part = |s: &'_ str| -> Option<u16> {
            let s = s.strip_prefix(['-', '/', '.'])?;
            digits(s, 2).filter(|_| !s[2..].starts_with(|c: char| c.is_ascii_digit()))
        };
        let Some(month) = part(rest).filter(|m| (1..=12).contains(m)) else {
            return Some((date, rest));
        };
        (date.month, date.day) = (month as u8, 15);
        let rest = &rest[3..];
        let Some(day) = part(rest).filter(|d| (1..=31).contains(d)) else {
            return Some((date, rest));
        };
        date.day = day as u8;
        Some((date, &rest[3..]))
    }
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

/// How a run dated its documents, for run.json.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DatingReport {
    /// The metadata columns dates were read from, in order of preference.
    pub fields: Vec<String>,
    /// Documents dated by the metadata column.
    pub from_metadata: u64,
    /// Documents dated by their file name.
    pub from_file_name: u64,
    /// Documents without a date.
    pub undated: u64,
    /// Documents whose metadata value is not a date (the first few).
    pub unreadable: Vec<Unreadable>,
    /// How many values were not dates in all.
    pub unreadable_count: u64,
}

/// A metadata value that is not a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unreadable {
    /// The document it describes.
    pub doc_id: String,
    /// Its column.
    pub column: String,
    /// The value.
    pub value: String,
}

/// Values listed in [`DatingReport::unreadable`], at most.
const UNREADABLE_LISTED: usize = 5;

impl DatingReport {
    /// The run's warning about metadata values that are not dates, naming the first
    /// document: those documents are read as undated.
    pub fn warning(&self) -> Option<Warning> {
        let Unreadable {
            doc_id,
            column,
            value,
        } = self.unreadable.first()?;
        let others = match self.unreadable_count - 1 {
            0 => String::new(),
            1 => ", nor is 1 other document's".into(),
            n => format!(", nor are {n} other documents'"),
        };
        Some(Warning::new(
            doc_id,
            format!(
                "metadata `{column}` value `{value}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD){others}; undated, names are coded as today"
            ),
        ))
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
            Dating::Field(name) => find(name).into_iter().collect(),
            Dating::Off => Vec::new(),
        }
    }

    /// The date of document `doc_id`, and where it came from; `Err` with the column and
    /// its value when the metadata holds something that is not a date.
    pub fn date_of(
        &self,
        doc_id: &str,
        metadata: &Metadata,
    ) -> Result<Option<(DocDate, DateSource)>, (String, String)> {
        if *self == Dating::Off {
            return Ok(None);
        }
        let value = (self.fields(metadata).into_iter())
            .filter_map(|field| Some((field, metadata.value(doc_id, field)?.trim())))
            .find(|(_, value)| !value.is_empty());
        if let Some((field, value)) = value {
            return match DocDate::parse(value) {
                Some(date) => Ok(Some((date, DateSource::Metadata))),
                None => Err((field.to_string(), value.to_string())),
            };
        }
        Ok((*self == Dating::Auto)
            .then(|| DocDate::from_file_name(doc_id))
            .flatten()
            .map(|date| (date, DateSource::FileName)))
    }

    /// Dates every one of `doc_ids` as [`Dating::date_of`] does and counts how.
    pub fn report<'a>(
        &self,
        doc_ids: impl IntoIterator<Item = &'a str>,
        metadata: &Metadata,
    ) -> DatingReport {
        let mut report = DatingReport {
            fields: (self.fields(metadata).into_iter())
                .map(str::to_string)
                .collect(),
            ..DatingReport::default()
        };
        for doc_id in doc_ids {
            match self.date_of(doc_id, metadata) {
                Ok(Some((_, DateSource::Metadata))) => report.from_metadata += 1,
                Ok(Some((_, DateSource::FileName))) => report.from_file_name += 1,
                Ok(None) => report.undated += 1,
                Err((column, value)) => {
                    report.undated += 1;
                    report.unreadable_count += 1;
                    if report.unreadable.len() < UNREADABLE_LISTED {
                        (report.unreadable).push(Unreadable {
                            doc_id: doc_id.to_string(),
                            column,
                            value,
                        });
                    }
                }
            }
        }
        report
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
        ] {
            assert_eq!(DocDate::parse(text), None, "{text}");
        }
        // A month or day out of range is not read as one: the year alone stands.
        assert_eq!(DocDate::parse("1962-13"), Some(date(1962, 7, 1)));
        assert_eq!(DocDate::parse("1962-10-32"), Some(date(1962, 10, 15)));
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

        // Of `date` and `year`, the first with a value for the document.
        let mut both = Metadata::default();
        let table = "doc_id,year,date\na.txt,1946,1946-10-24\nb.txt,1962,\n";
        both.add("metadata.csv", "", table).unwrap();
        assert_eq!(auto.fields(&both), ["date", "year"]);
        let dated = |id| auto.date_of(id, &both).unwrap().map(|(d, _)| d.to_string());
        assert_eq!(dated("a.txt").as_deref(), Some("1946-10-24"));
        assert_eq!(dated("b.txt").as_deref(), Some("1962-07-01"));

        let report = auto.report(
            ["1946-ARG.txt", "1990-x.txt", "none.txt", "bad.txt"],
            &metadata,
        );
        assert_eq!(
            (report.from_metadata, report.from_file_name, report.undated),
            (1, 1, 2)
        );
        let unreadable = Unreadable {
            doc_id: "bad.txt".into(),
            column: "Year".into(),
            value: "soon".into(),
        };
        assert_eq!(report.unreadable, [unreadable]);
        let warning = report.warning().unwrap();
        assert_eq!(warning.file, "bad.txt");
        assert!(
            warning
                .message
                .contains("`Year` value `soon` is not a date")
        );
    }
}
