# The pipeline on PostgreSQL: the same job with CRA_DB set, and the per-symbol advisory
# lock - a symbol that another "host" (here a psql session holding its lock) is working on
# is skipped, the others are done.
. "$CRA_SRC/tests/testlib.sh"
t_init pipeline_pg
need_shared_data
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?
export CRA_DB="$CRA_TEST_DB" OMP_NUM_THREADS=1 CRA_RETRY_BASE_MS=1
export CRA_LSTM_ARGS="--window 16 --hidden 8 --epochs 2" CRA_BACKTEST_DAYS=20
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CRA_BINANCE_URL="http://127.0.0.1:$port"   # closed: the job goes on with stored candles
cd "$T" || exit 1
pipeline="$CRA_SRC/scripts/cra-pipeline"
tail -n 6001 "$SHARED_DATA/BTCUSDT.csv" | sed '1i open_time,open,high,low,close,volume' > "$T/BTCUSDT-1h.csv"
tail -n 6001 "$SHARED_DATA/ETHUSDT.csv" | sed '1i open_time,open,high,low,close,volume' > "$T/ETHUSDT-1h.csv"

# Another host holds ETHUSDT's lock (the key the pipeline derives from symbol and interval).
key=$((16#$(printf '%s' "craipto:ETHUSDT:1h" | md5sum | cut -c1-8)))
coproc HOLDER { "$PG_CLUSTER_BIN/psql" -qAtX "$CRA_DB"; }
# bash unsets HOLDER and HOLDER_PID as soon as it reaps the coprocess: keep our own copies.
holder_pid=$HOLDER_PID holder_in=${HOLDER[1]}
echo "SELECT pg_advisory_lock($key);" >&"${HOLDER[1]}"
read -r -t 20 got <&"${HOLDER[0]}"
[ "$got" = "" ] || [ "$got" = t ] || fail "holder could not take the lock: $got"

PATH="$PG_CLUSTER_BIN:$PATH" "$pipeline" BTCUSDT ETHUSDT --import "$T/BTCUSDT-1h.csv" "$T/ETHUSDT-1h.csv" \
	> "$T/out.txt" 2> "$T/log" || { cat "$T/log"; fail "pipeline on PostgreSQL"; }
grep -q '^cra-pipeline: ETHUSDT: another host is working on it' "$T/log" || { cat "$T/log"; fail "ETHUSDT was not skipped"; }
grep -q 'train xgb ETHUSDT' "$T/log" && fail "ETHUSDT was worked on although claimed"
for step in "train xgb" "train lstm" predict backtest simulate explain; do
	grep -q "^cra-pipeline: $step BTCUSDT: ok" "$T/log" || { cat "$T/log"; fail "$step BTCUSDT"; }
done
grep -q '^BTCUSDT,1h,6001,' "$T/out.txt" || fail "the PostgreSQL store's summary: $(cat "$T/out.txt")"
[ ! -e "$T/data/BTCUSDT-1h.csv" ] || fail "candles went to the CSV store, not PostgreSQL"

# Released: the next run takes ETHUSDT.
exec {holder_in}>&-
wait "$holder_pid" 2>/dev/null
PATH="$PG_CLUSTER_BIN:$PATH" "$pipeline" ETHUSDT > /dev/null 2> "$T/log2" || { cat "$T/log2"; fail "second run"; }
grep -q '^cra-pipeline: train xgb ETHUSDT: ok' "$T/log2" || { cat "$T/log2"; fail "ETHUSDT not done once released"; }
echo "pipeline_pg: ok"
