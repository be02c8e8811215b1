//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network) with
//! tone by group, by document and by section, the top entities, dyads and phrases, and
//! every chart's data as a table below it.
//!
//! Charts are diverging bars: conflictual to the left of zero in orange, cooperative to
//! the right in blue (a pair that stays distinct for the common colour-vision
//! deficiencies), and every bar also carries its value as text, so nothing depends on
//! colour alone. Each row has the label on its own line above the bar, which keeps the
//! chart narrow enough to stay legible when the `viewBox` scales down to a phone.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Folder, Row, TOP_ROWS, Table, file_error, largest_documents, largest_rows};
use crate::error::{Error, Warning};
use crate::output::Head;

/// Documents charted (chosen group by group: see `largest_documents`); a page for 100,000
/// documents would be too big to open, and the CSV files have them all.
const MAX_DOCS: usize = 50;
/// Sections charted per document.
const MAX_SECTIONS: usize = 100;
/// Groups charted (those with the most sentences).
const MAX_GROUPS: usize = 100;

/// Cooperative bars: Okabe–Ito blue.
const COOP: &str = "#0072B2";
/// Conflictual bars: Okabe–Ito vermillion, an orange that colour-blind readers tell apart
/// from the blue.
const CONFLICT: &str = "#D55E00";
/// Darker shades of the two for text, which needs more contrast than a filled bar.
const COOP_TEXT: &str = "#005A8C";
const CONFLICT_TEXT: &str = "#A34400";
/// Bars without a side (tone 0, or counts).
const NEUTRAL: &str = "#6B6B6B";

/// A white outline under chart text, so that gridlines never cross a label.
const HALO: &str =
    r##"stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke""##;

/// Chart geometry in `viewBox` units.
const W: f64 = 500.0;
const PAD: f64 = 8.0;
const CX: f64 = W / 2.0;
const HALF: f64 = W / 2.0 - 2.0 * PAD;
const HEAD: f64 = 48.0;
const ROW: f64 = 40.0;
const FOOT: f64 = 8.0;
/// Width kept free on the right of a label line for the value text, with and without
/// an interval.
const VALUE_W_CI: f64 = 178.0;
const VALUE_W: f64 = 64.0;
/// Average width of a label character at the charts' font size, to clip labels by count.
const CHAR_W: f64 = 8.6;

