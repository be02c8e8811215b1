//! Sharded runs merged: the real binary run the way a cluster engine runs it (every shard
//! at once, like `xargs -P`), its merge compared byte for byte with one whole run.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use detente::partial::Shard;

/// Every file whose bytes must be the same after a merge; `run.json` differs by design
/// (times, thread count, the partials it read).
const SAME_FILES: &[&str] = &[
    "sentences.csv",
    "sections.csv",
    "documents.csv",
    "mentions.csv",
    "groups.csv",
    "entities.csv",
    "dyads.csv",
    "phrases.csv",
    "report.html",
];

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A corpus of `n` documents made from the paragraphs of the bundled corpus, mixed by a
/// fixed pseudo-random sequence, some in capitals (so phrases have several surface
/// forms), in nested folders with a metadata table; plus an empty file, a binary file
/// and a file name that needs quoting in CSV. Documents are dated by the table's `date`
/// column (some by a value that is no date), by a year starting their file name, or not
/// at all; the binary file has a date too, which its being skipped must not count.
fn generated_corpus(root: &Path, n: usize) {
    let mut paragraphs = Vec::new();
    for entry in walk(Path::new("corpus")) {
        if entry.extension().is_some_and(|e| e == "txt" || e == "md") {
            let text = fs::read_to_string(&entry).unwrap();
            paragraphs.extend(
                text.split("\n\n")
                    .filter(|p| p.split_whitespace().count() > 8)
                    .map(str::to_string),
            );
        }
    }
    assert!(paragraphs.len() > 20, "{}", paragraphs.len());
    let mut state: u64 = 7;
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % m
    };
    let mut metadata = String::from("doc_id,source,date\n");
    for d in 0..n {
        let folder = ["wire", "wire/europe", "speeches"][next(3)];
        let year = if d % 10 == 1 { "1990-" } else { "" };
        let name = format!("{folder}/{year}doc-{d:03}.txt");
        let mut text = String::new();
        for _ in 0..3 + next(6) {
            let p = &paragraphs[next(paragraphs.len())];
            let p = if next(5) == 0 {
                p.to_uppercase()
            } else {
                p.clone()
            };
            text.push_str(&p);
            text.push_str("\n\n");
        }
        let path = root.join(&name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        let source = ["AP", "Reuters", "UN"][next(3)];
        let date = ["1962-10-22", "", "2014", "", "unknown"][d % 5];
        metadata.push_str(&format!("{name},{source},{date}\n"));
    }
    metadata.push_str("wire/image.txt,AP,1962\n");
    fs::write(root.join("metadata.csv"), metadata).unwrap();
    fs::write(root.join("wire/empty.txt"), "").unwrap();
    fs::write(root.join("wire/image.txt"), b"GIF89a\0\0\x01\x02").unwrap();
    fs::write(
        root.join("wire/he said \"no\", again.txt"),
        "Moscow and Washington said \"no\" to new talks.\nThe Kremlin, in turn,\nwarned of sanctions.\n",
    )
    .unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Runs `commands` all at once, as an engine runs its tasks; their outputs in order.
fn all_at_once(commands: impl Iterator<Item = Command>) -> Vec<std::process::Output> {
    std::thread::scope(|s| {
        let runs: Vec<_> = commands
            .map(|mut cmd| s.spawn(move || cmd.output().unwrap()))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

/// Runs `analyze` (with `extra` options) on every shard of `n` at once, then `merge`;
/// returns the merge's folder and each command's exit status (shards first).
fn sharded(corpus: &Path, out: &Path, n: u32, extra: &[&str]) -> (PathBuf, Vec<i32>) {
    let parts: Vec<PathBuf> = (1..=n).map(|k| out.join(format!("part-{k}"))).collect();
    let shards = (1..=n).map(|k| {
        let mut cmd = detente();
        cmd.arg("analyze")
            .arg(corpus)
            .args(["--shard", &format!("{k}/{n}"), "--threads", "1", "-q"])
            .args(extra)
            .arg("-o")
            .arg(&parts[k as usize - 1]);
        cmd
    });
    let mut statuses: Vec<i32> = (all_at_once(shards).into_iter())
        .map(|output| {
            let code = output.status.code().unwrap();
            assert!(code == 0 || code == 3, "{output:?}");
            code
        })
        .collect();
    let merged = out.join(format!("merged-{n}"));
    // Partials given in reverse order: the order must not matter.
    let output = detente()
        .arg("merge")
        .args(parts.iter().rev())
        .arg("-o")
        .arg(&merged)
        .arg("-q")
        .output()
        .unwrap();
    statuses.push(output.status.code().unwrap());
    (merged, statuses)
}

fn assert_same_files(whole: &Path, merged: &Path, what: &str) {
    for name in SAME_FILES {
        let (a, b) = (whole.join(name), merged.join(name));
        let (a, b) = (fs::read(&a).unwrap(), fs::read(&b).unwrap());
        assert!(a.len() > 20, "{what}: {name} is nearly empty");
        assert!(a == b, "{what}: {name} differs after the merge");
    }
}

/// `run.json` of the output in `out`.
fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap()
}

/// The merge's `run.json` says how the documents were dated as the whole run's does, and
/// the generated corpus dates them every way.
fn assert_same_dates(whole: &Path, merged: &Path, what: &str) {
    let (whole, merged) = (run_json(whole), run_json(merged));
    let dates = &whole["dates"];
    assert_eq!(merged["dates"], *dates, "{what}");
    assert_eq!(dates["fields"], serde_json::json!(["date"]), "{what}");
    for count in ["from_metadata", "from_file_name", "undated", "unreadable"] {
        assert!(dates[count].as_u64().unwrap() > 0, "{what}: {dates}");
    }
}

fn whole_run(corpus: &Path, out: &Path, extra: &[&str]) -> i32 {
    let output = detente()
        .arg("analyze")
        .arg(corpus)
        .args(["-q", "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    output.status.code().unwrap()
}

#[test]
fn merged_shards_of_the_bundled_corpus_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(Path::new("corpus"), &corpus);
    let whole = tmp.path().join("whole");
    assert_eq!(whole_run(&corpus, &whole, &[]), 0);
    for n in [1, 2, 3, 7] {
        let (merged, statuses) = sharded(&corpus, &tmp.path().join(format!("n{n}")), n, &[]);
        assert!(statuses.iter().all(|&s| s == 0), "{statuses:?}");
        assert_same_files(&whole, &merged, &format!("{n} shards"));
        assert_eq!(run_json(&merged)["dates"], run_json(&whole)["dates"]);
        assert!(merged.join("report.html").is_file());
    }
}

#[test]
fn merged_shards_of_a_generated_corpus_equal_one_run_with_the_same_options() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    generated_corpus(&corpus, 60);
    for (label, extra) in [
        ("defaults", &[][..]),
        (
            "options",
            &[
                "--excel",
                "--by",
                "source",
                "--min-count",
                "3",
                "--max-n",
                "4",
            ][..],
        ),
    ] {
        let whole = tmp.path().join(format!("whole-{label}"));
        // The binary file is skipped: exit status 3, the rest written.
        assert_eq!(whole_run(&corpus, &whole, extra), 3);
        for n in [1, 2, 3, 7] {
            let out = tmp.path().join(format!("{label}-{n}"));
            let (merged, statuses) = sharded(&corpus, &out, n, extra);
            // Exactly one shard met the binary file, and the merge reports it too.
            let skipping = statuses[..n as usize].iter().filter(|&&s| s == 3).count();
            assert_eq!(skipping, 1, "{statuses:?}");
            assert_eq!(statuses[n as usize], 3, "merge status");
            assert_same_files(&whole, &merged, &format!("{label}, {n} shards"));
            assert_same_dates(&whole, &merged, &format!("{label}, {n} shards"));
            let run = run_json(&merged);
            assert_eq!(run["report"]["skipped"].as_array().unwrap().len(), 1);
        }
    }
}

/// A set of partials of `corpus` in `out`, shard k of 3 in `part-k`, made with `extra`.
fn three_parts(corpus: &Path, out: &Path, extra: &[&str]) -> Vec<PathBuf> {
    (1..=3)
        .map(|k| {
            let part = out.join(format!("part-{k}"));
            let mut cmd = detente();
            cmd.arg("analyze")
                .arg(corpus)
                .args(["--shard", &format!("{k}/3"), "-q", "-o"])
                .arg(&part);
            cmd.args(extra);
            cmd.assert().success();
            part
        })
        .collect()
}

fn merge_error(parts: &[&Path], out: &Path) -> String {
    let output = detente()
        .arg("merge")
        .args(parts)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        !out.join("sentences.csv").exists(),
        "nothing written on refusal"
    );
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn merge_refuses_incomplete_duplicated_or_mismatched_partials_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(Path::new("corpus"), &corpus);
    let parts = three_parts(&corpus, &tmp.path().join("a"), &[]);
    let out = tmp.path().join("out");
    let [p1, p2, p3] = [&*parts[0], &*parts[1], &*parts[2]];

    let e = merge_error(&[p1, p3], &out);
    assert!(e.contains("shard 2/3 missing"), "{e}");
    let e = merge_error(&[p1, p2, p3, p2], &out);
    assert!(e.contains("shard 2/3 given twice"), "{e}");
    assert!(e.contains(&p2.display().to_string()), "{e}");

    let other = three_parts(&corpus, &tmp.path().join("b"), &["--min-count", "5"]);
    let e = merge_error(&[p1, &other[1], p3], &out);
    // Only the option that differs is named.
    assert!(
        e.contains("other options")
            && (e.contains("min_count 5 vs 2") || e.contains("min_count 2 vs 5"))
            && !e.contains("max_n"),
        "{e}"
    );
    assert!(e.contains(&other[1].display().to_string()), "{e}");
    // Untyped names kept in one shard only: its mentions.csv rows would differ in kind.
    let untyped = three_parts(&corpus, &tmp.path().join("u"), &["--untyped-names"]);
    let e = merge_error(&[p1, &untyped[1], p3], &out);
    assert!(
        e.contains("other options") && e.contains("untyped_names"),
        "{e}"
    );

    // The same options, but the lexicon file changed between shards.
    let lexicon = tmp.path().join("extra.csv");
    let terms = |intensity: u8| {
        let row = format!(
            "term,polarity,class,intensity,notes\ndetente,cooperative,verbal,{intensity},\n"
        );
        fs::write(&lexicon, row).unwrap();
    };
    let add = ["--lexicon-add", lexicon.to_str().unwrap()];
    terms(2);
    let with_2 = three_parts(&corpus, &tmp.path().join("c"), &add);
    terms(3);
    let with_3 = three_parts(&corpus, &tmp.path().join("d"), &add);
    let e = merge_error(&[&with_2[0], &with_3[1], &with_2[2]], &out);
    assert!(e.contains("another lexicon"), "{e}");

    // The metadata edited between shards: its groups would mix old and new values.
    let metadata = corpus.join("metadata.csv");
    let original = fs::read_to_string(&metadata).unwrap();
    fs::write(&metadata, original.replace("news\n", "reportage\n")).unwrap();
    let edited = three_parts(&corpus, &tmp.path().join("m"), &[]);
    fs::write(&metadata, &original).unwrap();
    let e = merge_error(&[p1, &edited[1], p3], &out);
    assert!(e.contains("other metadata.csv contents"), "{e}");

    // A shard cut from a corpus that has changed since: a file added and a file grown, both
    // in shares whose partials are older. Every partial is named by its manifest, with the
    // listing it was cut from, and so are the files that changed in the stale shares.
    let stale = |id: &str| !Shard { index: 2, count: 3 }.contains(id);
    let late = (0..)
        .map(|i| format!("news/late-{i}.txt"))
        .find(|id| stale(id))
        .unwrap();
    fs::write(corpus.join(&late), "Talks resumed in Geneva.\n").unwrap();
    let grown = listing(&corpus)
        .into_iter()
        .find(|id| stale(id) && *id != late)
        .unwrap();
    let before = fs::metadata(corpus.join(&grown)).unwrap().len();
    let mut text = fs::read(corpus.join(&grown)).unwrap();
    text.extend_from_slice(b"\nTalks resumed in Geneva.\n");
    fs::write(corpus.join(&grown), &text).unwrap();
    let changed = three_parts(&corpus, &tmp.path().join("e"), &[]);
    let e = merge_error(&[p1, &changed[1], p3], &out);
    let manifest = |p: &Path| p.join("partial.json").display().to_string();
    let files = |p: &Path| {
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(p.join("partial.json")).unwrap()).unwrap();
        json["corpus_files"].as_u64().unwrap()
    };
    assert_eq!(files(&changed[1]), files(p1) + 1);
    assert!(e.contains("2 different listings"), "{e}");
    let (old, new) = (manifest(p1), manifest(&changed[1]));
    assert!(
        e.contains(&format!("{old}, {} ({} files)", manifest(p3), files(p1)))
            && e.contains(&format!(
                "{new} ({} files, as the corpus is now)",
                files(&changed[1])
            )),
        "{e}"
    );
    let holder = |id: &str| match (Shard { index: 1, count: 3 }).contains(id) {
        true => old.clone(),
        false => manifest(p3),
    };
    let (late_in, grown_in) = (holder(&late), holder(&grown));
    assert!(
        e.contains(&format!("{late} (new; not in {late_in})"))
            && e.contains(&format!(
                "{grown} ({before} bytes in {grown_in}, {} now)",
                text.len()
            )),
        "{e}"
    );
    // Cut from the corpus as it is now, the mismatched shard is the only one named so.
    assert_eq!(e.matches("as the corpus is now").count(), 1, "{e}");

    // Not a partial at all, and a damaged one.
    let e = merge_error(&[p1, &corpus, p3], &out);
    assert!(e.contains("no partial.json"), "{e}");
    let sentences = p2.join("sentences.csv");
    let text = fs::read_to_string(&sentences).unwrap();
    fs::write(&sentences, &text[..text.len() / 2]).unwrap();
    let e = merge_error(&[p1, p2, p3], &out);
    assert!(e.contains("sentences.csv") && e.contains("damaged"), "{e}");
}

#[test]
fn shards_that_read_no_file_merge_into_nothing_and_keep_earlier_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let good = three_parts(Path::new("corpus"), &tmp.path().join("good"), &[]);
    detente()
        .arg("merge")
        .args(&good)
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let files = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        (walk(dir).into_iter())
            .map(|p| (p.clone(), fs::read(p).unwrap()))
            .collect()
    };
    let earlier = files(&out);

    // Only binary files: each share that holds one writes its partial all the same, which
    // lists the file as skipped, and says no file could be read.
    let corpus = tmp.path().join("binary");
    fs::create_dir(&corpus).unwrap();
    for i in 0..4 {
        fs::write(corpus.join(format!("{i}.txt")), [0u8; 64]).unwrap();
    }
    let mut parts = Vec::new();
    let mut skipped = 0;
    for k in 1..=3 {
        let part = tmp.path().join(format!("binary-{k}"));
        let o = detente()
            .arg("analyze")
            .arg(&corpus)
            .args(["--shard", &format!("{k}/3"), "-q", "-o"])
            .arg(&part)
            .output()
            .unwrap();
        let partial: serde_json::Value =
            serde_json::from_slice(&fs::read(part.join("partial.json")).unwrap()).unwrap();
        let own = partial["skipped"].as_array().unwrap().len();
        assert_eq!(o.status.code(), Some(if own > 0 { 4 } else { 0 }), "{o:?}");
        skipped += own;
        parts.push(part);
    }
    assert_eq!(skipped, 4);
    let o = detente()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert_eq!(err.matches("skipped: binary file").count(), 4, "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(files(&out) == earlier, "the merge replaced earlier results");
    // Into a folder that did not exist: it is not left behind.
    let fresh = tmp.path().join("fresh");
    let o = detente()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&fresh)
        .output()
        .unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("fresh was not created"), "{err}");
    assert!(!fresh.exists(), "{err}");
}

