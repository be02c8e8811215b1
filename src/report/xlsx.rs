//! `detente.xlsx`: every output table as a worksheet (frozen header, autofilter, fitted
//! column widths, numbers as numbers, tone cells colour-scaled), a bar chart of tone by
//! section, and an `about` sheet that says what was cut.
//!
//! Table sheets are written in rust_xlsxwriter's constant-memory mode: rows stream from
//! the CSV file to a temporary file beside the output, so `sentences.csv` of a corpus
//! with millions of sentences costs one row of memory, not gigabytes.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartErrorBars, ChartErrorBarsType, ChartRange, ChartSolidFill, ChartType,
    ConditionalFormat3ColorScale, ConditionalFormatType, DocProperties, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{
    CsvReader, Folder, Row, Table, Written, XLSX_FILE, file_error, largest_documents, write_atomic,
};
use crate::error::Error;

/// Rows per worksheet in Excel (and LibreOffice), header included.
pub(super) const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Characters per cell in Excel, counted in UTF-16 units.
const EXCEL_MAX_CELL: usize = 32_767;
/// Sections in the chart: a bar chart of thousands of bars shows nothing.
const CHART_SECTIONS: usize = 250;
/// Documents whose sections are charted (chosen group by group, as in the HTML report).
const CHART_DOCS: usize = 50;
/// Column widths, in characters.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;

/// Worksheets in order: sheet name and source file.
const SHEETS: &[(&str, &str)] = &[
    ("documents", "documents.csv"),
    ("sections", "sections.csv"),
    ("groups", "groups.csv"),
    ("entities", "entities.csv"),
    ("dyads", "dyads.csv"),
    ("phrases", "phrases.csv"),
    ("sentences", "sentences.csv"),
    ("mentions", "mentions.csv"),
];

/// Columns that hold text even when a cell looks like a number (a section titled "2014",
/// a document called "1.txt" without its extension, an ISO code).
const TEXT_COLUMNS: &[&str] = &[
    "doc_id",
    "title",
    "section_title",
    "label",
    "evidence",
    "text",
    "top_entities",
    "top_phrases",
    "layout",
    "surface",
    "entity",
    "type",
    "country",
    "source",
    "aliases",
    "entity_a",
    "entity_b",
    "example_doc_id",
    "phrase",
    "group",
    "level",
];

/// Conflictual end of the colour scale: a light orange, so black text stays readable.
const SCALE_CONFLICT: &str = "#F4A261";
/// Cooperative end: a light blue.
const SCALE_COOP: &str = "#6CA9D8";
/// Chart bars, as in the HTML report.
const BAR_COOP: &str = "#0072B2";
const BAR_CONFLICT: &str = "#D55E00";

fn xlsx_error(path: &Path, e: XlsxError) -> Error {
    file_error(path, format!("writing the workbook: {e}"))
}

/// A cell as a number when it is written like one: an optional minus, digits (no leading
/// zero but a lone one, so codes such as "007" stay text), an optional fraction, and no
/// more digits than a double holds exactly.
fn as_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if frac.is_some_and(|f| !digits(f)) || int.len() + frac.map_or(0, str::len) > 15 {
        return None;
    }
    s.parse().ok()
}

/// A string cut to Excel's cell limit, with a marker when cut.
fn fit_cell(s: &str) -> (std::borrow::Cow<'_, str>, bool) {
    if s.len() <= EXCEL_MAX_CELL / 3 || s.encode_utf16().count() <= EXCEL_MAX_CELL {
        return (s.into(), false);
    }
    const MARK: &str = " … [cut at Excel's cell limit]";
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_MAX_CELL - MARK.len() {
            break;
        }
        end = i + c.len_utf8();
    }
    (format!("{}{MARK}", &s[..end]).into(), true)
}

/// How a tone-like column is colour-scaled: its symmetric bound.
fn scale_bound(column: &str) -> Option<Option<f64>> {
    match column {
        // Tone and its interval are on a fixed −1 … +1 scale, so colours mean the same
        // in every sheet and every run.
        "tone" | "tone_ci_low" | "tone_ci_high" => Some(Some(1.0)),
        // Unbounded (logit) or rarely near its bound (Goldstein): scale to the data.
        "logit_tone" | "goldstein" => Some(None),
        _ => None,
    }
}

