# cra-train-lstm: every documented error gives its sysexits status and a message that says what
# is wrong; an initial bundle that is damaged, truncated, of another kind or another model is
# refused; a failed run leaves no bundle and no report behind.
. "$CRA_SRC/tests/testlib.sh"
t_init lstm_errors
awk -v n=1500 -v phi=0.3 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$T/c.csv"
mkdir -p "$CRA_DATA" && cp "$T/c.csv" "$CRA_DATA/SYNUSDT-1h.csv"
TINY="-w 8 --hidden 4 -e 1 -j 1"
cra-train-lstm -q -s SYNUSDT -i 1h $TINY -o "$T/good.bundle" > /dev/null || fail "training"

B="$T/new.bundle"
expect 64 "give --symbol and -i (the store) or a candle FILE" cra-train-lstm -o "$B"
expect 64 "--symbol needs the interval (-i 1h)" cra-train-lstm -s SYNUSDT -o "$B"
expect 64 "unknown interval '7h'" cra-train-lstm -s SYNUSDT -i 7h -o "$B"
expect 64 "'btc' is not a symbol" cra-train-lstm -s btc "$T/c.csv" -o "$B"
expect 64 "name the series with --symbol" cra-train-lstm -o "$B" -
expect 64 "unknown option '--bogus'" cra-train-lstm -s SYNUSDT -i 1h --bogus
expect 64 "--window" cra-train-lstm -s SYNUSDT -i 1h --window 0 -o "$B"
expect 64 "--layers" cra-train-lstm -s SYNUSDT -i 1h --layers 5 -o "$B"
expect 64 "--hidden: '0' is not a size from 1 to 4096" cra-train-lstm -s SYNUSDT -i 1h --hidden 0 -o "$B"
expect 64 "--hidden: 'x' is not a size" cra-train-lstm -s SYNUSDT -i 1h --hidden 8,x -o "$B"
expect 64 "--hidden: give 1 to 4 sizes" cra-train-lstm -s SYNUSDT -i 1h --hidden 1,2,3,4,5 -o "$B"
expect 64 "--hidden gives 2 sizes for 3 layers" cra-train-lstm -s SYNUSDT -i 1h --hidden 8,4 -l 3 -o "$B"
expect 64 "--conv: expected KERNEL:FILTERS (5:32)" cra-train-lstm -s SYNUSDT -i 1h --conv 5 -o "$B"
expect 64 "--conv: expected KERNEL:FILTERS" cra-train-lstm -s SYNUSDT -i 1h --conv 0:8 -o "$B"
expect 64 "--dropout" cra-train-lstm -s SYNUSDT -i 1h --dropout 1 -o "$B"
expect 64 "--lr" cra-train-lstm -s SYNUSDT -i 1h --lr 0 -o "$B"
expect 64 "--lr-decay" cra-train-lstm -s SYNUSDT -i 1h --lr-decay 1.5 -o "$B"
expect 64 "--epochs" cra-train-lstm -s SYNUSDT -i 1h --epochs 0 -o "$B"
expect 64 "--batch" cra-train-lstm -s SYNUSDT -i 1h --batch 0 -o "$B"
expect 64 "--threads" cra-train-lstm -s SYNUSDT -i 1h --threads 65 -o "$B"
expect 64 "--valid-frac" cra-train-lstm -s SYNUSDT -i 1h --valid-frac 1 -o "$B"
expect 64 "unknown indicator 'foo'" cra-train-lstm -s SYNUSDT -i 1h -f foo:3 -o "$B"
expect 64 "unknown target 'trend'" cra-train-lstm -s SYNUSDT -i 1h -t trend -o "$B"
expect 64 "not direction:H" cra-train-lstm -s SYNUSDT -i 1h -t direction:1 -o "$B"
expect 64 "one target kind per model, not return and regime" cra-train-lstm -s SYNUSDT -i 1h -t return:1,regime:4 -o "$B"
expect 64 "bad target 'return:0'" cra-train-lstm -s SYNUSDT -i 1h -H 0 -o "$B"
expect 64 "90m is not a whole number of 1h candles" cra-train-lstm -s SYNUSDT -i 1h -H 1,90m -o "$B"
expect 64 "--from: expected a time" cra-train-lstm -s SYNUSDT -i 1h --from yesterday -o "$B"
expect 64 "one candle file at most" cra-train-lstm -s SYNUSDT "$T/c.csv" "$T/c.csv" -o "$B"
expect 66 "no candles for ETHUSDT 1h in the data directory" cra-train-lstm -s ETHUSDT -i 1h -o "$B"
expect 66 "$T/none.csv" cra-train-lstm -s SYNUSDT "$T/none.csv" -o "$B"
expect 65 "too few usable rows" cra-train-lstm -s SYNUSDT "$T/c.csv" -w 1300 -o "$B"
head -301 "$T/c.csv" > "$T/c300.csv"
expect 65 "too few validation rows to stop early on one half and report on the other" \
	cra-train-lstm -s SYNUSDT "$T/c300.csv" --valid-frac 0.05 -w 8 -o "$B"