#[test]
fn a_shard_is_stable_when_unrelated_files_are_added() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(Path::new("corpus"), &corpus);
    let ids = |out: &Path| -> Vec<String> {
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("partial.json")).unwrap()).unwrap();
        (manifest["documents"].as_array().unwrap().iter())
            .map(|d| d["doc_id"].as_str().unwrap().to_string())
            .collect()
    };
    let before: Vec<Vec<String>> = three_parts(&corpus, &tmp.path().join("a"), &[])
        .iter()
        .map(|p| ids(p))
        .collect();
    assert_eq!(before.iter().map(Vec::len).sum::<usize>(), 8);
    fs::write(corpus.join("news/late.txt"), "Talks resumed in Geneva.\n").unwrap();
    let after: Vec<Vec<String>> = three_parts(&corpus, &tmp.path().join("b"), &[])
        .iter()
        .map(|p| ids(p))
        .collect();
    for (b, a) in before.iter().zip(&after) {
        let kept: Vec<&String> = a.iter().filter(|id| *id != "news/late.txt").collect();
        assert_eq!(kept, b.iter().collect::<Vec<_>>());
    }
}

/// The document ids of `corpus`, as `detente map --list` prints them.
fn listing(corpus: &Path) -> Vec<String> {
    let output = detente()
        .args(["map", "--list"])
        .arg(corpus)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs one mapper per group of ids at once, as an engine runs its map tasks, and
/// returns their records, mappers in order.
fn mappers(corpus: &Path, groups: &[Vec<String>], extra: &[&str]) -> Vec<Vec<u8>> {
    let maps = groups.iter().map(|ids| {
        let mut cmd = detente();
        cmd.arg("map")
            .arg(corpus)
            .args(["--threads", "1"])
            .args(extra)
            .write_stdin(ids.iter().map(|id| format!("{id}\n")).collect::<String>());
        cmd
    });
    (all_at_once(maps).into_iter())
        .map(|output| {
            // A mapper succeeds even when it skips a file: the merge reports it.
            assert_eq!(output.status.code(), Some(0), "{output:?}");
            output.stdout
        })
        .collect()
}

/// Records sorted by key, as the shuffle of Hadoop Streaming (or `sort`) hands them to
/// the reducer.
fn shuffled(records: &[Vec<u8>]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = records
        .iter()
        .flat_map(|r| r.split_inclusive(|&b| b == b'\n'))
        .collect();
    let key = |line: &[u8]| line.split(|&b| b == b'\t').next().unwrap().to_vec();
    lines.sort_by_key(|line| key(line));
    lines.concat()
}

/// Runs `detente merge -` on `records`; returns its exit status and standard error.
fn reduce(records: Vec<u8>, out: &Path) -> (i32, String) {
    let output = detente()
        .args(["merge", "-", "-q", "-o"])
        .arg(out)
        .write_stdin(records)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The ids dealt round-robin to `n` mappers.
fn deal(ids: &[String], n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|k| ids.iter().skip(k).step_by(n).cloned().collect())
        .collect()
}

#[test]
fn mapped_and_reduced_like_a_streaming_engine_equals_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    generated_corpus(&corpus, 60);
    let ids = listing(&corpus);
    assert_eq!(
        ids.len(),
        63,
        "60 documents, the empty, binary and quoted files"
    );
    for (label, extra) in [
        ("defaults", &[][..]),
        (
            "options",
            &["--excel", "--by", "source", "--max-n", "4"][..],
        ),
    ] {
        let whole = tmp.path().join(format!("whole-{label}"));
        assert_eq!(whole_run(&corpus, &whole, extra), 3);
        for n in [1, 2, 3, 7] {
            let records = mappers(&corpus, &deal(&ids, n), extra);
            // Sorted as a shuffle leaves them, and in any order as `cat` would.
            let sorted = tmp.path().join(format!("{label}-{n}-sorted"));
            assert_eq!(reduce(shuffled(&records), &sorted).0, 3);
            assert_same_files(&whole, &sorted, &format!("{label}, {n} mappers, sorted"));
            let reversed: Vec<u8> = records.iter().rev().flatten().copied().collect();
            let unsorted = tmp.path().join(format!("{label}-{n}-unsorted"));
            assert_eq!(reduce(reversed, &unsorted).0, 3);
            assert_same_files(
                &whole,
                &unsorted,
                &format!("{label}, {n} mappers, in any order"),
            );
            assert_same_dates(&whole, &sorted, &format!("{label}, {n} mappers"));
            let run = run_json(&sorted);
            assert_eq!(run["report"]["skipped"].as_array().unwrap().len(), 1);
            assert_eq!(run["inputs"].as_array().unwrap().len(), ids.len());
        }
    }
}

