#!/usr/bin/env bash
# crosscheck against SQLite itself, measured in the same run on the same
# files: importing sources (search index included; also against the bare
# reference: a plain table and an FTS5 index of the titles), the CSV report of
# sources, peak memory of both, search on the large case (a place's name
# searching every name of it, and --exact), and claim list and compare on the
# seeded case. One command:
#
#     benches/run.sh
#
# Environment:
#   SIZES   numbers of sources to measure at (default "100000 1000000"; the
#           case has a fifth as many claims, 3/5 as many statements and
#           2/5 as many evidence links)
#   RUNS    timed runs of each import and report (default 3; the median counts)
#   WORK    where corpora and case files go (default /tmp/crosscheck-bench;
#           about 2 GB at a million sources)
#
# It installs what it lacks (sqlite3, hyperfine, GNU time from Debian;
# sqlite-utils from PyPI). It is not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/crosscheck-bench}
mkdir -p "$WORK"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have sqlite3 || ! have hyperfine || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq sqlite3 hyperfine time >/dev/null
fi
have sqlite-utils || pip install --quiet sqlite-utils

echo "building crosscheck (release) and the corpus generator..." >&2
cargo build --release --quiet --bin crosscheck --example gen_corpus
CC=$ROOT/target/release/crosscheck
GEN=$ROOT/target/release/examples/gen_corpus
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# measure NAME SIZE RUNS PREPARE COMMAND
# Runs COMMAND (a shell command line) RUNS times under hyperfine, PREPARE
# before each, each run under GNU time for its peak resident memory; records
# the median wall time and the largest peak.
measure() {
    local name=$1 size=$2 runs=$3 prepare=$4 command=$5
    local script=$WORK/$name.$size.sh rss=$WORK/$name.$size.rss json=$WORK/$name.$size.json
    printf '%s\n' "$command" >"$script"
    : >"$rss"
    echo "== $name ($size): $command" >&2
    hyperfine --style basic --runs "$runs" --prepare "$prepare" --export-json "$json" \
        "/usr/bin/time -a -o $rss -f %M sh $script" >&2
    local median peak
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
    peak=$(sort -n "$rss" | tail -1)
    printf '%s\t%s\t%s\t%s\n' "$name" "$size" "$median" "$peak" >>"$RESULTS"
}

# quick NAME SIZE COMMAND...: median whole-process time of a short command,
# run directly (no shell), after warm-up runs.
quick() {
    local name=$1 size=$2
    shift 2
    local json=$WORK/$name.$size.json
    echo "== $name ($size): $*" >&2
    local words=() word
    for word in "$@"; do
        words+=("'${word//\'/\'\\\'\'}'")
    done
    hyperfine --style basic -N --warmup 5 --runs 50 --export-json "$json" "${words[*]}" >&2
    local median
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
    printf '%s\t%s\t%s\t\n' "$name" "$size" "$median" >>"$RESULTS"
}

for size in $SIZES; do
    corpus=$WORK/corpus-$size
    if [ ! -f "$corpus/done" ]; then
        "$GEN" $((size / 5)) "$corpus"
        touch "$corpus/done"
    fi
    db=$WORK/crosscheck-$size.db ref=$WORK/sqlite3-$size.db utils=$WORK/sqlite-utils-$size.db

    # The reference does with the sqlite3 shell what crosscheck's import
    # does: the same table (its definition read from a crosscheck case
    # file), the same journal settings, and an FTS5 index of the same text
    # with the same tokenizer.
    rm -f "$db"*
    "$CC" --db "$db" init >/dev/null 2>&1
    {
        echo "PRAGMA journal_mode = WAL;"
        echo "PRAGMA synchronous = NORMAL;"
        echo ".mode csv"
        echo ".import $corpus/sources.csv staging"
        echo "BEGIN;"
        sqlite3 "$db" ".schema source"
        echo "INSERT INTO source (uuid, slug, title, publisher, url, copy_url, published, language, kind, reliability, notes, created_at, updated_at)"
        echo "    SELECT uuid, nullif(slug, ''), title, publisher, url, copy_url, published, language, kind, reliability, notes,"
        echo "           strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM staging;"
        echo "CREATE VIRTUAL TABLE source_fts USING fts5 (main, more, content = '', tokenize = 'unicode61 remove_diacritics 2');"
        echo "INSERT INTO source_fts (rowid, main, more) SELECT id, title, publisher || char(10) || notes FROM source;"
        echo "COMMIT;"
    } >"$WORK/sqlite3-import.sql"

    measure import-crosscheck "$size" "$RUNS" "rm -f $db*; $CC --db $db init >/dev/null 2>&1" \
        "$CC --db $db import $corpus/sources.csv --into sources"
    measure import-sqlite3 "$size" "$RUNS" "rm -f $ref*" "sqlite3 $ref < $WORK/sqlite3-import.sql >/dev/null"
    # The bare reference: the sqlite3 shell loading a CSV of 9-word titles
    # with publisher and URL (the corpus's titles cut to nine words) into a
    # plain table, plus an FTS5 index of the titles; crosscheck imports the
    # same file, checking every value, with its UUIDs (time-ordered, made
    # here), its UNIQUE indexes and its search index of title and publisher.
    titles=$WORK/titles-$size.csv bare=$WORK/bare-$size.db
    python3 - "$corpus/sources.csv" "$titles" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as inp, open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["title", "publisher", "url"])
    for i, row in enumerate(csv.DictReader(inp)):
        w.writerow([" ".join(row["title"].split()[:9]), row["publisher"], f"https://example.org/news/{i}"])
