# cra-plot's errors: usage (64), bad tables (65, naming file:line and the column), missing
# input (66), no gnuplot (69), gnuplot's complaints (70), unwritable output (73) - and after
# each failure no picture, not even a half-written one, and an older picture left as it was.
. "$CRA_SRC/tests/testlib.sh"
t_init plot_errors
. "$CRA_SRC/tests/cli/plot_images.bash"
mkdir -p "$T/d"
printf 'open_time,open,high,low,close,volume\n1700000000000,10,11,9,10.5,100\n1700003600000,10.5,12,10,11,80\n1700007200000,11,11.5,10.2,10.8,90\n' > "$T/c.csv"
printf 'open_time,actual,pred,lower,upper,model\n1700000000000,10,10.2,9,11,m\n1700003600000,11,10.5,9.5,11.5,m\n' > "$T/bt.csv"

# Usage.
expect 64 "which chart? give a KIND" cra-plot
expect 64 "unknown kind 'candle'" cra-plot candle "$T/c.csv"
expect 64 "-o $T/d/x.gif: which format? name the file .png, .svg or .pdf" cra-plot candles -o "$T/d/x.gif" "$T/c.csv"
expect 64 "--term: expected png, svg, pdf or dumb, got 'jpeg'" cra-plot candles --term jpeg "$T/c.csv"
expect 64 "--size: expected WIDTHxHEIGHT" cra-plot candles --size 1200 "$T/c.csv"
expect 64 "--sma does not apply to backtest" cra-plot backtest --sma 20 "$T/bt.csv"
expect 64 "--trades does not apply to candles" cra-plot candles --trades "$T/bt.csv" "$T/c.csv"
expect 64 "one input table at most" cra-plot backtest "$T/bt.csv" "$T/bt.csv"
expect 64 "--sma 20,x:" cra-plot candles --sma 20,x "$T/c.csv"
expect 64 "--model does not apply to candles" cra-plot candles --model m "$T/c.csv"
expect 64 "--last does not apply to shap" cra-plot shap --last 3 "$T/c.csv"
expect 64 "--from does not apply to leaderboard" cra-plot leaderboard --from 2023-01-01 "$T/c.csv"
expect 64 "--from: expected a time" cra-plot candles --from yesterday "$T/c.csv"
expect 64 "--symbol needs the interval" cra-plot forecast -s BTCUSDT "$T/bt.csv"
expect 64 "dashboard: where to? give --out DIR" cra-plot dashboard

# Missing input.
expect 66 "$T/nope.csv" cra-plot backtest "$T/nope.csv"
expect 66 "no candles for ETHUSDT 1h" cra-plot candles -s ETHUSDT -i 1h

