# cra-sim's errors: usage (64), missing input (66), bad data (65) naming file:line, field or
# time - and no output file left behind.
. "$CRA_SRC/tests/testlib.sh"
t_init sim_errors
awk -v n=50 -v phi=0 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$T/c.csv"
# Predictions for candles 10..19, a band around each candle's close.
awk -F, 'NR == 1 { print "open_time,model,horizon,actual,pred,lower,upper"; next }
	NR >= 12 && NR <= 21 { printf "%s,xgb,1,%s,%s,%.6f,%.6f\n", $1, $5, $5, $5 * 0.99, $5 * 1.01 }' "$T/c.csv" > "$T/p.csv"
expect 0 "10 predictions over 10 1h candles" cra-sim --candles "$T/c.csv" "$T/p.csv"

# Usage.
expect 64 "which candles?" cra-sim "$T/p.csv"
expect 64 "which candles?" cra-sim --candles "$T/c.csv" -s BTCUSDT -i 1h "$T/p.csv"
expect 64 "--symbol needs the interval" cra-sim -s BTCUSDT "$T/p.csv"
expect 64 "not both" cra-sim --candles "$T/c.csv" --long-only --allow-short "$T/p.csv"
expect 64 "--rule: expected band, threshold or regime, got 'momentum'" cra-sim --candles "$T/c.csv" --rule momentum "$T/p.csv"
expect 64 "--size: expected all, fraction:F" cra-sim --candles "$T/c.csv" --size fraction:2 "$T/p.csv"
expect 64 "--cash" cra-sim --candles "$T/c.csv" --cash 0 "$T/p.csv"
expect 64 "--fee-bps" cra-sim --candles "$T/c.csv" --fee-bps -1 "$T/p.csv"
expect 64 "only one table can go to standard output" cra-sim --candles "$T/c.csv" --trades - "$T/p.csv"
expect 64 "only one table can go to standard output" cra-sim --candles "$T/c.csv" --trades - --equity - -o "$T/s.csv" "$T/p.csv"
expect 64 "one predictions file at most" cra-sim --candles "$T/c.csv" "$T/p.csv" "$T/p.csv"
expect 64 "has no model 'lstm' (it has xgb)" cra-sim --candles "$T/c.csv" --model lstm "$T/p.csv"
expect 64 "unknown interval '5h'" cra-sim --candles "$T/c.csv" -i 5h "$T/p.csv"
{ cat "$T/p.csv"; sed 1d "$T/p.csv" | sed 's/,xgb,1,/,xgb,4,/'; } > "$T/h.csv"
expect 64 "several horizons (1, 4, ...): choose one with --horizon" cra-sim --candles "$T/c.csv" "$T/h.csv"
expect 0 "model xgb, horizon 4: 10 predictions" cra-sim --candles "$T/c.csv" -H 4 "$T/h.csv"

# Missing input.
expect 66 "nosuch.csv" cra-sim --candles "$T/c.csv" "$T/nosuch.csv"
expect 66 "nosuch.csv" cra-sim --candles "$T/nosuch.csv" "$T/p.csv"
expect 66 "no candles for NOPEUSDT 1h" cra-sim -s NOPEUSDT -i 1h "$T/p.csv"

# Bad data.
head -15 "$T/c.csv" > "$T/short.csv"
expect 65 "p.csv:6: no candle opens at 2023-01-01T14:00:00Z (1672581600000) in the candles" cra-sim --candles "$T/short.csv" "$T/p.csv"
awk -F, 'NR == 1 || NR >= 12' "$T/c.csv" > "$T/late.csv"
expect 65 "p.csv:2: no candle before 2023-01-01T10:00:00Z" cra-sim --candles "$T/late.csv" "$T/p.csv"
sed '4s/,xgb,1,[0-9.]*,/,xgb,1,1.5,/' "$T/p.csv" > "$T/wrong.csv"
expect 65 "wrong.csv:4: actual 1.5, but the candle at 2023-01-01T12:00:00Z closed at 99.135257: are these" cra-sim --candles "$T/c.csv" "$T/wrong.csv"
cut -d, -f1-6 "$T/p.csv" > "$T/noupper.csv"
expect 65 "noupper.csv:1: no 'upper' column in the header, and the rule needs it" cra-sim --candles "$T/c.csv" "$T/noupper.csv"
expect 0 "" cra-sim --candles "$T/c.csv" --rule threshold "$T/noupper.csv"
expect 65 "no 'p_bull' column" cra-sim --candles "$T/c.csv" --rule regime "$T/p.csv"
sed '5s/,[0-9.]*$/,/' "$T/p.csv" > "$T/empty.csv"
expect 65 "empty.csv:5: field 'upper' is empty, and the rule needs it" cra-sim --candles "$T/c.csv" "$T/empty.csv"
{ head -3 "$T/p.csv"; sed -n 3p "$T/p.csv"; } > "$T/repeat.csv"
expect 65 "repeat.csv:4: field 'open_time' (2023-01-01T11:00:00Z) repeats line 3's" cra-sim --candles "$T/c.csv" "$T/repeat.csv"
awk -F, -v OFS=, 'NR == 3 { $5 = "abc" } 1' "$T/p.csv" > "$T/nan.csv"
expect 65 "nan.csv:3: field 'pred': expected a finite number or an empty cell, got 'abc'" cra-sim --candles "$T/c.csv" "$T/nan.csv"
awk -F, -v OFS=, 'NR == 3 { t = $3; $3 = $4; $4 = t } 1' "$T/c.csv" > "$T/badc.csv" # high below low
expect 65 "badc.csv:3: field 'high'" cra-sim --candles "$T/badc.csv" "$T/p.csv"
head -2 "$T/c.csv" > "$T/one.csv"
printf 'open_time,pred,lower,upper\n%s,1,1,1\n' "$(sed -n 2p "$T/c.csv" | cut -d, -f1)" > "$T/p1.csv"
expect 65 "cannot tell the candles' interval (for annualising): give -i" cra-sim --candles "$T/one.csv" "$T/p1.csv"

# A failure leaves no output behind.
expect 65 "" cra-sim --candles "$T/short.csv" --trades "$T/t.csv" --equity "$T/e.csv" -o "$T/s.csv" "$T/p.csv"
[ ! -e "$T/t.csv" ] && [ ! -e "$T/e.csv" ] && [ ! -e "$T/s.csv" ] || fail "a failed run left output files"
[ -z "$(ls -A "$T" | grep '\.tmp')" ] || fail "temporary files left: $(ls -A "$T")"
echo "sim_errors: ok"