PY
    {
        echo "PRAGMA journal_mode = WAL;"
        echo "PRAGMA synchronous = NORMAL;"
        echo ".mode csv"
        echo ".import $titles source"
        echo "CREATE VIRTUAL TABLE source_fts USING fts5 (title, content = '', tokenize = 'unicode61 remove_diacritics 2');"
        echo "INSERT INTO source_fts (rowid, title) SELECT rowid, title FROM source;"
    } >"$WORK/sqlite3-bare.sql"
    measure import-titles-crosscheck "$size" "$RUNS" "rm -f $db*; $CC --db $db init >/dev/null 2>&1" \
        "$CC --db $db import $titles --into sources"
    measure import-titles-sqlite3 "$size" "$RUNS" "rm -f $bare*" "sqlite3 $bare < $WORK/sqlite3-bare.sql >/dev/null"
    rm -f "$db"*
    "$CC" --db "$db" init >/dev/null 2>&1
    "$CC" --db "$db" import "$corpus/sources.csv" --into sources >/dev/null 2>&1

    measure import-sqlite-utils "$size" 1 "rm -f $utils*" \
        "sqlite-utils insert $utils sources $corpus/sources.csv --csv && sqlite-utils enable-fts $utils sources title publisher notes"

    # The report: crosscheck's CSV of every source against sqlite3 -csv
    # selecting the same columns from the same file.
    if "$CC" --db "$db" report sources --format csv >/dev/null 2>&1; then
        report=(report sources --format csv)
    else
        report=(source list --format csv)
    fi
    header=$("$CC" --db "$db" "${report[@]}" | head -1)
    columns=$(echo "$header" | sed -e 's/,/, /g' -e "s/^handle/'S' || id AS handle/" -e "s/ slug,/ coalesce(slug, '') AS slug,/")
    measure report-crosscheck "$size" "$RUNS" "true" "$CC --db $db ${report[*]} >/dev/null"
    measure report-sqlite3 "$size" "$RUNS" "true" "sqlite3 -csv -header $db \"SELECT $columns FROM source ORDER BY id\" >/dev/null"

    # The rest of the case, then search.
    echo "== importing the rest of the case ($size sources)" >&2
    for entity in parties claims statements evidence; do
        /usr/bin/time -f "   $entity: %e s, %M KB" "$CC" --db "$db" import "$corpus/$entity.csv" --into "$entity" >/dev/null
    done
    # The Liancourt Rocks with the names the shipped case gives them, so that
    # a search for one of them searches them all (the corpus uses Dokdo,
    # Takeshima, 독도, 竹島, Liancourt and Rocks).
    "$CC" --db "$db" place add liancourt-rocks >/dev/null
    for name in "Liancourt Rocks en" "Dokdo en KR" "독도 ko KR" "Tokdo en KR" "Takeshima en JP" "竹島 ja JP"; do
        read -r -a part <<<"$name"
        if [ "${part[0]}" = Liancourt ]; then
            "$CC" --db "$db" name add liancourt-rocks "Liancourt Rocks" --lang en --reference >/dev/null
        else
            "$CC" --db "$db" name add liancourt-rocks "${part[0]}" --lang "${part[1]}" --used-by "${part[2]}" >/dev/null
        fi
    done
    for label in Takeshima 'Takeshima --exact' 'Takeshima airspace' 'Takeshima airspace --exact' учения 독도 竹島 演习 \
        '"joint patrol"' 'battalion regiment' '"Liancourt Rocks Dokdo"'; do
        query=${label% --exact}
        flags=()
        [ "$query" = "$label" ] || flags=(--exact)
        hits=$("$CC" --db "$db" search "$query" "${flags[@]}" --all --limit 100000000 --format csv 2>/dev/null | tail -n +2 | wc -l)
        echo "   search $label: $hits records match" >&2
        printf 'hits %s\t%s\t%s\t\n' "$label" "$size" "$hits" >>"$RESULTS"
        quick "search $label" "$size" "$CC" --db "$db" search "$query" "${flags[@]}"
    done