/// What was written for one sheet, for the `about` sheet.
struct SheetNote {
    sheet: String,
    file: String,
    rows_in_file: u64,
    rows_written: u64,
    cut_cells: u64,
}

/// Streams one CSV file into a constant-memory worksheet.
fn table_sheet(
    workbook: &mut Workbook,
    folder: &Folder,
    sheet: &str,
    file: &str,
    header: &Format,
    max_rows: u32,
) -> Result<Option<(Worksheet, SheetNote)>, Error> {
    let Some(mut reader) = CsvReader::open(folder, file)? else {
        return Ok(None);
    };
    let target = folder.dir().join(XLSX_FILE);
    let err = |e| xlsx_error(&target, e);
    let mut ws = workbook.new_worksheet_with_constant_memory().map_err(err)?;
    ws.set_name(sheet).map_err(err)?;
    let names: Vec<String> = reader.columns().names().to_vec();
    // Excel has 16,384 columns; detente's files have a few dozen, metadata included.
    let ncols = names.len().min(16_384);
    let text_col: Vec<bool> = names
        .iter()
        .map(|n| TEXT_COLUMNS.contains(&n.as_str()))
        .collect();
    // The header counts for the width, plus room for the filter button.
    let mut width: Vec<f64> = names
        .iter()
        .map(|n| n.chars().count() as f64 + 3.0)
        .collect();
    let mut max_abs = vec![0.0f64; ncols];
    for (c, name) in names.iter().take(ncols).enumerate() {
        ws.write_string_with_format(0, c as u16, name, header)
            .map_err(err)?;
    }
    let mut row_no: u32 = 0;
    let mut in_file: u64 = 0;
    let mut cut_cells: u64 = 0;
    let write_row = |ws: &mut Worksheet,
                     r: u32,
                     row: &Row,
                     width: &mut [f64],
                     max_abs: &mut [f64],
                     cut: &mut u64|
     -> Result<(), XlsxError> {
        for c in 0..ncols.min(row.len()) {
            let cell = row.cell(c);
            if cell.is_empty() {
                continue;
            }
            let number = if text_col[c] { None } else { as_number(cell) };
            match number {
                Some(x) => {
                    ws.write_number(r, c as u16, x)?;
                    max_abs[c] = max_abs[c].max(x.abs());
                }
                None => {
                    let (text, was_cut) = fit_cell(cell);
                    *cut += u64::from(was_cut);
                    ws.write_string(r, c as u16, text)?;
                }
            }
            // Widths from characters: close enough for the fonts spreadsheets use.
            let w = cell.chars().take(MAX_WIDTH as usize).count() as f64 + 1.0;
            if w > width[c] {
                width[c] = w;
            }
        }
        Ok(())
    };
    while let Some(row) = reader.next_row()? {
        in_file += 1;
        if row_no + 1 >= max_rows {
            // Keep counting, so the about sheet can say how many rows were left out.
            continue;
        }
        row_no += 1;
        write_row(
            &mut ws,
            row_no,
            &row,
            &mut width,
            &mut max_abs,
            &mut cut_cells,
        )
        .map_err(err)?;
    }
    let last_col = (ncols.max(1) - 1) as u16;
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofilter(0, 0, row_no, last_col).map_err(err)?;
    for (c, w) in width.iter().take(ncols).enumerate() {
        ws.set_column_width(c as u16, w.clamp(MIN_WIDTH, MAX_WIDTH))
            .map_err(err)?;
    }
    if row_no > 0 {
        for (c, name) in names.iter().take(ncols).enumerate() {
            let Some(bound) = scale_bound(name) else {
                continue;
            };
            let m = bound.unwrap_or(max_abs[c]).max(1e-9);
            let scale = ConditionalFormat3ColorScale::new()
                .set_minimum(ConditionalFormatType::Number, -m)
                .set_midpoint(ConditionalFormatType::Number, 0)
                .set_maximum(ConditionalFormatType::Number, m)
                .set_minimum_color(SCALE_CONFLICT)
                .set_midpoint_color("#FFFFFF")
                .set_maximum_color(SCALE_COOP);
            ws.add_conditional_format(1, c as u16, row_no, c as u16, &scale)
                .map_err(err)?;
        }
    }
    Ok(Some((
        ws,
        SheetNote {
            sheet: sheet.to_string(),
            file: file.to_string(),
            rows_in_file: in_file,
            rows_written: u64::from(row_no),
            cut_cells,
        },
    )))
}

