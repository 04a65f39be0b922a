# --ticker, --book, --funding: price and best bid/ask snapshots and funding rates, recorded
# idempotently in the data directory, or written to standard output; --dump shows them.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

mock_start --now 2023-12-30T10:30Z

# --- prices: every symbol, then two; snapshots append -----------------------------------------
"$F" --ticker 2> "$T/err" || { cat "$T/err"; fail "--ticker"; }
grep -q "prices of 3 symbols at 2023-12-30T10:30:.*: 3 recorded" "$T/err" || { cat "$T/err"; fail "ticker note"; }
head -1 "$CRA_DATA/tickers.csv" | grep -qx 'time,symbol,price' || fail "tickers.csv header"
[ "$(wc -l < "$CRA_DATA/tickers.csv")" = 4 ] || fail "tickers.csv rows"
grep -q '^1703932.*,BNBUSDT,' "$CRA_DATA/tickers.csv" || fail "tickers.csv time"
grep -q 'price=\|ticker/price		' "$T/mock.log" || fail "no all-symbols request"
mock_get "/mock/advance?ms=60000" > /dev/null
"$F" --ticker BTCUSDT ETHUSDT -q || fail "--ticker two"
[ "$(wc -l < "$CRA_DATA/tickers.csv")" = 6 ] || fail "second snapshot not appended"
grep -q 'symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D' "$T/mock.log" || fail "symbols=[...] request"
"$F" --dump --ticker ETHUSDT -o - | tail -n +2 | wc -l | grep -qx 2 || fail "--dump --ticker"
# The price is the close of the unfinished candle as the exchange sees it: 10:30 of 10:00-11:00.
"$F" --ticker BTCUSDT -o - > "$T/t.csv" || fail "--ticker -o -"
head -1 "$T/t.csv" | grep -qx 'time,symbol,price' && [ "$(wc -l < "$T/t.csv")" = 2 ] || fail "--ticker -o - table"

# --- best bid / ask, with the spread ---------------------------------------------------------
"$F" --book BTCUSDT ETHUSDT -q || fail "--book"
head -1 "$CRA_DATA/book-BTCUSDT.csv" | grep -qx 'time,bid_price,bid_qty,ask_price,ask_qty,spread' || fail "book header"
tail -1 "$CRA_DATA/book-ETHUSDT.csv" | awk -F, '{ exit !($6 > 0.0199 && $6 < 0.0201 && $4 > $2) }' || fail "spread"
"$F" --book BTCUSDT -q || fail "--book again"
[ "$(wc -l < "$CRA_DATA/book-BTCUSDT.csv")" = 3 ] || fail "book snapshot not appended"
"$F" --dump --book BTCUSDT -o - | tail -n +2 | wc -l | grep -qx 2 || fail "--dump --book"

# --- funding rates: incremental, idempotent, empty mark prices kept empty ---------------------
"$F" --funding BTCUSDT ETHUSDT --since 2023-01-01 2> "$T/err" || { cat "$T/err"; fail "--funding"; }
grep -q "BTCUSDT funding rates: 1091 new, 2 requests" "$T/err" || { cat "$T/err"; fail "funding note"; }
head -1 "$CRA_DATA/funding-BTCUSDT.csv" | grep -qx 'time,funding_rate,mark_price' || fail "funding header"
[ "$(wc -l < "$CRA_DATA/funding-BTCUSDT.csv")" = 1092 ] || fail "funding rows"
# The stored rates are the exchange's, number for number.
python3 -c '
import csv, json, sys, urllib.request
url = sys.argv[1] + "/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=1672531200000&limit=1000"
want = json.load(urllib.request.urlopen(url))
want += json.load(urllib.request.urlopen(url.replace("1672531200000", str(want[-1]["fundingTime"] + 1))))
got = list(csv.DictReader(open(sys.argv[2])))
assert len(got) == len(want), (len(got), len(want))
for g, w in zip(got, want):
    assert int(g["time"]) == w["fundingTime"], (g, w)
    assert float(g["funding_rate"]) == float(w["fundingRate"]), (g, w)
    assert (g["mark_price"] == "") == (w["markPrice"] == ""), (g, w)
    assert g["mark_price"] == "" or float(g["mark_price"]) == float(w["markPrice"]), (g, w)
' "$CRA_BINANCE_URL" "$CRA_DATA/funding-BTCUSDT.csv" || fail "funding values"
grep -q ',$' "$CRA_DATA/funding-BTCUSDT.csv" || fail "no empty mark price"
sum=$(md5sum < "$CRA_DATA/funding-BTCUSDT.csv")
lines=$(wc -l < "$T/mock.log")
"$F" --funding BTCUSDT 2> "$T/err" || fail "--funding again"
grep -q "BTCUSDT funding rates: 0 new, 1 request" "$T/err" || { cat "$T/err"; fail "second funding note"; }
[ "$(md5sum < "$CRA_DATA/funding-BTCUSDT.csv")" = "$sum" ] || fail "the second run changed the file"
tail -n +$((lines + 1)) "$T/mock.log" | grep -q 'startTime=1703923200001' || fail "not incremental"
"$F" --dump --funding BTCUSDT --from 2023-12-01 -o - | tail -n +2 | wc -l | grep -qx 89 || fail "--dump --funding"
"$F" --funding BTCUSDT --since 2023-12-29 -o - -q | grep -c . | grep -qx 6 || fail "--funding -o -"
"$F" --funding NOSUCH 2> "$T/err"
[ $? = 64 ] && grep -q "Invalid symbol" "$T/err" || fail "--funding unknown symbol"
echo "snapshots ok"
