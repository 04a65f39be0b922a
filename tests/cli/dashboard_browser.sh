# cra-plot dashboard, opened in a browser: two series of real hourly candles in the store and
# the pipeline's tables beside them (cra-explain's and, for ETHUSDT, cra-sim's real output;
# tables in the formats of cra-predict, cra-backtest, cra-drift and cra-sim derived from the
# candles by plot_tables.awk for the rest), written with a
# refresh period.  Every page's references resolve inside the directory (no network, no
# script), every chart is a non-empty SVG of the size asked, the key numbers are the tables',
# and headless Chromium renders each page with its chart loaded and drawn.  The checks are
# first shown to catch a missing chart and an empty one.
. "$CRA_SRC/tests/testlib.sh"
t_init dashboard_browser
need_shared_data
. "$CRA_SRC/tests/cli/plot_images.bash"
command -v chromium > /dev/null || fail "chromium is not installed (Debian's chromium package)"
export OMP_NUM_THREADS=1
A="$CRA_SRC/tests/cli/plot_tables.awk"
SERIES="BTCUSDT-1h ETHUSDT-1h"
export CRA_OUT="$T/pipeline" # ($T/out is where expect keeps standard output)
mkdir -p "$CRA_DATA" "$CRA_OUT"
for s in BTCUSDT ETHUSDT; do
	cp "$SHARED_DATA/$s.csv" "$CRA_DATA/$s-1h.csv"
	for k in predict:forecast backtest:backtest histograms:drift-histograms stats:drift equity:equity trades:trades regime:regime; do
		awk -F, -v table=${k%%:*} -f "$A" "$SHARED_DATA/$s.csv" > "$CRA_OUT/$s-1h-${k#*:}.csv" || fail "plot_tables.awk $k"
	done
	cra-train-xgb -q -s $s -i 1h --trees 20 -f rsi:14,logret:1,bb:20:2,macd:12:26:9 -o "$T/$s.bundle" > /dev/null ||
		fail "training $s"
done
# cra-sim's own trades and equity for one series (the other keeps the awk-made ones).
CRA_DATA="$CRA_DATA" cra-sim -q -s ETHUSDT -i 1h --model sma5 --rule threshold --threshold 0.002 \
	--trades "$CRA_OUT/ETHUSDT-1h-trades.csv" --equity "$CRA_OUT/ETHUSDT-1h-equity.csv" \
	< "$CRA_OUT/ETHUSDT-1h-backtest.csv" > /dev/null || fail "cra-sim"
# Global importance for one series, one candle's contributions for the other.
cra-explain -q -m "$T/BTCUSDT.bundle" --last 500 --summary > "$CRA_OUT/BTCUSDT-1h-shap.csv" || fail "cra-explain"
cra-explain -q -m "$T/ETHUSDT.bundle" --last 24 > "$CRA_OUT/ETHUSDT-1h-shap.csv" || fail "cra-explain"
for s in BTCUSDT ETHUSDT BNBUSDT; do
	awk -F, -v table=leaderboard -v symbol=$s -v noheader=$([ $s = BTCUSDT ] && echo 0 || echo 1) -f "$A" "$SHARED_DATA/$s.csv"
done > "$CRA_OUT/leaderboard.csv"

SITE="$T/site"
expect 0 "dashboard written to $SITE/index.html" cra-plot dashboard --out "$SITE" --refresh 60
PAGES="index.html leaderboard.html"
for m in $SERIES; do
	for p in live forecast backtest drift explain trading regime; do PAGES="$PAGES $p-$m.html"; done
done

