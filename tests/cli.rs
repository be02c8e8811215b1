//! End-to-end tests: the real binary on temporary folders, its CSVs read back.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;

const CSV_FILES: &[&str] = &[
    "sentences",
    "sections",
    "documents",
    "mentions",
    "entities",
    "dyads",
    "phrases",
];

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

/// Reads a CSV back with the csv crate: one header, every row as wide as the header.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = fs::read(path).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_ok(),
        "{} is not UTF-8",
        path.display()
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "{}: row width", path.display());
            header
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn analyze(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    detente()
        .arg("analyze")
        .arg(corpus)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// A news text in the layout of scraped articles: one paragraph per line, plain-text
/// headings, a "Key Takeaways" list of lone bullet markers.
const NEWS: &str = "Relations between Russia and the U.S. have warmed since the summit, with trade and economic cooperation growing. However, tensions over Ukraine remain.\n\
The Relationship Between Russia and the U.S. Now\n\
In 2014, Russia annexed Crimea, leading to international condemnation and economic sanctions.\n\
The relationship between Russia and the U.S. has improved, and Mr. Lavrov met the U.S. envoy in Geneva on Jan. 5.\n\
The relationship between Russia and the U.S. remains fragile.\n\
Key Takeaways\n\
-\n\
The relationship between Russia and the U.S. has warmed.\n\
-\n\
Economic sanctions remain in place.\n";

fn news_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("news.txt"), NEWS).unwrap();
    fs::create_dir(dir.path().join("more")).unwrap();
    fs::write(dir.path().join("more/brief.md"), "# Brief\n\nTalks resumed in Geneva.\n\n## Outlook\n\nThe relationship between Russia and the U.S. may improve.\n").unwrap();
    fs::write(dir.path().join(".hidden.txt"), "Hidden file, never read.").unwrap();
    fs::write(dir.path().join("notes.csv"), "not,a,document").unwrap();
    dir
}

#[test]
fn analyze_writes_every_file_and_they_read_back() {
    let corpus = news_corpus();
    let out = tempfile::tempdir().unwrap();
    let result = analyze(corpus.path(), out.path(), &["--quiet"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    for name in CSV_FILES {
        let rows = read_csv(&out.path().join(format!("{name}.csv")));
        assert!(!rows.is_empty(), "{name}.csv has no rows");
    }
    let docs = read_csv(&out.path().join("documents.csv"));
    let ids: Vec<&str> = docs.iter().map(|d| d["doc_id"].as_str()).collect();
    assert_eq!(
        ids,
        vec!["more/brief.md", "news.txt"],
        "sorted, hidden and non-document files skipped"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["report"]["documents"], 2);
    assert_eq!(manifest["inputs"][1]["doc_id"], "news.txt");
    assert_eq!(manifest["inputs"][1]["bytes"], NEWS.len());
}

#[test]
fn news_layout_sections_sentences_dyads_and_phrases() {
    let corpus = news_corpus();
    let out = tempfile::tempdir().unwrap();
    assert!(
        analyze(corpus.path(), out.path(), &["--quiet"])
            .status
            .success()
    );
    let sections: Vec<_> = read_csv(&out.path().join("sections.csv"))
        .into_iter()
        .filter(|s| s["doc_id"] == "news.txt")
        .collect();
    let titles: Vec<&str> = sections
        .iter()
        .map(|s| s["section_title"].as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "",
            "The Relationship Between Russia and the U.S. Now",
            "Key Takeaways"
        ]
    );
    assert_eq!(sections[2]["n_sentences"], "2");
    let sentences: Vec<_> = read_csv(&out.path().join("sentences.csv"))
        .into_iter()
        .filter(|s| s["doc_id"] == "news.txt")
        .collect();
    assert_eq!(sentences.len(), 7);
    for s in &sentences {
        assert!(
            !s["text"].ends_with("U.S.")
                && !s["text"].ends_with("Mr.")
                && !s["text"].ends_with("Jan."),
            "{}",
            s["text"]
        );
        let (start, end): (usize, usize) = (
            s["start_byte"].parse().unwrap(),
            s["end_byte"].parse().unwrap(),
        );
        assert_eq!(
            &NEWS[start..end],
            s["text"],
            "byte spans point into the text"
        );
    }
    let dyads = read_csv(&out.path().join("dyads.csv"));
    assert!(
        dyads
            .iter()
            .any(|d| d["entity_a"] == "Russia" && d["entity_b"] == "United States")
    );
    let phrases = read_csv(&out.path().join("phrases.csv"));
    let relationship = phrases
        .iter()
        .find(|p| p["phrase"].to_lowercase() == "relationship between russia and the u.s.")
        .expect("repeated phrase listed");
    assert_eq!(relationship["count"], "4");
    assert_eq!(relationship["documents"], "2");
}

#[test]
fn a_small_phrase_table_prunes_and_says_how_to_count_exactly() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (small, exact) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pruned = analyze(&corpus, small.path(), &["--max-phrases", "1024", "--quiet"]);
    assert!(pruned.status.success());
    let warning = String::from_utf8_lossy(&pruned.stderr);
    assert!(
        warning.contains("phrase counts are approximate") && warning.contains("--max-phrases"),
        "{warning}"
    );
    let full = analyze(&corpus, exact.path(), &["--quiet"]);
    assert!(full.status.success() && full.stderr.is_empty());
    let listed = |dir: &Path| read_csv(&dir.join("phrases.csv")).len();
    assert!(listed(small.path()) < listed(exact.path()));
    let tiny = analyze(&corpus, small.path(), &["--max-phrases", "10"]);
    assert_eq!(
        tiny.status.code(),
        Some(2),
        "a bound under 1024 is a usage error"
    );
}