#[test]
fn the_streaming_merge_refuses_missing_repeated_or_mismatched_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(Path::new("corpus"), &corpus);
    let ids = listing(&corpus);
    let refused = |records: Vec<u8>, name: &str| {
        let out = tmp.path().join(name);
        let (status, stderr) = reduce(records, &out);
        assert_eq!(status, 1, "{stderr}");
        assert!(
            !out.join("sentences.csv").exists(),
            "nothing written on refusal"
        );
        stderr
    };

    // A document no mapper was given: named by its neighbour in the listing.
    let mut some = deal(&ids, 2);
    let dropped = some[1].remove(1);
    let previous = &ids[ids.iter().position(|id| *id == dropped).unwrap() - 1];
    let err = refused(mappers(&corpus, &some, &[]).concat(), "missing");
    assert!(err.contains("1 of 8 documents missing"), "{err}");
    assert!(err.contains(&format!("1 after {previous}")), "{err}");

    // A document given to two mappers.
    let mut twice = deal(&ids, 2);
    twice[1].push(ids[0].clone());
    let err = refused(mappers(&corpus, &twice, &[]).concat(), "twice");
    assert!(
        err.contains(&format!("document {} given twice", ids[0])),
        "{err}"
    );

    // Mappers run with different options.
    let halves = deal(&ids, 2);
    let mut records = mappers(&corpus, &halves[..1], &[]);
    records.extend(mappers(&corpus, &halves[1..], &["--max-n", "3"]));
    let err = refused(records.concat(), "options");
    assert!(
        err.contains("made with other options")
            && (err.contains("max_n 3 vs 6") || err.contains("max_n 6 vs 3")),
        "{err}"
    );

    // Mappers given listings of the corpus before and after a file was added: the records
    // come in any order, so the message says by how much the listings differ, not which
    // came first.
    let before = mappers(&corpus, &halves[..1], &[]);
    fs::write(corpus.join("news/zz-late.txt"), "Talks resumed.\n").unwrap();
    let after = mappers(&corpus, &halves[1..], &[]);
    fs::remove_file(corpus.join("news/zz-late.txt")).unwrap();
    for records in [[&after, &before], [&before, &after]] {
        let err = refused(records.map(|r| r.concat()).concat(), "listings");
        assert!(
            err.contains("the listings differ by 1 file)")
                && !err.contains("removed")
                && !err.contains("added"),
            "{err}"
        );
    }

    // Not records at all, and nothing at all.
    let err = refused(b"sentence_index,text\n".to_vec(), "csv");
    assert!(
        err.contains("standard input, line 1: not a record"),
        "{err}"
    );
    let err = refused(Vec::new(), "empty");
    assert!(err.contains("no records of `detente map`"), "{err}");

    // An id that is not a document: the mapper warns and the merge names what is missing.
    let output = detente()
        .arg("map")
        .arg(&corpus)
        .write_stdin("news/no-such-file.txt\n")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("news/no-such-file.txt: not a document of the corpus"),
        "{stderr}"
    );
}

