# cra-train-xgb and cra-train-lstm killed with SIGKILL at moments spread over a run that
# writes -o BUNDLE over an old bundle: the bundle is then byte for byte the old one or the
# new one (training is deterministic: the new one is an undisturbed run's), cra-predict
# loads it, and the next run completes.  Temporary files left by a killed writer, or planted
# stale ones, break nothing.
. "$CRA_SRC/tests/testlib.sh"
t_init train_crash
need_shared_data
export OMP_NUM_THREADS=1

# A slice of hourly BTCUSDT: enough for a training run of about half a second.
{ head -1 "$SHARED_DATA/BTCUSDT.csv"; tail -n 3000 "$SHARED_DATA/BTCUSDT.csv"; } > "$T/BTCUSDT-1h.csv"
cra-fetch -q --import "$T/BTCUSDT-1h.csv" || fail "import"
mkdir -p "$CRA_MODELS"

sleep_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# crash_rounds KIND ROUNDS TRAIN-ARGS...: the old bundle from a small model, the new one
# from TRAIN-ARGS (twice, to see it is deterministic and time it), then ROUNDS kills.
crash_rounds() {
	local kind=$1 rounds=$2 prog=cra-train-$1 round pid status full_ms=
	shift 2
	local dir=$CRA_MODELS/$kind bundle=$CRA_MODELS/$kind/BTCUSDT-1h-$kind.bundle
	mkdir -p "$dir"
	# A stale temporary file from some long-dead writer: it must not get in the way.
	printf 'craipto-model 1 half a bund' > "$dir/.BTCUSDT-1h-$kind.bundle.tmp-Xq3ZzA"
	local old_args=(--trees 5)
	[ "$kind" = lstm ] && old_args=(--window 8 --hidden 4 --epochs 1)
	$prog -q -s BTCUSDT -i 1h "${old_args[@]}" -o "$T/$kind-old.bundle" > /dev/null || fail "$kind: old bundle"
	for run in 1 2; do
		local start
		start=$(now_ms)
		$prog -q -s BTCUSDT -i 1h "$@" -o "$T/$kind-new-$run.bundle" > /dev/null || fail "$kind: undisturbed run"
		local ms=$(($(now_ms) - start))
		[ -n "$full_ms" ] && [ "$full_ms" -le "$ms" ] || full_ms=$ms
	done
	cmp -s "$T/$kind-new-1.bundle" "$T/$kind-new-2.bundle" || fail "$kind: training is not deterministic"
	cmp -s "$T/$kind-old.bundle" "$T/$kind-new-1.bundle" && fail "$kind: the old and new bundles are the same"
	local old=0 new=0 killed=0 temps=0
	for round in $(seq 1 "$rounds"); do
		cp "$T/$kind-old.bundle" "$bundle"
		$prog -q -s BTCUSDT -i 1h "$@" -o "$bundle" > /dev/null 2>&1 & pid=$!
		sleep_ms $((full_ms * round / 4))
		kill -9 $pid 2>/dev/null
		wait $pid
		status=$?
		[ $status = 137 ] && killed=$((killed + 1))
		[ $status = 137 ] || [ $status = 0 ] || fail "$kind round $round: exit $status before the kill"
		if cmp -s "$bundle" "$T/$kind-old.bundle"; then old=$((old + 1))
		elif cmp -s "$bundle" "$T/$kind-new-1.bundle"; then new=$((new + 1))
		else fail "$kind round $round: after kill -9 the bundle is neither the old nor the new one"; fi
		[ "$(ls -A "$dir" | grep -c 'tmp-')" -gt 1 ] && temps=$((temps + 1))
		cra-predict -q -m "$bundle" --steps 1 -o /dev/null 2> "$T/err" ||
			fail "$kind round $round: the bundle left by kill -9 does not load: $(cat "$T/err")"
		$prog -q -s BTCUSDT -i 1h "$@" -o "$bundle" > /dev/null 2> "$T/err" ||
			fail "$kind round $round: the next run failed: $(cat "$T/err")"
		cmp -s "$bundle" "$T/$kind-new-1.bundle" || fail "$kind round $round: the next run wrote another bundle"
	done
	# Whatever temporary files the kills left are never taken for the model.
	cra-predict -q -m "$bundle" --steps 1 -o - > /dev/null 2>&1 || fail "$kind: the bundle beside stale temporary files"
	[ -z "$(ls -A "$dir" | grep -v 'tmp-' | grep -vx "BTCUSDT-1h-$kind.bundle")" ] ||
		fail "$kind: stray files in the models directory: $(ls -A "$dir")"
	echo "train_crash $kind: $killed of $rounds runs killed mid-way (undisturbed $full_ms ms):" \
		"$old left the old bundle, $new the new one; $temps left a temporary file"
	[ $old -gt 0 ] || fail "$kind: no kill landed before the bundle was replaced: the test did not exercise a mid-run kill"
}

crash_rounds xgb 5 -H 1,4 --trees 150 --early-stop 0
crash_rounds lstm 5 --window 16 --hidden 16 --epochs 16 --patience 0
echo "train_crash: ok"
