# cra-fetch --import: each class of bad input gives its sysexits status and a message naming
# file, line and field, and writes nothing at all - not even the good files given with it.
. "$CRA_SRC/tests/testlib.sh"
t_init import_errors
cd "$T" || exit 1

good="$T/BTCUSDT-1h.csv"
printf 'open_time,open,high,low,close,volume\n1617566400000,10,12,9,11,1\n1617570000000,11,13,10,12,2\n' > "$good"
head="open_time,open,high,low,close,volume"
bad() { # bad NAME BODY: a file named like a series so only its content is at fault
	printf '%s\n%b' "$head" "$2" > "$T/$1"
	echo "$T/$1"
}

f=$(bad ETHUSDT-1h.csv '1617566400000,10,abc,9,11,1\n')
expect 65 "ETHUSDT-1h.csv:2: field 'high': expected a number, got 'abc'" cra-fetch --import "$good" "$f"
[ ! -e "$CRA_DATA/BTCUSDT-1h.csv" ] || fail "a good file was imported although another was bad"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,9,11,1\n1617570000000,nan,12,9,11,1\n')
expect 65 "ETHUSDT-1h.csv:3: field 'open' is not a finite number" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,9,11,inf\n')
expect 65 "field 'volume' is not a finite number" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,9,11,-1\n')
expect 65 "ETHUSDT-1h.csv:2: field 'volume' is negative" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,-10,12,9,11,1\n')
expect 65 "field 'open' is negative" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,10.5,9,11,1\n')
expect 65 "field 'high' is below max(open, close)" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,10.5,11,1\n')
expect 65 "field 'low' is above min(open, close)" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,9,11,1\n1617566400000,10,12,9,11,1\n')
expect 65 "ETHUSDT-1h.csv:3: field 'open_time' duplicates the previous row's" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617570000000,10,12,9,11,1\n1617566400000,10,12,9,11,1\n')
expect 65 "ETHUSDT-1h.csv:3: field 'open_time' is out of order" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '1617566400000,10,12,9\n')
expect 65 "ETHUSDT-1h.csv:2: field 'close' is missing" cra-fetch --import "$f"
f=$(bad ETHUSDT-1h.csv '2021-04-04,10,12,9,11,1\n')
expect 65 "ETHUSDT-1h.csv:2: field 'open_time': expected an integer time in milliseconds, got '2021-04-04'" cra-fetch --import "$f"
printf 'open_time,open,high,low,volume\n1617566400000,10,12,9,1\n' > "$T/ETHUSDT-1h.csv"
expect 65 "ETHUSDT-1h.csv:1: no 'close' column in the header" cra-fetch --import "$T/ETHUSDT-1h.csv"
printf 'open_time;open;high;low;close;volume\n1617566400000;10;12;9;11;1\n' > "$T/ETHUSDT-1h.csv"
expect 65 "no time column in the header" cra-fetch --import "$T/ETHUSDT-1h.csv"
: > "$T/ETHUSDT-1h.csv"
expect 65 "ETHUSDT-1h.csv: empty" cra-fetch --import "$T/ETHUSDT-1h.csv"
head -c 4096 /dev/urandom | tr -d '\n' > "$T/ETHUSDT-1h.csv"
expect 65 "ETHUSDT-1h.csv" cra-fetch --import "$T/ETHUSDT-1h.csv"
# A candle off the interval's boundaries (the file says 4h, the data is hourly).
cp "$good" "$T/BTCUSDT-4h.csv"
expect 65 "candle at 2021-04-04T21:00:00Z is not on a 4h boundary" cra-fetch --import "$T/BTCUSDT-4h.csv"
[ -z "$(ls -A "$CRA_DATA" 2>/dev/null | grep -v '^\.')" ] || fail "a failed import wrote $(ls "$CRA_DATA")"

# Missing input, usage errors.
expect 66 "nope.csv" cra-fetch --import "$T/nope.csv"
cp "$good" "$T/export.csv"
expect 64 "cannot tell the symbol from the file name: give --symbol" cra-fetch --import "$T/export.csv"
expect 64 "invalid symbol 'BTC;DROP TABLE candles'" cra-fetch --import "$T/export.csv" --symbol "BTC;DROP TABLE candles"
expect 64 "unknown interval '7h'" cra-fetch --import "$good" -i 7h
expect 64 "--import needs at least one FILE" cra-fetch --import
expect 64 "unknown option '--bogus'" cra-fetch --import "$good" --bogus
expect 64 "say what to do" cra-fetch
expect 64 "different jobs" cra-fetch --import --list
expect 66 "no stored series BTCUSDT 1h" cra-fetch --dump BTCUSDT
expect 64 "--from: cannot read 'soon' as a time" cra-fetch --dump BTCUSDT --from soon
[ -z "$(ls -A "$CRA_DATA" 2>/dev/null | grep -v '^\.')" ] || fail "a failed run wrote $(ls "$CRA_DATA")"

# --skip-bad: the good rows come in, the bad ones are counted with their reasons.
printf '%s\n1617566400000,10,12,9,11,1\n1617570000000,10,x,9,11,1\n1617573600000,10,12,9,11,1\n1617573600000,10,12,9,11,1\n' "$head" > "$T/ETHUSDT-1h.csv"
expect 0 "skipped 2 bad rows of 4" cra-fetch --import "$T/ETHUSDT-1h.csv" --skip-bad
grep -qF "ETHUSDT-1h.csv:3: field 'high': expected a number, got 'x'" "$T/err" || fail "skip reason 1"
grep -qF "ETHUSDT-1h.csv:5: field 'open_time' duplicates" "$T/err" || fail "skip reason 2"
grep -qF "4 rows read, 2 new, 0 already present" "$T/err" || fail "skip-bad summary: $(cat "$T/err")"
[ "$(cra-fetch --dump ETHUSDT | wc -l)" = 3 ] || fail "skip-bad stored the wrong rows"

# Help and version answer on stdout with status 0.
cra-fetch --help | grep -q '^usage: cra-fetch' || fail "--help"
cra-fetch --version | grep -q '^cra-fetch (craipto) ' || fail "--version"
echo "import_errors: ok"
