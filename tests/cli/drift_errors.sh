# cra-drift's errors: each names what is wrong and exits 64 or more (never 1, which means
# "drift"), and no output file is left behind.
. "$CRA_SRC/tests/testlib.sh"
t_init drift_errors
awk -v n=600 -v phi=0 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$T/c.csv"

# Usage (64).
expect 64 "give one baseline" cra-drift --baseline "$T/c.csv" --baseline-window 10 "$T/c.csv"
expect 64 "one recent-data file at most" cra-drift "$T/c.csv" "$T/c.csv"
expect 64 "give either --symbol or a file" cra-drift -s BTCUSDT -i 1h "$T/c.csv"
expect 64 "--symbol needs the interval" cra-drift -s BTCUSDT
expect 64 "unknown interval '7h'" cra-drift -s BTCUSDT -i 7h
expect 64 "--recent-window" cra-drift --recent-window 0 "$T/c.csv"
expect 64 "--js" cra-drift --js 2 "$T/c.csv"
expect 64 "--to: expected a time" cra-drift --to yesterday "$T/c.csv"
expect 64 "'nosuch' is neither a column nor a feature" cra-drift -f nosuch "$T/c.csv"
expect 64 "'rsi:0'" cra-drift -f rsi:0 "$T/c.csv"
expect 64 "name one feature (lags" cra-drift -f lags:3 "$T/c.csv"
expect 64 "feature 'close' is asked for twice" cra-drift -f close,close "$T/c.csv"
# A column of standard input mixed with a computed feature would need a second reading.
cra-features -f rsi:14 "$T/c.csv" > "$T/feat.csv"
IN="$T/feat.csv" expect 64 "'rsi_14' is a column of standard input but 'return' must be computed" cra-drift -f rsi_14,return -

# Input missing (66).
expect 66 "nosuch.csv" cra-drift "$T/nosuch.csv"
expect 66 "nosuch.csv" cra-drift --baseline "$T/nosuch.csv" "$T/c.csv"
expect 66 "no candles for NOPEUSDT 1h" cra-drift -s NOPEUSDT -i 1h
expect 66 "" cra-drift -m "$T/nosuch.bundle"

# Bad data (65), naming file:line and field.
{ head -5 "$T/c.csv"; echo "1672549200000,1,1,1,abc,1"; tail -n +7 "$T/c.csv"; } > "$T/bad.csv"
expect 65 "bad.csv:6: field 'close': expected a finite number (or an empty cell), got 'abc'" cra-drift -f close "$T/bad.csv"
expect 65 "bad.csv:6: field 'close': expected a number, got 'abc'" cra-drift -f return "$T/bad.csv"
{ head -3 "$T/c.csv"; sed -n 2p "$T/c.csv"; tail -n +4 "$T/c.csv"; } > "$T/order.csv"
expect 65 "order.csv:4: field 'open_time' is before the previous row's" cra-drift -f close "$T/order.csv"
expect 65 "order.csv:4: field 'open_time'" cra-drift -f rsi:14 "$T/order.csv"
printf 'a,b\n1,2\n3,4\n' > "$T/nocandles.csv"
expect 65 "no column 'return', and no candles to compute it from" cra-drift -f a,return --recent-window 1 "$T/nocandles.csv"
expect 65 "600 rows; --recent-window asks for 1000" cra-drift --recent-window 1000 "$T/c.csv"
expect 65 "no row before the recent window" cra-drift --recent-window 600 "$T/c.csv"
expect 65 "only 100 rows before the recent window; --baseline-window asks for 200" cra-drift --recent-window 500 --baseline-window 200 "$T/c.csv"
head -51 "$T/c.csv" > "$T/short.csv"
expect 65 "short.csv: too few candles: 50 rows, but the features need at least 300" cra-drift -f sma:300 --recent-window 10 "$T/short.csv"
printf 'open_time,x\n1,\n2,\n3,5\n' > "$T/empty.csv"
expect 65 "feature 'x': no value in the baseline sample (2 rows, all undefined)" cra-drift -f x --recent-window 1 "$T/empty.csv"
expect 65 "no open_time column, so --to cannot pick rows" cra-drift -f a --to 2023-01-01 --recent-window 1 "$T/nocandles.csv"
printf 'craipto-model 1 0000\n{}\n' > "$T/broken.bundle"
expect 65 "broken.bundle" cra-drift -m "$T/broken.bundle"

# No partial output: a failure after -o and --histograms were opened leaves neither.
expect 65 "no value in the" cra-drift -f x --recent-window 1 -o "$T/o.csv" --histograms "$T/h.csv" "$T/empty.csv"
[ ! -e "$T/o.csv" ] && [ ! -e "$T/h.csv" ] || fail "a failed run left output files"
[ -z "$(ls -A "$T" | grep '\.tmp')" ] || fail "temporary files left: $(ls -A "$T")"
echo "drift_errors: ok"
