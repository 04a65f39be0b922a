# The candle still in progress is never stored as final; --include-open shows it on standard
# output only; once it has closed the next run stores its final values.  Candles missing at
# the exchange are reported as gaps, never invented.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

# At 20:30 the ETHUSDT and BNBUSDT candles of 20:00 are unfinished (BTCUSDT's data ends at 19:00).
mock_start --now 2023-12-30T20:30Z
"$F" ETHUSDT --since 2023-12-29 2> "$T/err" || { cat "$T/err"; fail "download"; }
"$F" --dump ETHUSDT -o - | tail -1 | cut -d, -f1 | grep -qx 1703962800000 ||
	fail "the unfinished candle was stored"
grep -q "ETHUSDT 1h: 44 new candles, newest 2023-12-30T19:00:00Z" "$T/err" || { cat "$T/err"; fail "summary"; }
# --include-open: on standard output, last, with its partial values.
"$F" ETHUSDT --since 2023-12-30T18:00Z --include-open -o - -q > "$T/open.csv" || fail "--include-open"
[ "$(wc -l < "$T/open.csv")" = 4 ] || { cat "$T/open.csv"; fail "--include-open rows"; }
tail -1 "$T/open.csv" | grep -q '^1703966400000,2299.88,' || fail "--include-open: not the 20:00 candle"
"$F" ETHUSDT --since 2023-12-30T18:00Z -o - -q | grep -c . | grep -qx 3 || fail "without --include-open"

# An hour later the candle has closed: the next run stores it, with its final values.
mock_get "/mock/advance?ms=3600000" > /dev/null
"$F" ETHUSDT -q || fail "second run"
expected ETHUSDT 2023-12-30T21:30Z | awk -F, 'NR == 1 || $1 >= 1703808000000' > "$T/want.csv"
check_store ETHUSDT "$T/want.csv"
"$F" --dump ETHUSDT -o - | tail -1 | grep -q '^1703966400000,2299.88,2299.88,2299.04,2299.69,87.4988,' ||
	fail "the final 20:00 candle"

# Candles missing at the exchange (an outage of 5 hours) are reported, not invented.
mock_start --now 2023-12-30T21:30Z --drop BTCUSDT,2023-12-10T03:00Z,2023-12-10T08:00Z
CRA_DATA=$T/gap "$F" BTCUSDT --since 2023-12-01 2> "$T/err" || fail "gap run"
grep -q "BTCUSDT 1h: 711 new candles, .* 1 gap reported (5 candles missing, largest 5 after 2023-12-10T02:00:00Z)" "$T/err" ||
	{ cat "$T/err"; fail "gap summary"; }
expected BTCUSDT 2023-12-30T21:30Z --drop BTCUSDT,2023-12-10T03:00Z,2023-12-10T08:00Z |
	awk -F, 'NR == 1 || $1 >= 1701388800000' > "$T/want-gap.csv"
CRA_DATA=$T/gap check_store BTCUSDT "$T/want-gap.csv"
CRA_DATA=$T/gap "$F" --list -o - | grep -q '^BTCUSDT,1h,711,.*,1,5$' || fail "--list gaps"
# A gap between the stored series and the new candles counts too.
mock_start --now 2023-12-30T21:30Z --drop BTCUSDT,2023-12-30T10:00Z,2023-12-30T12:00Z
CRA_DATA=$T/gap2 "$F" BTCUSDT --since 2023-12-29 --until 2023-12-30T10:00Z -q || fail "gap2 first"
CRA_DATA=$T/gap2 "$F" BTCUSDT 2> "$T/err" || fail "gap2 second"
grep -q "8 new candles.*1 gap reported (2 candles missing, largest 2 after 2023-12-30T09:00:00Z)" "$T/err" ||
	{ cat "$T/err"; fail "gap across runs"; }
echo "open candle and gaps ok"