#[test]
fn one_and_two_threads_give_identical_files() {
    let out1 = tempfile::tempdir().unwrap();
    let out2 = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    assert!(
        analyze(&corpus, out1.path(), &["--threads", "1", "--quiet"])
            .status
            .success()
    );
    assert!(
        analyze(&corpus, out2.path(), &["--threads", "2", "--quiet"])
            .status
            .success()
    );
    for name in CSV_FILES {
        let file = format!("{name}.csv");
        let a = fs::read(out1.path().join(&file)).unwrap();
        let b = fs::read(out2.path().join(&file)).unwrap();
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
}

/// More phrases than one formatting task takes (they are formatted in parallel chunks):
/// all listed, in the listing's order across the chunks' joins.
#[test]
fn many_phrases_are_listed_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // 9,000 phrases ("Zorvaab kelmaab met"), each once in each of two documents: equal
    // counts give equal scores, and phrases of equal score are listed alphabetically.
    let letters = |i: usize| -> String {
        [i / 676, i / 26 % 26, i % 26]
            .iter()
            .map(|&d| char::from(b'a' + d as u8))
            .collect()
    };
    let mut text = String::new();
    for i in 0..9000 {
        let l = letters(i);
        text.push_str(&format!("Zorv{l} kelm{l} met. "));
        if i % 10 == 9 {
            text.push_str("\n\n");
        }
    }
    fs::write(dir.path().join("a.txt"), &text).unwrap();
    fs::write(dir.path().join("b.txt"), &text).unwrap();
    assert!(
        analyze(dir.path(), out.path(), &["--quiet"])
            .status
            .success()
    );
    let listed: Vec<String> = read_csv(&out.path().join("phrases.csv"))
        .into_iter()
        .map(|r| r["phrase"].clone())
        .filter(|p| p.starts_with("Zorv"))
        .collect();
    assert_eq!(listed.len(), 9000);
    assert!(listed.is_sorted(), "phrases out of order");
}

#[test]
fn bundled_corpus_reads_back_with_sections_from_every_format() {
    let out = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    assert!(analyze(&corpus, out.path(), &["--quiet"]).status.success());
    let docs = read_csv(&out.path().join("documents.csv"));
    assert_eq!(docs.len(), 8);
    for d in &docs {
        assert!(
            d["n_sections"].parse::<usize>().unwrap() >= 1,
            "{}",
            d["doc_id"]
        );
    }
    let sections = read_csv(&out.path().join("sections.csv"));
    for ext in [".txt", ".md", ".html"] {
        assert!(
            sections
                .iter()
                .any(|s| s["doc_id"].ends_with(ext) && !s["section_title"].is_empty()),
            "no titled section in a {ext} document"
        );
    }
    let sentences = read_csv(&out.path().join("sentences.csv"));
    for s in &sentences {
        let t = &s["text"];
        assert!(
            !t.contains("var ") && !t.contains('{'),
            "script or style text leaked: {t}"
        );
    }
}

