#!/bin/bash
# store_pg.sh - the PostgreSQL candle store against a throwaway cluster: starts one
# (tests/pg_cluster.sh) and runs tests/pg/test_store_pg.c's program with CRA_TEST_DB set.
# Exits 77 (skipped) when PostgreSQL's server binaries are missing, or - after everything
# else has passed - when the shared market data is absent.
set -u
: "${CRA_BIN:?CRA_BIN must name the build directory}"
: "${CRA_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
source "$CRA_SRC/tests/pg_cluster.sh"

test_program="$CRA_BIN/tests/test_store_pg"
if [ ! -x "$test_program" ]; then
	echo "store_pg.sh: $test_program is not built" >&2
	exit 1
fi
pg_cluster_start || exit $?
"$test_program"
