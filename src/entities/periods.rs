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
}

/// Periods in which a country code is read as another (`country,from,until,as`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Periods {
    periods: Vec<Period>,
}

impl Periods {
    /// The built-in periods.
    pub fn builtin() -> Periods {
        Periods::parse("built-in:data/gazetteer/periods.csv", BUILTIN_PERIODS)
            .expect("built-in periods are valid")
    }

    /// Reads a periods CSV named `name` in errors. Columns after `as` are notes.
    pub fn parse(name: &str, data: &str) -> Result<Periods, Error> {
        let header = ["country", "from", "until", "as"];
        let file = DataFile::parse(name, data)?;
        file.expect_header(&header)?;
        let mut periods = Vec::new();
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
            };
            if period.from > period.until {
                return Err(file.error(*line, 3, "the period ends before it starts"));
            }
            periods.push(period);
        }
        Ok(Periods { periods })
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
        let bad = |data: &str| Periods::parse("p.csv", data).unwrap_err().to_string();
        let head = "country,from,until,as\n";
        assert!(bad(&format!("{head}Russia,1922,1990,SUN\n")).contains("p.csv:2:1"));
        assert!(bad(&format!("{head}RUS,1922,soon,SUN\n")).contains("p.csv:2:3"));
        assert!(bad(&format!("{head}RUS,1990,1922,SUN\n")).contains("ends before"));
        assert!(bad("state,from,until,as\n").contains("p.csv"));
    }
}
