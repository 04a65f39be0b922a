# testlib.sh - what the command-line tests share.  Source it first:
#
#   . "$CRA_SRC/tests/testlib.sh"; t_init NAME
#
# t_init makes an empty scratch directory $T (and $CRA_DATA, $CRA_MODELS, $CRA_OUT inside it),
# puts the built programs first on PATH and clears CRA_DB so tests use the CSV store unless
# they ask for PostgreSQL.
set -u
: "${CRA_BIN:?CRA_BIN must name the build directory}"
: "${CRA_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${CRA_SHARED:=$CRA_SRC/../shared}"
SHARED_DATA="$CRA_SHARED/data/binance-1h"

t_init() {
	T="${CRA_TEST_TMP:-/tmp}/$1"
	rm -rf "$T" && mkdir -p "$T" || exit 1
	export CRA_DATA="$T/data" CRA_MODELS="$T/models" CRA_OUT="$T/out"
	unset CRA_DB
	export PATH="$CRA_BIN:$PATH"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Skips (77) a test that needs the shared market data, only where it is absent.
need_shared_data() {
	[ -f "$SHARED_DATA/BTCUSDT.csv" ] || { echo "skipped: $SHARED_DATA is absent"; exit 77; }
}

# expect STATUS PATTERN COMMAND ARGS...: runs the command (stdin from $IN, or /dev/null),
# checks its exit status and that stderr contains PATTERN and names the program.
# Its stdout and stderr are left in $T/out and $T/err.
expect() {
	local want=$1 pattern=$2
	shift 2
	"$@" < "${IN:-/dev/null}" > "$T/out" 2> "$T/err"
	local got=$?
	[ "$got" = "$want" ] || fail "$*: exit $got, expected $want; stderr: $(cat "$T/err")"
	grep -qF -- "$pattern" "$T/err" || fail "$*: stderr '$(cat "$T/err")' lacks '$pattern'"
	if [ "$want" != 0 ]; then
		grep -q "^$(basename "$1"): " "$T/err" || fail "$*: message not prefixed with the program name"
	fi
}

# A digest of every series file in the CSV store, to see whether anything changed.
store_digest() {
	(cd "$CRA_DATA" 2>/dev/null && cat -- *.csv 2>/dev/null) | md5sum
}

# rebundle IN OUT PYTHON: rewrites a model bundle with a valid checksum after PYTHON edits
# `meta` (a dict) and `payload` (bytes), to make bundles that are well-formed but wrong.
rebundle() {
	python3 - "$1" "$2" "$3" << 'PY'
import hashlib, json, sys
data = open(sys.argv[1], "rb").read()
head, body = data.split(b"\n", 1)
text, payload = body.split(b"\n", 1)
meta = json.loads(text)
exec(sys.argv[3])
meta["payloads"][0]["length"] = len(payload)
body = json.dumps(meta, separators=(",", ":"), sort_keys=True).encode() + b"\n" + payload
open(sys.argv[2], "wb").write(b"craipto-model 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
PY
}