/// A data file's warnings (a VADER file's emoticons left out, a given-name list's lines)
/// are the run's: printed once, counted in the summary and listed in run.json, by a whole
/// run and by a merge of shards alike (once, though every shard records them).
#[test]
fn data_file_warnings_are_in_run_json_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "Peace talks resumed in Geneva.\n").unwrap();
    fs::write(corpus.join("b.txt"), "The war went on.\n").unwrap();
    let vader = dir.path().join("v.txt");
    fs::write(&vader, "peace\t2.0\n:-)\t2.0\nwar\t-3.0\n").unwrap();
    let names = dir.path().join("names.txt");
    fs::write(&names, "Zephyrine\nmary\n").unwrap();
    let extra = [
        "--vader",
        vader.to_str().unwrap(),
        "--given-names",
        names.to_str().unwrap(),
    ];
    let listed = |out: &Path| -> Vec<String> {
        let run: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        (run["report"]["warnings"].as_array().unwrap().iter())
            .map(|w| {
                format!(
                    "{}: {}",
                    w["file"].as_str().unwrap(),
                    w["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let expected = [
        format!(
            "{}: 1 entry left out, as no word of a text can match it: 1 without a letter or digit, such as emoticons (`:-)`)",
            vader.display()
        ),
        format!(
            "{}: 1 line left out, as no capitalised word of a text can match it: 1 not capitalised (`mary`)",
            names.display()
        ),
    ];
    let whole = dir.path().join("whole");
    let run = detente()
        .arg("analyze")
        .arg(&corpus)
        .arg("-o")
        .arg(&whole)
        .args(extra)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    for line in &expected {
        assert_eq!(
            err.matches(line.as_str()).count(),
            1,
            "{line} once in: {err}"
        );
    }
    assert!(err.contains("0 skipped, 2 warnings"), "{err}");
    assert_eq!(listed(&whole), expected);
    let (merged, statuses) = sharded(&corpus, dir.path(), 2, &extra);
    assert_eq!(statuses, [0, 0, 0]);
    // The merge lists warnings sorted by file.
    let (mut merged, mut expected) = (listed(&merged), expected.to_vec());
    merged.sort();
    expected.sort();
    assert_eq!(merged, expected);
}

/// With `--no-phrases` the phrase options are recorded as null, in partials and in the
/// merged run.json; a partial written when they were recorded with their defaults still
/// merges with one written now, and phrases on and off still do not mix.
#[test]
fn no_phrases_partials_record_no_phrase_options_and_merge_with_older_ones() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        &corpus,
    );
    let parts = three_parts(&corpus, &dir.path().join("off"), &["--no-phrases"]);
    let manifest = parts[0].join("partial.json");
    let mut older: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest).unwrap()).unwrap();
    let options = older["options"].as_object_mut().unwrap();
    for name in ["min_count", "max_n", "max_phrases"] {
        assert!(options[name].is_null(), "{name}: {options:?}");
    }
    // As partial.json recorded them before.
    options.insert("min_count".into(), 2.into());
    options.insert("max_n".into(), 6.into());
    options.insert("max_phrases".into(), 524288.into());
    fs::write(&manifest, serde_json::to_vec_pretty(&older).unwrap()).unwrap();
    let merged = dir.path().join("merged");
    let output = detente()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&merged)
        .arg("-q")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let run: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(merged.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["options"]["phrases"], false);
    assert!(run["options"]["max_n"].is_null(), "{}", run["options"]);

    let on = three_parts(&corpus, &dir.path().join("on"), &[]);
    let err = merge_error(&[&parts[0], &parts[1], &on[2]], &dir.path().join("mixed"));
    assert!(
        err.contains("phrases true vs false") || err.contains("phrases false vs true"),
        "{err}"
    );
}