const CSS: &str = r#"
:root{--ink:#1a1a1a;--muted:#555;--rule:#d8d8d8}
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff;max-width:62rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.7rem;margin:.5rem 0}
h2{font-size:1.35rem;border-bottom:2px solid var(--rule);padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.05rem;margin:1.75rem 0 .25rem}
p{margin:.4rem 0}
.note{color:var(--muted);font-size:.9rem}
.meta{color:var(--muted)}
code{font-size:.9em;overflow-wrap:anywhere}
nav ul{padding-left:1.2rem;margin:.3rem 0}
ol.docs{columns:2;column-gap:2rem;font-size:.9rem;padding-left:1.5rem}
ol.docs li{break-inside:avoid}
figure{margin:.6rem 0 .4rem}
figure svg{display:block;width:100%;max-width:580px;height:auto}
figcaption{font-size:.9rem;color:var(--muted)}
.legend svg{vertical-align:middle}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0 1.2rem}
caption{caption-side:top;text-align:left;font-weight:600;padding:.3rem 0}
th,td{padding:.2rem .55rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.coop{color:#005A8C}td.conf{color:#A34400}
@media (max-width:600px){body{font-size:15px;padding:.5rem .6rem 2rem}ol.docs{columns:1}table{font-size:.78rem}th,td{padding:.15rem .35rem}}
@media print{
 @page{margin:1.5cm}
 body{max-width:none;padding:0;font-size:10pt}
 nav,.skip{display:none}
 a{color:inherit;text-decoration:none}
 h2,h3{break-after:avoid}
 figure,tr{break-inside:avoid}
 figure svg{max-width:17cm}
 .scroll{overflow:visible}
 table{width:100%;font-size:7.5pt}
 th,td{padding:.1rem .25rem}
 thead th{white-space:normal}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// Escapes text for HTML element content and attribute values alike.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `n` characters of `s`, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A tone with its sign and a true minus, as people read it: "+0.43", "−0.18", "0.00".
fn signed(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    if s == "0.00" {
        s
    } else if x < 0.0 {
        format!("\u{2212}{s}")
    } else {
        format!("+{s}")
    }
}

/// A number of `viewBox` units, short.
fn u(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A count with thousands separators, for prose.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The 95% interval of a row when the run wrote one.
fn interval(row: &Row) -> Option<(f64, f64)> {
    Some((row.num("tone_ci_low")?, row.num("tone_ci_high")?))
}

/// One bar of a diverging chart.
struct Bar {
    /// Shown above the bar (clipped).
    label: String,
    /// Added to the tooltip.
    detail: String,
    /// Tone in [−1, 1].
    value: f64,
    /// 95% interval, when known.
    ci: Option<(f64, f64)>,
}

fn x_of(v: f64) -> f64 {
    CX + v.clamp(-1.0, 1.0) * HALF
}

/// Opens an `<svg>` with its accessible name and description.
fn svg_open(id: &str, height: f64, title: &str, desc: &str, extra: &str, label_w: f64) -> String {
    format!(
        "<svg id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"{extra} font-size=\"15\" fill=\"#1a1a1a\">\
<title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>\
<defs><clipPath id=\"{id}-c\"><rect x=\"0\" y=\"0\" width=\"{lw}\" height=\"{h}\"/></clipPath></defs>",
        w = u(W),
        h = u(height),
        t = esc(title),
        d = esc(desc),
        lw = u(label_w),
    )
}

/// A diverging bar chart of tones: conflictual left of zero, cooperative right.
fn diverging(id: &str, title: &str, bars: &[Bar], extra: &str) -> String {
    let height = HEAD + ROW * bars.len() as f64 + FOOT;
    let with_ci = bars.iter().any(|b| b.ci.is_some());
    let desc = format!(
        "Diverging bar chart, {} bars. Tone from −1 (all conflictual, bar to the left) to +1 (all cooperative, bar to the right){}.",
        bars.len(),
        if with_ci {
            "; whiskers show the 95% interval"
        } else {
            ""
        }
    );
    // Labels get the line's width less the value text; the full label is in the tooltip
    // and in the table.
    let label_w = W - PAD - if with_ci { VALUE_W_CI } else { VALUE_W };
    let label_chars = (label_w / CHAR_W) as usize;
    let mut s = svg_open(id, height, title, &desc, extra, label_w);
    // Side labels and the axis.
    s.push_str(&format!(
        "<text x=\"{PAD}\" y=\"16\" fill=\"{CONFLICT_TEXT}\" font-weight=\"600\">◀ conflictual</text>\
<text x=\"{r}\" y=\"16\" text-anchor=\"end\" fill=\"{COOP_TEXT}\" font-weight=\"600\">cooperative ▶</text>",
        r = u(W - PAD),
    ));
    let bottom = height - FOOT;
    for (v, label) in [
        (-1.0, "\u{2212}1"),
        (-0.5, "\u{2212}0.5"),
        (0.0, "0"),
        (0.5, "+0.5"),
        (1.0, "+1"),
    ] {
        let x = x_of(v);
        let anchor = if v == -1.0 {
            "start"
        } else if v == 1.0 {
            "end"
        } else {
            "middle"
        };
        let (stroke, width, dash) = if v == 0.0 {
            ("#333", 1.5, "")
        } else {
            ("#c8c8c8", 1.0, " stroke-dasharray=\"3 3\"")
        };
        s.push_str(&format!(
            "<text x=\"{x}\" y=\"36\" font-size=\"12\" fill=\"#555\" text-anchor=\"{anchor}\">{label}</text>\
<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>",
            x = u(x),
            y1 = u(HEAD - 6.0),
            y2 = u(bottom),
        ));
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = HEAD + ROW * i as f64;
        let value = match bar.ci {
            Some((lo, hi)) => format!("{} [{}, {}]", signed(bar.value), signed(lo), signed(hi)),
            None => signed(bar.value),
        };
        let side = if bar.value > 0.0 {
            "cooperative"
        } else if bar.value < 0.0 {
            "conflictual"
        } else {
            "balanced or no hit"
        };
        let tip = format!(
            "{}: tone {}{} ({side}){}",
            bar.label,
            signed(bar.value),
            bar.ci
                .map(|(lo, hi)| format!(", 95% interval {} to {}", signed(lo), signed(hi)))
                .unwrap_or_default(),
            if bar.detail.is_empty() {
                String::new()
            } else {
                format!("; {}", bar.detail)
            }
        );
        let (x, w, fill, class) = if bar.value > 0.0 {
            (CX, x_of(bar.value) - CX, COOP, "bar coop")
        } else if bar.value < 0.0 {
            (x_of(bar.value), CX - x_of(bar.value), CONFLICT, "bar conf")
        } else {
            // A sliver, so a section without hits still shows a bar.
            (CX - 1.5, 3.0, NEUTRAL, "bar zero")
        };
        let w = w.max(1.5);
        let value_fill = if bar.value > 0.0 {
            COOP_TEXT
        } else if bar.value < 0.0 {
            CONFLICT_TEXT
        } else {
            "#333"
        };
        s.push_str(&format!(
            "<g><title>{tip}</title>\
<text x=\"{PAD}\" y=\"{ty}\" clip-path=\"url(#{id}-c)\" {HALO}>{label}</text>\
<text x=\"{vx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"{value_fill}\" {HALO} font-variant-numeric=\"tabular-nums\">{value}</text>\
<rect class=\"{class}\" x=\"{x}\" y=\"{by}\" width=\"{w}\" height=\"14\" fill=\"{fill}\"/>",
            tip = esc(&tip),
            ty = u(y + 15.0),
            label = esc(&clip(&bar.label, label_chars)),
            vx = u(W - PAD),
            value = esc(&value),
            x = u(x),
            by = u(y + 20.0),
            w = u(w),
        ));
        if let Some((lo, hi)) = bar.ci {
            let (x1, x2, ym) = (x_of(lo), x_of(hi), y + 27.0);
            s.push_str(&format!(
                "<path class=\"ci\" d=\"M{x1} {ym}H{x2}M{x1} {a}V{b}M{x2} {a}V{b}\" stroke=\"#111\" stroke-width=\"1.6\" fill=\"none\"/>",
                x1 = u(x1),
                x2 = u(x2),
                ym = u(ym),
                a = u(ym - 5.0),
                b = u(ym + 5.0),
            ));
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// A one-sided bar chart of counts (phrases have no tone).
fn counts_chart(id: &str, title: &str, bars: &[(String, String, f64)]) -> String {
    let height = HEAD - 20.0 + ROW * bars.len() as f64 + FOOT;
    let max = bars.iter().map(|b| b.2).fold(1.0, f64::max);
    let desc = format!(
        "Bar chart, {} bars: how often each phrase occurs; longer is more often.",
        bars.len()
    );
    let label_w = W - PAD - 130.0;
    let label_chars = (label_w / CHAR_W) as usize;
    let mut s = svg_open(id, height, title, &desc, "", label_w);
    for (i, (label, value, n)) in bars.iter().enumerate() {
        let y = HEAD - 20.0 + ROW * i as f64;
        let w = (n / max * (W - 2.0 * PAD)).max(1.5);
        s.push_str(&format!(
            "<g><title>{tip}</title><text x=\"{PAD}\" y=\"{ty}\" clip-path=\"url(#{id}-c)\">{label}</text>\
<text x=\"{vx}\" y=\"{ty}\" text-anchor=\"end\">{value}</text>\
<rect class=\"bar count\" x=\"{PAD}\" y=\"{by}\" width=\"{w}\" height=\"14\" fill=\"{NEUTRAL}\"/></g>",
            tip = esc(&format!("{label}: {value}")),
            ty = u(y + 15.0),
            label = esc(&clip(label, label_chars)),
            vx = u(W - PAD),
            value = esc(value),
            by = u(y + 20.0),
            w = u(w),
        ));
    }
    s.push_str("</svg>");
    s
}

/// A table column: the CSV column it shows, its heading, and whether it holds numbers
/// (right-aligned; a tone also gets its side's colour).
#[derive(Clone, Copy)]
struct Col {
    key: &'static str,
    head: &'static str,
    numeric: bool,
}

/// A text column headed by its CSV name.
const fn text_col(key: &'static str) -> Col {
    Col {
        key,
        head: key,
        numeric: false,
    }
}

/// A numeric column headed by its CSV name.
const fn num_col(key: &'static str) -> Col {
    Col {
        key,
        head: key,
        numeric: true,
    }
}

/// The tone columns, with the interval when the file has one.
fn tone_cols(has_ci: bool) -> Vec<Col> {
    let mut c = vec![num_col("coop"), num_col("conflict"), num_col("tone")];
    if has_ci {
        c.extend([num_col("tone_ci_low"), num_col("tone_ci_high")]);
    }
    c
}

/// A chart's data as a captioned table of `rows`; every cell is escaped here.
fn data_table(caption: &str, columns: &[Col], rows: &[Row]) -> String {
    let mut s = format!(
        "<div class=\"scroll\"><table><caption>{}</caption><thead><tr>",
        esc(caption)
    );
    for col in columns {
        s.push_str(&format!(
            "<th scope=\"col\"{}>{}</th>",
            if col.numeric { " class=\"n\"" } else { "" },
            esc(col.head)
        ));
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows {
        s.push_str("<tr>");
        for col in columns {
            let cell = row.text(col.key);
            let sign = if col.key.starts_with("tone") {
                cell.parse::<f64>().unwrap_or(0.0)
            } else {
                0.0
            };
            let class = match (col.numeric, sign) {
                (false, _) => "",
                (true, x) if x > 0.0 => " class=\"n coop\"",
                (true, x) if x < 0.0 => " class=\"n conf\"",
                _ => " class=\"n\"",
            };
            s.push_str(&format!("<td{class}>{}</td>", esc(cell)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}

/// A chart in a `<figure>` with its caption.
fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        esc(caption)
    )
}

/// The [`TOP_ROWS`] rows of a listing with the largest `key` (ties in file order), of
/// the dyad `level` if given: from the run's [`Head`]s when it handed them over, else read
/// from the file. `None` when the file is absent.
fn charted(
    folder: &Folder,
    heads: &[Head],
    file: &str,
    level: Option<&str>,
    key: impl Fn(&Row) -> Option<f64>,
) -> Result<Option<Table>, Error> {
    match heads.iter().find(|h| h.file == file && h.level == level) {
        Some(head) => Table::top_of_head(folder, head, TOP_ROWS, key).map(Some),
        None => Table::read_top(folder, file, TOP_ROWS, key),
    }
}

/// The report page for the output folder `out_dir`, as a string; `heads` as for
/// [`super::write_html`].
///
/// Fails when `documents.csv` or `sections.csv` is missing or unreadable; `groups.csv`,
/// `entities.csv`, `dyads.csv`, `phrases.csv` and the interval columns are optional.
pub fn render_html(out_dir: &Path, heads: &[Head]) -> Result<(String, Vec<Warning>), Error> {
    let need = |name: &str| -> Result<(), Error> {
        if out_dir.join(name).is_file() {
            Ok(())
        } else {
            Err(file_error(
                &out_dir.join(name),
                "not found: is this a detente output folder?",
            ))
        }
    };
    need("documents.csv")?;
    need("sections.csv")?;
    let folder = Folder::open(out_dir);
    let read_phrases = || {
        charted(&folder, heads, "phrases.csv", None, |r| {
            Some(r.num("count").unwrap_or(0.0))
        })
    };
    // The phrase file, often the largest read, is read beside the others (unless the run
    // handed its rows over): the report is written after everything else, on one thread
    // otherwise. Without a thread to spare (a process limit), it is read in turn.
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().name("phrases".into());
        let reading = thread.spawn_scoped(scope, read_phrases);
        let documents = Table::read(&folder, "documents.csv")?.unwrap_or_default();
        let phrases = || match reading {
            Ok(thread) => (thread.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => read_phrases(),
        };
        render_with_phrases(&folder, heads, documents, phrases)
    })
    .map(|page| (page, folder.not_numbers()))
}

/// [`render_html`] once `documents.csv` is read; `phrases` waits for `phrases.csv`.
fn render_with_phrases(
    folder: &Folder,
    heads: &[Head],
    documents: Table,
    phrases: impl FnOnce() -> Result<Option<Table>, Error>,
) -> Result<String, Error> {
    let docs = largest_documents(folder, &documents, MAX_DOCS);
    let chosen_ids: HashSet<&str> = docs.iter().map(|r| r.text("doc_id")).collect();
    let sections = Table::read_where(folder, "sections.csv", |r| {
        chosen_ids.contains(r.text("doc_id"))
    })?
    .unwrap_or_default();
    let mut by_doc: HashMap<&str, Vec<Row>> = HashMap::new();
    for r in sections.rows() {
        by_doc.entry(r.text("doc_id")).or_default().push(r);
    }
    let section_ci = sections.has("tone_ci_low") && sections.has("tone_ci_high");
    let doc_ci = documents.has("tone_ci_low") && documents.has("tone_ci_high");

    let groups = Table::read(folder, "groups.csv")?;
    let entities = charted(folder, heads, "entities.csv", None, |r| {
        Some(r.num("mentions").unwrap_or(0.0))
    })?;
    let dyads_levelled = heads.iter().any(|h| h.file == "dyads.csv")
        || super::CsvReader::open(folder, "dyads.csv")?.is_some_and(|r| r.columns().has("level"));
    let dyads: Vec<(String, Table)> = if dyads_levelled {
        let mut v = Vec::new();
        for (level, heading) in [("country", "Country pairs"), ("entity", "Entity pairs")] {
            let t = charted(folder, heads, "dyads.csv", Some(level), |r| {
                (r.text("level") == level).then(|| r.num("sentences").unwrap_or(0.0))
            })?;
            if let Some(t) = t {
                v.push((heading.to_string(), t));
            }
        }
        v
    } else {
        Table::read_top(folder, "dyads.csv", TOP_ROWS, |r| {
            Some(r.num("sentences").unwrap_or(0.0))
        })?
        .map(|t| vec![("Entity pairs".to_string(), t)])
        .unwrap_or_default()
    };
    let phrases = phrases()?;

    let mut page = String::with_capacity(1 << 16);
    let heading = if folder.corpus().is_empty() {
        "detente report".to_string()
    } else {
        format!("detente report: {}", folder.corpus())
    };
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"generator\" content=\"detente {v}\"><title>{t}</title><style>{CSS}</style></head>\n<body>\n",
        v = esc(folder.version()),
        t = esc(&heading),
    ));

    // Header: what was analysed and how to read the charts.
    page.push_str(&format!(
        "<header><h1>Tone report</h1><p class=\"meta\">Corpus <code>{}</code>: {} documents, {} sections{}{}.</p>",
        esc(if folder.corpus().is_empty() {
            "(unknown)"
        } else {
            folder.corpus()
        }),
        count(documents.total()),
        count(sections.total()),
        folder.sentences()
            .map(|n| format!(", {} sentences", count(n as usize)))
            .unwrap_or_default(),
        if folder.skipped() > 0 {
            format!("; {} files skipped (see run.json)", folder.skipped())
        } else {
            String::new()
        },
    ));
    page.push_str(&format!(
        "<p class=\"legend\"><svg viewBox=\"0 0 220 18\" width=\"220\" height=\"18\" role=\"img\" aria-label=\"Legend: orange bars to the left are conflictual, blue bars to the right are cooperative\">\
<rect x=\"0\" y=\"3\" width=\"14\" height=\"12\" fill=\"{CONFLICT}\"/><text x=\"19\" y=\"14\" font-size=\"13\">conflictual</text>\
<rect x=\"110\" y=\"3\" width=\"14\" height=\"12\" fill=\"{COOP}\"/><text x=\"129\" y=\"14\" font-size=\"13\">cooperative</text></svg></p>\
<p>Tone is (coop − conflict) / (coop + conflict) over the weights of cooperative and conflictual lexicon hits: −1 when every hit is conflictual, +1 when every hit is cooperative, 0 when they balance or there is none. Conflictual tone is drawn to the left of zero in orange, cooperative to the right in blue, and every bar is labelled with its value{}.</p></header>\n",
        if section_ci || doc_ci {
            "; the black whisker is the 95% interval of the tone, so two bars whose whiskers overlap may not differ beyond noise"
        } else {
            ""
        }
    ));

    // Table of contents.
    let mut toc = Vec::new();
    if groups.is_some() {
        toc.push(("groups", "Tone by group"));
    }
    toc.push(("documents", "Tone by document"));
    toc.push(("sections", "Tone by section"));
    if entities.is_some() {
        toc.push(("entities", "Top entities"));
    }
    if !dyads.is_empty() {
        toc.push(("dyads", "Dyads"));
    }
    if phrases.is_some() {
        toc.push(("phrases", "Repeated phrases"));
    }
    page.push_str("<nav aria-label=\"Contents\"><ul>");
    for (id, name) in &toc {
        page.push_str(&format!("<li><a href=\"#{id}\">{name}</a></li>"));
    }
    page.push_str("</ul></nav>\n<main>\n");

    if let Some(groups) = &groups {
        page.push_str(&groups_part(groups));
    }
    page.push_str(&documents_part(documents.total(), &docs, doc_ci));
    page.push_str(&sections_part(
        &docs,
        &by_doc,
        section_ci,
        documents.total(),
    ));
    if let Some(entities) = &entities {
        page.push_str(&entities_part(entities));
    }
    if !dyads.is_empty() {
        page.push_str(&dyads_part(&dyads));
    }
    if let Some(phrases) = &phrases {
        page.push_str(&phrases_part(phrases, folder.phrases_counted()));
    }
    page.push_str(&format!(
        "</main>\n<footer><p class=\"note\">Written by detente {} from the CSV files in this folder, which hold every row.</p></footer>\n</body></html>\n",
        esc(folder.version())
    ));
    Ok(page)
}

impl Bar {
    /// The bar of a row with `tone` (and the interval when present).
    fn of(row: &Row, label: String, detail: String) -> Bar {
        Bar {
            label,
            detail,
            value: row.num("tone").unwrap_or(0.0),
            ci: interval(row),
        }
    }
}

/// A note that a chart shows only some rows of a file.
fn cut_note(shown: usize, total: usize, what: &str, file: &str) -> String {
    if total > shown {
        format!(
            "<p class=\"note\">The first {shown} of {} {what}; {file} has them all.</p>",
            count(total)
        )
    } else {
        String::new()
    }
}

fn groups_part(groups: &Table) -> String {
    let has_ci = groups.has("tone_ci_low") && groups.has("tone_ci_high");
    let rows = largest_rows(groups, "sentences", MAX_GROUPS);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            Bar::of(
                r,
                format!("{} ({} docs)", r.text("group"), r.text("documents")),
                format!(
                    "{} sentences, {} tokens",
                    r.text("sentences"),
                    r.text("tokens")
                ),
            )
        })
        .collect();
    let mut s = String::from("<section id=\"groups\"><h2>Tone by group</h2>");
    if groups.total() > rows.len() {
        s.push_str(&format!(
            "<p class=\"note\">The {} groups with the most sentences, of {}, in the order of groups.csv, which has them all.</p>",
            rows.len(),
            count(groups.total())
        ));
    }
    s.push_str(&figure(
        &diverging("chart-groups", "Tone by group", &bars, ""),
        "Tone of each group of documents.",
    ));
    let mut columns = vec![
        text_col("group"),
        num_col("documents"),
        num_col("sections"),
        num_col("sentences"),
        num_col("tokens"),
    ];
    columns.extend(tone_cols(has_ci));
    s.push_str(&data_table("Data: tone by group", &columns, &rows));
    s.push_str("</section>\n");
    s
}

/// A document's name for people: its title, or its id when it has none.
fn doc_name<'a>(r: &Row<'a>) -> &'a str {
    let title = r.text("title");
    if title.trim().is_empty() {
        r.text("doc_id")
    } else {
        title
    }
}

fn documents_part(total: usize, docs: &[Row], has_ci: bool) -> String {
    let mut s = String::from("<section id=\"documents\"><h2>Tone by document</h2>");
    if total > docs.len() {
        s.push_str(&format!(
            "<p class=\"note\">{} of {} documents, in corpus order: the largest (most sentences) of each group in turn, the largest groups first; documents.csv has them all.</p>",
            docs.len(),
            count(total)
        ));
    }
    let bars: Vec<Bar> = docs
        .iter()
        .map(|r| {
            Bar::of(
                r,
                doc_name(r).to_string(),
                format!(
                    "{}; {} sections, {} sentences",
                    r.text("doc_id"),
                    r.text("n_sections"),
                    r.text("n_sentences")
                ),
            )
        })
        .collect();
    s.push_str(&figure(
        &diverging("chart-documents", "Tone by document", &bars, ""),
        "Tone of each document over all its sentences.",
    ));
    let mut columns = vec![
        text_col("doc_id"),
        text_col("title"),
        Col {
            head: "sections",
            ..num_col("n_sections")
        },
        Col {
            head: "sentences",
            ..num_col("n_sentences")
        },
    ];
    columns.extend(tone_cols(has_ci));
    s.push_str(&data_table("Data: tone by document", &columns, docs));
    s.push_str("</section>\n");
    s
}

fn sections_part(
    docs: &[Row],
    by_doc: &HashMap<&str, Vec<Row>>,
    has_ci: bool,
    total_docs: usize,
) -> String {
    let mut s = String::from("<section id=\"sections\"><h2>Tone by section</h2>");
    s.push_str(&format!(
        "<p class=\"note\">One chart per document{}, sections in document order; the lead before the first heading is section 0.</p>",
        if total_docs > docs.len() {
            format!(
                " for the {} documents charted above (of {})",
                docs.len(),
                count(total_docs)
            )
        } else {
            String::new()
        }
    ));
    // A short index: on a phone, fifty charts are a long scroll.
    s.push_str("<ol class=\"docs\" start=\"1\">");
    for (n, r) in docs.iter().enumerate() {
        s.push_str(&format!(
            "<li><a href=\"#doc-{}\">{}</a> <span class=\"note\">{}</span></li>",
            n + 1,
            esc(&clip(doc_name(r), 70)),
            esc(&signed(r.num("tone").unwrap_or(0.0)))
        ));
    }
    s.push_str("</ol>");
    let mut columns = vec![
        Col {
            head: "§",
            ..num_col("section_index")
        },
        Col {
            head: "section",
            ..text_col("section_title")
        },
        Col {
            head: "sentences",
            ..num_col("n_sentences")
        },
    ];
    columns.extend(tone_cols(has_ci));
    columns.extend([
        Col {
            head: "coop. sent.",
            ..num_col("cooperative_sentences")
        },
        Col {
            head: "confl. sent.",
            ..num_col("conflictual_sentences")
        },
    ]);
    let empty = Vec::new();
    for (n, r) in docs.iter().enumerate() {
        let doc_id = r.text("doc_id");
        let all = by_doc.get(doc_id).unwrap_or(&empty);
        let shown = &all[..all.len().min(MAX_SECTIONS)];
        s.push_str(&format!(
            "<article class=\"doc\" id=\"doc-{}\"><h3>{}</h3><p class=\"meta\"><code>{}</code> · {} sections · {} sentences · tone {}</p>",
            n + 1,
            esc(doc_name(r)),
            esc(doc_id),
            esc(r.text("n_sections")),
            esc(r.text("n_sentences")),
            esc(&signed(r.num("tone").unwrap_or(0.0))),
        ));
        s.push_str(&cut_note(
            shown.len(),
            all.len(),
            "sections",
            "sections.csv",
        ));
        let bars: Vec<Bar> = shown
            .iter()
            .map(|sec| {
                let title = sec.text("section_title");
                let title = if title.trim().is_empty() {
                    "(lead)"
                } else {
                    title
                };
                Bar::of(
                    sec,
                    format!("§{} {title}", sec.text("section_index")),
                    format!(
                        "{} sentences, coop {}, conflict {}",
                        sec.text("n_sentences"),
                        sec.text("coop"),
                        sec.text("conflict")
                    ),
                )
            })
            .collect();
        let chart_title = format!("Tone by section: {}", doc_name(r));
        s.push_str(&figure(
            &diverging(
                &format!("chart-doc-{}", n + 1),
                &chart_title,
                &bars,
                &format!(" data-doc=\"{}\"", esc(doc_id)),
            ),
            &format!("Tone of each section of {doc_id}."),
        ));
        s.push_str(&data_table(
            &format!("Data: {chart_title}"),
            &columns,
            shown,
        ));
        s.push_str("</article>\n");
    }
    s.push_str("</section>\n");
    s
}

fn entities_part(entities: &Table) -> String {
    let mut s = String::from("<section id=\"entities\"><h2>Top entities</h2>");
    s.push_str(&format!(
        "<p class=\"note\">The {} most mentioned of {} entities, with the tone of the sentences that mention them; entities.csv has them all.</p>",
        entities.len(),
        count(entities.total())
    ));
    let rows: Vec<Row> = entities.rows().collect();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            let country = match r.text("country") {
                "" => String::new(),
                c => format!(", {c}"),
            };
            Bar::of(
                r,
                format!("{} ({})", r.text("entity"), r.text("mentions")),
                format!(
                    "{}{country}; {} mentions in {} documents",
                    r.text("type"),
                    r.text("mentions"),
                    r.text("documents")
                ),
            )
        })
        .collect();
    s.push_str(&figure(
        &diverging("chart-entities", "Tone of the top entities", &bars, ""),
        "Tone of the sentences mentioning each entity; mentions in brackets.",
    ));
    let columns = [
        text_col("entity"),
        text_col("type"),
        text_col("country"),
        num_col("mentions"),
        num_col("documents"),
        num_col("coop"),
        num_col("conflict"),
        num_col("tone"),
    ];
    s.push_str(&data_table("Data: top entities", &columns, &rows));
    s.push_str("</section>\n");
    s
}

fn dyads_part(dyads: &[(String, Table)]) -> String {
    let mut s = String::from("<section id=\"dyads\"><h2>Dyads</h2>");
    s.push_str(
        "<p class=\"note\">Pairs named in the same sentence, the most frequent first, with the tone of those sentences; dyads.csv has them all.</p>",
    );
    let columns = [
        text_col("entity_a"),
        text_col("entity_b"),
        num_col("sentences"),
        num_col("coop"),
        num_col("conflict"),
        num_col("tone"),
        num_col("goldstein"),
    ];
    for (n, (heading, t)) in dyads.iter().enumerate() {
        s.push_str(&format!("<h3>{}</h3>", esc(heading)));
        if t.is_empty() {
            s.push_str("<p class=\"note\">None.</p>");
            continue;
        }
        let rows: Vec<Row> = t.rows().collect();
        let bars: Vec<Bar> = rows
            .iter()
            .map(|r| {
                Bar::of(
                    r,
                    format!(
                        "{} – {} ({})",
                        r.text("entity_a"),
                        r.text("entity_b"),
                        r.text("sentences")
                    ),
                    format!(
                        "{} sentences; goldstein {}",
                        r.text("sentences"),
                        r.text("goldstein")
                    ),
                )
            })
            .collect();
        s.push_str(&figure(
            &diverging(
                &format!("chart-dyads-{}", n + 1),
                &format!("Tone of the top {}", heading.to_lowercase()),
                &bars,
                "",
            ),
            "Tone of the sentences naming both; sentences in brackets.",
        ));
        let caption = format!("Data: {heading} ({} of {} rows)", t.len(), count(t.total()));
        s.push_str(&data_table(&caption, &columns, &rows));
    }
    s.push_str("</section>\n");
    s
}

/// The phrases section; `counted` is false for a run made with `--no-phrases`.
fn phrases_part(phrases: &Table, counted: bool) -> String {
    let mut s = String::from("<section id=\"phrases\"><h2>Repeated phrases</h2>");
    if phrases.total() == 0 {
        s.push_str(if counted {
            "<p class=\"note\">No phrase was repeated often enough to be listed (see the \
run's <code>--min-count</code>).</p>"
        } else {
            "<p class=\"note\">Phrases were not counted: the run was made with \
<code>--no-phrases</code>.</p>"
        });
        s.push_str("</section>\n");
        return s;
    }
    s.push_str(&format!(
        "<p class=\"note\">The {} most repeated of {} phrases; phrases.csv has them all.</p>",
        phrases.len(),
        count(phrases.total())
    ));
    let rows: Vec<Row> = phrases.rows().collect();
    let bars: Vec<(String, String, f64)> = rows
        .iter()
        .map(|r| {
            (
                r.text("phrase").to_string(),
                format!("{}× in {} docs", r.text("count"), r.text("documents")),
                r.num("count").unwrap_or(0.0),
            )
        })
        .collect();
    s.push_str(&figure(
        &counts_chart("chart-phrases", "Most repeated phrases", &bars),
        "Occurrences of each phrase in the corpus.",
    ));
    let columns = [
        text_col("phrase"),
        num_col("n"),
        num_col("count"),
        num_col("documents"),
        num_col("sections"),
    ];
    s.push_str(&data_table("Data: most repeated phrases", &columns, &rows));
    s.push_str("</section>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc(r#"<b a="x">Tom & 'Jerry'</b>"#),
            "&lt;b a=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn signed_values_read_naturally() {
        assert_eq!(signed(0.4286), "+0.43");
        assert_eq!(signed(-0.1795), "\u{2212}0.18");
        assert_eq!(signed(-0.001), "0.00");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn bars_go_left_for_conflict_and_right_for_cooperation() {
        let bar = |value| Bar {
            label: "x".into(),
            detail: String::new(),
            value,
            ci: Some((value - 0.1, value + 0.1)),
        };
        let svg = diverging("t", "t", &[bar(-0.5), bar(0.5), bar(0.0)], "");
        // −0.5 starts at 250 − 0.5 × 234 = 133 and ends at the axis.
        assert!(svg.contains(r#"class="bar conf" x="133" y="68" width="117""#));
        assert!(svg.contains(r#"class="bar coop" x="250" y="108" width="117""#));
        assert!(svg.contains(r#"class="bar zero""#));
        assert_eq!(svg.matches("class=\"ci\"").count(), 3);
        assert_eq!(svg.matches("<title").count(), 4);
    }
}
