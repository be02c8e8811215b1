//! Bad input, end to end: each case is a corpus folder that holds it among good files. The
//! run goes on, the good files' rows are exactly those of a run without the bad ones, and
//! `run.json` lists every skipped or repaired file with the reason. Then the refusals
//! before any work, the exit statuses, and output safety (atomic files, a killed run,
//! formula cells, `--excel`, RFC 4180 quoting).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

type Row = BTreeMap<String, String>;

/// The files with one row per document part; their rows for a good file must not change.
const PER_DOCUMENT: &[&str] = &["sentences", "sections", "documents", "mentions"];
/// Every CSV file a run writes, without the extension.
fn all_csv() -> impl Iterator<Item = &'static str> {
    detente::output::FILES
        .iter()
        .filter_map(|f| f.strip_suffix(".csv"))
}

const GOOD_TXT: &str = "Relations between Russia and the U.S. have warmed since the summit, with trade and economic cooperation growing. However, tensions over Ukraine remain.\n\
The Relationship Between Russia and the U.S. Now\n\
In 2014, Russia annexed Crimea, leading to international condemnation and economic sanctions.\n\
Mr. Lavrov met the U.S. envoy in Geneva on Jan. 5 and both sides agreed to resume talks.\n";
const GOOD_MD: &str = "# Brief\n\nTalks resumed in Geneva. The parties signed a ceasefire.\n\n## Outlook\n\nThe relationship between Russia and the U.S. may improve, but sanctions remain.\n";
const GOOD_HTML: &str = "<html><head><title>Border</title></head><body><h1>Border clashes</h1><p>Troops exchanged fire near the border. Officials condemned the attack.</p><h2>Diplomacy</h2><p>Envoys agreed to meet in Vienna.</p></body></html>";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("detente")
}

fn detente() -> Command {
    Command::new(bin())
}

/// A corpus folder with the three good files (in a subfolder, so a bad file's name sorts
/// anywhere around them).
fn corpus_with_good_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    dir
}

fn write_good(root: &Path) {
    fs::create_dir_all(root.join("good")).unwrap();
    fs::write(root.join("good/news.txt"), GOOD_TXT).unwrap();
    fs::write(root.join("good/brief.md"), GOOD_MD).unwrap();
    fs::write(root.join("good/page.html"), GOOD_HTML).unwrap();
}

fn analyze(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    detente()
        .arg("analyze")
        .arg(corpus)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Reads a CSV back as a user's tools would: one header, every row as wide as it.
fn read_csv(path: &Path) -> Vec<Row> {
    read_csv_where(path, |_| true)
}

/// [`read_csv`], keeping only the rows whose first column passes `keep` (streamed, so a
/// sentences.csv of millions of rows is checked without holding it).
fn read_csv_where(path: &Path, keep: impl Fn(&str) -> bool) -> Vec<Row> {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let header = reader.headers().unwrap().clone();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // A StringRecord read fails on bytes that are not UTF-8.
    while reader
        .read_record(&mut record)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    {
        assert_eq!(record.len(), header.len(), "{}: row width", path.display());
        if keep(&record[0]) {
            rows.push(
                header
                    .iter()
                    .map(str::to_string)
                    .zip(record.iter().map(str::to_string))
                    .collect(),
            );
        }
    }
    rows
}

/// Every file in `dir` (not in sub-folders), hidden ones too, with its bytes.
fn folder_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    (fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap()
}

/// The good files' rows in every per-document file.
fn good_rows(out: &Path) -> BTreeMap<&'static str, Vec<Row>> {
    PER_DOCUMENT
        .iter()
        .map(|name| {
            let rows = read_csv_where(&out.join(format!("{name}.csv")), |id| {
                id.starts_with("good/")
            });
            (*name, rows)
        })
        .collect()
}

/// The good files' rows from a run on the good files alone.
fn baseline() -> BTreeMap<&'static str, Vec<Row>> {
    let corpus = corpus_with_good_files();
    let out = tempfile::tempdir().unwrap();
    let o = analyze(corpus.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = good_rows(out.path());
    assert_eq!(rows["documents"].len(), 3);
    rows
}

fn assert_good_unchanged(out: &Path) {
    let now = good_rows(out);
    let before = baseline();
    for name in PER_DOCUMENT {
        assert_eq!(
            now[name], before[name],
            "{name}.csv rows of the good files changed"
        );
    }
}

/// The report entries (`skipped` or `warnings`) about `file`.
fn listed(manifest: &Value, list: &str, file: &str) -> Vec<String> {
    manifest["report"][list]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["file"] == file)
        .map(|w| w["message"].as_str().unwrap().to_string())
        .collect()
}

fn assert_listed(manifest: &Value, list: &str, file: &str, needle: &str) {
    let messages = listed(manifest, list, file);
    assert!(
        messages.iter().any(|m| m.contains(needle)),
        "run.json {list} has no `{needle}` for {file}: {messages:?}\n{:#}",
        manifest["report"]
    );
}

fn document<'a>(out_rows: &'a [Row], doc_id: &str) -> &'a Row {
    out_rows
        .iter()
        .find(|r| r["doc_id"] == doc_id)
        .unwrap_or_else(|| panic!("{doc_id} not in documents.csv"))
}

fn sentences_of(out: &Path, doc_id: &str) -> Vec<String> {
    read_csv(&out.join("sentences.csv"))
        .into_iter()
        .filter(|r| r["doc_id"] == doc_id)
        .map(|r| r["text"].clone())
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let b = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&b);
    }
    bytes
}

