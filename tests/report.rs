//! End-to-end tests of `detente report`: the real binary analyses a corpus, then writes
//! report.html and detente.xlsx, which are read back (the workbook with calamine).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

/// Reads a CSV file into a header and rows keyed by column name.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// The title has every character HTML must escape; the file name has some too.
const TRICKY_DOC: &str = "notes/Q&A <draft>.md";
const TRICKY_TITLE: &str = r#"Talks & "Tensions" <Geneva> 'now'"#;

/// A small corpus: a markdown document with three sections (one titled "2014", which
/// must stay text in the workbook), one cooperative and one conflictual, and a plain text.
fn small_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("notes")).unwrap();
    fs::write(
        dir.path().join(TRICKY_DOC),
        format!(
            "# {TRICKY_TITLE}\n\nRussia and the United States agreed to resume talks in Geneva.\n\n\
## 2014\n\nRussia annexed Crimea, and the United States imposed economic sanctions. Troops clashed near the border.\n\n\
## Outlook\n\nBoth sides welcomed the agreement and pledged to cooperate on arms control.\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("brief.txt"),
        "Ministers met in Vienna.\n\nThey agreed to cooperate on trade, but tensions over sanctions remain.\n",
    )
    .unwrap();
    dir
}

/// Runs `analyze` then `report --xlsx` into a fresh output folder.
fn analyze_and_report(corpus: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let status = detente()
        .arg("analyze")
        .arg(corpus)
        .arg("-o")
        .arg(out.path())
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    report(out.path());
    out
}

fn report(out: &Path) {
    let run = detente()
        .arg("report")
        .arg(out)
        .arg("--xlsx")
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let printed = String::from_utf8(run.stdout).unwrap();
    assert!(printed.contains("report.html") && printed.contains("detente.xlsx"));
}

/// The header row of a worksheet, as text.
fn first_row(sheet: &calamine::Range<Data>) -> Vec<String> {
    sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The `<svg …>…</svg>` whose opening tag contains `marker`.
fn svg_with<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let start = html[..at].rfind("<svg").unwrap();
    let end = at + html[at..].find("</svg>").unwrap();
    &html[start..end]
}

fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Sections of `doc` in sections.csv, in order.
fn sections_of(out: &Path, doc: &str) -> Vec<BTreeMap<String, String>> {
    read_csv(&out.join("sections.csv"))
        .1
        .into_iter()
        .filter(|r| r["doc_id"] == doc)
        .collect()
}

/// Every tag's text (`<…>`), where URLs would be fetched or followed.
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .collect()
}

