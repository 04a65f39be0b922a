# cra-drift on the real hourly data against SciPy 1.10.1 / numpy 1.24.2, computed outside
# this test (Debian python3-scipy, python3-pandas) on the same windows:
#   df = pd.read_csv(SYMBOL.csv); return = log(close / close.shift(1)), NaN dropped
#   ks, p = scipy.stats.ks_2samp(base, recent)                  (method 'auto')
#   js = scipy.spatial.distance.jensenshannon(ha/len(base), hb/len(recent), base=2)**2,
#        ha, hb = np.histogram(x, 20, (min, max of both))
#   psi as in tests/unit/test_drift.c (baseline deciles by np.quantile, shares floored 1e-4)
# Three windowings cover both p-value branches: exact (5000 vs 720), and the large-sample
# one at effective sizes 1834 and 166 (the Durbin/Pomeranz/Smirnov choices of kstwo).
. "$CRA_SRC/tests/testlib.sh"
need_shared_data
t_init drift_real

# check FILE FEATURE N_BASE N_RECENT KS P JS PSI: the row agrees to 1e-12 relative (p to 1e-9,
# and within 1e-300 when SciPy's p underflows to 0).
check() {
	awk -F, -v f="$2" -v nb="$3" -v nr="$4" -v ks="$5" -v p="$6" -v js="$7" -v psi="$8" '
		function off(a, b, rel) { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return d > rel * m + 1e-300 }
		$1 == f { found = 1
			if ($2 != nb || $3 != nr || off($4, ks, 1e-12) || off($5, p, 1e-9) || off($7, js, 1e-12) || off($8, psi, 1e-12)) {
				print "got " $0; bad = 1 } }
		END { exit bad || !found }' "$1" || fail "$2 differs from SciPy: want $*"
}

expect 1 "drift in 3 of 3 features" cra-drift --baseline-window 5000 --recent-window 720 "$SHARED_DATA/BTCUSDT.csv"
check "$T/out" close 5000 720 0.9898555555555556 0.0 0.9770029563123052 8.283089355027482
check "$T/out" return 5000 720 0.09006666666666667 6.796197303743174e-05 0.01278361097339107 0.13100167056136722
check "$T/out" volume 5000 720 0.16844444444444445 4.506318524739116e-16 0.01235132941594986 0.232041888031103
grep -q '^return,.*,exact,' "$T/out" || fail "5000 vs 720 is SciPy's exact branch"

expect 1 "" cra-drift --recent-window 2000 "$SHARED_DATA/ETHUSDT.csv"
check "$T/out" close 21989 2000 0.35972781845468194 6.566474765464994e-213 0.37710378717851706 3.2884447205878775
check "$T/out" return 21988 2000 0.06714044024013098 1.2536989924015056e-07 0.026378470682981457 0.11475800040003192
check "$T/out" volume 21989 2000 0.25169714402655874 8.051373763714012e-103 0.05500328733826398 0.3862262297555191
grep -q '^return,.*,asymp,' "$T/out" || fail "21988 vs 2000 is SciPy's large-sample branch"

# From the store, a week against 15000 hours before it.
mkdir -p "$CRA_DATA" && cp "$SHARED_DATA/BNBUSDT.csv" "$CRA_DATA/BNBUSDT-1h.csv"
expect 1 "" cra-drift -s BNBUSDT -i 1h --baseline-window 15000 --recent-window 168
check "$T/out" close 15000 168 0.4245333333333333 1.169440572822574e-27 0.376372358949034 3.510356688849642
check "$T/out" return 15000 168 0.15049523809523813 0.0009535192445125358 0.05366352329346972 0.3784664456423431
check "$T/out" volume 15000 168 0.4429142857142857 3.459626298740937e-30 0.1363215900046594 1.7855953049301698
echo "drift_real: ok"
