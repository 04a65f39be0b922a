# cra-pipeline killed with SIGKILL - the whole process group, as a cron daemon or the OOM
# killer might - at moments spread over a run that imports new candles, finds drift and
# retrains: every file under data/, models/ and out/ is then whole (the file before the run
# or the one an undisturbed run writes; the leaderboard may hold rows of both), and the next
# run exits 0 with results equal to an undisturbed run's.
. "$CRA_SRC/tests/testlib.sh"
t_init pipeline_crash
need_shared_data
export OMP_NUM_THREADS=1 CRA_RETRY_BASE_MS=1 CRA_BACKTEST_DAYS=10
# Models that take a good share of the run to train, for kills to land mid-retraining.
export CRA_LSTM_ARGS="--window 16 --hidden 16 --epochs 4 --patience 0" CRA_XGB_ARGS="-H 1,4 --trees 40 --early-stop 0"
# The exchange is unreachable (a closed port): the pipeline goes on with the imported candles.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CRA_BINANCE_URL="http://127.0.0.1:$port"
pipeline="$CRA_SRC/scripts/cra-pipeline"

# The state before the run: a finished run on older candles; the run imports 300 newer ones.
mkdir "$T/old" "$T/new"
{ head -1 "$SHARED_DATA/BTCUSDT.csv"; sed -n 20002,22000p "$SHARED_DATA/BTCUSDT.csv"; } > "$T/old/BTCUSDT-1h.csv"
{ head -1 "$SHARED_DATA/BTCUSDT.csv"; sed -n 22001,22300p "$SHARED_DATA/BTCUSDT.csv"; } > "$T/new/BTCUSDT-1h.csv"
run() { # DIR [ARGS...]: the pipeline in DIR (its data/, models/, out/)
	local dir=$1
	shift
	(cd "$dir" && CRA_DATA=data CRA_MODELS=models CRA_OUT=out exec "$pipeline" BTCUSDT "$@")
}
# same A B: the files are equal; dashboard pages may differ in the minute they say they
# were written.
same() {
	cmp -s "$1" "$2" && return 0
	case $1 in *.html) ;; *) return 1 ;; esac
	[ -f "$2" ] && cmp -s <(grep -v '^<p class="updated">Written ' "$1") <(grep -v '^<p class="updated">Written ' "$2")
}
# same_tree A B: the same files, each the same.
same_tree() {
	[ "$(cd "$1" && find . -type f | sort)" = "$(cd "$2" && find . -type f | sort)" ] || return 1
	local f
	while IFS= read -r f; do same "$1/$f" "$2/$f" || return 1; done < <(cd "$1" && find . -type f)
}
mkdir "$T/before" && run "$T/before" --import "$T/old/BTCUSDT-1h.csv" > /dev/null 2> "$T/log" || fail "the first run: $(cat "$T/log")"

# An undisturbed run: the files it writes, and its time.
clean=$T/clean
cp -a "$T/before" "$clean"
start=$(date +%s%N)
run "$clean" --import "$T/new/BTCUSDT-1h.csv" > /dev/null 2> "$T/log" || fail "undisturbed run: $(cat "$T/log")"
full_ms=$((($(date +%s%N) - start) / 1000000))
grep -q '^cra-pipeline: train xgb BTCUSDT: ok' "$T/log" || fail "the undisturbed run did not retrain: $(cat "$T/log")"
# A kill after the new models are in leaves the next run a second run (which judges drift
# against the new models): its results are those of an undisturbed run followed by another.
cp -a "$clean" "$T/again"
run "$T/again" --import "$T/new/BTCUSDT-1h.csv" > /dev/null 2> "$T/log" || fail "a second run: $(cat "$T/log")"

is_temp() { case $1 in *.tmp-??????|*/.*.new.bundle|*/.*.csv.new) return 0 ;; esac; return 1; }

# check_whole DIR ROUND: every file is the one before the run, or the undisturbed run's.
check_whole() {
	local dir=$1 round=$2 f rel
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		if is_temp "$rel"; then continue
		elif [ "$rel" = models/.BTCUSDT-1h.retraining ]; then counts[marker]=$((counts[marker] + 1))
		elif same "$f" "$T/before/$rel"; then counts[old]=$((counts[old] + 1))
		elif same "$f" "$clean/$rel"; then counts[new]=$((counts[new] + 1))
		elif [ "$rel" = out/leaderboard.csv ]; then
			# Upserted by each backtest: whole rows of either run, one header.
			[ "$(head -1 "$f")" = "$(head -1 "$clean/$rel")" ] || fail "round $round: $rel: header"
			tail -n +2 "$f" | grep -vxF -f <(cat "$T/before/$rel" "$clean/$rel") && fail "round $round: $rel: a row of neither run"
			counts[mixed]=$((counts[mixed] + 1))
		else
			fail "round $round: $rel is neither the file before the run nor the undisturbed run's ($(wc -c < "$f") bytes)"
		fi
	done < <(find "$dir" -type f)
	# Nothing that was there before has gone.
	while IFS= read -r f; do
		[ -e "$dir/${f#"$T/before"/}" ] || fail "round $round: ${f#"$T/before"/} vanished"
	done < <(find "$T/before" -type f)
}

sleep_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
declare -A counts=([old]=0 [new]=0 [mixed]=0 [marker]=0) next=([clean]=0 [again]=0)
killed=0 temps=0 rounds=5
for round in $(seq 1 $rounds); do
	dir=$T/kill-$round
	cp -a "$T/before" "$dir"
	setsid bash -c 'cd "$1" && CRA_DATA=data CRA_MODELS=models CRA_OUT=out exec "$2" BTCUSDT --import "$3"' \
		_ "$dir" "$pipeline" "$T/new/BTCUSDT-1h.csv" > /dev/null 2>&1 &
	pid=$!
	sleep_ms $((full_ms * round / 5))
	# setsid made the pipeline the leader of its own group: kill every process in it.
	kill -9 -- -$pid 2>/dev/null
	wait $pid
	status=$?
	[ $status = 137 ] && killed=$((killed + 1))
	[ $status = 137 ] || [ $status = 0 ] || fail "round $round: exit $status before the kill"
	find "$dir" -name '*.tmp-??????' -o -name '.*.new.bundle' -o -name '.*.csv.new' | grep -q . && temps=$((temps + 1))
	check_whole "$dir" "$round"
	# The leftovers of killed writers, made an hour old: the next run sweeps them.
	find "$dir" \( -name '*.tmp-??????' -o -name '.*.new.bundle' -o -name '.*.csv.new' \) -exec touch -d '2 hours ago' {} +
	run "$dir" --import "$T/new/BTCUSDT-1h.csv" > /dev/null 2> "$T/log" || fail "round $round: the next run failed: $(cat "$T/log")"
	if same_tree "$clean" "$dir"; then next[clean]=$((next[clean] + 1))
	elif same_tree "$T/again" "$dir"; then next[again]=$((next[again] + 1))
	else
		diff -r "$clean" "$dir" | head -5
		fail "round $round: the next run's results differ from an undisturbed run's"
	fi
done
echo "pipeline_crash: $killed of $rounds runs killed mid-way (undisturbed $full_ms ms); files found" \
	"as before the run ${counts[old]} times, as after it ${counts[new]}, a leaderboard of both" \
	"${counts[mixed]}; ${counts[marker]} kills interrupted a retraining, $temps left temporary files; the next run ended as one undisturbed run" \
	"${next[clean]} times, as two ${next[again]} times"
[ $killed -gt 0 ] && [ "${counts[old]}" -gt 0 ] || fail "no kill landed mid-run"
echo "pipeline_crash: ok"