#[test]
fn encodings_are_decoded_and_every_repair_is_reported() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    // Mostly UTF-8 with one stray byte: kept as UTF-8, the bad byte replaced.
    fs::write(
        c.join("stray.txt"),
        b"The d\xc3\xa9tente held. Na\xc3\xafve hopes faded \xff today.\n",
    )
    .unwrap();
    fs::write(
        c.join("le.txt"),
        utf16("Russia and Ukraine signed a d\u{e9}tente accord.\n", false),
    )
    .unwrap();
    fs::write(
        c.join("be.txt"),
        utf16("The ceasefire \u{201c}holds\u{201d} in the north.\n", true),
    )
    .unwrap();
    fs::write(
        c.join("cp1252.txt"),
        b"Caf\xe9 talks: \x93peace is near\x94, the envoy said \x96 again.\n",
    )
    .unwrap();
    fs::write(c.join("bom.md"), b"\xef\xbb\xbfTalks resumed in Geneva.\n").unwrap();

    let out = tempfile::tempdir().unwrap();
    let o = analyze(c, out.path(), &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "repairs are not skips: {}",
        stderr(&o)
    );
    let m = manifest(out.path());
    assert_listed(&m, "warnings", "stray.txt", "U+FFFD");
    assert_eq!(
        sentences_of(out.path(), "stray.txt"),
        vec!["The détente held.", "Naïve hopes faded \u{fffd} today."]
    );
    assert_listed(&m, "warnings", "le.txt", "UTF-16LE");
    assert_eq!(
        sentences_of(out.path(), "le.txt"),
        vec!["Russia and Ukraine signed a détente accord."]
    );
    assert_listed(&m, "warnings", "be.txt", "UTF-16BE");
    assert_eq!(
        sentences_of(out.path(), "be.txt"),
        vec!["The ceasefire \u{201c}holds\u{201d} in the north."]
    );
    assert_listed(&m, "warnings", "cp1252.txt", "Windows-1252");
    assert_eq!(
        sentences_of(out.path(), "cp1252.txt"),
        vec!["Café talks: \u{201c}peace is near\u{201d}, the envoy said \u{2013} again."]
    );
    assert!(
        listed(&m, "warnings", "bom.md").is_empty(),
        "a UTF-8 byte-order mark is no problem"
    );
    assert_eq!(
        sentences_of(out.path(), "bom.md"),
        vec!["Talks resumed in Geneva."]
    );
    assert!(m["report"]["skipped"].as_array().unwrap().is_empty());
    assert_good_unchanged(out.path());
}

#[test]
fn binary_empty_whitespace_and_punctuation_files() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    fs::write(c.join("zeros.txt"), vec![0u8; 4096]).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..2000u32).map(|i| (i * 7 % 256) as u8));
    fs::write(c.join("image.md"), png).unwrap();
    // A NUL deep inside a text file does not make it binary; it is replaced.
    let mut late_nul = "Talks resumed in Geneva. ".repeat(400).into_bytes();
    late_nul.extend_from_slice(b"\0Both sides agreed.\n");
    fs::write(c.join("late-nul.txt"), late_nul).unwrap();
    fs::write(c.join("empty.txt"), b"").unwrap();
    fs::write(c.join("blank.txt"), b"  \n\n\t\r\n   \n").unwrap();
    fs::write(c.join("punct.md"), b"... !!! ??? -- *** ;;; \xe2\x80\xa6\n").unwrap();

    let out = tempfile::tempdir().unwrap();
    let o = analyze(c, out.path(), &[]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "binary files are skipped: {}",
        stderr(&o)
    );
    let m = manifest(out.path());
    assert_listed(&m, "skipped", "zeros.txt", "binary");
    assert_listed(&m, "skipped", "image.md", "binary");
    assert_listed(&m, "warnings", "late-nul.txt", "NUL");
    // Decision: a file with no text is analysed (a row with 0 sentences, so it is not
    // lost from documents.csv) and a warning says why it has no sentences.
    assert_listed(&m, "warnings", "empty.txt", "0 sentences: empty");
    assert_listed(&m, "warnings", "blank.txt", "0 sentences: only whitespace");
    assert_listed(
        &m,
        "warnings",
        "punct.md",
        "0 sentences: no letters or digits",
    );
    let docs = read_csv(&out.path().join("documents.csv"));
    for id in ["empty.txt", "blank.txt", "punct.md"] {
        let d = document(&docs, id);
        assert_eq!(d["n_sentences"], "0", "{id}");
        assert_eq!(d["tone"], "0.0000", "{id}");
    }
    assert!(!docs.iter().any(|d| d["doc_id"] == "zeros.txt"));
    assert_eq!(document(&docs, "late-nul.txt")["n_sentences"], "401");
    assert_eq!(m["report"]["documents"], 7);
    assert_eq!(m["report"]["skipped"].as_array().unwrap().len(), 2);
    assert_good_unchanged(out.path());
    // Every text cell parses: the NUL did not reach the CSV.
    assert!(
        !fs::read(out.path().join("sentences.csv"))
            .unwrap()
            .contains(&0)
    );
}

