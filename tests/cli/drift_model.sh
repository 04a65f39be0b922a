# cra-drift -m BUNDLE: the baseline is the model's training candles (its symbol, interval and
# train_from..train_to, from the store) and the default features are the model's own,
# without their lagged copies - checked against the same comparison spelled out by hand
# with cra-features and --baseline.
. "$CRA_SRC/tests/testlib.sh"
t_init drift_model
export OMP_NUM_THREADS=1
mkdir -p "$CRA_DATA"
awk -v n=3000 -v phi=0.3 -v seed=3 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$CRA_DATA/SYNUSDT-1h.csv"
cra-train-xgb -q -s SYNUSDT -i 1h -f rsi:14,logret:1,lags:2 --trees 5 --early-stop 0 -o "$T/m.bundle" > /dev/null ||
	fail "training"
from=$(sed -n 2p "$T/m.bundle" | grep -o '"train_from": *[0-9]*' | grep -o '[0-9]*$')
to=$(sed -n 2p "$T/m.bundle" | grep -o '"train_to": *[0-9]*' | grep -o '[0-9]*$')
[ -n "$from" ] && [ -n "$to" ] || fail "no training range in the bundle"
rows=$(awk -F, -v a="$from" -v b="$to" 'NR > 1 && $1 >= a && $1 <= b { n++ } END { print n }' "$CRA_DATA/SYNUSDT-1h.csv")
# answer PATTERN COMMAND...: like expect, for an answer of either kind (0 no drift, 1 drift):
# whether a random series' windows differ is the data's business, not this test's.
answer() {
	local pattern=$1
	shift
	"$@" > "$T/out" 2> "$T/err"
	local got=$?
	[ "$got" -le 1 ] || fail "$*: exit $got; stderr: $(cat "$T/err")"
	grep -qF -- "$pattern" "$T/err" || fail "$*: stderr '$(cat "$T/err")' lacks '$pattern'"
}

answer "" cra-drift -m "$T/m.bundle" --recent-window 300
grep -q "baseline (the model's training candles): $rows rows" "$T/err" || fail "baseline note: $(cat "$T/err"), expected $rows rows"
[ "$(sed 1d "$T/out" | cut -d, -f1 | tr '\n' ' ')" = "rsi_14 logret_1 " ] || fail "the model's features: $(cut -d, -f1 "$T/out")"
cp "$T/out" "$T/by_model.csv"

# By hand: the features of the whole series, the training rows cut out as the baseline.
cra-features -s SYNUSDT -i 1h -f rsi:14,logret:1 > "$T/all.csv" || fail "cra-features"
awk -F, -v a="$from" -v b="$to" 'NR == 1 || ($1 >= a && $1 <= b)' "$T/all.csv" > "$T/train.csv"
answer "" cra-drift -f rsi_14,logret_1 --baseline "$T/train.csv" --recent-window 300 "$T/all.csv"
cmp -s "$T/out" "$T/by_model.csv" || fail "-m differs from the same comparison by hand: $(diff "$T/out" "$T/by_model.csv")"

# --features overrides the model's; the model still gives the series and the baseline.
answer "" cra-drift -m "$T/m.bundle" -f volume --recent-window 300
grep -q "^volume,$rows,300," "$T/out" || fail "-m with -f volume: $(cat "$T/out")"
# A recent window inside the training range is compared, with a warning.
answer "the recent window overlaps the model's training candles" cra-drift -m "$T/m.bundle" --recent-window 1500
# Recent data from a file, baseline still from the store.
tail -n 300 "$CRA_DATA/SYNUSDT-1h.csv" | { head -1 "$CRA_DATA/SYNUSDT-1h.csv"; cat; } > "$T/recent.csv"
answer "" cra-drift -m "$T/m.bundle" -f volume,close --recent-window 300 "$T/recent.csv"
grep -q "^volume,$rows,300," "$T/out" || fail "-m with a recent file"
echo "drift_model: ok"