# Bad tables: the file, the line and the column.
printf 'open_time,actual,predicted\n1,2,3\n' > "$T/bad.csv"
expect 65 "bad.csv:1: no 'pred' column in the header (expected cra-backtest's table" cra-plot backtest -o "$T/d/x.png" "$T/bad.csv"
printf 'open_time,actual,pred\n1700000000000,10,10.2\n1700003600000,abc,10.5\n' > "$T/bad.csv"
expect 65 "bad.csv:3: field 'actual': expected a number, got 'abc'" cra-plot backtest -o "$T/d/x.png" "$T/bad.csv"
printf 'open_time,actual,pred\n1700003600000,10,10.2\n1700000000000,11,10.5\n' > "$T/bad.csv"
expect 65 "bad.csv:3: field 'open_time' is earlier than the previous row's" cra-plot backtest -o "$T/d/x.png" "$T/bad.csv"
printf 'open_time,open,high,low,close,volume\n1700000000000,10,9,9,10.5,100\n' > "$T/bad.csv"
expect 65 "bad.csv:2: field 'high' is below max(open, close)" cra-plot candles -o "$T/d/x.png" "$T/bad.csv"
printf 'open_time,open,high,low,close\n1700000000000,10,11,9,10.5\n' > "$T/bad.csv"
expect 65 "bad.csv:1: no 'volume' column in the header (expected a candle table)" cra-plot candles "$T/bad.csv"
printf 'symbol,interval,model,horizon,rmse,mae\nBTCUSDT,1h,naive,1,160,100\nBTCUSDT,1h,naive,1,150,90\n' > "$T/bad.csv"
expect 65 "bad.csv:3: a second row for model 'naive' in BTCUSDT 1h, horizon 1 (line 2)" cra-plot leaderboard "$T/bad.csv"
printf 'feature,bin_lo,bin_hi,baseline_frac,recent_frac\nx,1,1,0.5,0.5\n' > "$T/bad.csv"
expect 65 "bad.csv:2: field 'bin_hi' is not above bin_lo" cra-plot drift "$T/bad.csv"
printf 'feature,bin_lo,bin_hi,baseline_frac,recent_frac\nx,0,1,0.5,0.5\n' > "$T/h.csv"
expect 65 "no histogram of feature 'y'" cra-plot drift --feature y "$T/h.csv"
printf 'feature,mean_abs_shap\nrsi_14,-1\n' > "$T/bad.csv"
expect 65 "bad.csv:2: field 'mean_abs_shap' is negative" cra-plot shap "$T/bad.csv"
printf 'feature,importance\nrsi_14,1\n' > "$T/bad.csv"
expect 65 "no 'mean_abs_shap' column (cra-explain --summary's table) nor 'base_value' column" cra-plot shap "$T/bad.csv"
printf 'open_time,prediction,base_value,rsi_14\n1700000000000,1,0.5,0.5\n' > "$T/rows.csv"
expect 65 "no row with open_time 2023-11-14 23:00 UTC (--at)" cra-plot shap --at 2023-11-14T23:00 "$T/rows.csv"
printf 'feature,mean_abs_shap\nrsi_14,1\n' > "$T/summary.csv"
expect 64 "--at picks a candle of cra-explain's per-candle table" cra-plot shap --at 1700000000000 "$T/summary.csv"
printf 'open_time,close,regime,p_bull,p_neutral,p_bear\n1700000000000,10,up,0.5,0.3,0.2\n' > "$T/bad.csv"
expect 65 "bad.csv:2: field 'regime': expected bull, neutral or bear, got 'up'" cra-plot regime "$T/bad.csv"
printf 'open_time,close,regime,p_bull,p_neutral,p_bear\n1700000000000,10,bull,1.5,0.3,0.2\n' > "$T/bad.csv"
expect 65 "bad.csv:2: field 'p_bull' is not a probability" cra-plot regime "$T/bad.csv"
printf 'open_time,regime,p_bull,p_neutral,p_bear\n1800000000000,bull,0.5,0.3,0.2\n' > "$T/noprice.csv"
expect 64 "which candles? give --candles FILE" cra-plot regime "$T/noprice.csv"
expect 65 "no price for the rows drawn" cra-plot regime --candles "$T/c.csv" "$T/noprice.csv"
printf 'open_time,step,model,pred,lower,upper\n1700000000000,1,r,,,\n' > "$T/bad.csv"
expect 65 "no row has a pred value (a regime model's forecast is drawn by 'cra-plot regime')" cra-plot forecast "$T/bad.csv"
expect 65 "no row of model 'lstm' (column 'model')" cra-plot backtest --model lstm "$T/bt.csv"
expect 65 "bt.csv:1: no 'horizon' column to pick -H 4 from" cra-plot backtest -H 4 "$T/bt.csv"
printf 'time,side,price\n1700000000000,hold,10\n' > "$T/trades.csv"
printf 'open_time,equity\n1700000000000,100\n1700003600000,90\n' > "$T/eq.csv"
expect 65 "trades.csv:2: field 'side': expected buy or sell, got 'hold'" cra-plot equity --trades "$T/trades.csv" "$T/eq.csv"
expect 65 "no candle to draw between --from and --to" cra-plot candles --from 2030-01-01 "$T/c.csv"
printf 'open_time,actual,pred\n' > "$T/empty.csv"
expect 65 "empty.csv: no data rows after the header" cra-plot backtest "$T/empty.csv"

# A failure writes nothing: no picture, no temporary file, an older picture untouched.
expect 0 "" cra-plot candles -o "$T/d/keep.png" "$T/c.csv"
cp "$T/d/keep.png" "$T/keep.orig"
printf 'open_time,open,high,low,close,volume\n1700000000000,10,11,9,10.5,-1\n' > "$T/bad.csv"
expect 65 "field 'volume' is negative" cra-plot candles -o "$T/d/keep.png" "$T/bad.csv"
cmp -s "$T/d/keep.png" "$T/keep.orig" || fail "a failed run changed the existing picture"
[ "$(ls -A "$T/d")" = keep.png ] || fail "left behind: $(ls -A "$T/d")"
IN="$T/bad.csv" expect 65 "" cra-plot candles --term png
[ -s "$T/out" ] && fail "a failed run wrote to standard output"