/// Whether this process can read a file with no read permission (root can).
fn permissions_bind_us(dir: &Path) -> bool {
    let probe = dir.join("probe");
    fs::write(&probe, "x").unwrap();
    set_mode(&probe, 0o000);
    let bound = fs::read(&probe).is_err();
    fs::remove_file(&probe).unwrap();
    bound
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_paths_broken_links_and_loops() {
    use std::os::unix::fs::symlink;
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    symlink("does-not-exist.txt", c.join("broken.txt")).unwrap();
    symlink("loop-b.txt", c.join("loop-a.txt")).unwrap();
    symlink("loop-a.txt", c.join("loop-b.txt")).unwrap();
    symlink("..", c.join("good/up")).unwrap(); // a folder loop: every file read once
    let fifo = c.join("pipe.txt");
    let made = StdCommand::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    fs::create_dir(c.join("folder.txt")).unwrap(); // a folder named like a document
    fs::write(c.join("folder.txt/inner.txt"), "Talks resumed.\n").unwrap();
    fs::write(c.join("locked.txt"), "Secret talks resumed.\n").unwrap();
    set_mode(&c.join("locked.txt"), 0o000);
    fs::create_dir(c.join("locked-dir")).unwrap();
    fs::write(c.join("locked-dir/a.txt"), "Hidden away.\n").unwrap();
    set_mode(&c.join("locked-dir"), 0o000);
    let bound = permissions_bind_us(c);

    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let o = analyze(c, out.path(), &[]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a FIFO must never be opened"
    );
    set_mode(&c.join("locked-dir"), 0o755);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let m = manifest(out.path());
    assert_listed(&m, "skipped", "broken.txt", "broken symbolic link");
    assert_listed(&m, "skipped", "loop-a.txt", "symbolic link loop");
    assert_listed(&m, "skipped", "loop-b.txt", "symbolic link loop");
    assert_listed(
        &m,
        "skipped",
        "pipe.txt",
        "not a regular file (a named pipe)",
    );
    assert_listed(&m, "warnings", "good/up", "not followed");
    let docs = read_csv(&out.path().join("documents.csv"));
    assert!(docs.iter().any(|d| d["doc_id"] == "folder.txt/inner.txt"));
    let good_news = docs
        .iter()
        .filter(|d| d["doc_id"].ends_with("news.txt"))
        .count();
    assert_eq!(good_news, 1, "a folder loop must not read a file twice");
    if bound {
        assert_listed(&m, "skipped", "locked.txt", "permission denied");
        assert_listed(&m, "skipped", "locked-dir", "cannot read folder");
    } else {
        // Root reads files whatever their mode, so there is no unreadable file to test
        // with chmod; the FIFO and the links above are the unreadable paths that remain.
        eprintln!("running as root: chmod 000 does not stop reading; permission case not asserted");
        assert!(docs.iter().any(|d| d["doc_id"] == "locked.txt"));
        assert!(docs.iter().any(|d| d["doc_id"] == "locked-dir/a.txt"));
    }
    assert_good_unchanged(out.path());
}

#[test]
fn deep_folders_and_odd_file_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    let mut deep = c.join("deep");
    for i in 0..200 {
        deep.push(format!("{}", i % 10));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), "The deepest talks resumed.\n").unwrap();
    // Two names that differ only in a byte that is not UTF-8: they must stay two documents.
    fs::write(
        c.join(OsStr::from_bytes(b"caf\xe9.txt")),
        "Talks in Paris.\n",
    )
    .unwrap();
    fs::write(
        c.join(OsStr::from_bytes(b"caf\xe8.txt")),
        "Talks in Rome.\n",
    )
    .unwrap();
    let odd = [
        "comma, in name.txt",
        "quote \"in\" name.txt",
        "new\nline.txt",
        "=HYPERLINK(\"x\").txt",
        "-minus.md",
    ];
    for name in odd {
        fs::write(c.join(name), "Envoys agreed to meet again.\n").unwrap();
    }

    let out = tempfile::tempdir().unwrap();
    let o = analyze(c, out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = manifest(out.path());
    let docs = read_csv(&out.path().join("documents.csv"));
    let deep_id: String = (0..200).map(|i| format!("{}/", i % 10)).collect();
    let deep_id = format!("deep/{deep_id}bottom.txt");
    assert_eq!(document(&docs, &deep_id)["n_sentences"], "1");
    assert_eq!(document(&docs, "caf\\xE9.txt")["n_sentences"], "1");
    assert_eq!(document(&docs, "caf\\xE8.txt")["n_sentences"], "1");
    assert_listed(&m, "warnings", "caf\\xE9.txt", "not valid UTF-8");
    for name in &odd[..3] {
        assert_eq!(document(&docs, name)["n_sentences"], "1", "{name:?}");
    }
    // doc_id is a text column: a name that reads as a formula is neutralised there too.
    document(&docs, "'=HYPERLINK(\"x\").txt");
    document(&docs, "'-minus.md");
    let sentences = read_csv(&out.path().join("sentences.csv"));
    assert!(sentences.iter().any(|s| s["doc_id"] == "new\nline.txt"));
    assert_eq!(docs.len(), 3 + 1 + 2 + odd.len());
    assert_good_unchanged(out.path());
}

#[test]
fn malformed_markdown_and_html() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    fs::write(
        c.join("fence.md"),
        "# Talks\n\nThe envoys met.\n\n```\n\n## Outcome\n\nBoth sides *agreed to **resume talks.\n\n####### Not a heading\n\n[unclosed link(\n",
    )
    .unwrap();
    fs::write(
        c.join("unclosed.html"),
        "<html><body><h1>Summit<p>Leaders agreed to cooperate.<div><table><tr><td>Trade grew<b><i>Sanctions remain.<script>var x = '<p>';</body>",
    )
    .unwrap();
    let deep_div =
        "<div>".repeat(10_000) + "Deep in the page, talks resumed." + &"</div>".repeat(10_000);
    fs::write(c.join("deep-div.html"), deep_div).unwrap();
    let deep_inline =
        "<p>".to_string() + &"<b><i><span>".repeat(10_000) + "Inline depth, the ceasefire held.";
    fs::write(c.join("deep-inline.htm"), deep_inline).unwrap();
    let deep_md =
        "> ".repeat(10_000) + "Quoted talks resumed.\n" + &"- ".repeat(10_000) + "Listed.\n";
    fs::write(c.join("deep.md"), deep_md).unwrap();

    let out = tempfile::tempdir().unwrap();
    let o = analyze(c, out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fence = sentences_of(out.path(), "fence.md");
    assert!(
        fence.iter().any(|s| s.contains("resume talks")),
        "text after an unclosed fence is analysed: {fence:?}"
    );
    let sections = read_csv(&out.path().join("sections.csv"));
    let titles: Vec<&str> = sections
        .iter()
        .filter(|s| s["doc_id"] == "fence.md")
        .map(|s| s["section_title"].as_str())
        .collect();
    assert_eq!(titles, vec!["Talks", "Outcome"]);
    let unclosed = sentences_of(out.path(), "unclosed.html").join(" | ");
    assert!(
        unclosed.contains("Leaders agreed to cooperate."),
        "{unclosed}"
    );
    assert!(unclosed.contains("Sanctions remain."), "{unclosed}");
    assert!(
        !unclosed.contains("var x"),
        "script text leaked: {unclosed}"
    );
    assert!(
        sentences_of(out.path(), "deep-div.html")
            .contains(&"Deep in the page, talks resumed.".to_string())
    );
    assert!(
        sentences_of(out.path(), "deep-inline.htm")
            .join(" ")
            .contains("the ceasefire held"),
        "text under 30,000 unclosed inline tags is found"
    );
    assert!(
        sentences_of(out.path(), "deep.md")
            .join(" ")
            .contains("Quoted talks resumed.")
    );
    assert_good_unchanged(out.path());
}

/// Deletes `good/vanish.txt` and rewrites `good/changes.txt` once the corpus is listed.
fn vanish_and_change(files: &[detente::corpus::SourceFile]) {
    for f in files {
        if f.doc_id.ends_with("vanish.txt") {
            fs::remove_file(&f.path).unwrap();
        }
        if f.doc_id.ends_with("changes.txt") {
            fs::write(
                &f.path,
                "Rewritten: the talks collapsed. Then they resumed.\n",
            )
            .unwrap();
        }
    }
}