/// The `chart` sheet: the charted sections as a small table and a bar chart of their
/// tone, with the 95% interval as error bars when sections.csv has one.
fn chart_sheet(
    folder: &Folder,
    header: &Format,
    notes: &mut Vec<String>,
) -> Result<Option<Worksheet>, Error> {
    let target = folder.dir().join(XLSX_FILE);
    let err = |e| xlsx_error(&target, e);
    let Some(documents) = Table::read(folder, "documents.csv")? else {
        return Ok(None);
    };
    // The documents the HTML report charts.
    let chosen: HashSet<&str> = largest_documents(folder, &documents, CHART_DOCS)
        .iter()
        .map(|r| r.text("doc_id"))
        .collect();
    let mut kept = 0;
    let Some(sections) = Table::read_where(folder, "sections.csv", |r| {
        let keep = kept < CHART_SECTIONS && chosen.contains(r.text("doc_id"));
        kept += usize::from(keep);
        keep
    })?
    else {
        return Ok(None);
    };
    if sections.is_empty() {
        return Ok(None);
    }
    let has_ci = sections.has("tone_ci_low") && sections.has("tone_ci_high");
    if sections.len() < sections.total() {
        notes.push(format!(
            "The chart shows {} of {} sections: those of the {} documents that report.html charts (the largest of each group in turn), at most {}.",
            sections.len(),
            sections.total(),
            chosen.len(),
            CHART_SECTIONS
        ));
    }

    let mut ws = Worksheet::new();
    ws.set_name("chart").map_err(err)?;
    let columns = [
        "doc_id",
        "section_index",
        "section",
        "tone",
        "tone_ci_low",
        "tone_ci_high",
        "ci_plus",
        "ci_minus",
        "n_sentences",
        "conflictual",
        "cooperative",
    ];
    for (c, name) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, header)
            .map_err(err)?;
    }
    let mut label_width: f64 = 12.0;
    for (i, r) in sections.rows().enumerate() {
        let row = i as u32 + 1;
        let tone = r.num("tone").unwrap_or(0.0);
        let title = r.text("section_title");
        // One label per bar: the document's file name and the section, short enough for
        // a chart axis.
        let file = r.text("doc_id").rsplit('/').next().unwrap_or("");
        let label: String = format!(
            "{file} §{} {}",
            r.text("section_index"),
            if title.is_empty() { "(lead)" } else { title }
        )
        .chars()
        .take(60)
        .collect();
        label_width = label_width.max(label.chars().count() as f64);
        ws.write_string(row, 0, r.text("doc_id")).map_err(err)?;
        ws.write_number(row, 1, r.num("section_index").unwrap_or(0.0))
            .map_err(err)?;
        ws.write_string(row, 2, &label).map_err(err)?;
        ws.write_number(row, 3, tone).map_err(err)?;
        if let (Some(lo), Some(hi)) = (r.num("tone_ci_low"), r.num("tone_ci_high")) {
            ws.write_number(row, 4, lo).map_err(err)?;
            ws.write_number(row, 5, hi).map_err(err)?;
            // Excel's custom error bars are lengths from the value, not end points.
            ws.write_number(row, 6, (hi - tone).max(0.0)).map_err(err)?;
            ws.write_number(row, 7, (tone - lo).max(0.0)).map_err(err)?;
        }
        ws.write_number(row, 8, r.num("n_sentences").unwrap_or(0.0))
            .map_err(err)?;
        // The tone again, split by side: each side is its own chart series with its own
        // colour, which every spreadsheet draws (Excel's "invert if negative" colour is
        // an extension that LibreOffice ignores). A zero goes with the cooperative side
        // so that its interval is still drawn.
        let side = if tone < 0.0 { 9 } else { 10 };
        ws.write_number(row, side, tone).map_err(err)?;
    }
    let n = sections.len() as u32;
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.set_column_width(0, 28).map_err(err)?;
    ws.set_column_width(2, label_width.min(MAX_WIDTH))
        .map_err(err)?;
    for c in 3..11 {
        ws.set_column_width(c, 12).map_err(err)?;
    }
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, -1)
        .set_midpoint(ConditionalFormatType::Number, 0)
        .set_maximum(ConditionalFormatType::Number, 1)
        .set_minimum_color(SCALE_CONFLICT)
        .set_midpoint_color("#FFFFFF")
        .set_maximum_color(SCALE_COOP);
    ws.add_conditional_format(1, 3, n, 5, &scale).map_err(err)?;

    let mut chart = Chart::new(ChartType::Bar);
    let mut error_bars = ChartErrorBars::new();
    error_bars.set_type(ChartErrorBarsType::Custom(
        ChartRange::new_from_range("chart", 1, 6, n, 6),
        ChartRange::new_from_range("chart", 1, 7, n, 7),
    ));
    for (col, name, colour) in [
        (9, "conflictual", BAR_CONFLICT),
        (10, "cooperative", BAR_COOP),
    ] {
        let series = chart
            .add_series()
            .set_name(name)
            .set_categories(&ChartRange::new_from_range("chart", 1, 2, n, 2))
            .set_values(&ChartRange::new_from_range("chart", 1, col, n, col))
            .set_format(ChartSolidFill::new().set_color(colour))
            // Both sides on one row per section, not two bars side by side.
            .set_overlap(100)
            .set_gap(40);
        if has_ci {
            series.set_x_error_bars(&error_bars);
        }
    }
    chart
        .title()
        .set_name("Tone by section (− conflictual, + cooperative)");
    chart
        .x_axis()
        .set_name("tone")
        .set_min(-1)
        .set_max(1)
        .set_major_unit(0.5)
        .set_num_format("+0.0;-0.0;0");
    // Categories top to bottom in document order, labels at the left edge so that they
    // never sit on a conflictual bar.
    chart
        .y_axis()
        .set_reverse()
        .set_label_position(rust_xlsxwriter::ChartAxisLabelPosition::Low);
    chart
        .legend()
        .set_position(rust_xlsxwriter::ChartLegendPosition::Bottom);
    chart.set_width(900);
    chart.set_height((120 + 18 * n).max(320));
    ws.insert_chart(1, 12, &chart).map_err(err)?;
    // Printed, the table and chart fit the page width instead of splitting the chart.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(Some(ws))
}

