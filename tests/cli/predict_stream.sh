# cra-predict --stream: a block of forecasts for every candle of a live feed as it arrives,
# flushed at once (checked through a FIFO fed by a slow writer that waits for each block before
# sending the next candle), equal to cra-predict on the candles up to it, rows of other
# symbols skipped (cra-fetch --follow of several symbols), errors with file:line.  (That it
# holds a bounded window of candles is tests/unit/test_forecast_stream.c's.)
. "$CRA_SRC/tests/testlib.sh"
t_init predict_stream
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 3000 "$T/SYN.csv"
train_models "$T/SYN.csv" "$(open_time_of "$T/SYN.csv" 2000)"
M=(-m "$T/xgb.bundle" -m "$T/lstm.bundle" --hybrid -c 50)
(head -1 "$T/SYN.csv"; tail -400 "$T/SYN.csv") > "$T/feed.csv"

expect 0 "end of the feed: forecasts from" cra-predict "${M[@]}" --stream "$T/feed.csv"
mv "$T/out" "$T/stream.csv"
need=$(grep -o 'forecasts once [0-9]* have come' "$T/err" | grep -o '[0-9]*')
[ -n "$need" ] || fail "note: $(cat "$T/err")"
[ "$(wc -l < "$T/stream.csv")" = $((1 + 4 * (400 - need + 1))) ] || fail "$(wc -l < "$T/stream.csv") lines for 400 candles, forecasts from the ${need}th"
head -1 "$T/stream.csv" | grep -qx 'open_time,step,model,method,pred,lower,upper' || fail "header"
# Blocks equal cra-predict on the candles up to each (to 1e-12: the stream keeps a window of
# history, enough for exponential smoothers to forget their seed to that).
for k in 120 250 399; do
	head -$((k + 2)) "$T/feed.csv" > "$T/upto.csv"
	cra-predict -q -s SYN "${M[@]}" "$T/upto.csv" > "$T/once.csv" || fail "predict up to $k"
	t=$(tail -1 "$T/upto.csv" | cut -d, -f1)
	awk -F, -v t=$((t + 3600000)) 'NR > 1 && $1 == t' "$T/stream.csv" > "$T/block"
	python3 - "$T/block" "$T/once.csv" << 'EOF' || fail "the stream's block for candle $k differs from cra-predict"
import sys
a = [l.split(",") for l in open(sys.argv[1]).read().split()]
b = [l.split(",") for l in open(sys.argv[2]).read().split()[1:]]
ok = len(a) == len(b) == 4 and all(x[:4] == y[:4] and all(
    abs(float(u) - float(v)) <= 1e-12 * abs(float(v)) for u, v in zip(x[4:], y[4:]) if u or v)
    for x, y in zip(a, b))
sys.exit(0 if ok else 1)
EOF
done

# Another symbol interleaved (cra-fetch --follow A B -o -): its rows are skipped.
awk -F, -v OFS=, 'NR == 1 { print "symbol", $0; next } { print "SYN", $0; $5 = $5 * 2; print "OTHER", $0 }' \
	"$T/feed.csv" > "$T/two.csv"
cra-predict -q "${M[@]}" --stream < "$T/two.csv" | cmp -s - "$T/stream.csv" || fail "rows of another symbol were used"

# A slow writer through a FIFO: each candle's block comes out before the next candle is sent.
mkfifo "$T/fifo"
cra-predict -q "${M[@]}" --stream < "$T/fifo" > "$T/live.csv" 2> "$T/live.err" &
pid=$!
exec 3> "$T/fifo"
head -$((need + 1)) "$T/feed.csv" >&3 # the header and enough candles for one forecast
wait_lines() { # N: until live.csv has N lines (20 s at most)
	for _ in $(seq 400); do
		[ "$(wc -l < "$T/live.csv")" -ge "$1" ] && return 0
		kill -0 $pid 2> /dev/null || break
		sleep 0.05
	done
	fail "expected $1 lines, have $(wc -l < "$T/live.csv"): $(cat "$T/live.err")"
}
wait_lines 5
for i in 1 2 3; do
	sed -n "$((need + 1 + i))p" "$T/feed.csv" >&3
	wait_lines $((5 + 4 * i))
	sleep 0.2
	[ "$(wc -l < "$T/live.csv")" = $((5 + 4 * i)) ] || fail "more than one block per candle"
done
exec 3>&-
wait $pid || fail "the stream's end: $(cat "$T/live.err")"
head -$((5 + 4 * 3)) "$T/stream.csv" | cmp -s - "$T/live.csv" || fail "the live rows differ"

# Errors: with file:line; what came before was written (a live feed cannot be taken back).
(head -$((need + 10)) "$T/feed.csv"; echo "1672531200000,1,1,1,1,1") > "$T/late.csv"
expect 65 "late.csv:$((need + 11)): field 'open_time': 2023-01-01T00:00:00Z is before the candle before it" \
	cra-predict "${M[@]}" --stream "$T/late.csv"
[ "$(wc -l < "$T/out")" = $((1 + 4 * 10)) ] || fail "the forecasts before the bad row"
cra-train-xgb -q -s SYN --to "$(open_time_of "$T/SYN.csv" 2000)" -f obv,rsi --trees 5 -j 1 -o "$T/obv.bundle" "$T/SYN.csv" > /dev/null || fail "obv model"
expect 64 "--stream keeps a bounded window of candles, and a model's features (obv) depend on the whole history" \
	cra-predict -m "$T/obv.bundle" --stream "$T/feed.csv"
echo "predict_stream: ok"
