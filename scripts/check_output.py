#!/usr/bin/env python3
"""Reads back every file detente wrote to an output folder, as a user's tools would.

Usage: check_output.py OUTPUT_DIR [--seed]

Checks that each CSV is UTF-8 with one header row and rows of the header's width, that
run.json parses, and that no text cell starts like a spreadsheet formula. With --seed,
also checks the acceptance facts for the project's source article (../shared/seed).
"""
import csv
import json
import pathlib
import sys

# Each CSV file, by what one of its rows is.
FILES = {
    "sentences": "sentence",
    "sections": "section",
    "documents": "document",
    "mentions": "mention",
    "entities": "entity",
    "dyads": "dyad",
    "phrases": "phrase",
    "groups": "group",
}


def counted(n, one, many):
    """`n` with the noun it takes: "1 document", "2 documents" (as detente's error::counted)."""
    return f"{n} {one if n == 1 else many}"


def read(out, name):
    path = out / f"{name}.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body, start=2):
        assert len(row) == len(header), f"{path}:{i}: {counted(len(row), 'field', 'fields')}, header has {len(header)}"
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), f"{path}:{i}: formula-like cell {cell!r}"
            if cell.startswith("-"):
                float(cell)  # only numbers may start with a minus sign
    return [dict(zip(header, row)) for row in body]


def main():
    out = pathlib.Path(sys.argv[1])
    tables = {name: read(out, name) for name in FILES}
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["report"]["documents"] == len(tables["documents"]), "run.json and documents.csv disagree"
    assert tables["sentences"], "no sentences"
    if "--seed" in sys.argv:
        check_seed(tables)
    print(f"{out}: " + ", ".join(counted(len(rows), FILES[name], name) for name, rows in tables.items()))


def check_seed(t):
    titles = [s["section_title"] for s in t["sections"]]
    assert titles == ["", "The Relationship Between Russia and the U.S. Now", "Key Takeaways"], titles
    key = [s for s in t["sentences"] if s["section_index"] == "2"]
    assert len(key) == 4, [s["text"] for s in key]
    for s in t["sentences"]:
        assert not s["text"].endswith("U.S."), f"sentence cut after U.S.: {s['text']}"
    pairs = {(d["entity_a"], d["entity_b"]) for d in t["dyads"]}
    assert ("Russia", "United States") in pairs, sorted(pairs)[:20]
    labels = {s["text"][:40]: s["label"] for s in t["sentences"]}
    def label_of(start):
        found = [label for text, label in labels.items() if text.startswith(start)]
        assert len(found) >= 1, start
        return found
    assert set(label_of("Pro-war sentiment is on the rise")) == {"conflictual"}
    assert set(label_of("Economic cooperation and trade have pla")) == {"cooperative"}
    assert set(label_of("Since President Trump took office, the ")) == {"cooperative"}
    for s in t["sections"]:
        if s["section_index"] in ("0", "2"):
            assert float(s["coop"]) > 0 and float(s["conflict"]) > 0, f"section {s['section_index']} is not mixed"
    phrases = {p["phrase"].lower() for p in t["phrases"]}
    for want in ["relationship between russia and the u.s.", "president trump took office"]:
        assert want in phrases, want


if __name__ == "__main__":
    main()