# check_page DIR PAGE: what the page refers to is in DIR (no URL, no script); its chart, if it
# has one, is an SVG of 1100x620 whose series draw something.
check_page() {
	local dir=$1 page=$2 ref
	[ -s "$dir/$page" ] || fail "$page: missing"
	grep -qi "<script" "$dir/$page" && fail "$page: has a script"
	grep -q '<meta http-equiv="refresh" content="60">' "$dir/$page" || fail "$page: no refresh"
	for ref in $(grep -o '\(src\|href\)="[^"]*"' "$dir/$page" | sed 's/^[a-z]*="//; s/"$//'); do
		case $ref in *:* | /* | //*) fail "$page: refers outside the directory: $ref" ;; esac
		[ -f "$dir/$ref" ] || fail "$page: refers to a missing file: $ref"
	done
	for ref in $(grep -o 'img class="chart" src="[^"]*"' "$dir/$page" | sed 's/.*src="//; s/"$//'); do
		check_chart "$dir/$ref" 1100 620
		grep -o "href=['\"][^'\"]*['\"]" "$dir/$ref" | grep -v "href=['\"]#" && fail "$ref: refers to another file"
	done
	return 0
}

# The checks catch what they are for: a chart deleted, a chart that draws nothing.
cp -r "$SITE" "$T/broken"
rm "$T/broken/backtest-ETHUSDT-1h.svg"
(check_page "$T/broken" backtest-ETHUSDT-1h.html) 2> "$T/why" && fail "a missing chart went unnoticed"
grep -q "refers to a missing file: backtest-ETHUSDT-1h.svg" "$T/why" || fail "missing chart: $(cat "$T/why")"
printf 'set terminal svg size 1100,620 fixed\nset output "%s"\nset xrange [0:10]\nset yrange [0:1]\n$d << EOD\n1 NaN\nEOD\nplot $d using 1:2 with lines title "pred"\n' \
	"$T/broken/backtest-ETHUSDT-1h.svg" | gnuplot || fail "gnuplot, empty chart"
(check_page "$T/broken" backtest-ETHUSDT-1h.html) 2> "$T/why" && fail "an empty chart went unnoticed"
grep -q "an empty chart" "$T/why" || fail "empty chart: $(cat "$T/why")"

n=0
for page in $PAGES; do
	check_page "$SITE" "$page"
	n=$((n + 1))
done
[ "$(grep -c 'img class="chart"' "$SITE"/*.html | awk -F: '{ s += $2 } END { print s }')" = 15 ] ||
	fail "not 15 charts (7 pages of 2 series, and the leaderboard)"

# The symbol selector: each series' page links to the same page of the other.
grep -q 'href="forecast-ETHUSDT-1h.html">ETHUSDT 1h</a>' "$SITE/forecast-BTCUSDT-1h.html" || fail "symbol selector"
grep -q 'href="regime-ETHUSDT-1h.html">Regime</a>' "$SITE/live-ETHUSDT-1h.html" || fail "page links"
# Key numbers: the backtest's RMSE per model, the live page's last close, the trades.
want=$(awk -F, '$6 == "naive" { d = $2 - $3; s += d * d; n++ } END { printf "%.6g", sqrt(s / n) }' "$CRA_OUT/BTCUSDT-1h-backtest.csv")
grep -q "<td>naive</td><td>500</td><td>$want</td>" "$SITE/backtest-BTCUSDT-1h.html" || fail "backtest RMSE $want not shown"
want=$(tail -1 "$SHARED_DATA/ETHUSDT.csv" | awk -F, '{ printf "%.8g", $5 }')
grep -q "<th>close</th><td>$want</td>" "$SITE/live-ETHUSDT-1h.html" || fail "last close $want not shown"
grep -q "<th>trades</th><td>$(($(wc -l < "$CRA_OUT/BTCUSDT-1h-trades.csv") - 1))</td>" "$SITE/trading-BTCUSDT-1h.html" ||
	fail "trade count"
grep -q '<a href="live-BTCUSDT-1h.html">BTCUSDT 1h</a>' "$SITE/index.html" || fail "index"

# A table the pipeline has not written yet: the page says what it waits for, draws no chart.
rm "$CRA_OUT/ETHUSDT-1h-regime.csv"
expect 0 "" cra-plot dashboard --out "$T/partial" -s ETHUSDT
grep -q "Nothing to show yet: this page draws $CRA_OUT/ETHUSDT-1h-regime.csv" "$T/partial/regime-ETHUSDT-1h.html" &&
	! grep -q "<img" "$T/partial/regime-ETHUSDT-1h.html" || fail "the page waiting for its table"
grep -q "BTCUSDT" "$T/partial/index.html" && fail "-s ETHUSDT showed BTCUSDT"

# In the browser: each page rendered, its chart loaded (a white 1100x620 box: the page is
# #fafafa) with coloured series in it (axes, grid and text are grey).
shots=0
for page in $PAGES; do
	profile=$(mktemp -d)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$T/${page%.html}.png" --window-size=1280,1000 \
		"file://$SITE/$page" > "$T/chromium.log" 2>&1
	rc=$?
	rm -rf "$profile"
	[ $rc = 0 ] || fail "chromium on $page: exit $rc: $(tail -3 "$T/chromium.log")"
	check_png "$T/${page%.html}.png" 1280 1000
	shots=$((shots + 1))
	grep -q 'img class="chart"' "$SITE/$page" || continue
	white=$(convert "$T/${page%.html}.png" -fill black +opaque white -format '%[fx:round(mean*w*h)]' info:)
	coloured=$(convert "$T/${page%.html}.png" -colorspace HSL -channel G -separate +channel -threshold 35% \
		-format '%[fx:round(mean*w*h)]' info:)
	[ "$white" -ge 341000 ] || fail "$page: the chart did not load in the browser ($white white pixels)"
	[ "$coloured" -ge 5000 ] || fail "$page: the chart shows no series in the browser ($coloured coloured pixels)"
done
echo "dashboard_browser: $n pages checked, $shots screenshots: ok"
