# backtest_lib.bash - what the cra-backtest and cra-predict tests share (sourced after
# testlib.sh and t_init): synthetic hourly candles whose log returns are AR(1) (phi 0.5: a
# model that sees the last return can beat "no change", to an RMSE ratio near
# sqrt(1 - phi^2) = 0.87), and small models trained on their first 60%.
export OMP_NUM_THREADS=1 # small models: a second spinning thread only slows a busy machine

# synth N FILE [SEED]: N AR(1) candles from 2023-01-01T00:00Z, symbol SYN by the file's name.
synth() {
	awk -v n="$1" -v phi=0.5 -v seed="${3:-5}" -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$2"
}

# open_time_of FILE ROW: the open time of candle ROW (0-based) of a candle file.
open_time_of() { sed -n "$(($2 + 2))p" "$1" | cut -d, -f1; }

# train_models FILE CUT [XGB_ARGS...]: an XGBoost and an LSTM model of the series of FILE
# (named SYN) on its candles before open time CUT: $T/xgb.bundle, $T/lstm.bundle.  Small and
# quick: they check plumbing and honesty, not forecasting skill beyond the AR(1) signal.
train_models() {
	local file=$1 cut=$2
	shift 2
	cra-train-xgb -q -s SYN --to "$cut" --trees 40 -j 1 "$@" -o "$T/xgb.bundle" "$file" > /dev/null ||
		fail "training the XGBoost model"
	cra-train-lstm -q -s SYN --to "$cut" -w 8 --hidden 8 -l 1 -e 2 -j 1 -o "$T/lstm.bundle" "$file" > /dev/null ||
		fail "training the LSTM"
}

# col FILE NAME: the index (1-based) of column NAME in FILE's CSV header.
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
