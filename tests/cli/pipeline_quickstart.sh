# The README's main job: cra-pipeline --import the shared hourly files, with the exchange
# unreachable (a closed local port), goes on with the stored candles and succeeds (with a
# smaller LSTM than the default, for time); a second run at the same time is refused by the
# lock; a symbol with no data fails only itself.
. "$CRA_SRC/tests/testlib.sh"
t_init pipeline_quickstart
need_shared_data
cd "$T" || exit 1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CRA_BINANCE_URL="http://127.0.0.1:$port" CRA_RETRY_BASE_MS=1 OMP_NUM_THREADS=1
export CRA_LSTM_ARGS="--window 16 --hidden 8 --epochs 2"
pipeline="$CRA_SRC/scripts/cra-pipeline"

"$pipeline" --import "$SHARED_DATA"/*.csv > "$T/out.txt" 2> "$T/log" || fail "pipeline: $(cat "$T/log")"
grep -q '^cra-pipeline: import: ok in' "$T/log" || fail "no import step"
grep -q '^cra-pipeline: fetch: failed (exit 69)' "$T/log" || fail "the unreachable exchange was not reported"
grep -q "cra-pipeline --import FILE" "$T/log" || fail "no advice for offline machines"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	for step in "train xgb" "train lstm" predict backtest simulate explain; do
		grep -q "^cra-pipeline: $step $s: ok" "$T/log" || fail "$step $s: $(cat "$T/log")"
	done
	head -1 "$CRA_OUT/$s-1h-forecast.csv" | grep -q '^open_time,step,model,' || fail "$s: forecast table"
done
grep -q '^cra-pipeline: charts: ok' "$T/log" || fail "no dashboard"
grep -qx 'BTCUSDT,1h,23988,2021-04-04T20:00:00Z,2023-12-30T19:00:00Z,5,12' "$T/out.txt" || fail "summary: $(cat "$T/out.txt")"

# The lock: a run while another holds it exits 75 at once.
exec 8> "$CRA_DATA/.pipeline.lock"
flock 8
"$pipeline" BTCUSDT > /dev/null 2> "$T/log2"
[ $? = 75 ] || fail "a second run did not stop at the lock: $(cat "$T/log2")"
exec 8>&-

# A symbol without data fails itself, not the others; the status says something failed.
"$pipeline" BTCUSDT DOGEUSDT > /dev/null 2> "$T/log3"
[ $? = 1 ] || fail "a failing symbol should make the status 1"
grep -q 'DOGEUSDT: nothing stored' "$T/log3" || fail "DOGEUSDT not reported"
grep -q '^cra-pipeline: predict BTCUSDT: ok' "$T/log3" || fail "BTCUSDT stopped by DOGEUSDT"
echo "pipeline_quickstart: ok"