#[test]
fn html_report_charts_each_section_and_escapes_titles() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    let html = fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));

    // One bar per section of the known document, on the side of its tone.
    let sections = sections_of(out.path(), TRICKY_DOC);
    assert_eq!(sections.len(), 3, "{sections:?}");
    let svg = svg_with(&html, &format!("data-doc=\"{}\"", escaped(TRICKY_DOC)));
    assert_eq!(svg.matches("class=\"bar ").count(), sections.len());
    let tone = |r: &BTreeMap<String, String>| r["tone"].parse::<f64>().unwrap();
    let negative = sections.iter().filter(|r| tone(r) < 0.0).count();
    let positive = sections.iter().filter(|r| tone(r) > 0.0).count();
    assert!(negative >= 1 && positive >= 1, "{sections:?}");
    assert_eq!(svg.matches("class=\"bar conf\"").count(), negative);
    assert_eq!(svg.matches("class=\"bar coop\"").count(), positive);
    assert!(svg.contains("<title"), "accessible name");
    assert!(svg.contains("viewBox="));

    // Titles and ids escaped, never raw.
    assert!(html.contains(&escaped(TRICKY_TITLE)));
    assert!(html.contains(&escaped(TRICKY_DOC)));
    assert!(!html.contains("<Geneva>") && !html.contains("<draft>"));

    // Self-contained: no script, no external resource, links only within the page.
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("@import") && !html.contains("url(http"));
    for tag in tags(&html) {
        assert!(
            !tag.contains("http://") && !tag.contains("https://"),
            "external reference in <{tag}>"
        );
        assert!(!tag.contains(" src="), "<{tag}>");
        if let Some(i) = tag.find("href=\"") {
            assert!(tag[i + 6..].starts_with('#'), "<{tag}>");
        }
    }

    // Every chart has its data as a captioned table below it.
    let figures = html.matches("<figure>").count();
    assert!(
        figures >= 5,
        "documents, 2 section charts, entities, dyads, phrases"
    );
    let data_captions = html.matches("<caption>Data: ").count();
    assert_eq!(data_captions, figures);
    for (i, part) in html.split("</figure>").enumerate().skip(1) {
        let next_figure = part.find("<figure>").unwrap_or(part.len());
        assert!(
            part[..next_figure].contains("<table>"),
            "figure {i} has no table after it"
        );
    }
    // Responsive and printable.
    assert!(html.contains("name=\"viewport\""));
    assert!(html.contains("@media print"));

    // analyze writes groups.csv and the interval columns, so both are charted.
    assert!(html.contains("id=\"groups\""));
    assert!(html.contains("class=\"ci\""));
    // No temporary file is left behind.
    for entry in fs::read_dir(out.path()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[test]
fn optional_groups_intervals_and_dyad_levels_are_shown_when_present() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    // analyze writes intervals and dyad levels; groups.csv is replaced by one with a
    // name that needs escaping and intervals on every row.
    fs::write(
        out.path().join("groups.csv"),
        "group,documents,sections,sentences,tokens,coop,conflict,tone,logit_tone,tone_ci_low,tone_ci_high\r\n\
notes,1,3,4,40,8.000,12.000,-0.2000,-0.4,-0.5000,0.1000\r\n\
<root>,1,1,2,14,3.000,1.000,0.5000,0.8,0.1000,0.9000\r\n",
    )
    .unwrap();
    report(out.path());
    let html = fs::read_to_string(out.path().join("report.html")).unwrap();

    let groups = svg_with(&html, "id=\"chart-groups\"");
    assert_eq!(groups.matches("class=\"bar ").count(), 2);
    assert_eq!(groups.matches("class=\"ci\"").count(), 2);
    assert!(html.contains("&lt;root&gt;"));
    let sections = sections_of(out.path(), TRICKY_DOC);
    let with_interval = {
        let (_, rows) = read_csv(&out.path().join("sections.csv"));
        rows.iter()
            .filter(|r| r["doc_id"] == TRICKY_DOC && !r["tone_ci_low"].is_empty())
            .count()
    };
    assert!(with_interval > 0 && with_interval <= sections.len());
    let svg = svg_with(&html, &format!("data-doc=\"{}\"", escaped(TRICKY_DOC)));
    assert_eq!(svg.matches("class=\"ci\"").count(), with_interval);
    assert!(html.contains("<th scope=\"col\" class=\"n\">tone_ci_low</th>"));
    assert!(html.contains("<h3>Country pairs</h3>") && html.contains("<h3>Entity pairs</h3>"));

    // The workbook gains the groups sheet and keeps the interval columns as numbers.
    let mut book: Xlsx<_> = open_workbook(out.path().join("detente.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"groups".to_string()));
    let sheet = book.worksheet_range("sections").unwrap();
    let header = first_row(&sheet);
    let low = header.iter().position(|h| h == "tone_ci_low").unwrap();
    assert!(matches!(sheet.rows().nth(1).unwrap()[low], Data::Float(_)));
}

#[test]
fn workbook_has_a_sheet_per_table_with_numbers_as_numbers() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    let mut book: Xlsx<_> = open_workbook(out.path().join("detente.xlsx")).unwrap();
    let tables = [
        "documents",
        "sections",
        "groups",
        "entities",
        "dyads",
        "phrases",
        "sentences",
        "mentions",
    ];
    // The chart first, a sheet per table, the notes last.
    let mut sheets = vec!["chart"];
    sheets.extend(tables);
    sheets.push("about");
    assert_eq!(book.sheet_names(), sheets);
    for table in tables {
        let (header, rows) = read_csv(&out.path().join(format!("{table}.csv")));
        let sheet = book.worksheet_range(table).unwrap();
        let got = first_row(&sheet);
        assert_eq!(got, header, "{table} header");
        assert_eq!(sheet.height(), rows.len() + 1, "{table} rows");
        // Every cell agrees with the CSV: numbers as numbers, text as text.
        for (r, row) in sheet.rows().skip(1).enumerate() {
            for (c, name) in header.iter().enumerate() {
                let want = &rows[r][name];
                let cell = row.get(c).cloned().unwrap_or(Data::Empty);
                match cell {
                    Data::Float(x) => {
                        assert_eq!(x, want.parse::<f64>().unwrap(), "{table}!{name}{r}")
                    }
                    Data::String(s) => {
                        assert_eq!(&s, want.trim_start_matches('\''), "{table}!{name}{r}")
                    }
                    Data::Empty => assert_eq!(want, "", "{table}!{name}{r}"),
                    other => panic!("{table}!{name}{r}: {other:?}"),
                }
            }
        }
    }
    // Tone is a number; a section titled "2014" stays text; doc ids are text.
    let sections = book.worksheet_range("sections").unwrap();
    let header = first_row(&sections);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row_2014 = sections
        .rows()
        .find(|r| r[col("section_title")] == Data::String("2014".into()))
        .expect("a section titled 2014, as text");
    assert!(matches!(row_2014[col("tone")], Data::Float(x) if x < 0.0));
    assert!(matches!(row_2014[col("n_sentences")], Data::Float(x) if x == 2.0));
    assert_eq!(row_2014[col("doc_id")], Data::String(TRICKY_DOC.into()));

    // The chart sheet lists the charted sections with their tone.
    let chart = book.worksheet_range("chart").unwrap();
    assert_eq!(
        chart.height(),
        1 + read_csv(&out.path().join("sections.csv")).1.len()
    );
    assert_eq!(chart.rows().next().unwrap()[3], Data::String("tone".into()));
    assert!(matches!(chart.rows().nth(1).unwrap()[3], Data::Float(_)));

    // The workbook is a zip holding a real chart, a frozen header, a filter and a colour
    // scale (calamine does not read formatting, so look at the parts themselves).
    let mut zip =
        zip::ZipArchive::new(fs::File::open(out.path().join("detente.xlsx")).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    // Sheets are numbered in tab order: chart, documents, sections, …
    let sections_xml = part("xl/worksheets/sheet3.xml");
    assert!(sections_xml.contains("state=\"frozen\""), "frozen header");
    assert!(sections_xml.contains("<autoFilter ref=\"A1:"), "autofilter");
    assert!(sections_xml.contains("<colorScale>"), "tone colour scale");
    assert!(sections_xml.contains("<col "), "column widths");
    let chart_xml = part("xl/charts/chart1.xml");
    assert!(
        chart_xml.contains("<c:barDir val=\"bar\"/>"),
        "horizontal bar chart"
    );
    assert!(
        chart_xml.contains("chart!$J$2:$J$") && chart_xml.contains("chart!$K$2:$K$"),
        "conflictual and cooperative series from the chart sheet"
    );
}

#[test]
fn bundled_corpus_gets_a_chart_per_document() {
    let out = analyze_and_report(Path::new("corpus"));
    let html = fs::read_to_string(out.path().join("report.html")).unwrap();
    let (_, documents) = read_csv(&out.path().join("documents.csv"));
    assert_eq!(html.matches(" data-doc=\"").count(), documents.len());
    for doc in &documents {
        let id = &doc["doc_id"];
        let svg = svg_with(&html, &format!("data-doc=\"{}\"", escaped(id)));
        assert_eq!(
            svg.matches("class=\"bar ").count(),
            sections_of(out.path(), id).len(),
            "{id}"
        );
    }
    assert!(html.contains("<h2>Top entities</h2>"));
    assert!(html.contains("<h2>Repeated phrases</h2>"));
}

/// `analyze` hands the rows it charts from entities.csv, dyads.csv and phrases.csv to the
/// report instead of reading the files back; the page must be the one `detente report`
/// writes from the files. Each listing of the bundled corpus has more rows than a chart
/// shows and ties at the cut, where the two could part.
#[test]
fn a_run_writes_the_report_that_report_writes_from_its_files() {
    for extra in [&[][..], &["--raw-cells", "--excel"][..]] {
        let out = tempfile::tempdir().unwrap();
        let run = detente()
            .arg("analyze")
            .arg("corpus")
            .arg("-o")
            .arg(out.path())
            .arg("--quiet")
            .args(extra)
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        let (_, entities) = read_csv(&out.path().join("entities.csv"));
        let (_, dyads) = read_csv(&out.path().join("dyads.csv"));
        let (_, phrases) = read_csv(&out.path().join("phrases.csv"));
        assert!(entities.len() > 30 && phrases.len() > 30);
        for level in ["entity", "country"] {
            assert!(dyads.iter().filter(|d| d["level"] == level).count() > 30);
        }
        let from_run = fs::read(out.path().join("report.html")).unwrap();
        let again = detente().arg("report").arg(out.path()).output().unwrap();
        assert!(again.status.success(), "{again:?}");
        let from_files = fs::read(out.path().join("report.html")).unwrap();
        assert!(from_run == from_files, "{extra:?}: the two reports differ");
    }
}

#[test]
fn report_on_a_folder_without_output_fails_clearly() {
    let empty = tempfile::tempdir().unwrap();
    let run = detente().arg("report").arg(empty.path()).output().unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(err.contains("documents.csv"), "{err}");
    assert!(!empty.path().join("report.html").exists());
}

/// With SOURCE_DATE_EPOCH set, the workbook of a folder is the same bytes each time it is
/// written (without it, it records when it was written).
#[test]
fn the_workbook_is_reproducible_with_source_date_epoch() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    let workbook = |epoch: &str| {
        let run = detente()
            .arg("report")
            .arg(out.path())
            .arg("--xlsx")
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        fs::read(out.path().join("detente.xlsx")).unwrap()
    };
    let first = workbook("1700000000");
    assert_eq!(first, workbook("1700000000"));
    assert_ne!(first, workbook("1800000000"));
}

/// A table re-saved with another separator (Excel writes `;` in many locales) is refused,
/// naming it, rather than charted as empty bars at 0.
#[test]
fn a_table_resaved_with_semicolons_is_refused() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    let documents = out.path().join("documents.csv");
    let text = fs::read_to_string(&documents).unwrap();
    fs::write(&documents, text.replace(',', ";")).unwrap();
    let run = detente().arg("report").arg(out.path()).output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("documents.csv") && err.contains("single column"),
        "{err}"
    );
}

