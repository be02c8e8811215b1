//! What `cargo fmt` does not check in the sources.

use std::path::Path;

/// rustfmt keeps code within 100 columns but does not wrap comments (`wrap_comments` is
/// unstable), so a comment edited in place can run past the width every other line keeps.
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
            for (i, line) in text.lines().enumerate() {
                // Columns, not bytes: `2⁵²` or `Σ(dᵢ − R·sᵢ)²` is one column a character.
                if line.trim_start().starts_with("//") && line.chars().count() > 100 {
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
