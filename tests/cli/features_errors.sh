# cra-features: every documented error gives its sysexits status and a message that says what
# is wrong (the spec at fault, the rows needed, file:line), and a failed run leaves no output.
set -u
F="$CRA_BIN/cra-features"
T="$CRA_TEST_TMP/features_errors"
rm -rf "$T" && mkdir -p "$T" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect STATUS PATTERN args... (reads standard input from $IN)
expect() {
	local want=$1 pattern=$2
	shift 2
	"$F" "$@" < "$IN" > "$T/out" 2> "$T/err"
	local got=$?
	[ "$got" = "$want" ] || fail "cra-features $*: exit $got, expected $want ($(cat "$T/err"))"
	grep -qF -- "$pattern" "$T/err" || fail "cra-features $*: message '$(cat "$T/err")' lacks '$pattern'"
	grep -q '^cra-features: ' "$T/err" || fail "cra-features $*: message not prefixed with the program name"
}

awk 'BEGIN { print "open_time,open,high,low,close,volume"
	for (i = 0; i < 60; i++) printf "%.0f,%d,%d,%d,%d,5\n", 1609459200000 + i * 3600000, 100 + i, 102 + i, 99 + i, 101 + i }' > "$T/c60.csv"
head -21 "$T/c60.csv" > "$T/c20.csv"
IN="$T/c60.csv"

# Bad specifications: 64, naming the spec.
expect 64 "unknown indicator 'foo' in feature 'foo:3'" -f foo:3
expect 64 "unknown indicator 'foo'" -f rsi,foo
expect 64 "bad feature 'rsi:0': period must be from 2 to 100000" -f rsi:0
expect 64 "bad feature 'bb:20:-1': k must be from" -f bb:20:-1
expect 64 "bad feature 'rsi:14.5': period must be a whole number" -f rsi:14.5
expect 64 "bad feature 'macd:26:12': the fast period must be shorter" -f macd:26:12
expect 64 "bad feature 'obv:2': obv takes no parameters" -f obv:2
expect 64 "macd has the outputs line, signal, hist" -f macd.foo
expect 64 "unknown target 'trend'" -t trend:4
expect 64 "bad target 'return:0'" -t return:0
expect 64 "90m is not a whole number of 1h candles" -t return:90m
expect 64 "--lags: -1 is out of range" --lags -1
expect 64 "unknown option '--bogus'" --bogus
expect 64 "--symbol needs the interval" -s BTCUSDT
expect 64 "unknown interval '7h'" -i 7h
expect 64 "--from: expected a time" --from yesterdayish
expect 64 "--join-delay: expected a duration" --join-delay soon -j "$T/c20.csv"
expect 64 "one candle file at most" "$T/c20.csv" "$T/c60.csv"

# Too few rows for the longest window: 65 with the count needed.
IN="$T/c20.csv"
expect 65 "too few candles: 20 rows, but the features need at least 34 (macd:12:26:9 leaves the first 33 rows undefined)"
expect 65 "need at least 23 (rsi:20 leaves the first 20 rows undefined, and 2 lags add 2 more)" -f rsi:20 -l 2
expect 65 "target regime:4:0.5:20 needs at least 25" -f sma:2 -t regime:4
IN="$T/c60.csv"

# Bad candles: 65 with file:line from the library; a missing file: 66.
{ head -4 "$T/c60.csv"; echo "1609473600000,104,103,103,104,5"; tail -n +6 "$T/c60.csv"; } > "$T/bad.csv"
expect 65 "bad.csv:5: field 'high' is below max(open, close)" "$T/bad.csv"
{ head -3 "$T/c60.csv"; sed -n 2p "$T/c60.csv"; } > "$T/disorder.csv"
expect 65 "disorder.csv:4: field 'open_time'" "$T/disorder.csv"
printf 'time,open,close\n' > "$T/nocol.csv"
expect 65 "nocol.csv:1: no 'open_time' column" "$T/nocol.csv"
expect 66 "$T/missing.csv" "$T/missing.csv"
printf 'open_time,open,high,low,close,volume\n' > "$T/empty.csv"
expect 65 "too few candles: 0 rows" "$T/empty.csv"

# Bad join files: 65 with file:line.
printf 'time,score\n2021-01-01,0.5\n2021-01-01,0.6\n' > "$T/dup.csv"
expect 65 "dup.csv:3: field 'time' duplicates the previous row's" -j "$T/dup.csv"
printf 'time,label\n2021-01-01,Greed\n' > "$T/text.csv"
expect 65 "text.csv:2: field 'label': expected a number, got 'Greed'" -j "$T/text.csv"
expect 66 "nothere.csv" -j "$T/nothere.csv"

# A join or a duration needs the interval; irregular candles have none to guess.
awk 'BEGIN { print "open_time,open,high,low,close,volume"
	for (i = 0; i < 60; i++) printf "%.0f,1,1,1,1,1\n", 1609459200000 + i * 3600000 + (i % 2) * 60000 }' > "$T/irregular.csv"
IN="$T/irregular.csv"
expect 64 "--join needs the candles' interval" -j "$T/dup.csv"
expect 64 "needs the candles' interval (give -i)" -t return:4h
expect 65 "the candles are 1h apart, not 4h" -i 4h "$T/c60.csv"

# A failed run writes nothing: no -o file appears, no temporary is left.
IN="$T/c20.csv"
expect 65 "too few candles" -o "$T/never.csv"
[ -e "$T/never.csv" ] && fail "a failed run left its output file"
ls -a "$T" | grep -q '\.never\.csv\.tmp' && fail "a failed run left a temporary file"
expect 73 "$T/no/such/dir/x.csv" -f sma:2 -o "$T/no/such/dir/x.csv"
echo "features_errors: ok"