done

seeded=$WORK/seeded.db
rm -f "$seeded"*
"$CC" --db "$seeded" init --seed >/dev/null 2>&1
quick "claim list" seeded "$CC" --db "$seeded" claim list
quick "compare" seeded "$CC" --db "$seeded" compare
quick "compare --names" seeded "$CC" --db "$seeded" compare --names

python3 - "$RESULTS" <<'EOF'
import sys, collections
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
time = {(r[0], r[1]): float(r[2]) for r in rows if not r[0].startswith("hits ")}
rss = {(r[0], r[1]): int(r[3]) for r in rows if len(r) > 3 and r[3]}
hits = {(r[0][5:], r[1]): r[2] for r in rows if r[0].startswith("hits ")}
sizes = sorted({r[1] for r in rows if r[1] != "seeded"}, key=int)
out = []
def line(measure, ours, reference, result, target, met):
    out.append((measure, ours, reference, result, target, "yes" if met else "NO"))
def s(x): return f"{x:.2f} s" if x >= 1 else f"{x * 1000:.1f} ms"
def mb(kb): return f"{kb / 1024:.1f} MB"
for n in sizes:
    label = f"{int(n):,}"
    cc, ref, utils = time[("import-crosscheck", n)], time[("import-sqlite3", n)], time[("import-sqlite-utils", n)]
    line(f"import {label} sources", s(cc), f"sqlite3 {s(ref)}", f"{cc / ref:.2f}x sqlite3's time", "<= 1.3x", cc / ref <= 1.3)
    line(f"import {label} sources", s(cc), f"sqlite-utils {s(utils)}", f"{utils / cc:.1f}x faster", ">= 5x faster", utils / cc >= 5)
    cc, ref = time[("import-titles-crosscheck", n)], time[("import-titles-sqlite3", n)]
    line(f"import {label} 9-word titles", s(cc), f"bare sqlite3 {s(ref)}", f"{cc / ref:.2f}x sqlite3's time", "<= 1.5x", cc / ref <= 1.5)
    cc, ref = time[("report-crosscheck", n)], time[("report-sqlite3", n)]
    line(f"CSV report of {label} sources", s(cc), f"sqlite3 -csv {s(ref)}", f"{cc / ref:.2f}x sqlite3's time", "<= 1.5x", cc / ref <= 1.5)
    for what in ("import", "report"):
        peak = rss[(f"{what}-crosscheck", n)]
        line(f"peak memory, {what} of {label}", mb(peak), f"sqlite3 {mb(rss[(f'{what}-sqlite3', n)])}", "", "< 64 MB", peak < 64 * 1024)
    for (name, size), t in sorted(time.items()):
        if size == n and name.startswith("search "):
            q = name[7:]
            line(f"search {q} ({hits[(q, n)]} matches)", s(t), "", "median", "< 20 ms", t < 0.020)
if len(sizes) > 1:
    small, large = sizes[0], sizes[-1]
    for what in ("import", "report"):
        a, b = rss[(f"{what}-crosscheck", small)], rss[(f"{what}-crosscheck", large)]
        line(f"peak memory, {what}: {int(large):,} against {int(small):,}", mb(b), mb(a), f"{b / a:.2f}x", "no larger", b <= a * 1.05)
for name in ("claim list", "compare", "compare --names"):
    t = time[(name, "seeded")]
    line(f"{name}, seeded case", s(t), "", "median", "< 10 ms", t < 0.010)
widths = [max(len(r[i]) for r in out + [("measure", "crosscheck", "reference", "result", "target", "met")]) for i in range(6)]
for r in [("measure", "crosscheck", "reference", "result", "target", "met")] + out:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
EOF
echo
echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(sqlite-utils --version), $(hyperfine --version), crosscheck $(git -C "$ROOT" rev-parse --short HEAD)"