/// A file added to the corpus between shard runs usually falls into a share whose partial
/// was made after it (the newest): the older partials do not list that share's files, yet
/// the merge names the file, from the older listing's digest. A change there that no one
/// addition explains is counted, saying why it cannot be named.
#[test]
fn merge_names_a_file_added_in_the_share_of_the_newest_partial() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(Path::new("corpus"), &corpus);
    let out = tmp.path().join("out");
    let run = |k: u32, dir: &str| {
        let part = tmp.path().join(dir);
        detente()
            .arg("analyze")
            .arg(&corpus)
            .args(["--shard", &format!("{k}/3"), "-q", "-o"])
            .arg(&part)
            .assert()
            .success();
        part
    };
    let (p1, p2) = (run(1, "p1"), run(2, "p2"));
    let newest = Shard { index: 3, count: 3 };
    let added = (0..)
        .map(|i| format!("news/zz-new-{i}.txt"))
        .find(|id| newest.contains(id))
        .unwrap();
    fs::write(corpus.join(&added), "Talks resumed in Geneva.\n").unwrap();
    let p3 = run(3, "p3");
    let e = merge_error(&[&p1, &p2, &p3], &out);
    let old = p1.join("partial.json").display().to_string();
    assert!(
        e.contains(&format!("Changed since: {added} (new; not in {old})")),
        "{e}"
    );
    // A file of that share removed as well: not one addition, and not nameable.
    fs::remove_file(corpus.join(&added)).unwrap();
    let gone = listing(&corpus)
        .into_iter()
        .find(|id| newest.contains(id))
        .unwrap();
    fs::remove_file(corpus.join(&gone)).unwrap();
    fs::remove_dir_all(&p3).unwrap();
    let p3 = run(3, "p3");
    let e = merge_error(&[&p1, &p2, &p3], &out);
    let newest_manifest = p3.join("partial.json").display().to_string();
    assert!(
        e.contains(&format!(
            "Changed since: files of the share of {newest_manifest} ("
        )) && e.contains("which cannot be told"),
        "{e}"
    );
}

