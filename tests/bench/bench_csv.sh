#!/bin/bash
# bench_csv.sh - CSV parse speed: libcra against pandas.read_csv, same file, same run.
#
#   tests/bench/bench_csv.sh [BUILD_DIR] [ROUNDS]
#
# Builds a 1,000,000-row candle table from the real hourly data in ../shared (the three
# symbols' rows, repeated, on one increasing hourly clock, numbers exactly as Binance writes
# them), then alternates libcra and pandas (Debian's python3-pandas, default C engine, dtypes
# int64/float64 as it infers them) ROUNDS times each and prints the medians and the ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
rounds=${2:-5}
shared=${CRA_SHARED:-$here/../../../shared}/data/binance-1h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

file=$tmp/candles-1m.csv
awk -F, 'FNR > 1 { row[n++] = $2 "," $3 "," $4 "," $5 "," $6 }
	END { print "open_time,open,high,low,close,volume"
	      for (i = 0; i < 1000000; i++) printf "%.0f,%s\n", 1500000000000 + i * 3600000, row[i % n] }' \
	"$shared"/BTCUSDT.csv "$shared"/ETHUSDT.csv "$shared"/BNBUSDT.csv > "$file"
bytes=$(stat -c %s "$file")

cat > "$tmp/pandas_read.py" <<'PY'
import sys, time
import pandas as pd
path, rounds = sys.argv[1], int(sys.argv[2])
for _ in range(rounds):
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    assert len(df) == 1_000_000 and str(df["open_time"].dtype) == "int64"
    print(f"pandas {t1 - t0:.6f}")
PY

: > "$tmp/ours" ; : > "$tmp/theirs"
for r in $(seq "$rounds"); do   # A B A B: both see the same machine state
	"$build/tests/bench_csv" "$file" 1 >> "$tmp/ours"
	/usr/bin/python3 "$tmp/pandas_read.py" "$file" 1 >> "$tmp/theirs"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
split=$(awk '{ print $2 }' "$tmp/ours" | median)
load=$(awk '{ print $4 }' "$tmp/ours" | median)
pandas=$(awk '{ print $2 }' "$tmp/theirs" | median)
pandas_version=$(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)')
awk -v rows=1000000 -v bytes="$bytes" -v tsplit="$split" -v load="$load" -v pandas="$pandas" -v pv="$pandas_version" -v rounds="$rounds" 'BEGIN {
	printf "CSV parse, 1,000,000 candle rows (%.1f MB), median of %d alternating runs\n", bytes / 1e6, rounds
	printf "  %-36s %8.3f s  %6.1f M rows/s  %6.0f MB/s\n", "libcra table_reader (fields only)", tsplit, rows / tsplit / 1e6, bytes / tsplit / 1e6
	printf "  %-36s %8.3f s  %6.1f M rows/s  %6.0f MB/s\n", "libcra candles_load (parse+validate)", load, rows / load / 1e6, bytes / load / 1e6
	printf "  %-36s %8.3f s  %6.1f M rows/s  %6.0f MB/s\n", "pandas " pv " read_csv", pandas, rows / pandas / 1e6, bytes / pandas / 1e6
	printf "  candles_load is %.1fx faster than pandas.read_csv\n", pandas / load }'
