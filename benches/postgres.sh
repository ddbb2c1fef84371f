#!/usr/bin/env bash
# crosscheck on a PostgreSQL server, against references in the same run:
#
# - the import of SIZE sources (9-word titles, publisher, URL) into a new
#   case, against psql's \copy of the same rows into the same table of a
#   case made the same way, followed by the same search entries (a tsvector
#   of title and publisher under the case's GIN index);
# - search in that case, median of 5 runs;
# - `claim list` and `compare` on the shipped case over loopback, median of
#   31 runs each, beside the same commands on a case file.
#
#     benches/postgres.sh                      # 100,000 sources
#     SIZE=1000000 benches/postgres.sh
#     PG=postgres://postgres@127.0.0.1 benches/postgres.sh
#
# Every time is a whole process: start, connect, work, exit.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-100000}
PG=${PG:-postgres://postgres@127.0.0.1}
WORK=${WORK:-/tmp/crosscheck-bench}
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$WORK"
command -v psql >/dev/null && [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq postgresql-client time >/dev/null; }
cargo build --release --quiet --bin crosscheck
CC=$PWD/target/release/crosscheck

titles=$WORK/pg-titles-$SIZE.csv reference=$WORK/pg-reference-$SIZE.csv
python3 - "$titles" "$reference" "$SIZE" <<'PY'
import csv, sys, uuid, random
titles, reference, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = ("border incident ministry statement troops exercise airspace patrol vessel report "
         "officials denied claimed footage shows convoy bridge closed village shelling").split()
rng = random.Random(7)
with open(titles, "w", newline="") as t, open(reference, "w", newline="") as r:
    tw, rw = csv.writer(t, lineterminator="\n"), csv.writer(r, lineterminator="\n")
    tw.writerow(["title", "publisher", "url"])
    rw.writerow(["uuid", "title", "publisher", "url", "created_at", "updated_at"])
    for i in range(n):
        title = " ".join(rng.choice(words) for _ in range(8)) + f" {i}"
        publisher, url = f"Agency {i % 97}", f"https://example.org/news/{i}"
        tw.writerow([title, publisher, url])
        rw.writerow([str(uuid.uuid4()), title, publisher, url, "2026-11-30T00:00:00.000Z", "2026-11-30T00:00:00.000Z"])
PY

fresh() { # a new, empty database on the server, made a case
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    "$CC" --db "$PG/$1" init $2 2>/dev/null
}
seconds() { # wall seconds of a command, to millisecond precision
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    echo "scale=3; ($end - $start) / 1000000000" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
runs() { # median wall milliseconds of N runs
    local n=$1; shift
    for _ in $(seq "$n"); do echo "$(seconds "$@") * 1000" | bc; done | median
}

fresh cc_bench_import ""
fresh cc_bench_copy ""
ours=$(seconds "$CC" --db "$PG/cc_bench_import" import "$titles" --into sources --as bench)
theirs=$(seconds psql "$PG/cc_bench_copy" -v ON_ERROR_STOP=1 -qc \
    "\\copy source (uuid, title, publisher, url, created_at, updated_at) FROM '$reference' CSV HEADER" -c \
    "INSERT INTO search_index (rowid, doc) SELECT id * 16 + 2, setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', coalesce(publisher, '')), 'B') FROM source")
printf 'import of %s sources    crosscheck %8.2f s   \\copy + GIN %8.2f s   ratio %.2fx\n' \
    "$SIZE" "$ours" "$theirs" "$(echo "scale=4; $ours / $theirs" | bc)"
for query in incident "convoy bridge" vessel; do
    printf 'search %-16s %8.1f ms (median of 5, %s sources)\n' "\"$query\"" \
        "$(runs 5 "$CC" --db "$PG/cc_bench_import" search "$query" --limit 10)" "$SIZE"
done

fresh cc_bench_seed --seed
rm -f "$WORK/seed.db"; "$CC" --db "$WORK/seed.db" init --seed 2>/dev/null
for command in "claim list" "compare"; do
    # shellcheck disable=SC2086
    printf '%-12s on the shipped case   server %6.1f ms   file %6.1f ms (medians of 31)\n' "$command" \
        "$(runs 31 "$CC" --db "$PG/cc_bench_seed" $command)" "$(runs 31 "$CC" --db "$WORK/seed.db" $command)"
done
psql "$PG/postgres" -qc "DROP DATABASE cc_bench_import WITH (FORCE)" -c "DROP DATABASE cc_bench_copy WITH (FORCE)" -c "DROP DATABASE cc_bench_seed WITH (FORCE)" >/dev/null