# Output that cannot be created.
expect 73 "$T/no/such/dir/x.png: cannot create" cra-plot candles -o "$T/no/such/dir/x.png" "$T/c.csv"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ ! -w "$T/ro" ]; then # (root writes anywhere)
	expect 73 "cannot create" cra-plot candles -o "$T/ro/x.png" "$T/c.csv"
fi
expect 73 "cannot create the directory" cra-plot dashboard --out "$T/no/such/dir"

# No gnuplot on PATH: 69, and nothing written.
mkdir -p "$T/bin" "$T/nogp"
printf '#!/bin/bash\nPATH="%s" exec "%s" "$@"\n' "$T/bin" "$CRA_BIN/cra-plot" > "$T/nogp/cra-plot"
chmod +x "$T/nogp/cra-plot"
expect 69 "cannot run gnuplot: No such file or directory (it is not on PATH: install gnuplot-nox)" \
	"$T/nogp/cra-plot" candles -o "$T/d/g.png" "$T/c.csv"
[ -e "$T/d/g.png" ] && fail "no gnuplot, yet a picture"
# A gnuplot that complains: its words and 70; one that draws nothing: 70 too.
printf '#!/bin/sh\ncat > /dev/null\necho "line 3: warning: something odd" >&2\nexit 0\n' > "$T/bin/gnuplot"
chmod +x "$T/bin/gnuplot"
PATH="$T/bin:$PATH" expect 70 "gnuplot failed (a warning): line 3: warning: something odd" cra-plot candles -o "$T/d/g.png" "$T/c.csv"
printf '#!/bin/sh\ncat > /dev/null\nexit 0\n' > "$T/bin/gnuplot"
PATH="$T/bin:$PATH" expect 70 "gnuplot wrote nothing to $T/d/g.png" cra-plot candles -o "$T/d/g.png" "$T/c.csv"
PATH="$T/bin:$PATH" expect 70 "gnuplot drew nothing" cra-plot candles --term svg "$T/c.csv"
[ "$(ls -A "$T/d")" = keep.png ] || fail "left behind: $(ls -A "$T/d")"

# Tiny tables draw: one row, a flat series (gnuplot refuses an empty range; cra-plot pads it).
printf 'open_time,actual,pred\n1700000000000,10,10\n' > "$T/one.csv"
expect 0 "" cra-plot backtest -o "$T/d/one.svg" "$T/one.csv"
check_svg "$T/d/one.svg" 1200 800
printf 'open_time,open,high,low,close,volume\n1700000000000,10,10,10,10,0\n1700003600000,10,10,10,10,0\n' > "$T/flat.csv"
expect 0 "" cra-plot candles -o "$T/d/flat.png" "$T/flat.csv"
printf 'open_time,equity\n1700000000000,100\n' > "$T/eq1.csv"
expect 0 "" cra-plot equity -o "$T/d/eq1.png" "$T/eq1.csv"
printf 'open_time,step,model,pred,lower,upper\n1700000000000,1,x,10,,\n' > "$T/f1.csv"
expect 0 "" cra-plot forecast -o "$T/d/f1.png" "$T/f1.csv"
printf 'open_time,close,regime,p_bull,p_neutral,p_bear\n1700000000000,10,bull,0.5,0.3,0.2\n' > "$T/r1.csv"
expect 0 "" cra-plot regime -o "$T/d/r1.png" "$T/r1.csv"
printf 'symbol,interval,model,horizon,rmse,mae\nBTCUSDT,1h,naive,1,0,0\n' > "$T/l1.csv"
expect 0 "" cra-plot leaderboard -o "$T/d/l1.png" "$T/l1.csv"
printf 'feature,bin_lo,bin_hi,baseline_frac,recent_frac\nx,0,1,0,0\n' > "$T/h1.csv"
expect 0 "" cra-plot drift -o "$T/d/h1.png" "$T/h1.csv"
# SHAP values all 0 (features the trees never used), globally and for a candle.
printf 'feature,mean_abs_shap,mean_shap,rank\nx,0,0,1\n' > "$T/s1.csv"
expect 0 "" cra-plot shap -o "$T/d/s1.png" "$T/s1.csv"
printf 'open_time,prediction,base_value,a\n1700000000000,1,1,0\n' > "$T/s2.csv"
expect 0 "" cra-plot shap -o "$T/d/s2.png" "$T/s2.csv"
echo "plot_errors: ok"
