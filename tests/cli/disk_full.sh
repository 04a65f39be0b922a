# A full disk (a small tmpfs, filled almost to the brim) under the store, the models and the
# outputs: cra-fetch --import, cra-features -o, cra-train-xgb -o, cra-backtest -o and -L
# exit 74 naming the file and "No space left on device", leave the previous version intact
# and no temporary file behind; standard output on /dev/full exits 74 too.
. "$CRA_SRC/tests/testlib.sh"
t_init disk_full
need_shared_data
export OMP_NUM_THREADS=1

# Mounting needs root, or a private user and mount namespace in which we are root.
if [ "$(id -u)" != 0 ] && [ -z "${DISK_FULL_UNSHARED:-}" ]; then
	DISK_FULL_UNSHARED=1 exec unshare -rm bash "${BASH_SOURCE[0]}" ||
		fail "cannot mount a tmpfs: not root, and 'unshare -rm' (a user namespace) failed"
fi
FULL=$T/full
mkdir -p "$FULL"
mount -t tmpfs -o size=4m tmpfs "$FULL" || fail "cannot mount a tmpfs on $FULL (mount needs root or unshare -rm)"
trap 'umount "$FULL" 2>/dev/null' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The previous versions, written while there is room: from a short slice of BTCUSDT.
{ head -1 "$SHARED_DATA/BTCUSDT.csv"; tail -n 3000 "$SHARED_DATA/BTCUSDT.csv"; } > "$T/BTCUSDT-1h.csv"
mkdir -p "$T/old"
head -101 "$T/BTCUSDT-1h.csv" > "$T/old/BTCUSDT-1h.csv"
cra-fetch -q --import "$T/BTCUSDT-1h.csv" || fail "import into the ordinary store"
mkdir -p "$FULL/data" "$FULL/models" "$FULL/out"
CRA_DATA=$FULL/data cra-fetch -q --import "$T/old/BTCUSDT-1h.csv" || fail "the old series"
cra-features -s BTCUSDT -i 1h --from 2023-12-29 -o "$FULL/out/features.csv" || fail "old features"
cra-train-xgb -q -s BTCUSDT -i 1h --trees 2 -o "$FULL/models/xgb.bundle" > /dev/null || fail "old bundle"
cra-train-xgb -q -s BTCUSDT -i 1h --to 2023-12-01 -H 1,4 --trees 40 --early-stop 0 -o "$T/model.bundle" > /dev/null || fail "model"
cra-backtest -q -m "$T/model.bundle" --from 2023-12-29 -o "$FULL/out/backtest.csv" -L "$FULL/out/leaderboard.csv" ||
	fail "old backtest"
(cd "$FULL" && find . -type f -exec md5sum {} + | sort) > "$T/before.md5"

# Fill the disk, leaving 8 KB: less than any of the new files needs.
dd if=/dev/zero of="$FULL/filler" bs=64k 2>/dev/null
avail=$(($(stat -f -c '%a * %S' "$FULL")))
[ "$avail" -lt 65536 ] || fail "the tmpfs is not full ($avail bytes free)"
[ "$avail" -ge 8192 ] || truncate -s -$((8192 - avail)) "$FULL/filler"

# expect_full WHAT COMMAND...: exit 74, the file and the error named, nothing changed.
expect_full() {
	local what=$1
	shift
	"$@" > /dev/null 2> "$T/err"
	local status=$?
	[ $status = 74 ] || fail "$what: exit $status, expected 74: $(cat "$T/err")"
	grep -q "^${what%% *}: .*$FULL/.*No space left on device" "$T/err" ||
		fail "$what: the message does not name the file and the error: $(cat "$T/err")"
	(cd "$FULL" && find . -type f ! -name filler -exec md5sum {} + | sort) | cmp -s - <(grep -v ' ./filler$' "$T/before.md5") ||
		fail "$what: the files changed, or a temporary one is left: $(ls -A "$FULL"/*)"
	echo "disk_full: $what: $(grep -m1 'No space' "$T/err")"
}
expect_full "cra-fetch --import" env CRA_DATA="$FULL/data" cra-fetch -q --import "$T/BTCUSDT-1h.csv"
expect_full "cra-features -o" cra-features -s BTCUSDT -i 1h -o "$FULL/out/features.csv"
expect_full "cra-train-xgb -o" cra-train-xgb -q -s BTCUSDT -i 1h --to 2023-12-01 -H 1,4 --trees 40 --early-stop 0 -o "$FULL/models/xgb.bundle"
expect_full "cra-backtest -o" cra-backtest -q -m "$T/model.bundle" -o "$FULL/out/backtest.csv"
# The leaderboard's few rows fit in 8 KB: no room at all for it.
cat /dev/zero >> "$FULL/filler" 2>/dev/null
expect_full "cra-backtest -L" cra-backtest -q -m "$T/model.bundle" -o /dev/null -L "$FULL/out/leaderboard.csv"

# Standard output on a full device.
for cmd in "cra-fetch --dump BTCUSDT" "cra-features -s BTCUSDT -i 1h" "cra-backtest -q -m $T/model.bundle"; do
	$cmd > /dev/full 2> "$T/err"
	status=$?
	[ $status = 74 ] || fail "$cmd > /dev/full: exit $status, expected 74: $(cat "$T/err")"
	grep -q "No space left on device" "$T/err" || fail "$cmd > /dev/full: $(cat "$T/err")"
done

# With room again, the same commands succeed.
rm "$FULL/filler"
CRA_DATA=$FULL/data cra-fetch -q --import "$T/BTCUSDT-1h.csv" || fail "import with room"
cra-train-xgb -q -s BTCUSDT -i 1h --to 2023-12-01 -H 1,4 --trees 40 --early-stop 0 -o "$FULL/models/xgb.bundle" > /dev/null ||
	fail "training with room"
cmp -s "$FULL/models/xgb.bundle" "$T/model.bundle" || fail "the bundle written with room differs"
echo "disk_full: ok"
