#!/usr/bin/env bash
# End-to-end X-bar/R chart of 10 million values (2 million subgroups of 5): `qce chart xbar-r`
# against R's qcc on the same CSV. Prints the wall times and the ratios. `qce` is timed twice:
# with the subgroups from the id column (`--subgroup sample`, the harder layout: 2M distinct
# ids to read and cut) and as consecutive blocks of 5 rows (`--subgroup-size 5`, what the R
# side does with `matrix(..., ncol = 5, byrow = TRUE)`).
#
#   benches/xbar_r_vs_qcc.sh [QCE_BINARY] [SUBGROUPS]
#
# QCE_BINARY defaults to target/release/qce (build it with `cargo build --release`).
# R's side runs only when Rscript and the qcc package are installed
# (install.packages("qcc"); Debian has no r-cran-qcc package). qcc 3.0 needs a one-line fix
# to run at all on 2M subgroups: in stats.R(), `if (length(sizes == 1))` must read
# `if (length(sizes) == 1)` (else it tries to allocate a 14901 GB vector). Figures measured
# with it are in the README, "Performance".
set -euo pipefail
QCE=${1:-target/release/qce}
K=${2:-2000000}
DIR=${TMPDIR:-/tmp}/qce-bench
CSV="$DIR/xbar_r_${K}x5.csv"
mkdir -p "$DIR"

if [ ! -s "$CSV" ]; then
  echo "writing $CSV ($K subgroups of 5)..."
  # deterministic pseudo-normal data (sum of 12 uniforms), 4 decimals like a gauge reading
  awk -v k="$K" 'BEGIN { srand(20240501); print "sample,diameter";
    for (i = 1; i <= k; i++) for (j = 0; j < 5; j++) { s = 0; for (u = 0; u < 12; u++) s += rand();
      printf "%d,%.4f\n", i, 74 + 0.01 * (s - 6) } }' > "$CSV"
fi
echo "data: $CSV ($(du -h "$CSV" | cut -f1))"

now() { date +%s.%N; }

t0=$(now)
"$QCE" chart xbar-r "$CSV" --value diameter --subgroup sample --out "$DIR/xbar_r.svg" > "$DIR/qce.txt"
t1=$(now)
qce_s=$(echo "$t1 - $t0" | bc -l)
printf "qce  chart xbar-r (+ SVG):  %8.2f s   (--subgroup sample; SVG %s)\n" "$qce_s" "$(du -h "$DIR/xbar_r.svg" | cut -f1)"
t0=$(now)
"$QCE" chart xbar-r "$CSV" --value diameter --subgroup-size 5 --out "$DIR/xbar_r_blocks.svg" > "$DIR/qce_blocks.txt"
t1=$(now)
blocks_s=$(echo "$t1 - $t0" | bc -l)
printf "qce  chart xbar-r (+ SVG):  %8.2f s   (--subgroup-size 5)\n" "$blocks_s"

if command -v Rscript > /dev/null && Rscript -e 'quit(status = !requireNamespace("qcc", quietly = TRUE))' 2> /dev/null; then
  t0=$(now)
  Rscript -e "suppressMessages(library(qcc)); d <- read.csv('$CSV');
    m <- matrix(d\$diameter, ncol = 5, byrow = TRUE)   # consecutive blocks of 5 = the subgroups
    chart <- function(type) if ('plot' %in% names(formals(qcc))) qcc(m, type = type, plot = FALSE) else qcc(m, type = type)
    q <- chart('xbar'); r <- chart('R')
    cat(sprintf('qcc center %.6f sigma %.8f UCL %.6f\n', q\$center, q\$std.dev, q\$limits[1, 2]))"
  t1=$(now)
  r_s=$(echo "$t1 - $t0" | bc -l)
  printf "R qcc xbar + R (no plot):  %8.2f s\n" "$r_s"
  printf "ratio qcc / qce:           %8.1f x   (--subgroup sample)\n" "$(echo "$r_s / $qce_s" | bc -l)"
  printf "ratio qcc / qce:           %8.1f x   (--subgroup-size 5)\n" "$(echo "$r_s / $blocks_s" | bc -l)"
else
  echo "R's qcc not installed: only qce timed (qcc took about 39 s for this data on the reference machine)"
  printf "ratio 39 s / qce:          %8.1f x   (--subgroup sample)\n" "$(echo "39 / $qce_s" | bc -l)"
  printf "ratio 39 s / qce:          %8.1f x   (--subgroup-size 5)\n" "$(echo "39 / $blocks_s" | bc -l)"
fi
