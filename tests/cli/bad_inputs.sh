# The bad-input catalogue (tests/bad-input/catalogue.tsv): every malformed input it lists, run
# through its program, must give exactly its exit status, a message prefixed with the program's
# name that contains the expected fragment (the file, line and field at fault), and no partial
# output: nothing on standard output, no file where -o and its kin point, the store unchanged.
. "$CRA_SRC/tests/testlib.sh"
t_init bad_inputs
# Small models: a second spinning thread only slows a busy machine.  No case may reach the
# network: the exchange's address is one where nothing listens.
export OMP_NUM_THREADS=1 CRA_BINANCE_URL=http://127.0.0.1:9
D="$CRA_SRC/tests/bad-input"
G="$T/gen"
mkdir -p "$G" "$T/o" || exit 1

# --- what the cases need, made here rather than committed ------------------------------------
# A stored series and two tiny models of it (trained on its first 300 candles, so that a
# backtest has candles after them to walk).
awk -v n=400 -v phi=0.5 -f "$CRA_SRC/tests/cli/xgb_candles.awk" > "$G/SYNUSDT-1h.csv"
cra-fetch -q --import "$G/SYNUSDT-1h.csv" || fail "importing the good series"
cut=$(sed -n 302p "$G/SYNUSDT-1h.csv" | cut -d, -f1)
X="$G/xgb.bundle" L="$G/lstm.bundle"
cra-train-xgb -q -s SYNUSDT -i 1h --to "$cut" --trees 3 -j 1 -o "$X" > /dev/null || fail "training xgb"
cra-train-lstm -q -s SYNUSDT -i 1h --to "$cut" -w 8 --hidden 4 -e 1 -j 1 -o "$L" > /dev/null ||
	fail "training the LSTM"
# The same candles under another symbol's name.
cp "$G/SYNUSDT-1h.csv" "$G/ETHUSDT-1h.csv"
# Huge lines: a record over the readers' 1 MiB limit, and a 2 MB number on a short line.
python3 - "$G" << 'PY'
import random, sys
g = sys.argv[1]
head = "open_time,open,high,low,close,volume\n1672531200000,100,102,99,101,5\n"
open(g + "/huge-line.csv", "w").write(head + "1672534800000,101,103,100,102," + "7," * (1 << 20) + "\n")
open(g + "/huge-number.csv", "w").write(head.split("\n")[0] + "\n1672531200000,100,102,99,101," + "1" * 2000000 + "\n")
# Random bytes, the same every run (a PNG's signature first, as a misplaced picture would have).
random.seed(7)
open(g + "/garbage.bin", "wb").write(b"\x89PNG" + bytes(random.randrange(256) for _ in range(8188)))
open(g + "/nul-byte.csv", "wb").write(head.encode() + b"1672534800000,101,103,100,102,6\x00\n")
PY
[ -s "$G/garbage.bin" ] || fail "generating inputs"
# Damaged bundles: cut short, one byte flipped, and well-formed ones (a valid checksum) whose
# symbol or interval is not one.
size=$(wc -c < "$X")
head -c $((size - 100)) "$X" > "$G/truncated.bundle"
cp "$X" "$G/flipped.bundle"
printf '\377' | dd of="$G/flipped.bundle" bs=1 seek=300 conv=notrunc 2> /dev/null
rebundle "$X" "$G/sql-symbol.bundle" "meta['symbol'] = \"a';--\"" || fail "rebundle"
rebundle "$X" "$G/bad-interval.bundle" "meta['interval'] = \"1h'--\"" || fail "rebundle"

# --- the cases -------------------------------------------------------------------------------
# Everything a failed run could leave behind: the store, the models and outputs directories,
# and the directory the cases' -o options point into.
world() {
	store_digest
	# (a directory's own time changes when a failed run removes its temporary file: as it should)
	find "$T/o" "$CRA_MODELS" "$CRA_OUT" \( -type d -printf '%p/\n' \) -o -printf '%p %s %T@\n' 2> /dev/null
}

# run_case ID PROGRAM ARGS INPUT STATUS MESSAGE: one row of the catalogue.
run_case() {
	local id=$1 prog=$2 args=$3 input=$4 want=$5 msg=$6
	local O="$T/o/out.csv" P="$T/o/out.png" B="$T/o/model.bundle" stdin=/dev/null
	local -a argv
	eval "argv=($args)" || fail "$id: cannot read its arguments: $args"
	case $input in
	-) ;;
	\<*) eval "stdin=${input#<}" ;;
	*) eval "argv+=(\"$input\")" ;;
	esac
	local before
	before=$(world)
	"$prog" "${argv[@]}" < "$stdin" > "$T/stdout" 2> "$T/stderr"
	local got=$?
	[ "$got" = "$want" ] || fail "$id: $prog ${argv[*]}: exit $got, expected $want; stderr: $(cat "$T/stderr")"
	head -1 "$T/stderr" | grep -q "^$prog: " || fail "$id: stderr does not start with '$prog: ': $(cat "$T/stderr")"
	grep -qF -- "$msg" "$T/stderr" || fail "$id: stderr '$(cat "$T/stderr")' lacks '$msg'"
	[ ! -s "$T/stdout" ] || fail "$id: a failed run wrote to standard output: $(head -c 200 "$T/stdout")"
	[ -z "$(ls -A "$T/o")" ] || fail "$id: a failed run left output behind: $(ls -A "$T/o")"
	[ "$(world)" = "$before" ] || fail "$id: a failed run changed the store, models or outputs"
}

declare -A by_status by_program
n=0
while IFS=$'\t' read -r id category prog problem args input status msg; do
	case $id in '#'* | id | '') continue ;; esac
	[ -n "$msg" ] || fail "$id: a malformed catalogue row (8 tab-separated columns)"
	run_case "$id" "$prog" "$args" "$input" "$status" "$msg"
	n=$((n + 1))
	by_status[$status]=$((${by_status[$status]:-0} + 1))
	by_program[$prog]=$((${by_program[$prog]:-0} + 1))
done < "$D/catalogue.tsv"

# Every program is in the catalogue, and the catalogue is as long as it says.
for p in cra-fetch cra-features cra-train-xgb cra-train-lstm cra-predict cra-backtest cra-sim \
	cra-drift cra-explain cra-plot; do
	[ "${by_program[$p]:-0}" -gt 0 ] || fail "no case for $p"
done
[ "$n" -ge 50 ] || fail "only $n cases"
summary=""
for s in $(printf '%s\n' "${!by_status[@]}" | sort -n); do
	summary="$summary, $s: ${by_status[$s]}"
done
echo "bad_inputs: $n cases (by status${summary#,})"
