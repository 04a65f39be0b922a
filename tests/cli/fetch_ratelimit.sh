# Rate limits: the client honours Retry-After after a 429 and never sends before it; it slows
# down before the weight limit on its own; a 418 (ban) stops it with 75, keeping every
# complete page, and the next run resumes to the exact fault-free result.
. "$CRA_SRC/tests/cli/fetch_mock.sh"

NOW=2023-12-30T21:30Z
expected BTCUSDT $NOW | awk -F, 'NR == 1 || $1 >= 1693526400000' > "$T/want-sep.csv"

# --- a 429 with Retry-After: 1 on the second page ------------------------------------------
mock_start --now $NOW --fault klines:2:429 --retry-after 1
CRA_DATA=$T/a "$F" BTCUSDT --since 2023-09-01 2> "$T/err-429" || { cat "$T/err-429"; fail "429 run"; }
CRA_DATA=$T/a check_store BTCUSDT "$T/want-sep.csv"
grep -q "rate limited (HTTP 429.*Retry-After 1 s" "$T/err-429" || { cat "$T/err-429"; fail "429 notice"; }
mock_log > "$T/log-429"
awk -F'\t' '$6 == 429 { t = $1; seen = 1; next }
	seen == 1 { if ($1 - t < 1000) { print "sent " $1 - t " ms after the 429"; bad = 1 } seen = 2 }
	$6 == 418 { print "banned"; bad = 1 }
	END { exit bad || seen != 2 }' "$T/log-429" || { cat "$T/log-429"; fail "Retry-After not honoured"; }

# --- the real thing: over the mock's limit (20 a minute, the client thinks 1200) ------------
# The mock's minute ends 5 s after it starts: the client runs into the limit, gets a 429 with
# Retry-After up to the minute's end, waits, and goes on under the limit.  15 pages.
expected BTCUSDT $NOW | awk -F, 'NR == 1 || $1 >= 1664582400000' > "$T/want-oct.csv"
mock_start --now 2023-12-30T21:29:55Z --weight-limit 20
CRA_DATA=$T/b "$F" BTCUSDT --since 2022-10-01 2> "$T/err-limit" || { cat "$T/err-limit"; fail "limit run"; }
CRA_DATA=$T/b check_store BTCUSDT "$T/want-oct.csv"
mock_log > "$T/log-limit"
awk -F'\t' '$6 == 429 { t = $1 * 1; ra_end = t + 1000 * (60 - int($2 / 1000) % 60) - 1000; n429++; next }
	n429 && $1 < ra_end - 5 { print "request " $1 " ms before Retry-After ended at " ra_end; bad = 1 }
	n429 && $6 == 200 && $8 > 20 { print "over the limit after the 429: " $8; bad = 1 }
	$6 == 418 { print "banned"; bad = 1 }
	END { if (n429 != 1) { print n429 " 429s"; bad = 1 } exit bad }' "$T/log-limit" ||
	{ cat "$T/log-limit"; fail "limit: Retry-After or the weight limit not honoured"; }

# --- the governor: told the limit, the client never reaches it -------------------------------
mock_start --now 2023-12-30T21:29:55Z --weight-limit 20
CRA_DATA=$T/c "$F" BTCUSDT --since 2022-10-01 --weight-limit 20 2> "$T/err-gov" || { cat "$T/err-gov"; fail "governor run"; }
CRA_DATA=$T/c check_store BTCUSDT "$T/want-oct.csv"
grep -q "request weight .* of 20 used this minute: waiting" "$T/err-gov" || { cat "$T/err-gov"; fail "no governor wait"; }
mock_log | awk -F'\t' '$6 != 200 || $8 > 18 { print; bad = 1 } END { exit bad }' ||
	fail "the governor let the used weight above 90% of the limit"

# --- 418: stop with 75 and the ban's duration; complete pages kept; the next run resumes -----
mock_start --now $NOW --fault klines:3:418 --ban-seconds 120
CRA_DATA=$T/d "$F" BTCUSDT --since 2023-09-01 2> "$T/err-418"
st=$?
[ $st = 75 ] || { cat "$T/err-418"; fail "418: exit $st, expected 75"; }
grep -q "banned by the exchange for 120 s (until " "$T/err-418" || { cat "$T/err-418"; fail "418 message"; }
[ "$(mock_log | wc -l)" = 4 ] || fail "418: requests after the ban"
CRA_DATA=$T/d "$F" --dump BTCUSDT -o - > "$T/partial.csv"
[ "$(wc -l < "$T/partial.csv")" = 2001 ] || fail "418: expected the two complete pages stored"
head -2001 "$T/want-sep.csv" | cmp -s - "$T/partial.csv" || fail "418: the stored pages differ"
mock_start --now $NOW
CRA_DATA=$T/d "$F" BTCUSDT --since 2023-09-01 2> "$T/err-resume" || fail "resume"
CRA_DATA=$T/d check_store BTCUSDT "$T/want-sep.csv"
[ "$(mock_log | grep -c /api/v3/klines)" = 1 ] || fail "resume: not one request"
last=$(tail -1 "$T/partial.csv" | cut -d, -f1)
grep -q "startTime=$((last + 3600000))&" "$T/mock.log" || fail "resume: not after the newest stored candle"
echo "rate limits ok"