#[test]
fn missing_or_empty_corpus_is_refused_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-such-folder");
    let result = analyze(&missing, &out.path().join("o"), &[]);
    assert_eq!(result.status.code(), Some(1));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(
        err.contains("no-such-folder") && err.contains("not found"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("data.csv"), "a,b").unwrap();
    let result = analyze(empty.path(), &out.path().join("o"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("no documents found"));
}

/// `--exclude` leaves out a corpus's files about itself (a README beside the texts) and
/// whole folders, without a warning for their metadata rows, is recorded in run.json, and
/// a pattern that is no glob is a usage error.
#[test]
fn excluded_files_and_folders_are_not_read() {
    let corpus = news_corpus();
    fs::write(
        corpus.path().join("README.md"),
        "# About\n\nScraped in 2024.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let ids = |dir: &Path| -> Vec<String> {
        (read_csv(&dir.join("documents.csv")).iter())
            .map(|r| r["doc_id"].clone())
            .collect()
    };
    let all = out.path().join("all");
    assert!(analyze(corpus.path(), &all, &["-q"]).status.success());
    assert_eq!(ids(&all), ["README.md", "more/brief.md", "news.txt"]);

    // A metadata row of a document left out describes no mistyped id: no warning.
    fs::write(
        corpus.path().join("metadata.csv"),
        "doc_id,source\nnews.txt,wire\nREADME.md,none\nmore/brief.md,memo\n",
    )
    .unwrap();
    let some = out.path().join("some");
    let run = analyze(
        corpus.path(),
        &some,
        &["-q", "--exclude", "README*", "--exclude", "more"],
    );
    assert!(run.status.success(), "{run:?}");
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(ids(&some), ["news.txt"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(some.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["options"]["exclude"],
        serde_json::json!(["README*", "more"])
    );

    let run = analyze(corpus.path(), &out.path().join("bad"), &["--exclude", "a["]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("--exclude") && err.contains("a["), "{err}");
}

#[test]
fn explain_shows_hits_rules_and_score() {
    let result = detente()
        .args([
            "explain",
            "There was no sign of cooperation, but the peace talks collapsed.",
        ])
        .output()
        .unwrap();
    assert!(result.status.success());
    let text = String::from_utf8(result.stdout).unwrap();
    assert!(text.contains("cooperation"), "{text}");
    assert!(text.contains("rule: negated by no"), "{text}");
    assert!(text.contains("rule: reversed by collapsed"), "{text}");
    assert!(text.contains("label conflictual"), "{text}");
}

/// Text spread over lines, a page number between them, is shown as the CSV cells show it:
/// each sentence, hit and entity on one line, each token whole.
#[test]
fn explain_shows_text_on_one_line_as_the_cells_do() {
    let result = detente()
        .args([
            "explain",
            "We support the Secretary-\n12\n\nGeneral in his peace\nefforts in Guinea-\n- 14 -\nBissau.",
        ])
        .output()
        .unwrap();
    assert!(result.status.success());
    let text = String::from_utf8(result.stdout).unwrap();
    assert!(
        text.lines()
            .all(|l| l.starts_with("sentence ") || l.starts_with("  ")),
        "{text}"
    );
    for shown in [
        "sentence 0 [0..84]: We support the Secretary-General in his peace efforts in Guinea-Bissau.",
        " Secretary-General→secretary-gener ",
        " Guinea-Bissau→guinea-bissau ",
        "hit: \"peace efforts\"",
        "entity: \"Guinea-Bissau\"",
    ] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
}

#[test]
fn validate_reports_agreement_on_the_shipped_sample() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/coded_sample.csv");
    let result = detente().arg("validate").arg(&sample).output().unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = String::from_utf8(result.stdout).unwrap();
    assert!(text.contains("sentences: 80"), "{text}");
    for needle in [
        "accuracy:",
        "Cohen's kappa:",
        "Krippendorff's alpha",
        "confusion",
        "precision",
        "worst disagreements",
    ] {
        assert!(text.contains(needle), "missing {needle}: {text}");
    }
}

#[test]
fn lexicon_check_accepts_the_built_in_files_and_names_the_bad_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "data/lexicon/lexicon.csv",
        "data/lexicon/modifiers.csv",
        "data/gazetteer/entities.csv",
        "data/gazetteer/periods.csv",
    ] {
        let result = detente()
            .args(["lexicon", "check"])
            .arg(root.join(file))
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let out = String::from_utf8_lossy(&result.stdout);
        assert!(out.contains(": ok,"), "{out}");
        if file.ends_with("periods.csv") {
            assert!(
                out.contains("ok, periods file with 3 periods\n")
                    && out.contains("guessed from its header `country,from,until,as`"),
                "{out}"
            );
        }
        if file.ends_with("lexicon.csv") {
            assert!(
                out.contains("guessed from its header `term,polarity,…`"),
                "a lexicon's own header names its kind: {out}"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("mine.csv");
    fs::write(&bad, "term,polarity,class,intensity,notes\npeace,cooperative,verbal,3,\nwar,conflictual,verbal,twelve,\n").unwrap();
    let result = detente()
        .args(["lexicon", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(
        err.contains("mine.csv:3:4:") && err.contains("twelve"),
        "{err}"
    );
    // Its header read as a lexicon's, the file is one: the error is a bad line of it, and
    // the guess, which cannot be what went wrong, is not repeated before it.
    assert!(!err.contains("guessed"), "{err}");
}

#[test]
fn lexicon_check_says_what_it_guessed_and_reads_the_kind_it_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    fs::write(&names, "# people in our corpus\nOlusegun\nTsakhiagiin\n").unwrap();
    let check = |extra: &[&str]| {
        detente()
            .args(["lexicon", "check"])
            .arg(&names)
            .args(extra)
            .output()
            .unwrap()
    };
    // Guessed from `.txt`: a VADER lexicon, which the list is not; the error says what was
    // assumed and how to choose.
    let guessed = check(&[]);
    let err = String::from_utf8_lossy(&guessed.stderr);
    assert_eq!(guessed.status.code(), Some(1), "{err}");
    assert!(
        err.contains("read as a VADER lexicon (`--as vader`), guessed from its .txt extension")
            && err.contains("--as KIND")
            && err.contains("given-names")
            && err.contains("names.txt:1:2:"),
        "{err}"
    );
    let told = check(&["--as", "given-names"]);
    assert!(told.status.success(), "{told:?}");
    let out = String::from_utf8_lossy(&told.stdout);
    assert!(out.contains("ok, given-name list with 2 names\n"), "{out}");
    assert!(!out.contains("guessed"), "{out}");
    // Distinct names are counted; a line no capitalised word can match is left out, why said.
    fs::write(&names, "Anna\nMary Ann\nanna\nAnna\nterm,polarity\n").unwrap();
    let told = check(&["--as", "given-names"]);
    let (out, err) = (
        String::from_utf8_lossy(&told.stdout),
        String::from_utf8_lossy(&told.stderr),
    );
    assert!(out.contains("ok, given-name list with 1 name\n"), "{out}");
    assert!(
        err.contains(
            "names.txt: 3 lines left out, as no capitalised word of a text can match them"
        ) && err.contains("(`Mary Ann`)")
            && err.contains("(`anna`)")
            && err.contains("(`term,polarity`)"),
        "{err}"
    );
    // A gazetteer under a name that says nothing is read as one when told.
    let gazetteer = dir.path().join("places.data");
    fs::write(
        &gazetteer,
        "canonical,type,country,role,as_of,aliases\nRivendell,GPE,,,,\n",
    )
    .unwrap();
    let told = detente()
        .args(["lexicon", "check", "--as", "gazetteer"])
        .arg(&gazetteer)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&told.stdout);
    assert!(out.contains("ok, gazetteer with 1 entry\n"), "{told:?}");
    // A guess that works still says it was one.
    let guessed = detente()
        .args(["lexicon", "check"])
        .arg(&gazetteer)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&guessed.stdout);
    assert!(
        out.contains("guessed from its header `canonical,…`"),
        "{out}"
    );
    let bad = check(&["--as", "thesaurus"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    // --map reads LIWC categories: with a file read as anything else it is refused, saying
    // what the file was read as.
    let mapped = check(&["--map", "posemo=cooperative"]);
    let err = String::from_utf8_lossy(&mapped.stderr);
    assert_eq!(mapped.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--map is for a LIWC dictionary, and")
            && err.contains(
                "read as a VADER lexicon (`--as vader`), guessed from its .txt extension"
            ),
        "{err}"
    );
    assert!(mapped.stdout.is_empty(), "{mapped:?}");
}

/// A LIWC file checked without --map: its word lines and categories, what would be left
/// out, its conditional entries, and how to see what a run would load. An error about
/// --map names the argument, and the guess only where the file may not be what it was
/// taken for.
#[test]
fn lexicon_check_reports_a_whole_liwc_dictionary_and_names_a_bad_map() {
    let dir = tempfile::tempdir().unwrap();
    let dic = dir.path().join("l7.dic");
    fs::write(
        &dic,
        "%\n1\tposemo\n2\tnegemo\n02\tpronoun\n125\taffect\n464\tfiller\n%\nlike\t(02 134)125/464\t(02)1/464\ngood\t1\nwar*\t2\nkind of\t1\n:)\t1\n",
    )
    .unwrap();
    let check = |extra: &[&str]| {
        detente()
            .args(["lexicon", "check"])
            .arg(&dic)
            .args(extra)
            .output()
            .unwrap()
    };
    let whole = check(&[]);
    let (out, err) = (
        String::from_utf8_lossy(&whole.stdout),
        String::from_utf8_lossy(&whole.stderr),
    );
    assert!(whole.status.success(), "{err}");
    assert!(
        out.contains("l7.dic: ok, LIWC dictionary with 5 word lines in 5 categories; `--map"),
        "{out}"
    );
    assert!(
        err.contains("l7.dic: 2 entries left out, as no word of a text can match them")
            && err.contains("(`:)`)")
            && err.contains("(`kind of`)")
            && err.contains("l7.dic: 1 conditional entry (`like`)"),
        "{err}"
    );
    let mapped = check(&["--map", "posemo=cooperative"]);
    let out = String::from_utf8_lossy(&mapped.stdout);
    assert!(
        out.contains("ok, LIWC dictionary with 2 entries in the --map categories, of 5 word lines in 5 categories"),
        "{out}"
    );
    let unknown = check(&["--map", "nosuch=cooperative"]);
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(1), "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "detente: error: --map nosuch=cooperative: {} defines no category of that name or id (it defines posemo, negemo, pronoun, affect, filler)",
            dic.display()
        )
    );
    // A file that is no LIWC dictionary fails on its first line: then the guess is said.
    fs::write(&dic, "peace\t2.0\n").unwrap();
    let err = String::from_utf8_lossy(&check(&[]).stderr).into_owned();
    assert!(
        err.contains("guessed from its .dic extension") && err.contains("l7.dic:1:1:"),
        "{err}"
    );
}

#[test]
fn liwc_and_vader_dictionaries_replace_the_built_in_terms() {
    let dir = tempfile::tempdir().unwrap();
    let dic = dir.path().join("ir.dic");
    fs::write(
        &dic,
        "%\n1\tfriendly\n2\thostile\n%\nagree*\t1\nthreat*\t2\n",
    )
    .unwrap();
    let result = detente()
        .args(["explain", "They agreed despite threats."])
        .arg("--dictionary")
        .arg(&dic)
        .args(["--map", "friendly=cooperative", "--map", "2=conflictual"])
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = String::from_utf8(result.stdout).unwrap();
    assert!(
        text.contains("evidence: agreed(+1.5: ×1.50 contrast despite); threats(-0.5"),
        "{text}"
    );

    // Entries no word can match are left out of the count, with one warning line; a
    // LIWC2007 conditional entry counts in the categories it may take.
    let emoticons = dir.path().join("emoticons.txt");
    fs::write(
        &emoticons,
        "peace\t2.0\n:-)\t2.0\n:(\t-1.9\n<3\t1.9\nfed up\t-1.8\n",
    )
    .unwrap();
    let checked = detente()
        .args(["lexicon", "check"])
        .arg(&emoticons)
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr),
    );
    assert!(out.contains("ok, VADER lexicon with 1 entry\n"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("emoticons.txt: 4 entries left out, as no word of a text can match them")
            && err.contains("2 without a letter or digit, such as emoticons (`:-)`, `:(`)")
            && err.contains("(`fed up`)"),
        "{err}"
    );
    let conditional = dir.path().join("liwc2007.dic");
    fs::write(
        &conditional,
        "%\n02\tpronoun\n125\taffect\n126\tposemo\n464\tfiller\n%\nlike\t(02 134)125/464\t(02)126/464\nagree*\t126\n",
    )
    .unwrap();
    let result = detente()
        .args(["explain", "We like the plan."])
        .arg("--dictionary")
        .arg(&conditional)
        .args(["--map", "posemo=cooperative"])
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr),
    );
    assert!(result.status.success(), "{err}");
    assert!(out.contains("evidence: like(+1.0)"), "{out}");
    assert!(
        err.contains(
            "liwc2007.dic: 1 conditional entry (`like`) counted in every category it may take"
        ),
        "{err}"
    );

    let vader = dir.path().join("vader.txt");
    fs::write(&vader, "peace\t2.0\t0.5\nwar\t-3.0\t0.4\n").unwrap();
    let result = detente()
        .args(["explain", "Peace, then war."])
        .arg("--vader")
        .arg(&vader)
        .output()
        .unwrap();
    let text = String::from_utf8(result.stdout).unwrap();
    assert!(text.contains("evidence: Peace(+5.0); war(-7.5)"), "{text}");

    let result = detente()
        .args(["explain", "x", "--map", "a=cooperative"])
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(2),
        "--map without --dictionary is a usage error"
    );
    // So are a dictionary without --map, a bad --map and two replacements of the terms.
    for args in [
        vec!["--dictionary", dic.to_str().unwrap()],
        vec![
            "--dictionary",
            dic.to_str().unwrap(),
            "--map",
            "friendly=warm",
        ],
        vec![
            "--dictionary",
            dic.to_str().unwrap(),
            "--map",
            "friendly=cooperative",
            "--vader",
            vader.to_str().unwrap(),
        ],
    ] {
        let result = detente()
            .args(["explain", "x"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(2), "{args:?}");
    }

    // A dictionary none of whose words is in a mapped category would leave every sentence
    // neutral: refused, naming the file.
    let unmapped = dir.path().join("unmapped.dic");
    fs::write(&unmapped, "%\n1\tfriendly\n2\thostile\n%\nagree*\t1\n").unwrap();
    let result = detente()
        .args(["explain", "They agreed."])
        .arg("--dictionary")
        .arg(&unmapped)
        .args(["--map", "2=conflictual"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unmapped.dic: no word of the dictionary"),
        "{err}"
    );

    // run.json says which dictionary and mapping scored the run.
    let out_dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "They agreed despite threats.\n").unwrap();
    let out = out_dir.path().join("out");
    let run = analyze(
        &corpus,
        &out,
        &[
            "--quiet",
            "--dictionary",
            dic.to_str().unwrap(),
            "--map",
            "friendly=cooperative",
        ],
    );
    let manifest = manifest_of_run(&run, &out);
    let options = &manifest["options"];
    assert_eq!(options["dictionary"], dic.to_str().unwrap());
    assert_eq!(options["map"], serde_json::json!(["friendly=cooperative"]));
    assert_eq!(options["vader"], serde_json::Value::Null);
}

