# With 10% server errors and 5% truncated bodies injected at random (seeded), a full
# download of the three symbols is still exactly the fault-free result.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

NOW=2023-12-30T21:30Z
mock_start --now $NOW --fail-rate 0.10 --truncate-rate 0.05 --seed 7
"$F" BTCUSDT ETHUSDT BNBUSDT --since 2021-01-01 2> "$T/err" || { cat "$T/err"; fail "download"; }
for s in BTCUSDT ETHUSDT BNBUSDT; do
	expected $s $NOW > "$T/want-$s.csv"
	check_store $s "$T/want-$s.csv"
done
faults=$(mock_log | awk -F'\t' '$9 != "-"' | wc -l)
total=$(mock_log | wc -l)
echo "$faults faults injected in $total requests"
[ "$faults" -ge 5 ] || fail "only $faults faults injected"
[ "$(grep -c 'trying again' "$T/err")" -ge "$faults" ] || fail "a fault went unnoticed"
# Every retry came after a pause (backoff), never at once: the next request after a failed
# one starts at least half the base backoff (CRA_RETRY_BASE_MS=20) later.
mock_log | awk -F'\t' 'prev_fault && $1 - prev_t < 10 { bad = 1; print "retry after " $1 - prev_t " ms" }
	{ prev_fault = ($9 != "-" && $9 != "slow"); prev_t = $1 } END { exit bad }' || fail "retry without backoff"
# A second run adds nothing.
"$F" BTCUSDT ETHUSDT BNBUSDT -q || fail "second run"
for s in BTCUSDT ETHUSDT BNBUSDT; do check_store $s "$T/want-$s.csv"; done
echo "random faults ok"
