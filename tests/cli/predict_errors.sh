# cra-predict's errors: a clear message naming what is wrong, its sysexits status, and no
# output file left behind.
. "$CRA_SRC/tests/testlib.sh"
t_init predict_errors
. "$CRA_SRC/tests/cli/backtest_lib.bash"

synth 2500 "$T/SYN.csv"
train_models "$T/SYN.csv" "$(open_time_of "$T/SYN.csv" 1800)"
X="$T/xgb.bundle" L="$T/lstm.bundle"
pr() { expect "$1" "$2" cra-predict -o "$T/f.csv" "${@:3}"; }

pr 64 "which models? give -m BUNDLE" "$T/SYN.csv"
pr 64 "--hybrid blends two or more models of prices or returns; 1 given" -m "$X" --hybrid "$T/SYN.csv"
pr 64 "--steps: " -m "$X" --steps 0 "$T/SYN.csv"
pr 64 "--level: " -m "$X" --level 0.2 "$T/SYN.csv"
pr 64 "one candle file at most" -m "$X" "$T/SYN.csv" "$T/SYN.csv"
pr 64 "two models named 'xgb'" -m "$X" -m "$X" "$T/SYN.csv"
pr 64 "invalid database URI" -m "$X" --db "postgresql://x:y@[bad" "$T/SYN.csv"
pr 66 "$T/none.bundle" -m "$T/none.bundle" "$T/SYN.csv"

# Candles of another series or interval; too few for the features and window.
cp "$T/SYN.csv" "$T/ETHUSDT.csv"
pr 65 "xgb.bundle: this model was trained on SYN 1h, not ETHUSDT 1h" -m "$X" "$T/ETHUSDT.csv"
awk -F, 'NR == 1 || NR % 4 == 2' "$T/SYN.csv" > "$T/4h.csv"
pr 65 "the candles are 4h apart; $X was trained on 1h candles" -m "$X" -s SYN "$T/4h.csv"
head -30 "$T/SYN.csv" > "$T/short.csv"
pr 65 "too few candles before the first forecast (made from the candle of 2023-01-02T04:00:00Z) for $L" -m "$X" -m "$L" -s SYN "$T/short.csv"
rebundle "$X" "$T/cols.bundle" 'meta["columns"][0] = "rsi_99"'
pr 65 "feature columns are not the ones this craipto computes" -m "$T/cols.bundle" -s SYN "$T/SYN.csv"
sed '50s/^[0-9]*,/x,/' "$T/SYN.csv" > "$T/bad.csv"
pr 65 "bad.csv:50: field 'open_time'" -m "$X" -s SYN "$T/bad.csv"
pr 66 "no candles for SYN 1h in the data directory" -m "$X"
[ ! -e "$T/f.csv" ] || fail "a failed forecast left its file behind"

# A database that cannot be reached: 69, after a few tries, before reading anything.
pr 69 "cannot connect" -m "$X" --db "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1" "$T/SYN.csv"
echo "predict_errors: ok"
