#!/usr/bin/env bash
# Merging two case files that parted: time and peak memory of
# `crosscheck merge`, against importing the same rows. One command:
#
#     benches/merge.sh
#
# For each size N: a case of N sources (the corpus's sources.csv, imported),
# copied twice. The other file ("theirs") then edits 5% of the sources
# (`import --update`: one history entry each) and imports 5% new ones: it
# differs from the common case in a tenth of its sources. This case ("ours")
# edits another 5% of its own, so that the merge is a three-way one. Then:
#
#   merge    crosscheck merge theirs.db, into a fresh copy of ours (the
#            other file's own `verify` included, as every merge runs it)
#   import   the same rows into a fresh copy of ours the way one would
#            without merge: import --update of theirs' edited rows, then
#            import of its new rows
#   verify   crosscheck verify of theirs.db alone: the part of the merge
#            that checks the other file
#   diff     crosscheck diff theirs.db --format csv (to /dev/null)
#
# Environment:
#   SIZES   numbers of sources (default "100000 1000000")
#   RUNS    timed runs of each (default 3; the median counts)
#   WORK    where corpora and case files go (default /tmp/crosscheck-bench;
#           about 3 GB at a million sources)
#
# It needs python3 and GNU time (/usr/bin/time); it is not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/crosscheck-bench}
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "building crosscheck (release) and the corpus generator..." >&2
cargo build --release --quiet --bin crosscheck --example gen_corpus
CC=$PWD/target/release/crosscheck
GEN=$PWD/target/release/examples/gen_corpus
RESULTS=$WORK/merge-results.tsv
: >"$RESULTS"
export CROSSCHECK_ANALYST=bench

# timed NAME SIZE PREPARE COMMAND: runs PREPARE then COMMAND (shell command
# lines) RUNS times, COMMAND under GNU time; records the median wall time
# and the largest peak resident memory.
timed() {
    local name=$1 size=$2 prepare=$3 command=$4 runs=() peak=0 line
    echo "== $name ($size): $command" >&2
    for _ in $(seq "$RUNS"); do
        sh -c "$prepare"
        line=$(/usr/bin/time -f "%e %M" sh -c "$command >/dev/null 2>&1" 2>&1 | tail -1)
        echo "   ${line% *} s, ${line#* } KB" >&2
        runs+=("${line% *}")
        [ "${line#* }" -gt "$peak" ] && peak=${line#* }
    done
    median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    printf '%s\t%s\t%s\t%s\n' "$name" "$size" "$median" "$peak" >>"$RESULTS"
}

for size in $SIZES; do
    corpus=$WORK/corpus-$size
    if [ ! -f "$corpus/done" ]; then
        "$GEN" $((size / 5)) "$corpus"
        touch "$corpus/done"
    fi
    dir=$WORK/merge-$size
    mkdir -p "$dir"
    base=$dir/base.db ours=$dir/ours.db theirs=$dir/theirs.db work=$dir/work.db
    echo "== preparing the two files ($size sources)" >&2
    rm -f "$base"* "$ours"* "$theirs"*
    "$CC" --db "$base" init >/dev/null 2>&1
    "$CC" --db "$base" import "$corpus/sources.csv" --into sources >/dev/null 2>&1
    # Every 20th source edited there, every 20th (offset by 10) here, and as
    # many new ones there, each a corpus row under a new UUID and title.
    "$CC" --db "$base" report sources --format csv --raw-cells >"$dir/all.csv"
    python3 - "$dir" <<'PY'
import csv, sys, uuid
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/all.csv", newline="")))
fields = [f for f in rows[0] if f != "handle"]
def write(name, chosen):
    with open(f"{d}/{name}", "w", newline="") as out:
        w = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(chosen)
theirs = [dict(r, notes=r["notes"] + " Checked against the archive copy.") for r in rows[0::20]]
ours = [dict(r, publisher=r["publisher"] + " (wire)") for r in rows[10::20]]
new = [dict(r, uuid=str(uuid.UUID(int=i + 1, version=4)), slug="", title=r["title"] + " (follow-up)") for i, r in enumerate(rows[5::20])]
write("theirs-edits.csv", theirs)
write("ours-edits.csv", ours)
write("theirs-new.csv", new)
PY
    cp "$base" "$ours"
    cp "$base" "$theirs"
    "$CC" --db "$theirs" import "$dir/theirs-edits.csv" --into sources --update --raw-cells >/dev/null 2>&1
    "$CC" --db "$theirs" import "$dir/theirs-new.csv" --into sources --raw-cells >/dev/null 2>&1
    "$CC" --db "$ours" import "$dir/ours-edits.csv" --into sources --update --raw-cells >/dev/null 2>&1

    fresh="rm -f $work $work-wal $work-shm; cp $ours $work"
    timed merge "$size" "$fresh" "$CC --db $work merge $theirs"
    timed import "$size" "$fresh" \
        "$CC --db $work import $dir/theirs-edits.csv --into sources --update --raw-cells && $CC --db $work import $dir/theirs-new.csv --into sources --raw-cells"
    timed verify "$size" "true" "$CC --db $theirs verify"
    timed diff "$size" "$fresh" "$CC --db $work diff $theirs --format csv"
    # The merged case holds what both files hold, and passes verify.
    sh -c "$fresh"
    "$CC" --db "$work" merge "$theirs" 2>&1 | tail -1 >&2
    "$CC" --db "$work" verify --other "$theirs" >/dev/null
    echo "   merged case: $(sqlite3 "$work" 'SELECT count(*) FROM source') sources; verify --other passes" >&2
    rm -f "$work"*
done

python3 - "$RESULTS" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
time = {(r[0], r[1]): float(r[2]) for r in rows}
rss = {(r[0], r[1]): int(r[3]) for r in rows}
sizes = sorted({r[1] for r in rows}, key=int)
def s(x): return f"{x:.2f} s" if x >= 1 else f"{x * 1000:.0f} ms"
def mb(kb): return f"{kb / 1024:.1f} MB"
out = [("measure", "time", "peak memory", "against the import of the same rows")]
for n in sizes:
    label = f"{int(n):,} sources"
    m, i = time[("merge", n)], time[("import", n)]
    out.append((f"merge, {label}", s(m), mb(rss[("merge", n)]), f"{m / i:.2f}x its time, {rss[('merge', n)] / rss[('import', n)]:.2f}x its memory"))
    out.append((f"import of the same rows, {label}", s(i), mb(rss[("import", n)]), ""))
    out.append((f"  verify of the other file alone", s(time[("verify", n)]), mb(rss[("verify", n)]), ""))
    out.append((f"diff, {label}", s(time[("diff", n)]), mb(rss[("diff", n)]), ""))
if len(sizes) > 1:
    a, b = rss[("merge", sizes[0])], rss[("merge", sizes[-1])]
    out.append((f"merge peak memory, {int(sizes[-1]):,} against {int(sizes[0]):,}", "", f"{b / a:.2f}x", ""))
widths = [max(len(r[i]) for r in out) for i in range(4)]
for r in out:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
PY
echo
echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "crosscheck $(git rev-parse --short HEAD), sizes $SIZES, runs $RUNS"
