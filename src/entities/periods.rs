//! Country codes by date: within a period, the names of one state spoke for the union it
//! was then the core of ("Moscow" in a 1962 speech is the Soviet Union, as "Soviet Union"
//! in the same speech is), so that a document's mentions of one actor share one code and
//! its country dyads are not split between `SUN` and `RUS`.

use crate::datafile::DataFile;
use crate::dates::DocDate;
use crate::error::Error;

/// The built-in periods (`data/gazetteer/periods.csv`, documented in the gazetteer's
/// README).
pub const BUILTIN_PERIODS: &str = include_str!("../../data/gazetteer/periods.csv");

/// One state's code read as another's between two dates, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Period {
    country: String,
    from: DocDate,
    until: DocDate,
    code: String,
    /// The line of its file, to name where two periods overlap.
    line: usize,
}

/// Periods in which a country code is read as another (`country,from,until,as`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Periods {
    periods: Vec<Period>,
}

impl Periods {
    /// The built-in periods.
    pub fn builtin() -> Periods {
        let mut periods = Periods::default();
        (periods.add("built-in:data/gazetteer/periods.csv", BUILTIN_PERIODS))
            .expect("built-in periods are valid");
        periods
    }

    /// Adds the rows of a periods CSV named `name` in errors (`country,from,until,as`;
    /// columns after `as` are notes) and says how many it read. A file's rows for a
    /// country replace every period held for it, as a gazetteer's row replaces the entity
    /// of its name: a file redraws a built-in period whole (the Soviet years to 1991-12-25)
    /// or turns it off (a row that reads the country as itself). Two periods of a country
    /// that overlap would make its code depend on their order: an error naming both lines.
    pub fn add(&mut self, name: &str, data: &str) -> Result<usize, Error> {
        let header = ["country", "from", "until", "as"];
        let file = DataFile::parse(name, data)?;
        file.expect_header(&header)?;
        let mut periods: Vec<Period> = Vec::new();
        for (line, record) in &file.rows {
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let code = |i: usize| {
                let code = field(i);
                match super::gazetteer::is_alpha3(code) {
                    true => Ok(code.to_string()),
                    false => Err(file.error(
                        *line,
                        i + 1,
                        format!("`{code}` is not an ISO 3166 alpha-3 code"),
                    )),
                }
            };
            let date = |i: usize| {
                DocDate::parse(field(i)).ok_or_else(|| {
                    let message = format!("`{}` is not a date (YYYY-MM-DD)", field(i));
                    file.error(*line, i + 1, message)
                })
            };
            let period = Period {
                country: code(0)?,
                from: date(1)?,
                until: date(2)?,
                code: code(3)?,
                line: *line,
            };
            if period.from > period.until {
                return Err(file.error(*line, 3, "the period ends before it starts"));
            }
            if let Some(other) = periods.iter().find(|p| {
                p.country == period.country && p.from <= period.until && period.from <= p.until
            }) {
                let message = format!(
                    "`{}` from {} to {} overlaps its period on line {} ({} to {})",
                    period.country, period.from, period.until, other.line, other.from, other.until
                );
                return Err(file.error(*line, 2, message));
            }
            periods.push(period);
        }
        let rows = periods.len();
        (self.periods).retain(|held| !periods.iter().any(|p| p.country == held.country));
        self.periods.extend(periods);
        Ok(rows)
    }

    /// The code `country` stands for on `date`, if a period says it is another.
    pub fn code_on(&self, country: &str, date: DocDate) -> Option<&str> {
        (self.periods.iter())
            .find(|p| p.country == country && (p.from..=p.until).contains(&date))
            .map(|p| p.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(date: &str) -> DocDate {
        DocDate::parse(date).unwrap()
    }

    #[test]
    fn russia_speaks_for_the_soviet_union_in_its_years_only() {
        let periods = Periods::builtin();
        for date in ["1923", "1962-10-22", "1989", "1990-06-11"] {
            assert_eq!(periods.code_on("RUS", on(date)), Some("SUN"), "{date}");
        }
        // The Russian Empire before, the Russian republic after its declaration of
        // sovereignty (a 1991 speech names Russia beside the Soviet Union).
        for date in ["1904", "1922-12-29", "1990-06-12", "1991", "2014"] {
            assert_eq!(periods.code_on("RUS", on(date)), None, "{date}");
        }
        assert_eq!(periods.code_on("SRB", on("1961")), Some("YUG"));
        assert_eq!(periods.code_on("SRB", on("1995")), None);
        assert_eq!(periods.code_on("CZE", on("1968-08")), Some("CSK"));
        assert_eq!(periods.code_on("USA", on("1962")), None);
    }

    #[test]
    fn a_bad_row_is_named_by_line_and_column() {
        let bad = |data: &str| {
            let mut periods = Periods::builtin();
            let error = periods.add("p.csv", data).unwrap_err().to_string();
            // Refused whole: the built-in periods are as they were.
            assert_eq!(periods, Periods::builtin(), "{data}");
            error
        };
        let head = "country,from,until,as\n";
        assert!(bad(&format!("{head}Russia,1922,1990,SUN\n")).contains("p.csv:2:1"));
        assert!(bad(&format!("{head}RUS,1922,soon,SUN\n")).contains("p.csv:2:3"));
        assert!(bad(&format!("{head}RUS,1990,1922,SUN\n")).contains("ends before"));
        assert!(bad("state,from,until,as\n").contains("p.csv:1:1"));
        let overlap = bad(&format!(
            "{head}SRB,1918-12-01,1991-06-24,YUG\n\nSRB,1991-06-24,2006-06-05,SCG\n"
        ));
        assert!(
            overlap.contains(
                "p.csv:4:2: `SRB` from 1991-06-24 to 2006-06-05 overlaps its period on line 2"
            ),
            "{overlap}"
        );
    }

    /// A file's rows for a country replace the periods held for it; other countries' stay.
    #[test]
    fn added_periods_redraw_or_turn_off_a_countrys_and_add_new_ones() {
        let mut periods = Periods::builtin();
        let file = "country,from,until,as,why\n\
                    RUS,1922-12-30,1991-12-25,SUN,to the union's end\n\
                    SRB,1918-12-01,1991-06-24,YUG,\n\
                    SRB,1992-04-27,2006-06-05,SCG,Serbia and Montenegro\n\
                    CZE,1918-10-28,1992-12-31,CZE,turned off\n";
        assert_eq!(periods.add("mine.csv", file).unwrap(), 4);
        assert_eq!(periods.code_on("RUS", on("1991-08")), Some("SUN"));
        assert_eq!(periods.code_on("RUS", on("1992")), None);
        assert_eq!(periods.code_on("SRB", on("1961")), Some("YUG"));
        assert_eq!(periods.code_on("SRB", on("1999")), Some("SCG"));
        assert_eq!(periods.code_on("CZE", on("1968")), Some("CZE"));
        // A later file redraws what an earlier one drew; the rest stays.
        let later = "country,from,until,as\nRUS,1922-12-30,1990-06-11,SUN\n";
        assert_eq!(periods.add("later.csv", later).unwrap(), 1);
        assert_eq!(periods.code_on("RUS", on("1991-08")), None);
        assert_eq!(periods.code_on("SRB", on("1999")), Some("SCG"));
    }
}