/// The `about` sheet: where each sheet comes from and what was left out.
fn about_sheet(
    out_dir: &Path,
    sheets: &[SheetNote],
    notes: &[String],
    header: &Format,
) -> Result<Worksheet, Error> {
    let target = out_dir.join(XLSX_FILE);
    let err = |e| xlsx_error(&target, e);
    let mut ws = Worksheet::new();
    ws.set_name("about").map_err(err)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "detente workbook", &bold)
        .map_err(err)?;
    let mut lines = vec![
        format!(
            "Written from the CSV files in {}; they are the full record.",
            out_dir.display()
        ),
        "Tone cells are coloured from orange (−1, conflictual) through white (0) to blue (+1, cooperative).".to_string(),
    ];
    lines.extend(notes.iter().cloned());
    let mut row = 1;
    for line in &lines {
        ws.write_string(row, 0, line).map_err(err)?;
        row += 1;
    }
    row += 1;
    let header_row = row;
    for (c, name) in ["sheet", "file", "rows in file", "rows written", "note"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *name, header)
            .map_err(err)?;
    }
    for s in sheets {
        row += 1;
        ws.write_string(row, 0, &s.sheet).map_err(err)?;
        ws.write_string(row, 1, &s.file).map_err(err)?;
        ws.write_number(row, 2, s.rows_in_file as f64)
            .map_err(err)?;
        ws.write_number(row, 3, s.rows_written as f64)
            .map_err(err)?;
        let mut note = Vec::new();
        if s.rows_written < s.rows_in_file {
            note.push(format!(
                "only the first {} rows: a sheet holds {} rows at most; the CSV file has them all",
                s.rows_written, EXCEL_MAX_ROWS
            ));
        }
        if s.cut_cells > 0 {
            note.push(format!(
                "{} cells cut at Excel's limit of {} characters",
                s.cut_cells, EXCEL_MAX_CELL
            ));
        }
        ws.write_string(row, 4, note.join("; ")).map_err(err)?;
    }
    ws.set_column_width(0, 12).map_err(err)?;
    ws.set_column_width(1, 16).map_err(err)?;
    ws.set_column_width(2, 14).map_err(err)?;
    ws.set_column_width(3, 14).map_err(err)?;
    ws.set_column_width(4, 80).map_err(err)?;
    ws.autofilter(header_row, 0, row, 4).map_err(err)?;
    Ok(ws)
}

