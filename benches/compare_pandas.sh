#!/usr/bin/env bash
# End-to-end benchmark: `qce describe FILE --value diameter --json` on a 10-million-row CSV
# (columns sample,diameter; about 163 MB) against pandas read_csv + the same statistics and
# polars (Python) doing the same. Wall time and peak memory (max RSS) from /usr/bin/time -v.
#
# Usage: benches/compare_pandas.sh [ROWS]     (from the crate root; default 10000000)
# Needs: target/release/qce (cargo build --release), python3 with pandas and polars
# (pip install pandas polars), /usr/bin/time (apt-get install -y time).
# The data file goes to benches/data/ (gitignored). Each tool runs 3 times after one warm-up
# read (so all read from the page cache); the best wall time and its peak memory are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-10000000}"
DATA="benches/data/big_${ROWS}.csv"
QCE=target/release/qce
mkdir -p benches/data
[ -x "$QCE" ] || { echo "build first: cargo build --release" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
[ -f "$DATA" ] || { echo "generating $DATA ..."; python3 benches/gen_big_csv.py "$DATA" "$ROWS"; }
ls -l "$DATA"
cat "$DATA" > /dev/null  # warm the page cache

# run NAME CMD...: prints "NAME wall_seconds max_rss_kib cpu_seconds", best wall of 3
# (CPU = user + system time: the fairer figure when other jobs share the cores)
run() {
  local name="$1"; shift
  local best_t="" best_m="" best_c=""
  for _ in 1 2 3; do
    local log; log="$(mktemp)"
    /usr/bin/time -v "$@" > /dev/null 2> "$log"
    local t m c
    t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    c=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$log")
    rm -f "$log"
    if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; best_c=$c; fi
  done
  echo "$name $best_t $best_m $best_c"
}

PANDAS='
import sys, json, pandas as pd
x = pd.read_csv(sys.argv[1])["diameter"]
n = int(x.count())
q = x.quantile([0.25, 0.5, 0.75], interpolation="linear")  # pandas has no type 6; same work
out = {"n": n, "missing": int(x.isna().sum()), "mean": x.mean(), "sd": x.std(), "variance": x.var(),
       "se_mean": x.sem(), "min": x.min(), "q1": q[0.25], "median": q[0.5], "q3": q[0.75], "max": x.max(),
       "skewness": x.skew(), "kurtosis": x.kurt()}
print(json.dumps({k: float(v) for k, v in out.items()}))
'
POLARS='
import sys, json, polars as pl
x = pl.read_csv(sys.argv[1])["diameter"]
out = {"n": x.len() - x.null_count(), "missing": x.null_count(), "mean": x.mean(), "sd": x.std(),
       "variance": x.var(), "se_mean": x.std() / (x.len() - x.null_count()) ** 0.5, "min": x.min(),
       "q1": x.quantile(0.25, "linear"), "median": x.median(), "q3": x.quantile(0.75, "linear"),
       "max": x.max(), "skewness": x.skew(bias=False), "kurtosis": x.kurtosis(bias=False)}
print(json.dumps({k: float(v) for k, v in out.items()}))
'

echo "tool wall_s max_rss_KiB cpu_s"; uptime
Q=$(run qce "$QCE" describe "$DATA" --value diameter --json); echo "$Q"
P=$(run pandas python3 -c "$PANDAS" "$DATA"); echo "$P"
L=$(run polars python3 -c "$POLARS" "$DATA"); echo "$L"
read -r _ qt qm qc <<< "$Q"; read -r _ pt pm pc <<< "$P"; read -r _ lt lm lc <<< "$L"
awk -v qt="$qt" -v qm="$qm" -v qc="$qc" -v pt="$pt" -v pm="$pm" -v pc="$pc" -v lt="$lt" -v lm="$lm" -v lc="$lc" 'BEGIN {
  printf "qce:    %.2f s wall, %.2f s CPU, %.0f MiB\n", qt, qc, qm/1024
  printf "pandas: %.2f s wall, %.2f s CPU, %.0f MiB  -> qce %.1fx faster wall, %.1fx less CPU (goal >= 3x), %.2f of its memory (goal <= 0.33)\n", pt, pc, pm/1024, pt/qt, pc/qc, qm/pm
  printf "polars: %.2f s wall, %.2f s CPU, %.0f MiB  -> qce %.1fx faster wall, %.1fx less CPU (goal >= 2x), %.2f of its memory\n", lt, lc, lm/1024, lt/qt, lc/qc, qm/lm
}'