/// A shard answers for the files of its own share: one whose share holds no file exits 0
/// with its partial, though shard 1 also reports the broken link of another share for the
/// merge; the share holding only the broken link read nothing of its own and exits 4; the
/// merge, 3 (a file skipped).
#[test]
fn a_shard_with_no_file_of_its_own_does_not_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "Talks resumed in Geneva.\n").unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", corpus.join("z.txt")).unwrap();
    let n = 3;
    // So that shard 1 reports the link without holding it.
    assert!(!Shard { index: 1, count: n }.contains("z.txt"));
    let mut parts = Vec::new();
    let mut empty = 0;
    for k in 1..=n {
        let shard = Shard { index: k, count: n };
        let part = tmp.path().join(format!("part-{k}"));
        let o = detente()
            .arg("analyze")
            .arg(&corpus)
            .args(["--shard", &format!("{k}/{n}"), "-q", "-o"])
            .arg(&part)
            .output()
            .unwrap();
        let expected = match (shard.contains("a.txt"), shard.contains("z.txt")) {
            (false, false) => 0,
            (true, false) => 0,
            (false, true) => 4,
            (true, true) => 3,
        };
        empty += usize::from(expected == 0 && !shard.contains("a.txt"));
        assert_eq!(o.status.code(), Some(expected), "shard {shard}: {o:?}");
        assert!(part.join("partial.json").exists(), "shard {shard}");
        parts.push(part);
    }
    assert!(empty > 0, "two files in three shares leave one empty");
    let o = detente()
        .arg("merge")
        .args(&parts)
        .arg("-q")
        .arg("-o")
        .arg(tmp.path().join("merged"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{o:?}");
}

/// A shard's summary counts the skipped files its exit status counts, those of its own
/// share: shard 1, which reads its file and records another share's broken link for the
/// merge, exits 0 and says 0 skipped, naming the link apart; the link's own shard says 1.
#[test]
fn a_shard_summary_counts_only_its_own_skipped_files() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("a.txt"), "Talks resumed in Geneva.\n").unwrap();
    fs::write(corpus.join("b.txt"), "Peace was agreed in Oslo.\n").unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", corpus.join("z.txt")).unwrap();
    let (first, second) = (Shard { index: 1, count: 2 }, Shard { index: 2, count: 2 });
    assert!(first.contains("a.txt") && second.contains("b.txt") && second.contains("z.txt"));
    let run = |shard: Shard| {
        let o = detente()
            .arg("analyze")
            .arg(&corpus)
            .args(["--shard", &shard.to_string(), "-o"])
            .arg(tmp.path().join(format!("part-{}", shard.index)))
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (status, err) = run(first);
    assert_eq!(status, Some(0), "{err}");
    assert!(
        err.contains("z.txt: skipped: broken symbolic link")
            && err.contains("; 0 skipped, 0 warnings; shard 1/2: partial result in ")
            && err.contains(
                ", which also records for the merge 1 skipped file of the other shards; "
            ),
        "{err}"
    );
    let (status, err) = run(second);
    assert_eq!(status, Some(3), "{err}");
    assert!(
        err.contains("; 1 skipped, 0 warnings; shard 2/2: ") && !err.contains("other shards"),
        "{err}"
    );
}