#[test]
fn groups_by_folder_or_metadata_with_intervals_and_the_report() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let out = tempfile::tempdir().unwrap();
    let result = analyze(&corpus, out.path(), &["--quiet", "--xlsx"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let groups = read_csv(&out.path().join("groups.csv"));
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str()).collect();
    assert_eq!(names, vec!["briefings", "news", "speeches"]);
    let docs = read_csv(&out.path().join("documents.csv"));
    let total: u64 = groups
        .iter()
        .map(|g| g["sentences"].parse::<u64>().unwrap())
        .sum();
    let per_doc: u64 = docs
        .iter()
        .map(|d| d["n_sentences"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, per_doc, "groups add up to the documents");
    for row in groups.iter().chain(&docs) {
        let (lo, hi, tone): (f64, f64, f64) = (
            row["tone_ci_low"].parse().unwrap(),
            row["tone_ci_high"].parse().unwrap(),
            row["tone"].parse().unwrap(),
        );
        assert!(
            -1.0 <= lo && lo <= tone && tone <= hi && hi <= 1.0,
            "{row:?}"
        );
    }
    assert_eq!(
        docs[0]["genre"], "briefing",
        "metadata.csv columns are carried into documents.csv"
    );
    assert!(out.path().join("report.html").is_file() && out.path().join("detente.xlsx").is_file());

    let by = tempfile::tempdir().unwrap();
    assert!(
        analyze(&corpus, by.path(), &["--quiet", "--by", "genre"])
            .status
            .success()
    );
    let groups = read_csv(&by.path().join("groups.csv"));
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str()).collect();
    assert!(
        names.contains(&"speech") && names.contains(&"news") && names.len() >= 3,
        "{names:?}"
    );

    let result = analyze(&corpus, &by.path().join("x"), &["--by", "no_such_column"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("no_such_column"));
}

#[test]
fn given_names_file_makes_an_unknown_name_a_person() {
    let corpus = tempfile::tempdir().unwrap();
    fs::write(
        corpus.path().join("a.txt"),
        "Talks resumed after Zephyrine Okonkwo arrived in Geneva.\n",
    )
    .unwrap();
    let names = tempfile::NamedTempFile::new().unwrap();
    fs::write(names.path(), "# one name\nZephyrine\n").unwrap();
    let type_of = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        assert!(analyze(corpus.path(), out.path(), extra).status.success());
        read_csv(&out.path().join("mentions.csv"))
            .into_iter()
            .find(|m| m["surface"] == "Zephyrine Okonkwo")
            .map(|m| m["type"].clone())
    };
    // Untyped, the name is dropped unless asked for; the given name types it.
    assert_eq!(type_of(&[]).as_deref(), None);
    assert_eq!(type_of(&["--untyped-names"]).as_deref(), Some("OTHER"));
    let path = names.path().to_str().unwrap();
    assert_eq!(type_of(&["--given-names", path]).as_deref(), Some("PERSON"));
}

