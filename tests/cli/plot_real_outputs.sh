# cra-plot's forecast and regime kinds on the real outputs of cra-predict and cra-backtest
# (plot_kinds tests every kind on tables in those formats; this closes the loop with the
# producers themselves): PNG and SVG of the requested size, no gnuplot warning, and a chart
# that draws the forecast's and the probabilities' points.
. "$CRA_SRC/tests/testlib.sh"
. "$CRA_SRC/tests/cli/plot_images.bash"
t_init plot_real_outputs
need_shared_data
export OMP_NUM_THREADS=1
cd "$T" || exit 1
cra-fetch -q --import "$SHARED_DATA/BTCUSDT.csv" || fail "import"
cra-train-xgb -q -s BTCUSDT -i 1h --to 2023-10-01 --trees 30 -o "$T/ret.bundle" > /dev/null || fail "train return model"
cra-train-xgb -q -s BTCUSDT -i 1h --to 2023-10-01 --trees 30 -t regime:4 -o "$T/reg.bundle" > /dev/null || fail "train regime model"

cra-predict -q -m "$T/ret.bundle" --steps 6 -o "$T/forecast.csv" || fail "cra-predict"
head -1 "$T/forecast.csv" | grep -q '^open_time,step,model,method,pred,lower,upper' || fail "forecast header"
expect 0 "" cra-plot forecast -s BTCUSDT -i 1h --last 60 -o "$T/forecast.png" --size 900x600 "$T/forecast.csv"
grep -qi warning "$T/err" && fail "cra-plot forecast warned: $(cat "$T/err")"
check_png "$T/forecast.png" 900 600
expect 0 "" cra-plot forecast -s BTCUSDT -i 1h --last 60 -o "$T/forecast.svg" --size 900x600 "$T/forecast.csv"
check_chart "$T/forecast.svg" 900 600

cra-backtest -q -m "$T/reg.bundle" --from 2023-12-01 -o "$T/regime.csv" || fail "cra-backtest with a regime model"
head -1 "$T/regime.csv" | grep -q 'p_bull' || fail "no regime columns in cra-backtest's table"
expect 0 "" cra-plot regime -H 4 -s BTCUSDT -i 1h -o "$T/regime.png" --size 1000x700 "$T/regime.csv"
grep -qi warning "$T/err" && fail "cra-plot regime warned: $(cat "$T/err")"
check_png "$T/regime.png" 1000 700
expect 0 "" cra-plot regime -H 4 -s BTCUSDT -i 1h -o "$T/regime.svg" --size 1000x700 "$T/regime.csv"
check_chart "$T/regime.svg" 1000 700 100
echo "plot_real_outputs: ok"