#[test]
fn a_file_that_vanishes_or_changes_during_the_run() {
    use detente::corpus::Discovery;
    use detente::output::CellPolicy;
    use detente::run::{RunConfig, run};
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    fs::write(c.join("vanish.txt"), "Here for a moment.\n").unwrap();
    fs::write(c.join("changes.txt"), "Short.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let analyzer = detente::pipeline::Analyzer {
        lexicon: detente::tone::Lexicon::builtin(),
        gazetteer: detente::entities::Gazetteer::builtin(),
        phrases: detente::phrases::PhraseOptions::default(),
        untyped_names: false,
    };
    let config = RunConfig {
        corpus: c.to_path_buf(),
        output: out.path().to_path_buf(),
        threads: Some(1),
        discovery: Discovery::default(),
        cells: CellPolicy::default(),
        excel: false,
        options: Value::Null,
        group_by: detente::groups::GroupBy::default(),
        dating: detente::dates::Dating::default(),
        progress: false,
        share: None,
        data: Default::default(),
        data_warnings: Vec::new(),
        on_discovered: Some(vanish_and_change),
    };
    let report = run(&config, &analyzer).unwrap();
    assert_eq!(report.files, 5);
    assert_eq!(report.documents, 4);
    let vanished: Vec<_> = report
        .skipped
        .iter()
        .filter(|w| w.file == "vanish.txt")
        .collect();
    assert_eq!(vanished.len(), 1, "{:?}", report.skipped);
    assert!(
        vanished[0].message.contains("no longer there"),
        "{}",
        vanished[0]
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.file == "changes.txt" && w.message.contains("changed during the run")),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        sentences_of(out.path(), "changes.txt"),
        vec!["Rewritten: the talks collapsed.", "Then they resumed."],
        "the file is analysed as read"
    );
    assert_listed(
        &manifest(out.path()),
        "skipped",
        "vanish.txt",
        "no longer there",
    );
    assert_good_unchanged(out.path());

    // The same through the library's loader alone.
    let (files, _) = Discovery::default().find(c).unwrap();
    let news = files.iter().find(|f| f.doc_id == "good/news.txt").unwrap();
    fs::remove_file(&news.path).unwrap();
    let err = detente::corpus::load(news).unwrap_err();
    assert!(
        matches!(&err, detente::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err}"
    );
    let brief = files.iter().find(|f| f.doc_id == "good/brief.md").unwrap();
    fs::remove_file(&brief.path).unwrap();
    fs::create_dir(&brief.path).unwrap();
    assert!(matches!(
        detente::corpus::load(brief),
        Err(detente::Error::NotAFile(_))
    ));
}

/// A run that takes longer is killed (its status then says so): the slowest run here
/// takes well under the two minutes its test allows, and one that hangs must fail the
/// suite, not stall it.
const HUNG: Duration = Duration::from_secs(300);

/// Peak resident memory (kB) of a running child, sampled until it exits or is killed as
/// [`HUNG`].
fn run_measured(mut cmd: StdCommand) -> (std::process::ExitStatus, u64, Duration) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = fs::read_to_string(&status_path) {
            for line in status.lines() {
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    let kb: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                    peak = peak.max(kb);
                }
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak, started.elapsed());
        }
        if started.elapsed() > HUNG {
            child.kill().unwrap();
            return (child.wait().unwrap(), peak, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn analyze_measured(corpus: &Path, out: &Path) -> (std::process::ExitStatus, u64, Duration) {
    let mut cmd = StdCommand::new(bin());
    cmd.arg("analyze")
        .arg(corpus)
        .arg("-o")
        .arg(out)
        .arg("--quiet");
    run_measured(cmd)
}

/// One unit of text that the big files repeat: 6 sentences.
const UNIT: &str = "Russia and the U.S. agreed to resume talks in Geneva. Officials condemned the attack on the convoy. The ceasefire held for a third day! Mr. Lavrov met the envoy on Jan. 5 to discuss sanctions. Trade between the two countries grew by 3.5 percent. Will the détente last? ";

/// A 200 MB file among good files: analysed whole, in bounded memory and time.
#[test]
#[cfg_attr(debug_assertions, ignore = "200 MB: run with --release (CI does)")]
fn a_200_mb_file() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    let target = 200 << 20;
    let paragraph = format!("{}\n", UNIT.repeat(8));
    let repeats = target / paragraph.len() + 1;
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(fs::File::create(c.join("big.txt")).unwrap());
        for _ in 0..repeats {
            f.write_all(paragraph.as_bytes()).unwrap();
        }
    }
    let size = fs::metadata(c.join("big.txt")).unwrap().len();
    assert!(size >= 200 << 20);
    let out = tempfile::tempdir().unwrap();
    let (status, peak_kb, elapsed) = analyze_measured(c, out.path());
    eprintln!(
        "200 MB file: {:.1} s, peak RSS {} MB",
        elapsed.as_secs_f64(),
        peak_kb / 1024
    );
    assert_eq!(status.code(), Some(0));
    let docs = read_csv(&out.path().join("documents.csv"));
    assert_eq!(
        document(&docs, "big.txt")["n_sentences"],
        (repeats * 6 * 8).to_string()
    );
    // Linear work: ~20 s on a 2-core CI machine; quadratic work would take hours.
    assert!(elapsed < Duration::from_secs(240), "took {elapsed:?}");
    // Memory grows with the file (the text and one row per sentence, with its mentions,
    // are held while the document is written: ~1.9 GB here, 4.5 million sentences) but
    // stays linear; two copies of the rows or a quadratic buffer would pass this bound.
    assert!(peak_kb < 2560 * 1024, "peak RSS {} MB", peak_kb / 1024);
    assert_good_unchanged(out.path());
}

/// A file that is a single 50 MB line: one paragraph, split in windows.
#[test]
#[cfg_attr(debug_assertions, ignore = "50 MB: run with --release (CI does)")]
fn a_single_50_mb_line() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    let repeats = (50 << 20) / UNIT.len() + 1;
    fs::write(c.join("line.txt"), UNIT.repeat(repeats).trim_end()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (status, peak_kb, elapsed) = analyze_measured(c, out.path());
    eprintln!(
        "50 MB line: {:.1} s, peak RSS {} MB",
        elapsed.as_secs_f64(),
        peak_kb / 1024
    );
    assert_eq!(status.code(), Some(0));
    let docs = read_csv(&out.path().join("documents.csv"));
    assert_eq!(
        document(&docs, "line.txt")["n_sentences"],
        (repeats * 6).to_string()
    );
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");
    // ~500 MB, mostly the 1.2 million sentence rows; the splitter's index of 16 bytes per
    // character, if it covered the whole line at once, would add 800 MB.
    assert!(peak_kb < 768 * 1024, "peak RSS {} MB", peak_kb / 1024);
    assert_good_unchanged(out.path());
}

