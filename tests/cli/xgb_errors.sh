# cra-train-xgb and cra-explain: every documented error gives its sysexits status and a message
# that says what is wrong; a bundle that is damaged, truncated, of another kind or
# inconsistent is refused with 65; a failed run leaves no output behind.
. "$CRA_SRC/tests/testlib.sh"
t_init xgb_errors
export OMP_NUM_THREADS=1
awk -v n=1500 -v phi=0.3 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$T/c.csv"
mkdir -p "$CRA_DATA" && cp "$T/c.csv" "$CRA_DATA/SYNUSDT-1h.csv"
cra-train-xgb -q -s SYNUSDT -i 1h --trees 10 -o "$T/good.bundle" > /dev/null || fail "training"

# --- cra-train-xgb --------------------------------------------------------------------------
B="$T/new.bundle"
expect 64 "give --symbol and -i (the store) or a candle FILE" cra-train-xgb -o "$B"
expect 64 "--symbol needs the interval (-i 1h)" cra-train-xgb -s SYNUSDT -o "$B"
expect 64 "unknown interval '7h'" cra-train-xgb -s SYNUSDT -i 7h -o "$B"
expect 64 "'btc' is not a symbol" cra-train-xgb -s btc "$T/c.csv" -o "$B"
expect 64 "name the series with --symbol" cra-train-xgb -o "$B" -
expect 64 "--eta" cra-train-xgb -s SYNUSDT -i 1h --eta 0 -o "$B"
expect 64 "--eta" cra-train-xgb -s SYNUSDT -i 1h --eta 1.5 -o "$B"
expect 64 "--trees" cra-train-xgb -s SYNUSDT -i 1h --trees 0 -o "$B"
expect 64 "--valid-frac" cra-train-xgb -s SYNUSDT -i 1h --valid-frac 1 -o "$B"
expect 64 "--subsample" cra-train-xgb -s SYNUSDT -i 1h --subsample 0 -o "$B"
expect 64 "unknown option '--bogus'" cra-train-xgb -s SYNUSDT -i 1h --bogus
expect 64 "unknown indicator 'foo'" cra-train-xgb -s SYNUSDT -i 1h -f foo:3 -o "$B"
expect 64 "unknown target 'trend'" cra-train-xgb -s SYNUSDT -i 1h -t trend -o "$B"
expect 64 "not direction:H" cra-train-xgb -s SYNUSDT -i 1h -t direction:1 -o "$B"
expect 64 "one target kind per model, not return and regime" cra-train-xgb -s SYNUSDT -i 1h -t return:1,regime:4 -o "$B"
expect 64 "bad target 'return:0'" cra-train-xgb -s SYNUSDT -i 1h -H 0 -o "$B"
expect 64 "90m is not a whole number of 1h candles" cra-train-xgb -s SYNUSDT -i 1h -H 1,90m -o "$B"
expect 64 "--from: expected a time" cra-train-xgb -s SYNUSDT -i 1h --from yesterday -o "$B"
expect 64 "one candle file at most" cra-train-xgb -s SYNUSDT "$T/c.csv" "$T/c.csv" -o "$B"
expect 66 "no candles for ETHUSDT 1h in the data directory" cra-train-xgb -s ETHUSDT -i 1h -o "$B"
expect 66 "$T/none.csv" cra-train-xgb -s SYNUSDT "$T/none.csv" -o "$B"
head -61 "$T/c.csv" > "$T/c60.csv"
expect 65 "too few usable rows" cra-train-xgb -s SYNUSDT "$T/c60.csv" -o "$B"
head -301 "$T/c.csv" > "$T/c300.csv"
expect 65 "too few validation rows to stop early on one half and report on the other" \
	cra-train-xgb -s SYNUSDT "$T/c300.csv" --valid-frac 0.05 -o "$B"
sed '100s/,[0-9.]*$/,-5/' "$T/c.csv" > "$T/bad.csv"
expect 65 "bad.csv:100" cra-train-xgb -s SYNUSDT "$T/bad.csv" -o "$B"
expect 65 "the candles are 1h apart, not 4h" cra-train-xgb -s SYNUSDT -i 4h "$T/c.csv" -o "$B"
[ ! -e "$B" ] || fail "a failed training left $B"
expect 73 "/nonexistent/dir/m.bundle" cra-train-xgb -s SYNUSDT -i 1h --trees 5 -o /nonexistent/dir/m.bundle
[ ! -s "$T/out" ] || fail "a report without a bundle"
ls -a "$T" | grep -q '\.tmp-' && fail "temporary files left behind"

# --- cra-explain ----------------------------------------------------------------------------
G="$T/good.bundle"
expect 0 "" cra-explain -m "$G" --last 3
expect 64 "which model? give -m BUNDLE" cra-explain --last 3
expect 64 "--class: $G is a return model, it has no classes" cra-explain -m "$G" --class bull
expect 64 "--horizon: $G has no model for horizon 7" cra-explain -m "$G" -H 7
expect 64 "one candle file at most" cra-explain -m "$G" "$T/c.csv" "$T/c.csv"
expect 64 "--last" cra-explain -m "$G" --last 0
expect 66 "$T/none.bundle" cra-explain -m "$T/none.bundle"
cra-train-xgb -q -s SYNUSDT -i 1h -t regime:4 --trees 5 -o "$T/regime.bundle" > /dev/null || fail "regime training"
expect 64 "--class: expected bear, neutral, bull or all, got 'up'" cra-explain -m "$T/regime.bundle" --class up

