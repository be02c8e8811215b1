//! What `cargo fmt` does not check in the sources.

use std::path::Path;

/// rustfmt keeps code within 100 columns but does not wrap comments (`wrap_comments` is
/// unstable), so a comment edited in place can run past the width every other line keeps:
/// a comment line, or a line of code with a comment after it, which rustfmt leaves as it is
/// rather than move the comment.
#[test]
fn no_comment_line_is_wider_than_100_columns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut wide = Vec::new();
    for folder in ["src", "tests", "benches", "examples", "fuzz/fuzz_targets"] {
        for entry in walkdir::WalkDir::new(root.join(folder)) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let comments = comment_starts(&text);
            for (i, line) in text.lines().enumerate() {
                let commented = line.trim_start().starts_with("//") || comments[i].is_some();
                // Columns, not bytes: `2⁵²` or `Σ(dᵢ − R·sᵢ)²` is one column a character.
                if commented && line.chars().count() > 100 {
                    let file = path.strip_prefix(root).unwrap().display();
                    wide.push(format!("{file}:{}: {}", i + 1, line.chars().count()));
                }
            }
        }
    }
    assert!(
        wide.is_empty(),
        "comment lines over 100 columns:\n{}",
        wide.join("\n")
    );
}

/// Where a `//` comment starts in each line of the Rust source `text` (a byte offset in the
/// line), if one does. A `//` inside a string or character literal or a block comment is
/// none ("http://…"), and those may span lines, so the text is read from its start.
fn comment_starts(text: &str) -> Vec<Option<usize>> {
    enum In {
        Code,
        Str,
        /// A raw string closed by `"` and this many `#`.
        Raw(usize),
        /// Block comments, nested this deep.
        Block(usize),
    }
    let b = text.as_bytes();
    let ident = |i: usize| i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_');
    let (mut starts, mut line_start, mut found) = (Vec::new(), 0, None);
    let mut state = In::Code;
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let mut step = 1;
        match state {
            In::Code if rest.starts_with(b"//") => {
                found.get_or_insert(i - line_start);
                step = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            }
            In::Code if rest.starts_with(b"/*") => (state, step) = (In::Block(1), 2),
            In::Code if rest[0] == b'"' => state = In::Str,
            // r"…", r#"…"#, br"…": an `r` that starts a token, hashes, a quote.
            In::Code if rest[0] == b'r' && (i == 0 || !ident(i - 1) || b[i - 1] == b'b') => {
                let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
                if rest.get(1 + hashes) == Some(&b'"') {
                    (state, step) = (In::Raw(hashes), 2 + hashes);
                }
            }
            In::Code if rest[0] == b'\'' => {
                // A character literal ('"', '\'', 'é'), or a lifetime, which is code.
                let c = text[i + 1..].chars().next().unwrap_or(' ');
                if c == '\\' {
                    let closing = rest[3..].iter().position(|&c| c == b'\'');
                    step = closing.map_or(1, |at| at + 4);
                } else if rest.get(1 + c.len_utf8()) == Some(&b'\'') {
                    step = 2 + c.len_utf8();
                }
            }
            In::Code => {}
            // An escaped line end continues the string: the line is still counted.
            In::Str if rest[0] == b'\\' && rest.get(1) != Some(&b'\n') => step = 2,
            In::Str if rest[0] == b'"' => state = In::Code,
            In::Str => {}
            In::Raw(n) if rest[0] == b'"' && rest[1..].iter().take(n).all(|&c| c == b'#') => {
                if rest.len() > n {
                    (state, step) = (In::Code, 1 + n);
                }
            }
            In::Raw(_) => {}
            In::Block(depth) if rest.starts_with(b"/*") => {
                (state, step) = (In::Block(depth + 1), 2)
            }
            In::Block(depth) if rest.starts_with(b"*/") => {
                state = if depth == 1 {
                    In::Code
                } else {
                    In::Block(depth - 1)
                };
                step = 2;
            }
            In::Block(_) => {}
        }
        let end = (i + step).min(b.len());
        for at in line_ends(&b[i..end]) {
            starts.push(found.take());
            line_start = i + at + 1;
        }
        i = end;
    }
    starts.push(found);
    starts
}

/// The offsets of the line ends in `bytes`.
fn line_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (bytes.iter().enumerate()).filter_map(|(at, &c)| (c == b'\n').then_some(at))
}

/// The reader of comments finds them after code and not in literals: every comment of this
/// source says "c:", and no `//` in a literal does.
#[test]
fn comments_are_found_after_code_and_not_in_literals() {
    let source = r##"let a = 1; // c: after code
let url = "http://example.org"; let c = '"'; // c: after a quote in quotes
let s = "a string
// no: that spans lines", t = r#"raw "// no" "#;
/* a block // no
*/ let q = '\''; let l: &'static str = "x"; // c: after a lifetime
let e = "escaped \" // no";
    // c: a whole line
let u = b"// no"; let v = br"// no"; let w = 'é'; // c: after a letter
"##;
    let expected: Vec<Option<usize>> = source.lines().map(|l| l.find("// c:")).collect();
    assert_eq!(expected.iter().flatten().count(), 5);
    assert_eq!(
        comment_starts(source)[..expected.len()],
        expected,
        "{source}"
    );
}
