#!/usr/bin/env bash
# Browser check of report.html: opens it in headless Chromium at desktop and phone widths,
# takes screenshots and checks that the charts really rendered (not a blank page), and
# that the browser's DOM has the charts' bars and a data table under every chart.
#
# Usage: scripts/check_report.sh [OUTPUT_DIR] [--keep DIR]
#   OUTPUT_DIR  a folder with report.html (default: analyse corpus/ into a temporary folder
#               and write its report with the release build)
#   --keep DIR  copy the screenshots (desktop.png, phone.png) to DIR
#
# Needs Chromium (Debian: apt-get install -y chromium) and python3; Pillow is used when
# present, else a small built-in PNG decoder. Exit status: 0 pass, 1 fail, 2 no browser.
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) out="$1"; shift ;;
  esac
done

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
done
if [ -z "$browser" ]; then
  echo "check_report: Chromium not found; install it (Debian: apt-get install -y chromium)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$out" ]; then
  out="$work/out"
  cargo run --release --quiet -- analyze corpus -o "$out" --quiet
  cargo run --release --quiet -- report "$out" >/dev/null
fi
if [ ! -f "$out/report.html" ]; then
  echo "check_report: $out/report.html not found (run: detente report $out)" >&2
  exit 1
fi
page="file://$(cd "$out" && pwd)/report.html"

# Flags: no sandbox (containers, root), no GPU, and nothing that talks to the network on
# its own, so the check also shows the page needs no network.
run_browser() {
  local name=$1; shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --hide-scrollbars --user-data-dir="$work/profile-$name" "$@" "$page" \
    2>"$work/$name.log"
}
run_browser desktop --window-size=1200,2400 --screenshot="$work/desktop.png" >/dev/null
run_browser phone --window-size=390,2400 --screenshot="$work/phone.png" >/dev/null
run_browser dom --dump-dom >"$work/dom.html"
for f in desktop.png phone.png; do
  if [ ! -s "$work/$f" ]; then
    echo "check_report: no screenshot $f" >&2
    cat "$work"/*.log >&2
    exit 1
  fi
done

python3 - "$work" <<'PY'
"""Checks the DOM Chromium built and the pixels of its screenshots."""
import pathlib
import re
import struct
import sys
import zlib

work = pathlib.Path(sys.argv[1])
failures = []


def check(ok, message):
    print(("ok    " if ok else "FAIL  ") + message)
    if not ok:
        failures.append(message)


def decode_png(path):
    """(width, height, channels, rows of bytes), with Pillow or by hand (8-bit RGB/RGBA)."""
    try:
        from PIL import Image

        im = Image.open(path).convert("RGB")
        w, h = im.size
        data = im.tobytes()
        return w, h, 3, [data[y * w * 3:(y + 1) * w * 3] for y in range(h)]
    except ImportError:
        pass
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos:pos + 4])
        kind = blob[pos + 4:pos + 8]
        body = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"unsupported PNG {depth}-bit type {ctype}"
            ch = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(ch, stride):
                line[i] = (line[i] + line[i - ch]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - ch] if i >= ch else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - ch] if i >= ch else 0
                b = prev[i]
                c = prev[i - ch] if i >= ch else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, ch, rows


BLUE, ORANGE = (0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)


def near(px, colour):
    return sum(abs(a - b) for a, b in zip(px, colour)) < 40


def pixels(name):
    w, h, ch, rows = decode_png(work / name)
    ink = blue = orange = 0
    for row in rows:
        for x in range(0, w * ch, ch):
            px = (row[x], row[x + 1], row[x + 2])
            if px[0] < 240 or px[1] < 240 or px[2] < 240:
                ink += 1
                if near(px, BLUE):
                    blue += 1
                elif near(px, ORANGE):
                    orange += 1
    return w, h, ink / (w * h), blue, orange


dom = (work / "dom.html").read_text(encoding="utf-8", errors="replace")
svgs = dom.count("<svg")
bars = len(re.findall(r'<rect class="bar ', dom))
figures = dom.count("<figure>")
tables = dom.count("<caption>Data: ")
check(svgs >= 3, f"DOM has {svgs} SVG charts")
check(bars > 0, f"DOM has {bars} bars")
check(figures == tables, f"{figures} charts, {tables} data tables")
check("<script" not in dom, "no script")

for name, min_ink in (("desktop.png", 0.02), ("phone.png", 0.02)):
    w, h, ink, blue, orange = pixels(name)
    check(ink >= min_ink, f"{name} {w}x{h}: {ink:.1%} of pixels not white")
    check(blue + orange >= 200, f"{name}: {blue} blue and {orange} orange bar pixels")

if failures:
    print(f"check_report: {len(failures)} check(s) failed")
    sys.exit(1)
print("check_report: the report renders in Chromium")
PY

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  cp "$work/desktop.png" "$work/phone.png" "$keep/"
fi
