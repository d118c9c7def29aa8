# How long the R side of benches/xbar_r_vs_qcc.sh must take on this machine, whatever the
# version of qcc: the time of three steps that qcc makes for an X-bar and an R chart of a matrix
# with one subgroup per row, in 3.0 and in the 2.x code of the CRAN mirror alike. qcc() counts
# each row's values with apply(); stats.xbar() calls apply(data, 1, mean); stats.R() calls
# apply() with each row's range. (The sigma step, apply() with each row's range in 3.0 and
# its variance in 2.x, is left out.) Nothing here uses qcc itself: base R only.
#
#   Rscript benches/qcc_floor.R [CSV]
#
# CSV defaults to the file that benches/xbar_r_vs_qcc.sh writes (sample, diameter). The sum of
# the lines it prints is a floor for `qcc(m, "xbar")` + `qcc(m, "R")` after `read.csv`:
# qcc also computes limits and its run rules, and makes some of these passes more than once.
# Figures measured with it are in the README, "Performance".
args <- commandArgs(trailingOnly = TRUE)
csv <- if (length(args)) args[1] else file.path(Sys.getenv("TMPDIR", "/tmp"), "qce-bench", "xbar_r_2000000x5.csv")
timed <- function(label, expr) {
  s <- system.time(value <- expr)[["elapsed"]]
  cat(sprintf("%-46s %7.2f s\n", label, s))
  invisible(list(value = value, seconds = s))
}
total <- 0
r <- timed("read.csv", read.csv(csv)); total <- total + r$seconds
m <- matrix(r$value$diameter, ncol = 5, byrow = TRUE)
cat(sprintf("%d subgroups of %d\n", nrow(m), ncol(m)))
steps <- list(
  "sizes: apply(m, 1, function(x) sum(!is.na(x)))" = function() apply(m, 1, function(x) sum(!is.na(x))),
  "x-bar: apply(m, 1, mean, na.rm = TRUE)" = function() apply(m, 1, mean, na.rm = TRUE),
  "range: apply(m, 1, function(x) diff(range(x)))" = function() apply(m, 1, function(x) diff(range(x, na.rm = TRUE)))
)
for (label in names(steps)) { r <- timed(label, steps[[label]]()); total <- total + r$seconds }
cat(sprintf("%-46s %7.2f s\n", "floor (read + one pass of each kind)", total))