#[test]
fn exit_statuses_and_refusals_before_any_work() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    let scratch = tempfile::tempdir().unwrap();
    let s = scratch.path();

    // 0: every document analysed.
    let o = analyze(c, &s.join("ok"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // 4: nothing could be read. Each file's problem is printed, and nothing is written:
    // the earlier run's files stay byte for byte, with no temporary file left beside them.
    let unreadable = s.join("unreadable");
    fs::create_dir(&unreadable).unwrap();
    fs::write(unreadable.join("a.txt"), [0u8; 64]).unwrap();
    std::os::unix::fs::symlink("missing.md", unreadable.join("b.md")).unwrap();
    let earlier = folder_bytes(&s.join("ok"));
    assert!(earlier.contains_key("sentences.csv") && earlier.contains_key("report.html"));
    let o = analyze(&unreadable, &s.join("ok"), &["--xlsx"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("a.txt: skipped: binary file") && err.contains("b.md: skipped"),
        "{err}"
    );
    assert!(
        folder_bytes(&s.join("ok")) == earlier,
        "earlier results changed"
    );
    // Into a new folder, two levels deep: the folders the run made go again, and the
    // summary says the folder was not created rather than that it is as it was.
    let o = detente()
        .arg("analyze")
        .arg(&unreadable)
        .arg("-o")
        .arg(s.join("none/deeper"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        !s.join("none").exists(),
        "a folder left: {:?}",
        folder_bytes(&s.join("none"))
    );
    let err = stderr(&o);
    assert!(
        err.contains("nothing was written:") && err.contains("none/deeper was not created"),
        "{err}"
    );

    // 1, one line, nothing written: each refusal below.
    let refused = |corpus: &Path, out: &Path, needle: &str| {
        let o = analyze(corpus, out, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "one clear line: {err}");
        assert!(err.contains(needle), "`{needle}` not in: {err}");
        err
    };
    refused(
        &s.join("no-such-corpus"),
        &s.join("o1"),
        "corpus folder not found",
    );
    assert!(!s.join("o1").exists(), "nothing created for a refused run");
    refused(&c.join("good/news.txt"), &s.join("o2"), "not a folder");
    refused(c, &c.join("out"), "inside the corpus folder");
    assert!(!c.join("out").exists());
    refused(c, c, "inside the corpus folder");
    refused(
        c,
        &c.join("good/../good/deeper/out"),
        "inside the corpus folder",
    );
    assert!(!c.join("good/deeper").exists());
    let file = s.join("a-file");
    fs::write(&file, "x").unwrap();
    refused(
        c,
        &file,
        "cannot write to the output folder: it is a file, not a folder",
    );
    refused(c, &file.join("sub"), "cannot write to the output folder");
    if permissions_bind_us(s) {
        let ro = s.join("read-only");
        fs::create_dir(&ro).unwrap();
        set_mode(&ro, 0o555);
        refused(c, &ro, "cannot write to the output folder");
        set_mode(&ro, 0o755);
    } else {
        eprintln!("running as root: a read-only folder is writable; that case not asserted");
    }
    let empty = s.join("no-docs");
    fs::create_dir(&empty).unwrap();
    fs::write(empty.join("data.csv"), "a,b").unwrap();
    refused(&empty, &s.join("o3"), "no documents found");
    assert!(!s.join("o3").exists());

    // 2: a usage error, such as no threads to work with.
    let o = analyze(c, &s.join("o4"), &["--threads", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
    assert!(!s.join("o4").exists());

    // The default layout, `analyze corpus -o output` with output beside corpus, works.
    let parent = tempfile::tempdir().unwrap();
    write_good(&parent.path().join("corpus"));
    let o = detente()
        .current_dir(parent.path())
        .args(["analyze", "corpus", "-o", "output", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(parent.path().join("output/documents.csv").is_file());
}

#[test]
fn a_second_run_on_the_same_output_folder_is_refused() {
    let corpus = corpus_with_good_files();
    let out = tempfile::tempdir().unwrap();
    let o = analyze(corpus.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    let lock = fs::File::open(out.path().join(".detente.lock")).unwrap();
    lock.try_lock().unwrap(); // as a run in progress holds it
    let o = analyze(corpus.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("another detente run"), "{}", stderr(&o));
    drop(lock);
    assert_eq!(
        analyze(corpus.path(), out.path(), &[]).status.code(),
        Some(0)
    );
}

fn visible_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_killed_run_leaves_the_previous_results_intact() {
    let small = corpus_with_good_files();
    let out = tempfile::tempdir().unwrap();
    let o = analyze(small.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    let before: BTreeMap<String, Vec<u8>> = visible_files(out.path())
        .into_iter()
        .map(|n| {
            let bytes = fs::read(out.path().join(&n)).unwrap();
            (n, bytes)
        })
        .collect();
    assert_eq!(
        before.len(),
        10,
        "8 CSV files, run.json and report.html: {:?}",
        before.keys()
    );

    // A corpus that takes a few seconds: 240 files of ~160 KB.
    let big = tempfile::tempdir().unwrap();
    let text = UNIT.repeat(600);
    for i in 0..240 {
        fs::write(big.path().join(format!("doc-{i:03}.txt")), &text).unwrap();
    }
    let mut child = StdCommand::new(bin())
        .arg("analyze")
        .arg(big.path())
        .arg("-o")
        .arg(out.path())
        .arg("--quiet")
        .arg("--threads")
        .arg("1")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run is writing its temporary files, then kill it part way.
    let deadline = Instant::now() + Duration::from_secs(30);
    while temp_files(out.path()).len() < 4 {
        assert!(Instant::now() < deadline, "the run never started writing");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed part way, not finished");
    assert!(!temp_files(out.path()).is_empty(), "killed while writing");

    // The previous results, byte for byte, and nothing else visible.
    assert_eq!(
        visible_files(out.path()),
        before.keys().cloned().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            &fs::read(out.path().join(name)).unwrap() == bytes,
            "{name} changed"
        );
    }
    for name in all_csv() {
        read_csv(&out.path().join(format!("{name}.csv")));
    }
    // The next run removes the dead run's temporary files.
    let o = analyze(small.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(temp_files(out.path()), Vec::<String>::new());
}

#[test]
fn stale_temporary_files_are_removed_but_others_kept() {
    let corpus = corpus_with_good_files();
    let out = tempfile::tempdir().unwrap();
    let stale = [
        ".sentences.csv.Ab12Cd.tmp",
        ".run.json.xYz123.tmp",
        ".report.html.Q1w2E3",
    ];
    let kept = [
        "notes.tmp",
        ".other.tmp",
        ".sentences.csv.mine.tmp",
        ".report.html.bak",
    ];
    for name in stale.iter().chain(&kept) {
        fs::write(out.path().join(name), "half a row,").unwrap();
    }
    let o = analyze(corpus.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    for name in stale {
        assert!(!out.path().join(name).exists(), "{name} left behind");
    }
    for name in kept {
        assert!(
            out.path().join(name).exists(),
            "{name} is not ours to delete"
        );
    }
}

/// A run replaces what stands where its files go without reading it: a named pipe where
/// `sentences.csv` goes (opening it would wait for a writer forever) and a link where
/// `documents.csv` goes (the file it points to stays as it was).
#[cfg(unix)]
#[test]
fn a_pipe_or_a_link_where_an_output_file_goes_is_replaced() {
    let corpus = corpus_with_good_files();
    let out = tempfile::tempdir().unwrap();
    let pipe = out.path().join("sentences.csv");
    if !StdCommand::new("mkfifo")
        .arg(&pipe)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("no mkfifo here: case not run");
        return;
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = elsewhere.path().join("theirs.csv");
    fs::write(&theirs, "not ours\n").unwrap();
    std::os::unix::fs::symlink(&theirs, out.path().join("documents.csv")).unwrap();
    let (status, _, took) = analyze_measured(corpus.path(), out.path());
    assert_eq!(
        status.code(),
        Some(0),
        "{status:?} after {took:?}: hung on the pipe?"
    );
    for name in ["sentences.csv", "documents.csv"] {
        let file = fs::symlink_metadata(out.path().join(name)).unwrap();
        assert!(file.is_file(), "{name} was not replaced");
    }
    assert_eq!(
        read_csv(&out.path().join("sentences.csv")).len(),
        baseline()["sentences"].len()
    );
    assert_eq!(fs::read_to_string(&theirs).unwrap(), "not ours\n");
}

#[test]
fn formula_cells_are_neutralised_and_numbers_never() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    // The seed's layout: lone "-" bullet lines and "- " items; and lines that a
    // spreadsheet would run.
    fs::write(
        c.join("cells.txt"),
        "Key Takeaways\n-\nThe talks collapsed and sanctions followed.\n-\n- Economic sanctions remain in place.\n=HYPERLINK(\"http://x\",\"click\") was in the text.\n+44 20 7946 0958 is the embassy line.\n@channel the envoys agreed.\n-5 percent is the forecast for trade.\n",
    )
    .unwrap();
    let safe = tempfile::tempdir().unwrap();
    let o = analyze(c, safe.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A cell that starts like a formula must be a number (numeric columns are never
    // touched); a neutralised cell must be text that started like a formula, never a
    // number given an apostrophe.
    let mut negative_numbers = 0;
    let mut neutralised = 0;
    for name in all_csv() {
        for row in read_csv(&safe.path().join(format!("{name}.csv"))) {
            for (column, cell) in &row {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    cell.parse::<f64>().unwrap_or_else(|_| {
                        panic!("{name}.{column} = {cell:?} would run as a formula")
                    });
                    negative_numbers += 1;
                }
                if let Some(rest) = cell.strip_prefix('\'') {
                    assert!(
                        rest.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{name}.{column} = {cell:?}"
                    );
                    assert!(
                        rest.parse::<f64>().is_err(),
                        "number neutralised: {name}.{column} = {cell:?}"
                    );
                    neutralised += 1;
                }
            }
        }
    }
    assert!(
        negative_numbers > 0,
        "negative numbers stay numbers, unquoted"
    );
    assert!(neutralised >= 4);
    let texts = sentences_of(safe.path(), "cells.txt");
    for want in [
        "'=HYPERLINK(\"http://x\",\"click\") was in the text.",
        "'+44 20 7946 0958 is the embassy line.",
        "'@channel the envoys agreed.",
        "'-5 percent is the forecast for trade.",
        "Economic sanctions remain in place.",
    ] {
        assert!(texts.contains(&want.to_string()), "{want} not in {texts:?}");
    }
    let raw = tempfile::tempdir().unwrap();
    let o = analyze(c, raw.path(), &["--raw-cells"]);
    assert_eq!(o.status.code(), Some(0));
    let texts = sentences_of(raw.path(), "cells.txt");
    assert!(texts.contains(&"=HYPERLINK(\"http://x\",\"click\") was in the text.".to_string()));
    assert!(texts.contains(&"-5 percent is the forecast for trade.".to_string()));
}

#[test]
fn excel_flag_writes_a_byte_order_mark_and_quoting_follows_rfc_4180() {
    let corpus = corpus_with_good_files();
    let c = corpus.path();
    fs::write(
        c.join("a, \"quoted\"\nname.txt"),
        "Caf\u{e9} talks: \u{201c}peace\u{201d}.\n",
    )
    .unwrap();
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(analyze(c, plain.path(), &[]).status.code(), Some(0));
    let excel = tempfile::tempdir().unwrap();
    assert_eq!(
        analyze(c, excel.path(), &["--excel"]).status.code(),
        Some(0)
    );
    for name in all_csv() {
        let file = format!("{name}.csv");
        let p = fs::read(plain.path().join(&file)).unwrap();
        let e = fs::read(excel.path().join(&file)).unwrap();
        assert!(
            !p.starts_with(b"\xEF\xBB\xBF"),
            "{file}: default output has no BOM"
        );
        assert!(
            e.starts_with(b"\xEF\xBB\xBF"),
            "{file}: --excel starts with a BOM"
        );
        assert_eq!(&e[3..], &p[..], "{file}: the BOM is the only difference");
    }
    assert!(
        !fs::read(excel.path().join("run.json"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );
    assert_eq!(
        manifest(excel.path())["options"]["excel"],
        true,
        "the option is recorded"
    );
    // RFC 4180: CRLF after every record, fields with a comma, quote or line break quoted,
    // quotes doubled; the line break inside the name stays as it is, inside the quotes.
    let docs = String::from_utf8(fs::read(plain.path().join("documents.csv")).unwrap()).unwrap();
    assert!(docs.ends_with("\r\n"));
    assert!(
        docs.contains("\r\n\"a, \"\"quoted\"\"\nname.txt\","),
        "{docs}"
    );
    let records = docs.split("\r\n").filter(|l| !l.is_empty()).count();
    assert_eq!(records, 1 + 4, "header and four documents, one CRLF each");
    let bytes = fs::read(excel.path().join("documents.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(
        &reader.headers().unwrap()[0],
        "doc_id",
        "a CSV reader drops the BOM"
    );
    let rows = read_csv(&excel.path().join("documents.csv"));
    assert!(
        rows.iter()
            .any(|r| r["doc_id"] == "a, \"quoted\"\nname.txt")
    );
    assert_eq!(
        sentences_of(excel.path(), "a, \"quoted\"\nname.txt"),
        vec!["Café talks: \u{201c}peace\u{201d}."]
    );
}

/// Writes `content` to a data file and runs analyze with `flag FILE`.
fn with_data_file(flag: &str, content: &[u8]) -> (std::process::Output, PathBuf) {
    let corpus = corpus_with_good_files();
    let scratch = tempfile::tempdir().unwrap().keep();
    let file = scratch.join("terms.csv");
    fs::write(&file, content).unwrap();
    let out = scratch.join("out");
    let o = detente()
        .arg("analyze")
        .arg(corpus.path())
        .arg("-o")
        .arg(&out)
        .arg(flag)
        .arg(&file)
        .output()
        .unwrap();
    (o, out)
}

#[test]
fn bad_lexicon_gazetteer_and_periods_files_are_refused_with_file_and_line() {
    const LEX: &str = "term,polarity,class,intensity,notes\n";
    const GAZ: &str = "canonical,type,country,role,as_of,aliases\n";
    const PER: &str = "country,from,until,as\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "--lexicon",
            format!("{LEX}peace deal,cooperative,verbal,4.0,\ntruce,cooperative,verbal,heavy,\n")
                .into_bytes(),
            ":3:4:",
        ),
        (
            "--lexicon",
            format!("{LEX}truce,cooperative,verbal,11,\n").into_bytes(),
            ":2:4:",
        ),
        (
            "--lexicon-add",
            format!("{LEX}truce,cooperative,verbal,-2,\n").into_bytes(),
            ":2:4:",
        ),
        (
            "--lexicon-add",
            format!("{LEX}truce,cooperative\n").into_bytes(),
            ":2:",
        ),
        (
            "--lexicon-add",
            "term,polarity,class\ntruce,cooperative,verbal\n"
                .as_bytes()
                .to_vec(),
            ":1:",
        ),
        (
            "--lexicon-add",
            format!("{LEX}truce,friendly,verbal,3,\n").into_bytes(),
            ":2:2:",
        ),
        (
            "--lexicon-add",
            format!("{LEX}truce,cooperative,verbal,3,\nTruces,conflictual,verbal,2,\n")
                .into_bytes(),
            ":3:1:",
        ),
        (
            "--lexicon-add",
            format!(
                "{LEX}truce,cooperative,verbal,3,\"as in \"\"cease-fire\ntruces,neutral,verbal,1,\n"
            )
            .into_bytes(),
            ":2:5: a quoted field is never closed",
        ),
        (
            "--gazetteer-add",
            format!("{GAZ}Atlantis,GPE,,\"sunken state,,\nLemuria,GPE,,state,,\n").into_bytes(),
            ":2:4: a quoted field is never closed",
        ),
        (
            "--lexicon",
            b"term,polarity,class,intensity,notes\nd\xe9tente,cooperative,verbal,3,\n".to_vec(),
            ":2:2: not valid UTF-8",
        ),
        (
            "--lexicon-add",
            utf16(&format!("{LEX}truce,cooperative,verbal,3,\n"), false),
            ":1:1: not valid UTF-8",
        ),
        (
            "--gazetteer-add",
            format!("{GAZ}Atlantis,KINGDOM,,state,,\n").into_bytes(),
            ":2:2:",
        ),
        (
            "--gazetteer-add",
            format!("{GAZ}Atlantis\n").into_bytes(),
            ":2:2:",
        ),
        (
            "--gazetteer-add",
            format!("{GAZ}Atlantis,GPE,ATLANTIS,state,,\n").into_bytes(),
            ":2:3:",
        ),
        (
            "--gazetteer-add",
            "canonical,kind\nAtlantis,GPE\n".as_bytes().to_vec(),
            ":1:2:",
        ),
        (
            "--gazetteer-add",
            b"canonical,type,country,role,as_of,aliases\nR\xe9union,GPE,REU,,,\n".to_vec(),
            ":2:2: not valid UTF-8",
        ),
        (
            "--periods-add",
            format!("{PER}Serbia,1992-04-27,2006-06-05,SCG\n").into_bytes(),
            ":2:1:",
        ),
        (
            "--periods-add",
            format!("{PER}SRB,1992-04-27,2006-06-05,Serbia and Montenegro\n").into_bytes(),
            ":2:4:",
        ),
        (
            "--periods-add",
            format!("{PER}SRB,1992-04-27,later,SCG\n").into_bytes(),
            ":2:3:",
        ),
        (
            "--periods-add",
            format!("{PER}SRB,1918-12-01,1992-04-27,YUG\nSRB,1992-04-27,2006-06-05,SCG\n")
                .into_bytes(),
            ":3:2:",
        ),
        (
            "--periods-add",
            "country,start,end,as\nSRB,1992-04-27,2006-06-05,SCG\n"
                .as_bytes()
                .to_vec(),
            ":1:2:",
        ),
    ];
    for (flag, content, needle) in cases {
        let (o, out) = with_data_file(flag, &content);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{flag} {needle}: {err}");
        assert!(
            err.contains(&format!("terms.csv{needle}")),
            "{flag}: `terms.csv{needle}` not in {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            !out.exists(),
            "{flag} {needle}: refused before any work, nothing written"
        );
        fs::remove_dir_all(out.parent().unwrap()).unwrap();
    }
    // A good file with a byte-order mark (as Excel saves it) is accepted.
    let (o, out) = with_data_file(
        "--lexicon-add",
        format!("\u{feff}{LEX}truce,cooperative,verbal,3,\n").as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::remove_dir_all(out.parent().unwrap()).unwrap();
}

/// With a bad lexicon and a bad gazetteer, the lexicon's error is the one reported (as when
/// the two were built in turn), whether the gazetteer is built beside it or after it.
#[test]
fn with_both_data_files_bad_the_lexicons_error_is_reported() {
    let corpus = corpus_with_good_files();
    let scratch = tempfile::tempdir().unwrap();
    let (lexicon, gazetteer) = (
        scratch.path().join("lex.csv"),
        scratch.path().join("gaz.csv"),
    );
    fs::write(
        &lexicon,
        "term,polarity,class,intensity,notes\ntruce,friendly,verbal,3,\n",
    )
    .unwrap();
    fs::write(
        &gazetteer,
        "canonical,type,country,role,as_of,aliases\nAtlantis,KINGDOM,,,,\n",
    )
    .unwrap();
    for threads in ["1", "2"] {
        let out = scratch.path().join(format!("out-{threads}"));
        let o = detente()
            .arg("analyze")
            .arg(corpus.path())
            .arg("-o")
            .arg(&out)
            .args(["--threads", threads, "--lexicon-add"])
            .arg(&lexicon)
            .arg("--gazetteer-add")
            .arg(&gazetteer)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "--threads {threads}: {err}");
        assert_eq!(err.lines().count(), 1, "--threads {threads}: {err}");
        assert!(err.contains("lex.csv:2:"), "--threads {threads}: {err}");
        assert!(!out.exists(), "--threads {threads}: nothing written");
    }
}

/// A small tmpfs for the full-disk test, unmounted on drop (before its folder is removed).
struct SmallDisk {
    mount_point: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where this process may not mount (not root, or a container without the
    /// capability).
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let status = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| SmallDisk {
            mount_point: dir.path().to_path_buf(),
            _dir: dir,
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = StdCommand::new("umount").arg(&self.mount_point).status();
    }
}

#[test]
fn a_full_disk_leaves_the_previous_results_intact() {
    let Some(disk) = SmallDisk::mount(400) else {
        eprintln!("cannot mount a small tmpfs here (not root?): full-disk case not run");
        return;
    };
    let out = disk.mount_point.join("out");
    let small = corpus_with_good_files();
    let o = analyze(small.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before: BTreeMap<String, Vec<u8>> = visible_files(&out)
        .into_iter()
        .map(|n| {
            let bytes = fs::read(out.join(&n)).unwrap();
            (n, bytes)
        })
        .collect();

    // Output several times larger than the 400 KiB disk.
    let big = tempfile::tempdir().unwrap();
    for i in 0..40 {
        fs::write(big.path().join(format!("doc-{i:02}.txt")), UNIT.repeat(60)).unwrap();
    }
    let o = analyze(big.path(), &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        visible_files(&out),
        before.keys().cloned().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            &fs::read(out.join(name)).unwrap() == bytes,
            "{name} changed"
        );
    }
    assert_eq!(
        temp_files(&out),
        Vec::<String>::new(),
        "a failed run removes its temporary files"
    );
    let o = analyze(small.path(), &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "space is free again: {}",
        stderr(&o)
    );
}

/// Runs the binary (copied to `dir`, where any user may run it) with `args` as user
/// `nobody` under a limit of `nproc` processes and threads for that user; `None` when that
/// cannot be done here (not root, or no `prlimit` or `setpriv`).
fn as_nobody(
    dir: &Path,
    nproc: usize,
    args: &[std::ffi::OsString],
) -> Option<std::process::Output> {
    let copy = dir.join("detente");
    if !copy.exists() {
        fs::copy(bin(), &copy).unwrap();
    }
    StdCommand::new("prlimit")
        .arg(format!("--nproc={nproc}"))
        .args([
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ])
        .arg(&copy)
        .args(args)
        .output()
        .ok()
        .filter(|o| {
            // prlimit or setpriv missing or refused (only root may become nobody): not a
            // run of detente.
            let err = String::from_utf8_lossy(&o.stderr);
            !err.contains("prlimit:") && !err.contains("setpriv:")
        })
}

/// Runs `command` (which writes to `out`) under a limit of 1 to 8 processes: each run
/// must refuse with a clear error and write no results, or write what `expected` holds
/// (but `run.json`, which records times); both must happen.
fn limited_runs_refuse_or_complete(
    dir: &Path,
    expected: &Path,
    command: impl Fn(&Path) -> Vec<std::ffi::OsString>,
) {
    // The limit counts every process of the user: one test's runs at a time.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut refused, mut completed) = (0, 0);
    for nproc in 1..=8 {
        let out = dir.join(format!("out-{nproc}"));
        let Some(o) = as_nobody(dir, nproc, &command(&out)) else {
            eprintln!("cannot run as nobody under prlimit here (not root?): case not run");
            return;
        };
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "nproc {nproc}: {err}");
        if o.status.code() == Some(0) {
            completed += 1;
            for name in visible_files(expected) {
                if name == "run.json" {
                    continue;
                }
                assert!(
                    fs::read(out.join(&name)).unwrap() == fs::read(expected.join(&name)).unwrap(),
                    "nproc {nproc}: {name} differs from an unlimited run's"
                );
            }
        } else {
            refused += 1;
            assert_eq!(o.status.code(), Some(1), "nproc {nproc}: {err}");
            assert!(
                err.contains("cannot start the worker threads"),
                "nproc {nproc}: {err}"
            );
            assert!(
                !out.exists() || visible_files(&out).is_empty(),
                "nproc {nproc}: a refused run wrote {:?}",
                visible_files(&out)
            );
        }
    }
    assert!(
        refused > 0 && completed > 0,
        "refused {refused}, completed {completed}"
    );
}

/// A folder any user may write in, holding the good corpus as `corpus`.
fn shared_folder_with_corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o777);
    let corpus = dir.path().join("corpus");
    write_good(&corpus);
    (dir, corpus)
}

#[test]
fn too_few_threads_is_a_clear_error_or_a_complete_run_never_a_panic() {
    let (dir, corpus) = shared_folder_with_corpus();
    let expected = tempfile::tempdir().unwrap();
    let o = analyze(&corpus, expected.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Two workers and the main thread need 3; the output's sync threads and the report's
    // reading thread want more, and must do without.
    limited_runs_refuse_or_complete(dir.path(), expected.path(), |out| {
        let mut args: Vec<std::ffi::OsString> = vec!["analyze".into(), corpus.clone().into()];
        args.extend(["-o".into(), out.into(), "--threads".into(), "2".into()]);
        args
    });
}

#[test]
fn too_few_threads_to_merge_is_a_clear_error_or_a_complete_merge() {
    let (dir, corpus) = shared_folder_with_corpus();
    let shards: Vec<PathBuf> = (1..=2)
        .map(|k| dir.path().join(format!("shard-{k}")))
        .collect();
    for (k, shard) in shards.iter().enumerate() {
        let o = analyze(&corpus, shard, &["--shard", &format!("{}/2", k + 1)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let expected = tempfile::tempdir().unwrap();
    let o = detente()
        .arg("merge")
        .args(&shards)
        .arg("-o")
        .arg(expected.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    limited_runs_refuse_or_complete(dir.path(), expected.path(), |out| {
        let mut args: Vec<std::ffi::OsString> = vec!["merge".into()];
        args.extend(shards.iter().map(|s| s.clone().into_os_string()));
        args.extend(["-o".into(), out.into()]);
        args
    });
}
