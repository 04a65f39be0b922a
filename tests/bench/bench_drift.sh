#!/bin/bash
# bench_drift.sh - two samples of 1,000,000 values compared (KS statistic and p-value,
# Jensen-Shannon, PSI): libcra's drift_compare against scipy.stats.ks_2samp +
# scipy.spatial.distance.jensenshannon + a numpy PSI, same data, same run.
#
#   tests/bench/bench_drift.sh [BUILD_DIR] [ROUNDS]
#
# The samples are drawn once by numpy (normal, the second shifted by 0.002 sd so the p-value
# is neither 0 nor 1) and written as raw float64; then each side runs in its own process,
# alternating A B A B ROUNDS times (one timed comparison per process, data already loaded),
# and the medians and their ratio are printed, with both sides' statistics to show they
# computed the same thing.  Python: Debian's /usr/bin/python3 with python3-scipy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-7}
n=${N:-1000000}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$py -c "import numpy as np; r = np.random.default_rng(8)
r.normal(0, 1, $n).tofile('$tmp/a.f64'); r.normal(0.002, 1, $n).tofile('$tmp/b.f64')"

: > "$tmp/ours"; : > "$tmp/theirs"
for _ in $(seq "$rounds"); do
	"$build/tests/bench_drift" "$tmp/a.f64" "$tmp/b.f64" 1 >> "$tmp/ours"
	$py "$here/bench_drift.py" "$tmp/a.f64" "$tmp/b.f64" 1 >> "$tmp/theirs"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours=$(awk '$1 == "ours" { print $2 }' "$tmp/ours" | median)
theirs=$(awk '$1 == "theirs" { print $2 }' "$tmp/theirs" | median)
versions=$($py -c 'import scipy, numpy; print("scipy", scipy.__version__, "numpy", numpy.__version__)')
echo "drift statistics, $n vs $n values, median of $rounds alternating runs"
printf "  %-44s %8.1f ms\n" "libcra drift_compare (sort, KS+p, JS, PSI)" "$(awk -v t="$ours" 'BEGIN { print t * 1000 }')"
printf "  %-44s %8.1f ms\n" "$versions" "$(awk -v t="$theirs" 'BEGIN { print t * 1000 }')"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "  libcra is %.1fx faster\n", b / a }'
echo "  ours:   $(grep '^stats' "$tmp/ours" | tail -1 | cut -d' ' -f2-)"
echo "  theirs: $(grep '^stats' "$tmp/theirs" | tail -1 | cut -d' ' -f2-)"
