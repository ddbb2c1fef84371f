#!/usr/bin/env bash
# Output at the size of a real desk's case: time and peak memory of the
# listings as tables, compare, and the claims report as HTML, Markdown and
# CSV, on the corpus of `examples/gen_corpus` imported whole, each against
# the CSV report of the same rows measured in the same run. One command:
#
#     benches/large.sh
#
# The corpus of N claims has 5N sources, 3N statements and 2N evidence
# links (50,000 claims: 250,000 sources, 150,000 statements, 100,000
# evidence links). Every command writes to /dev/null, so that it writes
# all its output and never pages; its peak resident memory comes from GNU
# time. The measures, and the CSV report each is held against:
#
#   statement list               (table)  report statements --format csv
#   claim list                   (table)  report claims --format csv
#   source list                  (table)  report sources --format csv
#   compare                      (every contested claim, CSV)  report claims --format csv
#   compare, table and JSON      the same
#   report claims --format html  report claims --format csv
#   report claims --format md    report claims --format csv
#
# Environment:
#   CLAIMS  claims in the corpus (default 50000)
#   RUNS    timed runs of each (default 3; the median time counts, and the
#           largest peak memory)
#   BEFORE  another crosscheck binary to measure the same way in the same
#           run (for example one built from an older commit), or nothing
#   WORK    where the corpus and the case go (default /tmp/crosscheck-large;
#           about 600 MB at 50,000 claims)
#
# It needs python3 and GNU time (/usr/bin/time), and installs GNU time from
# Debian where it lacks it. It is not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAIMS=${CLAIMS:-50000}
RUNS=${RUNS:-3}
BEFORE=${BEFORE:-}
WORK=${WORK:-/tmp/crosscheck-large}
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "building crosscheck (release) and the corpus generator..." >&2
cargo build --release --quiet --bin crosscheck --example gen_corpus
CC=$PWD/target/release/crosscheck
GEN=$PWD/target/release/examples/gen_corpus
export CROSSCHECK_ANALYST=bench NO_COLOR=1
unset CROSSCHECK_DB PAGER COLUMNS

corpus=$WORK/corpus-$CLAIMS
case=$WORK/case-$CLAIMS.db
if [ ! -f "$corpus/done" ]; then
    "$GEN" "$CLAIMS" "$corpus" >&2
    touch "$corpus/done"
fi
if [ ! -f "$case.done" ]; then
    echo "== importing the corpus into $case" >&2
    rm -f "$case" "$case-wal" "$case-shm"
    "$CC" --db "$case" init >/dev/null 2>&1
    for what in parties sources claims statements evidence; do
        "$CC" --db "$case" import "$corpus/$what.csv" --into "$what" 2>&1 | tail -1 >&2
    done
    touch "$case.done"
fi

RESULTS=$WORK/large-results.tsv
: >"$RESULTS"

# timed BINARY-NAME BINARY NAME ARGS...: runs `BINARY --db case ARGS` RUNS
# times under GNU time, output to /dev/null; records the median wall time,
# its CPU time, the largest peak resident memory and the output's size.
timed() {
    local who=$1 binary=$2 name=$3 runs=() peak=0 line bytes
    shift 3
    echo "== $who: $name: crosscheck $*" >&2
    bytes=$("$binary" --db "$case" "$@" 2>/dev/null | wc -c)
    for _ in $(seq "$RUNS"); do
        line=$(/usr/bin/time -f "%e %U %S %M" "$binary" --db "$case" "$@" 2>&1 >/dev/null | tail -1)
        read -r wall user sys rss <<<"$line"
        echo "   $wall s ($user s user, $sys s system), $rss KB" >&2
        runs+=("$wall $(echo "$user + $sys" | bc -l)")
        [ "$rss" -gt "$peak" ] && peak=$rss
    done
    median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$who" "$name" "${median% *}" "${median#* }" "$peak" "$bytes" >>"$RESULTS"
}

measure() {
    local who=$1 binary=$2
    timed "$who" "$binary" "report statements --format csv" report statements --format csv
    timed "$who" "$binary" "report claims --format csv" report claims --format csv
    timed "$who" "$binary" "report sources --format csv" report sources --format csv
    timed "$who" "$binary" "statement list (table)" statement list
    timed "$who" "$binary" "claim list (table)" claim list
    timed "$who" "$binary" "source list (table)" source list
    timed "$who" "$binary" "compare (CSV)" compare --format csv
    timed "$who" "$binary" "compare (table)" compare
    timed "$who" "$binary" "compare (JSON)" compare --format json
    timed "$who" "$binary" "report claims --format html" report claims --format html
    timed "$who" "$binary" "report claims --format md" report claims --format md
}

measure after "$CC"
[ -n "$BEFORE" ] && measure before "$BEFORE"

python3 - "$RESULTS" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
got = {(r[0], r[1]): (float(r[2]), float(r[3]), int(r[4]), int(r[5])) for r in rows}
against = {
    "statement list (table)": "report statements --format csv",
    "claim list (table)": "report claims --format csv",
    "source list (table)": "report sources --format csv",
    "compare (CSV)": "report claims --format csv",
    "compare (table)": "report claims --format csv",
    "compare (JSON)": "report claims --format csv",
    "report claims --format html": "report claims --format csv",
    "report claims --format md": "report claims --format csv",
}
def s(x): return f"{x:.2f} s" if x >= 1 else f"{x * 1000:.0f} ms"
def mb(kb): return f"{kb / 1024:.1f} MB"
def size(b): return f"{b / 1e6:.1f} MB" if b >= 1e6 else f"{b / 1e3:.0f} kB"
for who in ("after", "before"):
    names = [r[1] for r in rows if r[0] == who]
    if not names:
        continue
    print("this commit:" if who == "after" else "BEFORE:")
    out = [("measure", "time", "CPU", "peak memory", "output", "against its CSV report")]
    for name in names:
        wall, cpu, rss, bytes_ = got[(who, name)]
        ratio = ""
        if name in against:
            ref = got[(who, against[name])]
            ratio = f"{wall / ref[0]:.2f}x its time, {rss / ref[2]:.2f}x its memory"
        out.append((name, s(wall), s(cpu), mb(rss), size(bytes_), ratio))
    widths = [max(len(r[i]) for r in out) for i in range(len(out[0]))]
    for r in out:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print()
PY
echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "crosscheck $(git rev-parse --short HEAD)${BEFORE:+, before: $BEFORE}, $CLAIMS claims, runs $RUNS"