#[test]
fn untyped_capitalised_names_are_dropped_unless_asked_for() {
    let corpus = tempfile::tempdir().unwrap();
    fs::write(
        corpus.path().join("a.txt"),
        "Delegates from Qorvania met Zulmar Festig near the Ostrava Bank in Geneva.\n\
         They spoke of the Treaty of Ghent and of Lake Erie.\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        assert!(analyze(corpus.path(), out.path(), extra).status.success());
        let mentions: Vec<(String, String, String)> = read_csv(&out.path().join("mentions.csv"))
            .into_iter()
            .map(|m| (m["surface"].clone(), m["type"].clone(), m["source"].clone()))
            .collect();
        let run_json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.path().join("run.json")).unwrap())
                .unwrap();
        (mentions, run_json["options"]["untyped_names"].clone())
    };
    let typed = [
        ("Ostrava Bank", "ORG"),
        ("Geneva", "GPE"),
        ("Treaty of Ghent", "OTHER"),
        ("Lake Erie", "LOC"),
    ];
    let (plain, recorded) = run(&[]);
    assert_eq!(recorded, serde_json::json!(false));
    for (surface, etype) in typed {
        assert!(
            plain.iter().any(|(s, t, _)| s == surface && t == etype),
            "{surface}: {plain:?}"
        );
    }
    for untyped in ["Qorvania", "Zulmar Festig"] {
        assert!(plain.iter().all(|(s, ..)| s != untyped), "{plain:?}");
    }

    let (kept, recorded) = run(&["--untyped-names"]);
    assert_eq!(recorded, serde_json::json!(true));
    for (surface, etype) in typed {
        assert!(
            kept.iter().any(|(s, t, _)| s == surface && t == etype),
            "{kept:?}"
        );
    }
    for untyped in ["Qorvania", "Zulmar Festig"] {
        assert!(
            kept.iter()
                .any(|(s, t, src)| s == untyped && t == "OTHER" && src == "pattern"),
            "{untyped}: {kept:?}"
        );
    }
}

/// A run replaces the reports of the run before it: a workbook that this run was not asked
/// for is removed with the CSV files it was made from, and the page is written anew.
#[test]
fn a_run_removes_the_reports_of_the_results_it_replaces() {
    let corpus = news_corpus();
    let out = tempfile::tempdir().unwrap();
    assert!(
        analyze(corpus.path(), out.path(), &["--quiet", "--xlsx"])
            .status
            .success()
    );
    let (page, book) = (
        out.path().join("report.html"),
        out.path().join("detente.xlsx"),
    );
    assert!(page.is_file() && book.is_file());
    fs::write(&page, "the previous run's report").unwrap();
    let result = analyze(corpus.path(), out.path(), &["--quiet"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        !book.exists(),
        "the workbook of the earlier results is gone"
    );
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "the page is written anew"
    );
}

