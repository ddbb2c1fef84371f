#!/usr/bin/env bash
# The import against the bare sqlite3 reference, on its own and quickly:
# crosscheck imports a CSV of 9-word titles with publisher and URL, and the
# sqlite3 shell loads the same file into a plain table plus an FTS5 index of
# the titles. Runs alternate; each prints wall and CPU time and their ratios.
#
#     benches/import-bare.sh            # 1,000,000 titles, 3 runs each
#     SIZE=100000 RUNS=5 benches/import-bare.sh
#
# benches/run.sh measures the same (`import N 9-word titles`) among the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1000000}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/crosscheck-bench}
mkdir -p "$WORK"
command -v sqlite3 >/dev/null && [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq sqlite3 time >/dev/null; }
cargo build --release --quiet --bin crosscheck --example gen_corpus
CC=$PWD/target/release/crosscheck
corpus=$WORK/corpus-$SIZE titles=$WORK/titles-$SIZE.csv
[ -f "$corpus/done" ] || { target/release/examples/gen_corpus $((SIZE / 5)) "$corpus" && touch "$corpus/done"; }
# The corpus's titles in scripts written with spaces, cut to nine words.
python3 - "$corpus/sources.csv" "$titles" "$SIZE" <<'PY'
import csv, sys
def cjk(text):
    return any(0x1100 <= ord(c) <= 0x11FF or 0x3040 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF for c in text)
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="") as inp, open(dst, "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["title", "publisher", "url"])
    rows = 0
    while rows < n:
        inp.seek(0)
        for row in csv.DictReader(inp):
            words = row["title"].split()
            if cjk(row["title"]) or len(words) < 9:
                continue
            w.writerow([" ".join(words[:9]), row["publisher"], f"https://example.org/news/{rows}"])
            rows += 1
            if rows == n:
                break
PY
cat >"$WORK/bare.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
.mode csv
.import $titles source
CREATE VIRTUAL TABLE source_fts USING fts5 (title, content = '', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO source_fts (rowid, title) SELECT rowid, title FROM source;
SQL
for _ in $(seq "$RUNS"); do
    rm -f "$WORK"/bare.db*
    /usr/bin/time -f "%e %U %S" -o "$WORK/t.bare" sqlite3 "$WORK/bare.db" <"$WORK/bare.sql" >/dev/null
    rm -f "$WORK"/cc.db*
    "$CC" --db "$WORK/cc.db" init 2>/dev/null
    /usr/bin/time -f "%e %U %S" -o "$WORK/t.cc" "$CC" --db "$WORK/cc.db" import "$titles" --into sources >/dev/null 2>&1
    read -r bw bu bs <"$WORK/t.bare"
    read -r cw cu cs <"$WORK/t.cc"
    python3 -c "print(f'{$SIZE:,} titles: wall crosscheck {$cw:.2f} s, sqlite3 {$bw:.2f} s, {$cw/$bw:.2f}x; cpu crosscheck {$cu+$cs:.2f} s, sqlite3 {$bu+$bs:.2f} s, {($cu+$cs)/($bu+$bs):.2f}x')"
done