/// Writes the workbook with at most `max_rows` rows (header included) per table sheet.
pub(super) fn write(out_dir: &Path, max_rows: u32) -> Result<Written, Error> {
    let target = out_dir.join(XLSX_FILE);
    if !SHEETS.iter().any(|(_, f)| out_dir.join(f).is_file()) {
        return Err(file_error(
            &out_dir.join("documents.csv"),
            "not found: is this a detente output folder?",
        ));
    }
    let err = |e| xlsx_error(&target, e);
    let mut workbook = Workbook::new();
    // Constant-memory sheets spill to temporary files: keep them beside the output (a
    // big corpus's output folder has the room; /tmp may be a small RAM disk).
    workbook.set_tempdir(out_dir).map_err(err)?;
    // The workbook records when it was written. With SOURCE_DATE_EPOCH set (the
    // reproducible-builds convention) it records that time instead, and the same folder
    // gives the same bytes, as the CSVs and the page do.
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    if let Some(seconds) = epoch.and_then(|s| s.trim().parse::<i64>().ok()) {
        let when = ExcelDateTime::from_timestamp(seconds).map_err(err)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&when));
    }
    let header = Format::new()
        .set_bold()
        .set_background_color("#E7E6E6")
        .set_border_bottom(FormatBorder::Thin);

    let mut notes = Vec::new();
    let folder = Folder::open(out_dir);
    let chart = chart_sheet(&folder, &header, &mut notes)?;
    let mut sheets = Vec::new();
    let mut written = Vec::new();
    for (sheet, file) in SHEETS {
        if let Some((ws, note)) =
            table_sheet(&mut workbook, &folder, sheet, file, &header, max_rows)?
        {
            sheets.push(ws);
            written.push(note);
        }
    }
    let about = about_sheet(out_dir, &written, &notes, &header)?;
    if let Some(chart) = chart {
        workbook.push_worksheet(chart);
    }
    for ws in sheets {
        workbook.push_worksheet(ws);
    }
    workbook.push_worksheet(about);

    let path = write_atomic(out_dir, XLSX_FILE, |file| {
        workbook.save_to_writer(file).map_err(std::io::Error::other)
    })?;
    Ok(Written {
        path,
        warnings: folder.not_numbers(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_numbers_and_codes_stay_text() {
        assert_eq!(as_number("0.4286"), Some(0.4286));
        assert_eq!(as_number("-1.2531"), Some(-1.2531));
        assert_eq!(as_number("12"), Some(12.0));
        assert_eq!(as_number("0"), Some(0.0));
        for text in [
            "007",
            "1e5",
            "",
            "-",
            "1.",
            ".5",
            "NaN",
            "inf",
            "1,000",
            "2014-05-01",
        ] {
            assert_eq!(as_number(text), None, "{text}");
        }
        assert_eq!(
            as_number("1234567890123456"),
            None,
            "beyond a double's digits"
        );
    }

    #[test]
    fn long_cells_are_cut_to_excels_limit() {
        let long = "é".repeat(40_000);
        let (cut, was_cut) = fit_cell(&long);
        assert!(was_cut);
        assert!(cut.encode_utf16().count() <= EXCEL_MAX_CELL);
        assert!(cut.ends_with("limit]"));
        assert_eq!(fit_cell("short").0, "short");
    }

    #[test]
    fn rows_beyond_the_sheet_limit_are_counted_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("doc_id,section_index,tone\r\n");
        for i in 0..10 {
            csv.push_str(&format!("d.txt,{i},0.5\r\n"));
        }
        std::fs::write(dir.path().join("sections.csv"), csv).unwrap();
        std::fs::write(
            dir.path().join("documents.csv"),
            "doc_id,n_sentences,tone\r\nd.txt,10,0.5\r\n",
        )
        .unwrap();
        // A limit of 4 rows: the header and three data rows.
        let path = write(dir.path(), 4).unwrap().path;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        use calamine::Reader;
        let sections = book.worksheet_range("sections").unwrap();
        assert_eq!(sections.height(), 4);
        let about = book.worksheet_range("about").unwrap();
        let row = about
            .rows()
            .find(|r| r[0] == calamine::Data::String("sections".into()))
            .unwrap();
        assert_eq!(row[2].to_string(), "10");
        assert_eq!(row[3].to_string(), "3");
        assert!(row[4].to_string().contains("only the first 3 rows"));
    }
}