/// The run.json of a run that succeeded, writing into `out`.
fn manifest_of_run(run: &std::process::Output, out: &Path) -> serde_json::Value {
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Analyses a corpus of one file, `name` holding `text`, and returns the output folder
/// (with the temporary folder that holds it, removed when dropped).
fn analyze_one(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), text).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("out");
    let run = analyze(dir.path(), &out, &["--quiet"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (out_dir, out)
}

/// A name or a rule word wrapped over two lines in the source is written on one line, as
/// the sentence text is: a line break inside a cell splits the row for line-based tools.
#[test]
fn names_and_rule_words_wrapped_over_lines_are_written_on_one() {
    let text = "Members of the European Parliament met in Brussels on Monday and said\n\
                that the summit of the two governments would, if all went to plan, put an\n\
                end to the blockade of the port, which has lasted for most of the year\n\
                and has kept grain ships from leaving for the markets of the European\n\
                Parliament members who asked for it; the ministers will meet again soon.\n";
    let (_out_dir, out) = analyze_one("wrapped.txt", text);
    let mentions = read_csv(&out.join("mentions.csv"));
    let surfaces: Vec<&str> = mentions.iter().map(|m| m["surface"].as_str()).collect();
    assert_eq!(
        surfaces,
        ["European Parliament", "Brussels", "European Parliament"]
    );
    let sentences = read_csv(&out.join("sentences.csv"));
    let evidence: Vec<&str> = sentences.iter().map(|s| s["evidence"].as_str()).collect();
    assert_eq!(
        evidence,
        ["summit(+3.0); blockade(+4.875: ended by put an end to)"]
    );
}

/// Control characters in the source (a U+0002 sits inside a sentence of an 1890 State of
/// the Union address) are written as the whitespace they stand in for, in every text cell:
/// titles, sentences, names and phrases.
#[test]
fn control_characters_are_not_written_into_cells() {
    let text = "Talks\u{1}With\u{7f}Moscow\n\n\
                The Senate of the United\u{2}States welcomed the treaty with Russia.\n\
                The Senate of the United\u{2}States welcomed the\u{1b}treaty again.\n";
    let (_out_dir, out) = analyze_one("controls.txt", text);
    for name in CSV_FILES {
        let csv = fs::read_to_string(out.join(format!("{name}.csv"))).unwrap();
        let control = csv
            .chars()
            .find(|&c| c.is_control() && !matches!(c, '\r' | '\n'));
        assert_eq!(control, None, "{name}.csv");
    }
    let documents = read_csv(&out.join("documents.csv"));
    assert_eq!(documents[0]["title"], "Talks With Moscow");
    let sentences = read_csv(&out.join("sentences.csv"));
    assert_eq!(
        sentences[0]["text"],
        "The Senate of the United States welcomed the treaty with Russia."
    );
    // Read as a space, not as a mark between words: the name and the phrase go on over it.
    let mentions = read_csv(&out.join("mentions.csv"));
    let surfaces: Vec<&str> = mentions.iter().map(|m| m["surface"].as_str()).collect();
    assert!(surfaces.contains(&"United States"), "{surfaces:?}");
    let phrases = read_csv(&out.join("phrases.csv"));
    assert!(
        phrases
            .iter()
            .any(|p| p["phrase"] == "Senate of the United States welcomed"),
        "{phrases:?}"
    );
}

/// A metadata row for no document (a mistyped `doc_id`) is warned of in run.json, naming
/// the table and its line; the document it was meant for has no values.
#[test]
fn a_metadata_row_for_no_document_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("speech.txt"), "Peace talks resumed.\n").unwrap();
    fs::write(
        dir.path().join("metadata.csv"),
        "doc_id,year\nspeach.txt,2001\n",
    )
    .unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("out");
    let run = analyze(dir.path(), &out, &["--quiet"]);
    let manifest = manifest_of_run(&run, &out);
    let warnings = manifest["report"]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("metadata.csv")
    );
    assert_eq!(
        warnings[0]["message"],
        "line 2: `speach.txt` is no document of the corpus; its values are not used"
    );
    assert_eq!(read_csv(&out.join("documents.csv"))[0]["year"], "");
}

/// A metadata column named like one of documents.csv's own is shown as `meta_NAME`, and
/// `--by` groups on it by either name.
#[test]
fn a_shadowed_metadata_column_groups_by_its_shown_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Peace talks resumed.\n").unwrap();
    fs::write(
        dir.path().join("metadata.csv"),
        "doc_id,title\na.txt,Talks\n",
    )
    .unwrap();
    for by in ["title", "meta_title"] {
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("out");
        let run = analyze(dir.path(), &out, &["--quiet", "--by", by]);
        assert!(
            run.status.success(),
            "{by}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(
            read_csv(&out.join("documents.csv"))[0]["meta_title"],
            "Talks"
        );
        assert_eq!(
            read_csv(&out.join("groups.csv"))[0]["group"],
            "Talks",
            "{by}"
        );
    }
}

/// `--no-phrases` leaves out the phrases and nothing else: phrases.csv has its header only,
/// sections.csv its top_phrases column empty and every other cell as in a full run, and
/// run.json and the report say so; phrase options beside it are a usage error.
#[test]
fn no_phrases_leaves_out_the_phrases_and_nothing_else() {
    let corpus = news_corpus();
    let (full, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(
        analyze(corpus.path(), full.path(), &["-q"])
            .status
            .success()
    );
    let run = analyze(corpus.path(), without.path(), &["-q", "--no-phrases"]);
    let options = &manifest_of_run(&run, without.path())["options"];
    assert_eq!(options["phrases"], false);
    // The phrase options did nothing, and run.json does not say they did.
    for name in ["min_count", "max_n", "max_phrases"] {
        assert!(options[name].is_null(), "{name}: {options}");
    }
    let full_run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(full.path().join("run.json")).unwrap()).unwrap();
    assert_eq!(full_run["options"]["max_n"], 6);

    assert!(!read_csv(&full.path().join("phrases.csv")).is_empty());
    let phrases = fs::read_to_string(without.path().join("phrases.csv")).unwrap();
    assert_eq!(phrases.lines().count(), 1, "header only: {phrases}");
    let sections = |dir: &Path| read_csv(&dir.join("sections.csv"));
    let (mut a, b) = (sections(full.path()), sections(without.path()));
    assert!(a.iter().any(|s| !s["top_phrases"].is_empty()));
    for s in &mut a {
        s.insert("top_phrases".into(), String::new());
    }
    assert_eq!(a, b, "sections.csv differs in more than top_phrases");
    for name in CSV_FILES
        .iter()
        .filter(|n| !["phrases", "sections"].contains(n))
    {
        let file = format!("{name}.csv");
        let (x, y) = (full.path().join(&file), without.path().join(&file));
        assert!(
            fs::read(x).unwrap() == fs::read(y).unwrap(),
            "{file} differs"
        );
    }
    let report = fs::read_to_string(without.path().join("report.html")).unwrap();
    assert!(
        report.contains("Phrases were not counted"),
        "report: no word of it"
    );

    let both = analyze(
        corpus.path(),
        without.path(),
        &["--no-phrases", "--max-n", "3"],
    );
    assert_eq!(both.status.code(), Some(2));
}

