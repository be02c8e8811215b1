//! CSV data files that users give detente: lexicons, rule words, gazetteers, metadata and
//! coded sentences. One reader for all of them, so that each strips a byte-order mark,
//! skips blank rows and reports every problem as `file:line:column: message`.

use crate::error::Error;

/// A parsed CSV data file: its header and its non-blank rows with their 1-based lines.
pub struct DataFile {
    name: String,
    /// The header row.
    pub header: csv::StringRecord,
    /// The rows that are not blank, each with its line in the file.
    pub rows: Vec<(usize, csv::StringRecord)>,
}

impl DataFile {
    /// Reads `data`, named `name` in messages. Rows may have any number of fields.
    pub fn parse(name: &str, data: &str) -> Result<DataFile, Error> {
        let data = data.strip_prefix('\u{feff}').unwrap_or(data);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(data.as_bytes());
        let mut file = DataFile {
            name: name.to_string(),
            header: csv::StringRecord::new(),
            rows: Vec::new(),
        };
        file.header = reader
            .headers()
            .map_err(|e| file.error(1, 1, e.to_string()))?
            .clone();
        // Lines are counted from the records' byte offsets: the csv crate's own line count
        // misses a line at every CRLF line end (as Excel saves) and every blank line.
        let mut lines = LineCounter::default();
        // Where the last record starts: only it can hold a quoted field left open, which
        // runs to the end of the file.
        let mut last_start = 0;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| lines.line_at(data, p.byte()));
                file.error(line, 1, e.to_string())
            })?;
            if let Some(position) = record.position() {
                last_start = position.byte() as usize;
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = record
                .position()
                .map_or(0, |p| lines.line_at(data, p.byte()));
            file.rows.push((line, record));
        }
        let tail = (data.get(last_start..).unwrap_or("")).trim_start_matches(['\r', '\n']);
        if let Some((line, column)) = unclosed_quote(tail) {
            let line = line + lines.line_at(data, (data.len() - tail.len()) as u64) - 1;
            return Err(file.error(
                line,
                column,
                "a quoted field is never closed: its `\"` opens a cell that would run to \
                 the end of the file, taking in every row after it (close it, or double a \
                 quote inside a cell as `\"\"`)",
            ));
        }
        Ok(file)
    }

    /// Checks that the header starts with exactly these columns.
    pub fn expect_header(&self, want: &[&str]) -> Result<(), Error> {
        // A file saved with tabs or semicolons (Excel's CSV where the comma is the decimal
        // mark) reads as one column whose name holds every column: say what to change,
        // rather than that the first column is not what it plainly seems to be.
        if let [only] = self.header.iter().collect::<Vec<_>>()[..]
            && want.len() > 1
            && let Some(name) = [('\t', "tabs"), (';', "semicolons")]
                .into_iter()
                .find_map(|(separator, name)| only.contains(separator).then_some(name))
        {
            return Err(self.error(
                1,
                1,
                format!(
                    "the header `{}` is one column with {name} in it: the file's columns are \
                     separated by {name}, and detente reads comma-separated files; save it \
                     with commas (in Excel, as \"CSV UTF-8 (Comma delimited)\"); expected \
                     header `{}`",
                    only.escape_debug(),
                    want.join(",")
                ),
            ));
        }
        for (i, column) in want.iter().enumerate() {
            if self.header.get(i).map(str::trim) != Some(*column) {
                return Err(self.error(
                    1,
                    i + 1,
                    format!(
                        "expected header column {} to be `{column}` (the header is `{}`; \
                         expected `{}`)",
                        i + 1,
                        self.header.iter().collect::<Vec<_>>().join(","),
                        want.join(",")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Index of the column named `want` (case-insensitive), if any.
    pub fn column(&self, want: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(want))
    }

    /// An error at `line`, `column` of this file.
    pub fn error(&self, line: usize, column: usize, message: impl Into<String>) -> Error {
        Error::Data {
            file: self.name.clone(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// The line and column (1-based, within `record`) of a quoted field that `record`, the
/// rest of a CSV file from a record's start, opens and never closes. The csv crate reads
/// such a field to the end of the file without an error, so one stray `"` would silently
/// turn every later row into text of one cell. Quoting is read as the csv crate reads it:
/// a `"` opens a field only at the field's start, and `""` inside one is a quote.
fn unclosed_quote(record: &str) -> Option<(usize, usize)> {
    let (mut line, mut column) = (1, 1);
    let mut field_start = true;
    let mut opened = None;
    let mut bytes = record.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if byte == b'\n' {
            line += 1;
        }
        if opened.is_some() {
            if byte == b'"' && bytes.next_if_eq(&b'"').is_none() {
                opened = None;
            }
            continue;
        }
        match byte {
            b'"' if field_start => opened = Some((line, column)),
            b',' => column += 1,
            b'\n' | b'\r' => column = 1,
            _ => {}
        }
        field_start = matches!(byte, b',' | b'\n' | b'\r');
    }
    opened
}

/// The 1-based line of byte offsets met in increasing order, counted on from the last.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The line of the record at `byte`. The csv crate may place a record at the line
    /// ends before it (the LF of a CRLF, a blank line): they are passed over.
    fn line_at(&mut self, data: &str, byte: u64) -> usize {
        let byte = (byte as usize).min(data.len());
        let ends = data.as_bytes()[byte..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let byte = byte + ends;
        if byte < self.byte {
            *self = LineCounter::default();
        }
        self.line += memchr::memchr_iter(b'\n', &data.as_bytes()[self.byte..byte]).count();
        self.byte = byte;
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_blank_rows_and_positions() {
        let f = DataFile::parse("x.csv", "\u{feff}a,b\n1,2\n,\n\"3\n3\",4\n").unwrap();
        assert_eq!(&f.header[0], "a");
        let lines: Vec<usize> = f.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(f.column("B"), Some(1));
        let e = f.expect_header(&["a", "c"]).unwrap_err().to_string();
        assert_eq!(
            e,
            "x.csv:1:2: expected header column 2 to be `c` (the header is `a,b`; expected `a,c`)"
        );
    }

    /// A lexicon saved with tabs, or with semicolons as Excel saves "CSV" where the comma
    /// is the decimal mark, is one column to a comma-separated reader: the message says
    /// so, rather than that the first column is not `term`.
    #[test]
    fn a_header_separated_by_tabs_or_semicolons_is_named_as_such() {
        let want = ["term", "polarity", "class", "intensity", "notes"];
        for (data, name, shown) in [
            ("term\tpolarity\ttruce\n", "tabs", "term\\tpolarity"),
            (
                "term;polarity;class\ntruce;cooperative;verbal\n",
                "semicolons",
                "term;polarity;class",
            ),
        ] {
            let e = DataFile::parse("x.csv", data).unwrap().expect_header(&want);
            let e = e.unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("x.csv:1:1: the header `{shown}")),
                "{e}"
            );
            assert!(e.contains(&format!("separated by {name}")), "{e}");
            assert!(
                e.ends_with("expected header `term,polarity,class,intensity,notes`"),
                "{e}"
            );
        }
        // A comma-separated header that is merely wrong keeps the plain message.
        let e = DataFile::parse("x.csv", "word,polarity\n")
            .unwrap()
            .expect_header(&want);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("expected header column 1 to be `term`")
        );
    }

    /// As Excel saves a file: CRLF line ends, and blank lines between rows.
    #[test]
    fn lines_are_counted_over_crlf_and_blank_lines() {
        let data = "a,b\r\n1,2\r\n\r\n\r\n3,4\r\n\"5\r\n5\",6\r\n7,8\r\n";
        let f = DataFile::parse("x.csv", data).unwrap();
        let lines: Vec<usize> = f.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 5, 6, 8]);
        let lf = DataFile::parse("x.csv", "a,b\n\n\n1,2\n\n3,4\n").unwrap();
        let lines: Vec<usize> = lf.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![4, 6]);
    }

    /// A note that opens a quote and never closes it, as a hand-edited lexicon has it: the
    /// csv crate would read the two rows after it into the note, and the file would load
    /// one term of three without a word. It is named where the quote opens instead.
    #[test]
    fn a_quoted_field_left_open_is_named_where_it_opens() {
        let head = "term,polarity,class,intensity,notes\r\n";
        let open = format!(
            "{head}rapprochement,cooperative,verbal,3,\"as in \"\"thaw\r\n\r\n\
             blockade,conflictual,material,5,\r\nembargo,conflictual,material,5,\r\n"
        );
        let e = DataFile::parse("lex.csv", &open).err().unwrap().to_string();
        assert!(
            e.starts_with("lex.csv:2:5: a quoted field is never closed"),
            "{e}"
        );
        let header = DataFile::parse("h.csv", "text,\"label\nx,y\n")
            .err()
            .unwrap();
        assert!(header.to_string().starts_with("h.csv:1:2: "), "{header}");
        // Closed quotes, doubled quotes, line breaks inside quotes and a quote inside an
        // unquoted cell (12" guns) are read as before.
        let fine = format!(
            "{head}\"cease-fire\",cooperative,verbal,3,\"a \"\"truce\"\",\nspan\"\r\n\
             shelling,conflictual,material,6,12\" guns\r\n\"\"\"quoted\"\"\",neutral,verbal,1,\r\n"
        );
        let f = DataFile::parse("fine.csv", &fine).unwrap();
        let lines: Vec<usize> = f.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4, 5]);
        assert_eq!(&f.rows[1].1[4], "12\" guns");
    }
}