sed '100s/,[0-9.]*$/,-5/' "$T/c.csv" > "$T/bad.csv"
expect 65 "bad.csv:100" cra-train-lstm -s SYNUSDT "$T/bad.csv" -o "$B"
expect 65 "the candles are 1h apart, not 4h" cra-train-lstm -s SYNUSDT -i 4h "$T/c.csv" -o "$B"
[ ! -e "$B" ] || fail "a failed training left $B"
expect 73 "/nonexistent/dir/m.bundle" cra-train-lstm -s SYNUSDT -i 1h $TINY -o /nonexistent/dir/m.bundle
[ ! -s "$T/out" ] || fail "a report without a bundle"

# --init: damaged bundles (one flipped byte anywhere, a truncated file, not a bundle at all),
# a bundle of another kind, a missing one.
G="$T/good.bundle"
size=$(wc -c < "$G")
for at in 100 300 $((size - 100)); do # the metadata, and the weights
	cp "$G" "$T/flip.bundle"
	printf '\377' | dd of="$T/flip.bundle" bs=1 seek=$at conv=notrunc 2> /dev/null
	expect 65 "flip.bundle: corrupted (checksum mismatch)" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/flip.bundle" -o "$B"
done
head -c $((size - 1000)) "$G" > "$T/short.bundle"
expect 65 "short.bundle: truncated" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/short.bundle" -o "$B"
expect 65 "c.csv: not a craipto model bundle" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/c.csv" -o "$B"
expect 66 "none.bundle" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/none.bundle" -o "$B"

# Well-formed bundles that are wrong, rewritten with a valid checksum by
#   rebundle IN OUT PYTHON   (PYTHON edits `meta`, a dict, and `payload`, bytes)
rebundle() {
	/usr/bin/python3 - "$1" "$2" "$3" << 'EOF'
import hashlib, json, sys
data = open(sys.argv[1], "rb").read()
head, body = data.split(b"\n", 1)
text, payload = body.split(b"\n", 1)
meta = json.loads(text)
exec(sys.argv[3])
text = json.dumps(meta, separators=(",", ":"), sort_keys=True).encode()
body = text + b"\n" + payload
open(sys.argv[2], "wb").write(b"craipto-model 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
EOF
}
rebundle "$G" "$T/w.bundle" 'meta["kind"] = "xgb"'
expect 65 "w.bundle: a model of kind 'xgb', not an LSTM" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
rebundle "$G" "$T/w.bundle" 'meta["scaler"]["std"][0] = 0'
expect 65 "w.bundle: the bundle's 'scaler' is missing or does not match" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
rebundle "$G" "$T/w.bundle" 'meta["features"] = "rsi:14"'
expect 65 "w.bundle: the bundle's 'scaler' is missing or does not match its 1 features" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
rebundle "$G" "$T/w.bundle" 'meta["kind"] = "cnn-lstm"'
expect 65 "does not match the bundle's description" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
# the weights' own checksum, inside a bundle whose checksum is right
rebundle "$G" "$T/w.bundle" 'payload = payload[:70] + bytes([payload[70] ^ 1]) + payload[71:]'
expect 65 "w.bundle: the LSTM weights are corrupted or truncated" cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
rebundle "$G" "$T/w.bundle" 'payload = payload[:8] + bytes([9]) + payload[9:]'
expect 65 "w.bundle: LSTM weights format 9 is newer than this craipto reads (1): upgrade craipto" \
	cra-train-lstm -s SYNUSDT -i 1h $TINY --init "$T/w.bundle" -o "$B"
expect 64 "the initial model is another model" cra-train-lstm -s SYNUSDT -i 1h $TINY -t regime:4 --init "$G" -o "$B"
[ ! -e "$B" ] || fail "a refused run left $B"
ls -a "$T" "$CRA_MODELS" 2> /dev/null | grep -q '\.tmp-' && fail "temporary files left behind"
echo "lstm_errors: ok"