/// The end-of-run summary counts in words that agree with their numbers: a corpus of one
/// one-sentence document is "1 document, 1 section, 1 sentence", and an empty file beside
/// it gives "1 warning".
#[test]
fn the_summary_says_one_of_each_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "Talks resumed in Geneva.\n").unwrap();
    let out = analyze(&corpus, &dir.path().join("out"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("detente: 1 document, 1 section, 1 sentence, 4 tokens in "),
        "{err}"
    );
    assert!(err.contains("; 0 skipped, 0 warnings; "), "{err}");
    fs::write(corpus.join("b.txt"), "").unwrap();
    let out = analyze(&corpus, &dir.path().join("out"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("detente: 2 documents, "), "{err}");
    assert!(err.contains("; 0 skipped, 1 warning; "), "{err}");
}

/// The country each mention of `entity` in `doc_id` is coded with, in order.
fn countries_of(out: &Path, doc_id: &str, entity: &str) -> Vec<String> {
    (read_csv(&out.join("mentions.csv")).into_iter())
        .filter(|m| m["doc_id"] == doc_id && m["entity"] == entity)
        .map(|m| m["country"].clone())
        .collect()
}

#[test]
fn a_documents_date_decides_which_state_its_names_speak_for() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let text = "Moscow and Washington agreed to resume the talks. The Soviet Union welcomed \
                the agreement. The Russian Empire had signed an earlier treaty. Boris \
                Yeltsin spoke in Moscow.\n";
    for name in ["cold.txt", "now.txt", "1962-speech.txt", "undated.txt"] {
        fs::write(corpus.join(name), text).unwrap();
    }
    fs::write(
        corpus.join("metadata.csv"),
        "doc_id,date\ncold.txt,1962-10-22\nnow.txt,2014-03-18\nundated.txt,soon\n",
    )
    .unwrap();

    let out = dir.path().join("out");
    let run = analyze(&corpus, &out, &[]);
    assert!(run.status.success(), "{run:?}");
    // In 1962 Moscow spoke for the Soviet Union, as the speech's "Soviet Union" does; the
    // Russian Empire keeps its own code, a person the period's. A year that starts the
    // file name dates the document too.
    for doc in ["cold.txt", "1962-speech.txt"] {
        assert_eq!(countries_of(&out, doc, "Moscow"), ["SUN", "SUN"], "{doc}");
        assert_eq!(countries_of(&out, doc, "Boris Yeltsin"), ["SUN"], "{doc}");
        assert_eq!(countries_of(&out, doc, "Soviet Union"), ["SUN"]);
        assert_eq!(countries_of(&out, doc, "Russian Empire"), ["RUS"]);
    }
    for doc in ["now.txt", "undated.txt"] {
        assert_eq!(countries_of(&out, doc, "Moscow"), ["RUS", "RUS"], "{doc}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    let dates = &manifest["dates"];
    assert_eq!(dates["from_metadata"], 2, "{dates}");
    assert_eq!(dates["from_file_name"], 1, "{dates}");
    assert_eq!(dates["undated"], 1, "{dates}");
    assert_eq!(dates["unreadable"], 1, "{dates}");
    let warnings = manifest["report"]["warnings"].to_string();
    assert!(
        warnings.contains("undated.txt") && warnings.contains("`date` value `soon` is not a date"),
        "{warnings}"
    );

    // `--date-field none` dates nothing: names are coded as today.
    let off = dir.path().join("off");
    assert!(
        analyze(&corpus, &off, &["--date-field", "none"])
            .status
            .success()
    );
    assert_eq!(countries_of(&off, "cold.txt", "Moscow"), ["RUS", "RUS"]);
    assert_eq!(
        countries_of(&off, "1962-speech.txt", "Moscow"),
        ["RUS", "RUS"]
    );

    // A column the metadata does not have is refused, naming those it has.
    let run = analyze(&corpus, &dir.path().join("bad"), &["--date-field", "when"]);
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("--date-field when: no metadata.csv") && err.contains("columns: date"),
        "{err}"
    );
}

/// `--periods-add` redraws a built-in period and adds new ones: a file's rows for a
/// country replace the built-in ones for it, and run.json records the file.
#[test]
fn added_periods_redraw_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let text = "Moscow and Belgrade agreed to resume the talks.\n";
    for name in ["1991-08-20-coup.txt", "1985-talks.txt", "1999-kosovo.txt"] {
        fs::write(corpus.join(name), text).unwrap();
    }
    fs::write(corpus.join("1968-spring.txt"), "Prague and Moscow met.\n").unwrap();
    let periods = dir.path().join("periods.csv");
    fs::write(
        &periods,
        "country,from,until,as,why\n\
         RUS,1922-12-30,1991-12-25,SUN,to the end of the union\n\
         SRB,1992-04-27,2006-06-05,SCG,Serbia and Montenegro\n",
    )
    .unwrap();
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    assert!(analyze(&corpus, &before, &[]).status.success());
    let run = analyze(
        &corpus,
        &after,
        &["--periods-add", periods.to_str().unwrap()],
    );
    assert!(run.status.success(), "{run:?}");
    let coup = "1991-08-20-coup.txt";
    assert_eq!(countries_of(&before, coup, "Moscow"), ["RUS"]);
    assert_eq!(countries_of(&after, coup, "Moscow"), ["SUN"]);
    // Serbia's row replaces the built-in one: Belgrade of 1985 is no longer Yugoslavia's.
    assert_eq!(countries_of(&before, "1985-talks.txt", "Belgrade"), ["YUG"]);
    assert_eq!(countries_of(&after, "1985-talks.txt", "Belgrade"), ["SRB"]);
    assert_eq!(
        countries_of(&before, "1999-kosovo.txt", "Belgrade"),
        ["SRB"]
    );
    assert_eq!(countries_of(&after, "1999-kosovo.txt", "Belgrade"), ["SCG"]);
    // A country the file does not name keeps its built-in period.
    assert_eq!(countries_of(&after, "1968-spring.txt", "Prague"), ["CSK"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(after.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["options"]["periods_add"],
        serde_json::json!([periods.display().to_string()])
    );
}

/// `--periods-add` is an option of the commands that date documents (`analyze`, `map`):
/// `explain` and `validate` read text with no date, where a periods file would change
/// nothing, so they refuse it as a usage error instead of taking it in silence.
#[test]
fn periods_are_refused_where_no_document_is_dated() {
    let dir = tempfile::tempdir().unwrap();
    let periods = dir.path().join("periods.csv");
    fs::write(
        &periods,
        "country,from,until,as\nRUS,1922-12-30,1991-12-25,SUN\n",
    )
    .unwrap();
    let coded = dir.path().join("coded.csv");
    fs::write(
        &coded,
        "text,label\n\"Moscow and Washington signed the treaty.\",cooperative\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("1962-talks.txt"),
        "Moscow agreed to talk.\n",
    )
    .unwrap();
    let periods = periods.to_str().unwrap();
    let text = "In 1962 Moscow and Washington agreed to talk.";
    for args in [
        vec!["explain", text, "--periods-add", periods],
        vec![
            "validate",
            coded.to_str().unwrap(),
            "--periods-add",
            periods,
        ],
    ] {
        let run = detente().args(&args).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("'--periods-add'"), "{args:?}: {err}");
    }
    let mapper = detente()
        .args([
            "map",
            dir.path().to_str().unwrap(),
            "--list",
            "--periods-add",
            periods,
        ])
        .output()
        .unwrap();
    assert!(mapper.status.success(), "{mapper:?}");
}

/// run.json's `dates` count the documents analysed, so that they add up to its report's
/// `documents`: a file skipped as unreadable is dated by nothing, whatever its metadata or
/// name say, and a metadata value of its that is no date is no warning.
#[test]
fn run_json_dates_count_only_the_documents_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let text = "Moscow and Washington agreed to resume the talks.\n";
    for name in ["cold.txt", "1962-speech.txt", "undated.txt", "plain.txt"] {
        fs::write(corpus.join(name), text).unwrap();
    }
    fs::write(corpus.join("image.txt"), b"GIF89a\0\0\x01").unwrap();
    fs::write(corpus.join("1963-scan.txt"), b"\0\0binary").unwrap();
    fs::write(corpus.join("garbled.txt"), b"PK\0\x03").unwrap();
    fs::write(
        corpus.join("metadata.csv"),
        "doc_id,date\ncold.txt,1962-10-22\nundated.txt,soon\n\
         image.txt,1962\ngarbled.txt,never\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = analyze(&corpus, &out, &[]);
    assert_eq!(run.status.code(), Some(3), "{run:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["report"]["documents"], 4);
    assert_eq!(manifest["report"]["skipped"].as_array().unwrap().len(), 3);
    let dates = &manifest["dates"];
    assert_eq!(dates["from_metadata"], 1, "{dates}");
    assert_eq!(dates["from_file_name"], 1, "{dates}");
    assert_eq!(dates["undated"], 2, "{dates}");
    assert_eq!(dates["unreadable"], 1, "{dates}");
    let warnings = manifest["report"]["warnings"].to_string();
    assert!(warnings.contains("`date` value `soon`"), "{warnings}");
    assert!(!warnings.contains("garbled.txt"), "{warnings}");
}

/// scripts/check_output.py, which CI runs on every output it makes, counts in words that
/// agree with their numbers: "1 sentence", "0 dyads", and "1 field" for a short row. Not
/// run where there is no python3 (CI has it).
#[test]
fn check_output_says_one_of_each_in_the_singular() {
    let (_dir, out) = analyze_one("a.txt", "Talks resumed in Geneva.\n");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_output.py");
    let check = || {
        std::process::Command::new("python3")
            .arg(&script)
            .arg(&out)
            .output()
    };
    let Ok(checked) = check() else {
        eprintln!("no python3: scripts/check_output.py not run");
        return;
    };
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "{checked:?}");
    assert!(
        said.ends_with(
            ": 1 sentence, 1 section, 1 document, 1 mention, 1 entity, 0 dyads, 0 phrases, 1 group\n"
        ),
        "{said}"
    );
    let mut groups = fs::read_to_string(out.join("groups.csv")).unwrap();
    groups.push_str("x\r\n");
    fs::write(out.join("groups.csv"), groups).unwrap();
    let checked = check().unwrap();
    let err = String::from_utf8_lossy(&checked.stderr);
    assert!(err.contains("groups.csv:3: 1 field, header has "), "{err}");
}

/// A page converted from PDF to HTML keeps each printed page's number in an element of its
/// own between two parts of a sentence (`<p>- 12 -</p>`, a `<div>13</div>`, a line between
/// `<br>`): it is left out, as on a line of plain text, and the elements around it join as
/// they would without it, so the sentence reads whole and the number is no token; a number
/// in a table cell is still the table's.
#[test]
fn a_page_number_element_inside_a_sentence_is_left_out() {
    let page = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>General Assembly, fifty-sixth session, 44th plenary meeting</title></head>
<body>
<div class="page" id="page12">
<p class="ft01">Today the Organization finds itself in a</p>
<p class="ft02" style="text-align:center">- 12 -</p>
</div>
<div class="page" id="page13">
<p class="ft01">major crisis, and my delegation believes that the Security Council must act.</p>
<p class="ft01">We support the efforts of the Secretary-General in his</p>
<div class="footer">13</div>
<p class="ft01">mission of good offices in Cyprus. We call on both parties to<br>
14<br>
resume the negotiations without delay.</p>
<table><tr><td>Troops deployed in</td><td>120</td></tr></table>
</div>
</body></html>
"#;
    let (_dir, out) = analyze_one("A-56-PV.44.html", page);
    let rows = read_csv(&out.join("sentences.csv"));
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str()).collect();
    assert_eq!(
        texts,
        [
            "Today the Organization finds itself in a major crisis, and my delegation believes \
             that the Security Council must act.",
            "We support the efforts of the Secretary-General in his mission of good offices in Cyprus.",
            "We call on both parties to resume the negotiations without delay.",
            "Troops deployed in",
            "120",
        ]
    );
    // Every word of the cell is a token, and the page number none.
    for row in &rows {
        let words = row["text"].split_whitespace().count();
        assert_eq!(row["tokens"], words.to_string(), "{}", row["text"]);
    }
    let mentions = read_csv(&out.join("mentions.csv"));
    let surfaces: Vec<&str> = mentions.iter().map(|r| r["surface"].as_str()).collect();
    assert!(
        surfaces.contains(&"Security Council") && surfaces.contains(&"Cyprus"),
        "{surfaces:?}"
    );
}
