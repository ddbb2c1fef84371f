#!/usr/bin/env bash
# The import against the bare sqlite3 reference, on its own and quickly:
# crosscheck imports a CSV of 9-word titles with publisher and URL, and the
# sqlite3 shell loads the same file into a plain table plus an FTS5 index of
# the titles. Runs alternate; each prints wall and CPU time and their ratios.
#
# Two more references, run in the same rounds, make the comparison like for
# like where the shell can: "same columns" indexes title and publisher, as
# crosscheck's search does; "same table" loads crosscheck's own source table
# (its definition read from a case file: UUID and slug indexes, times, the
# import) and indexes the text crosscheck indexes. What the shell still does
# not do is what crosscheck adds: every value checked, time-ordered UUIDs
# made, CJK split into two-character words, the file's SHA-256, the history.
#
#     benches/import-bare.sh            # 1,000,000 titles, 3 runs each
#     SIZE=100000 RUNS=5 benches/import-bare.sh
#
# benches/run.sh measures the first (`import N 9-word titles`) among the rest.
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
cat >"$WORK/bare-columns.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
.mode csv
.import $titles source
CREATE VIRTUAL TABLE source_fts USING fts5 (title, publisher, content = '', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO source_fts (rowid, title, publisher) SELECT rowid, title, publisher FROM source;
SQL
# crosscheck's table, from a case file of this build (its page size too);
# the UUIDs are time-ordered like crosscheck's (made here from the row's
# number), the times those of the statement, as an import's are.
rm -f "$WORK"/schema.db*
"$CC" --db "$WORK/schema.db" init 2>/dev/null
page_size=$(sqlite3 "$WORK/schema.db" "PRAGMA page_size")
{
    echo "PRAGMA page_size = $page_size;"
    echo "PRAGMA journal_mode = WAL;"
    echo "PRAGMA synchronous = NORMAL;"
    echo ".mode csv"
    echo ".import $titles staging"
    sqlite3 "$WORK/schema.db" ".schema import" ".schema source"
    echo "CREATE VIRTUAL TABLE search_index USING fts5 (main, more, content = '', tokenize = 'unicode61 remove_diacritics 2');"
    echo "BEGIN;"
    echo "INSERT INTO import (uuid, entity, file_name, sha256, analyst, imported_at) VALUES ('0190f1a2-0000-7000-8000-000000000000', 'sources', 'titles.csv', '', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));"
    echo "INSERT INTO source (uuid, title, publisher, url, import_id, created_at, updated_at)"
    echo "    SELECT printf('0190f1a2-%04x-7%03x-8000-%012x', rowid >> 12, rowid & 4095, rowid), title, publisher, url, 1,"
    echo "           strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM staging;"
    echo "INSERT INTO search_index (rowid, main, more) SELECT id * 16 + 2, title, publisher || char(10) || notes FROM source;"
    echo "COMMIT;"
} >"$WORK/bare-table.sql"
# time NAME COMMAND...: runs it under GNU time into $WORK/t.NAME
timed() {
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$WORK/t.$name" "$@"
}
for _ in $(seq "$RUNS"); do
    for ref in bare bare-columns bare-table; do
        rm -f "$WORK"/ref.db*
        timed "$ref" sqlite3 "$WORK/ref.db" <"$WORK/$ref.sql" >/dev/null
    done
    rm -f "$WORK"/cc.db*
    "$CC" --db "$WORK/cc.db" init 2>/dev/null
    timed cc "$CC" --db "$WORK/cc.db" import "$titles" --into sources >/dev/null 2>&1
    python3 - "$WORK" "$SIZE" <<'PY'
import sys
work, size = sys.argv[1], int(sys.argv[2])
def read(name):
    wall, user, system = map(float, open(f"{work}/t.{name}").read().split())
    return wall, user + system
cw, cc = read("cc")
bw, bc = read("bare")
print(f"{size:,} titles: wall crosscheck {cw:.2f} s, sqlite3 {bw:.2f} s, {cw / bw:.2f}x; cpu crosscheck {cc:.2f} s, sqlite3 {bc:.2f} s, {cc / bc:.2f}x")
for name, what in (("bare-columns", "same columns"), ("bare-table", "same table")):
    rw, rc = read(name)
    print(f"  against sqlite3, {what}: wall {rw:.2f} s, {cw / rw:.2f}x; cpu {rc:.2f} s, {cc / rc:.2f}x")
PY
done