/// A hand-edited table whose charted numbers hold text (saved by Excel, with CRLF line
/// ends) is still reported, and each column with such cells gets one warning naming the
/// first one's row and column as a spreadsheet numbers them, said once for both reports.
#[test]
fn a_cell_charted_as_a_number_that_is_not_one_is_named() {
    let corpus = small_corpus();
    let out = analyze_and_report(corpus.path());
    let sections = out.path().join("sections.csv");
    let mut reader = csv::Reader::from_path(&sections).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let tone = header.iter().position(|h| h == "tone").unwrap();
    let edit = |row: &csv::StringRecord, value: &str| -> csv::StringRecord {
        (row.iter().enumerate())
            .map(|(i, cell)| if i == tone { value } else { cell })
            .collect()
    };
    // Rows 3 and 4 of the spreadsheet (the header is row 1).
    rows[1] = edit(&rows[1], "n/a");
    rows[2] = edit(&rows[2], "high");
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_path(&sections)
        .unwrap();
    writer.write_record(&header).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();

    let run = detente()
        .arg("report")
        .arg(out.path())
        .arg("--xlsx")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    let place = format!("sections.csv:3:{}:", tone + 1);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains(&place)
            && warnings[0].contains("column tone holds \"n/a\", not a number")
            && warnings[0].contains("as do 1 more"),
        "{err}"
    );
    // The untouched folder gives no warning.
    let clean = analyze_and_report(corpus.path());
    let run = detente().arg("report").arg(clean.path()).output().unwrap();
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
