# Leaderboard rows and forecasts in PostgreSQL (a throwaway cluster, tests/pg_cluster.sh):
# tables created on first use, the same values as the CSV tables, writes keyed and
# idempotent (again: nothing new; a retrained model: its rows replaced), two writers at once,
# and the candles themselves from the database's store with $CRA_DB.
. "$CRA_SRC/tests/testlib.sh"
t_init backtest_pg
. "$CRA_SRC/tests/cli/backtest_lib.bash"
. "$CRA_SRC/tests/pg_cluster.sh"
pg_cluster_start || exit $?
sql() { "$PG_CLUSTER_BIN/psql" -X -q -At -F, -d "$CRA_TEST_DB" -c "$1"; }

synth 3000 "$T/SYN.csv"
train_models "$T/SYN.csv" "$(open_time_of "$T/SYN.csv" 2000)"
M=(-m "$T/xgb.bundle" -m "$T/lstm.bundle" -c 100)

expect 0 "4 leaderboard rows upserted into PostgreSQL 127.0.0.1:$PG_CLUSTER_PORT/postgres" \
	cra-backtest "${M[@]}" --db "$CRA_TEST_DB" -L "$T/board.csv" -o /dev/null "$T/SYN.csv"
cols="symbol,interval,model,horizon,period,steps,rmse,mae,mape,directional_accuracy,coverage,level,band_width,theil_u,naive_rmse,naive_mae,accuracy,macro_f1,weights"
q="SELECT ${cols//interval/\"interval\"} FROM leaderboard ORDER BY model"
sql "$q" > "$T/pg.csv" || fail "reading the leaderboard table"
# The database's values are the file's: doubles travel as shortest round-trip text.
tail -n +2 "$T/board.csv" | sort -t, -k3,3 | cmp -s - "$T/pg.csv" || { diff <(tail -n +2 "$T/board.csv" | sort -t, -k3,3) "$T/pg.csv"; fail "leaderboard table"; }
sql "SELECT written_at FROM leaderboard" > "$T/at1"
cra-backtest -q "${M[@]}" --db "$CRA_TEST_DB" -o /dev/null "$T/SYN.csv" || fail "again"
[ "$(sql "SELECT count(*) FROM leaderboard")" = 4 ] || fail "again: rows added"
sql "$q" | cmp -s - "$T/pg.csv" || fail "again: rows changed"

# Forecasts: 2 steps x (xgb, lstm, hybrid, naive), keyed by (symbol, interval, model,
# open_time, step); the hybrid's weights stored beside.
cra-predict -q "${M[@]}" --hybrid --steps 2 --db "$CRA_TEST_DB" -s SYN "$T/SYN.csv" > "$T/f.csv" || fail "predict into PostgreSQL"
sql "SELECT open_time, step, model, method, pred, lower, upper FROM forecasts ORDER BY step, model" > "$T/pgf.csv"
tail -n +2 "$T/f.csv" | sort -t, -k2,2n -k3,3 | cmp -s - "$T/pgf.csv" || { diff <(tail -n +2 "$T/f.csv" | sort -t, -k2,2n -k3,3) "$T/pgf.csv"; fail "forecasts table"; }
sql "SELECT DISTINCT symbol || ' ' || \"interval\" || ' ' || level FROM forecasts" | grep -qx "SYN 1h 0.9" || fail "series and level"
[ "$(sql "SELECT count(*) FROM forecasts WHERE model = 'hybrid' AND weights ~ '^xgb=0\.[0-9]+;lstm=0\.[0-9]+$'")" = 2 ] || fail "hybrid weights"
[ "$(sql "SELECT count(*) FROM forecasts WHERE model <> 'hybrid' AND weights IS NULL")" = 6 ] || fail "weights of the others"
cra-predict -q "${M[@]}" --hybrid --steps 2 --db "$CRA_TEST_DB" -s SYN "$T/SYN.csv" > /dev/null || fail "predict again"
[ "$(sql "SELECT count(*) FROM forecasts")" = 8 ] || fail "predict again: rows added"
# A model retrained on other candles: the same keys, its new forecasts.
cra-train-xgb -q -s SYN --to "$(open_time_of "$T/SYN.csv" 1900)" --trees 40 -j 1 -o "$T/xgb.bundle" "$T/SYN.csv" > /dev/null || fail "retrain"
cra-predict -q -m "$T/xgb.bundle" -c 100 --db "$CRA_TEST_DB" -s SYN "$T/SYN.csv" > "$T/f2.csv" || fail "predict with the new model"
[ "$(sql "SELECT count(*) FROM forecasts")" = 8 ] || fail "new model: rows added"
[ "$(sql "SELECT pred FROM forecasts WHERE model = 'xgb' AND step = 1")" = "$(awk -F, '$3 == "xgb" { print $5 }' "$T/f2.csv")" ] ||
	fail "new model: forecast not replaced"

# Two writers at once, and candles from the database's store ($CRA_DB).
export CRA_DB=$CRA_TEST_DB
cra-fetch -q --import "$T/SYN.csv" || fail "import into PostgreSQL"
cra-backtest -q "${M[@]}" -H 1 --to 2023-04-20 -o "$T/a.csv" & a=$!
cra-backtest -q "${M[@]}" -H 1 --to 2023-04-25 -o "$T/b.csv" & b=$!
wait $a && wait $b || fail "two writers"
[ "$(sql "SELECT count(*) FROM leaderboard")" = 12 ] || fail "two writers: $(sql "SELECT model, period FROM leaderboard")"
cra-backtest -q "${M[@]}" -H 1 --to 2023-04-25 "$T/SYN.csv" -s SYN | cmp -s - "$T/b.csv" || fail "the database's candles are not the file's"
echo "backtest_pg: ok"
