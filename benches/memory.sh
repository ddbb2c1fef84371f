#!/usr/bin/env bash
# Peak memory of crosscheck on the inputs that are hardest on it: a large
# capture attached, extracted, verified and backed up; large JSON, JSON
# lines, CSV and TSV imports from a file and from stdin; and inputs that
# never end a row (/dev/zero) or reject every row. Each command runs once
# under GNU time; its maximum resident set size is the figure. One command:
#
#     benches/memory.sh
#
# Environment:
#   CAPTURE  bytes of the attached file (default 200000000)
#   ROWS     sources in the import files (default 100000: a 22 MB JSON array)
#   WORK     where files and cases go (default /tmp/crosscheck-memory)
#
# It needs GNU time (/usr/bin/time) and python3, and installs GNU time from
# Debian where it lacks it. It is not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
CAPTURE=${CAPTURE:-200000000}
ROWS=${ROWS:-100000}
WORK=${WORK:-/tmp/crosscheck-memory}
rm -rf "$WORK"
mkdir -p "$WORK"

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq time >/dev/null
fi

echo "building crosscheck (release)..." >&2
cargo build --release --quiet --bin crosscheck
CC=$PWD/target/release/crosscheck
export CROSSCHECK_ANALYST=bench NO_COLOR=1
cd "$WORK"

printf 'measure\tinput\texit\tpeak MB\n' >results.tsv

# peak NAME INPUT COMMAND...: runs COMMAND (a shell command line) once under
# GNU time and records its exit code and peak resident memory in MB.
peak() {
    local name=$1 input=$2 command=$3 code=0
    echo "== $name: $command" >&2
    /usr/bin/time -o rss -f %M sh -c "$command" >/dev/null 2>err || code=$?
    tail -1 err >&2
    printf '%s\t%s\t%s\t%.1f\n' "$name" "$input" "$code" "$(echo "$(tail -1 rss) / 1024" | bc -l)" >>results.tsv
}

size() { stat -c %s "$1"; }

# The capture: random bytes, which no page compresses.
head -c "$CAPTURE" /dev/urandom >capture.bin
"$CC" --db capture.db init 2>/dev/null
"$CC" --db capture.db source add "A large capture" >/dev/null
before=$(size capture.db)
peak "source attach" "$(size capture.bin) bytes" "$CC --db capture.db source attach S1 capture.bin"
after=$(size capture.db)
peak "source extract --output" "the same" "$CC --db capture.db source extract S1 --output copy.bin"
cmp capture.bin copy.bin
peak "verify" "a case holding it" "$CC --db capture.db verify"
peak "backup" "a case holding it" "$CC --db capture.db backup copy.db"

# Import files of ROWS sources: a JSON array, JSON lines, CSV and TSV.
python3 - "$ROWS" <<'EOF'
import csv, json, random, sys
rows = int(sys.argv[1])
random.seed(7)
words = "patrol bomber airspace joint exercise ministry statement troops border report analysis".split()
def text(n):
    return " ".join(random.choice(words) for _ in range(n))
sources = [{"title": f"Source {i}: {text(8)}", "publisher": f"Publisher {i % 97}", "published": "2019-07-23",
            "notes": text(20)} for i in range(rows)]
with open("sources.json", "w") as f:
    json.dump(sources, f, ensure_ascii=False, indent=1)
with open("sources.jsonl", "w") as f:
    for s in sources:
        f.write(json.dumps(s, ensure_ascii=False) + "\n")
for name, delimiter in (("sources.csv", ","), ("sources.tsv", "\t")):
    with open(name, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(sources[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(sources)
# Every row rejected: a bad reliability grade on each, 64 KB of notes.
with open("rejected.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["title", "reliability", "notes"])
    for i in range(1500):
        w.writerow([f"Bad {i}", "Z", "n" * 65536])
EOF

fresh() { rm -f "$1" "$1-wal" "$1-shm"; "$CC" --db "$1" init 2>/dev/null; }
fresh json.db
peak "import JSON array, file" "$(size sources.json) bytes" "$CC --db json.db import sources.json --into sources"
fresh json.db
peak "import JSON array, stdin" "$(size sources.json) bytes" "$CC --db json.db import - --into sources --format json <sources.json"
fresh json.db
peak "import JSON lines, stdin" "$(size sources.jsonl) bytes" "$CC --db json.db import - --into sources --format jsonl <sources.jsonl"
fresh json.db
peak "import CSV, stdin" "$(size sources.csv) bytes" "$CC --db json.db import - --into sources --format csv <sources.csv"
fresh json.db
peak "import TSV, stdin (copied to a temporary file)" "$(size sources.tsv) bytes" "$CC --db json.db import - --into sources --format tsv <sources.tsv"
fresh json.db
peak "import /dev/zero as CSV" "endless, no line end" "$CC --db json.db import /dev/zero --into sources --format csv"
# A JSON array whose first string never closes: 1 GB of it.
printf '%s\n' "printf '[{\"title\": \"'; head -c 1000000000 /dev/zero | tr '\\000' a" >endless-json.sh
peak "import an endless JSON string, stdin" "1 GB, no item end" "sh endless-json.sh | $CC --db json.db import - --into sources --format json"
peak "import /dev/zero as JSON lines, stdin" "endless, no line end" "$CC --db json.db import - --into sources --format jsonl </dev/zero"
peak "import /dev/zero as TSV, stdin" "endless, no line end" "$CC --db json.db import - --into sources --format tsv </dev/zero"
peak "import, every row rejected" "$(size rejected.csv) bytes" "$CC --db json.db import rejected.csv --into sources --skip-invalid rejects.csv"

echo >&2
printf 'case file before attach: %s bytes; after: %s bytes; grew by %s bytes for a %s-byte file\n\n' \
    "$before" "$after" "$((after - before))" "$(size capture.bin)"
column -t -s $'\t' results.tsv