# Damaged bundles: one flipped byte anywhere, a truncated file, not a bundle at all.
size=$(wc -c < "$G")
for at in 100 300 $((size - 100)); do # the metadata, and a payload
	cp "$G" "$T/flip.bundle"
	printf '\377' | dd of="$T/flip.bundle" bs=1 seek=$at conv=notrunc 2> /dev/null
	expect 65 "flip.bundle: corrupted (checksum mismatch)" cra-explain -m "$T/flip.bundle" -o "$T/x.csv"
done
head -c $((size - 1000)) "$G" > "$T/short.bundle"
expect 65 "short.bundle: truncated" cra-explain -m "$T/short.bundle" -o "$T/x.csv"
head -c 100 "$G" > "$T/short.bundle"
expect 65 "short.bundle: corrupted" cra-explain -m "$T/short.bundle" -o "$T/x.csv"
expect 65 "c.csv: not a craipto model bundle" cra-explain -m "$T/c.csv" -o "$T/x.csv"
[ ! -e "$T/x.csv" ] || fail "a refused bundle left output behind"

# Well-formed bundles that are wrong: rewritten with a valid checksum by rebundle (testlib.sh).
rebundle "$G" "$T/same.bundle" "pass" && expect 0 "" cra-explain -m "$T/same.bundle" --last 3 ||
	fail "rebundle itself damages bundles"
rebundle "$G" "$T/lstm.bundle" 'meta["kind"] = "lstm"'
expect 65 "lstm.bundle: a model of kind 'lstm', not an XGBoost model" cra-explain -m "$T/lstm.bundle"
rebundle "$G" "$T/garbage.bundle" 'payload = b"not a model"'
expect 65 "garbage.bundle (xgb-h1): not a model XGBoost can load: XGBoost: " cra-explain -m "$T/garbage.bundle"
# JSON models are checked before libxgboost reads them: it trusts their counts and indices,
# and crashes on models like these (found by fuzzing; xgb_json_check.h).
rebundle "$G" "$T/learner.bundle" 'payload = b"{\"learner\": 12}"'
expect 65 "learner.bundle (xgb-h1): not a model XGBoost can load: no 'learner' object" cra-explain -m "$T/learner.bundle"
rebundle "$G" "$T/cut.bundle" 'payload = payload[:len(payload) // 2]'
expect 65 "cut.bundle (xgb-h1): not a model XGBoost can load: not JSON: " cra-explain -m "$T/cut.bundle"
edit_model() { # NAME PYTHON: a bundle whose model JSON `m` PYTHON edits
	rebundle "$G" "$T/$1.bundle" "m = json.loads(payload); trees = m['learner']['gradient_booster']['model']
$2
payload = json.dumps(m).encode()"
}
edit_model more-trees 'trees["gbtree_model_param"]["num_trees"] = str(len(trees["trees"]) + 1)'
expect 65 "more-trees.bundle (xgb-h1): not a model XGBoost can load: 'trees' does not hold num_trees" cra-explain -m "$T/more-trees.bundle"
edit_model short-array 'trees["trees"][0]["left_children"].pop()'
expect 65 "not a model XGBoost can load: tree 0: 'left_children' has " cra-explain -m "$T/short-array.bundle"
edit_model loop 'trees["trees"][0]["left_children"][0] = 0'
expect 65 "not a model XGBoost can load: tree 0: node 0 has children 0 and " cra-explain -m "$T/loop.bundle"
edit_model feature 'trees["trees"][0]["split_indices"][0] = 5'
expect 65 "not a model XGBoost can load: tree 0: node 0 splits on feature 5 of 5" cra-explain -m "$T/feature.bundle"
edit_model class 'trees["tree_info"][0] = 1'
expect 65 "not a model XGBoost can load: tree 0 belongs to output 1 of 1" cra-explain -m "$T/class.bundle"
edit_model respaced 'pass'
expect 0 "" cra-explain -m "$T/respaced.bundle" --last 3 # json.dumps's spacing is no problem
rebundle "$G" "$T/cols.bundle" 'meta["columns"] = meta["columns"][:-1]'
expect 65 "cols.bundle (xgb-h1): the model has 5 features, its bundle lists 4" cra-explain -m "$T/cols.bundle"
rebundle "$G" "$T/names.bundle" 'meta["columns"][0] = "rsi_99"'
expect 65 "the model's 5 feature columns are not the ones this craipto computes" cra-explain -m "$T/names.bundle"
rebundle "$G" "$T/nocols.bundle" 'del meta["columns"]'
expect 65 "nocols.bundle: the bundle's 'columns' is missing or malformed" cra-explain -m "$T/nocols.bundle"
rebundle "$G" "$T/nomodels.bundle" 'meta["models"][0]["horizon"] = 2'
expect 65 "nomodels.bundle: the bundle's 'models' is missing or malformed" cra-explain -m "$T/nomodels.bundle"
rebundle "$G" "$T/task.bundle" 'meta["task"] = "regime"'
expect 65 "task.bundle (xgb-h1): the model does not give 3 outputs per row" cra-explain -m "$T/task.bundle"
rebundle "$G" "$T/spec.bundle" 'meta["features"] = "rsi:0"'
expect 65 "spec.bundle: the bundle's feature specification 'rsi:0' is not one this craipto reads" cra-explain -m "$T/spec.bundle"

# Candles that do not fit the model, or no row to explain.
awk -F, 'NR == 1 || NR % 4 == 2' "$T/c.csv" > "$T/c4h.csv"
expect 65 "c4h.csv: the candles are 4h apart; the model was trained on 1h candles" cra-explain -m "$G" "$T/c4h.csv"
expect 65 "no candle to explain" cra-explain -m "$G" --from 2030-01-01
head -21 "$T/c.csv" > "$T/c20.csv"
expect 65 "too few candles: 20 rows, but the features need at least 34" cra-explain -m "$G" "$T/c20.csv"
echo "xgb_errors: ok"
