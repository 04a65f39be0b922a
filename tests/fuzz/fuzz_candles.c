/* fuzz_candles.c - candle tables from arbitrary bytes: candles_load (our table, candles_io.h)
 * and candle_import (Binance dumps, exchange exports; candle_import.h), then what the loaded
 * series promises.
 *
 * The first byte chooses: bit 0 candle_import instead of candles_load, bit 1 skip bad rows,
 * bit 2 the interval given (1h) rather than told from the data.  The rest is the file.
 * A series that loads must be valid (candles_validate), must come back the same after being
 * written and read again (shortest round-trip numbers), and its two halves merged must give
 * it back.
 */
#include "candle_import.h"
#include "candles_io.h"
#include "fuzz.h"

/* Written as our candle table into file 1 and read back: the same rows, bit for bit. */
static void check_round_trip(const struct candles *c)
{
	static struct table_writer w;
	struct fuzz_file *f = fuzz_file_set(1, "", 0);
	struct cra_error err = { 0 };
	tw_init(&w, f->fd, ',');
	candles_write(&w, c);
	FUZZ_CHECK(tw_flush(&w, "fuzz", &err) == 0);
	struct candles back;
	candles_init(&back);
	int r = candles_load(f->path, &back, &err);
	if (r)
		fprintf(stderr, "round trip: %s\n", err.msg);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(candles_equal(c, &back));
	candles_free(&back);
}

/* The older half merged with the newer: every row added once, the series unchanged. */
static void check_merge(const struct candles *c)
{
	if (c->n < 2)
		return;
	int64_t mid = c->open_time[c->n / 2];
	struct candles older, newer;
	candles_init(&older);
	candles_init(&newer);
	FUZZ_CHECK(candles_slice(c, INT64_MIN, mid, &older) == 0);
	FUZZ_CHECK(candles_slice(c, mid, INT64_MAX, &newer) == 0);
	/* candles_slice's upper end is exclusive: the newest row stays out of `newer`. */
	size_t missing = c->open_time[c->n - 1] == INT64_MAX;
	struct merge_stats st;
	FUZZ_CHECK(candles_merge(&older, &newer, &st) == 0);
	FUZZ_CHECK(st.added == newer.n && st.present == 0 && st.conflicts == 0);
	FUZZ_CHECK(older.n + missing == c->n);
	if (!missing)
		FUZZ_CHECK(candles_equal(&older, c));
	candles_free(&older);
	candles_free(&newer);
}

static void check_series(const struct candles *c)
{
	struct cra_error err = { 0 };
	FUZZ_CHECK(candles_validate(c, "fuzz", &err) == 0);
	check_round_trip(c);
	check_merge(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool import = data[0] & 1, skip_bad = data[0] & 2, interval_given = data[0] & 4;
	struct fuzz_file *f = fuzz_file_set(0, data + 1, size - 1);
	struct cra_error err = { 0 };
	if (!import) {
		struct candles c;
		candles_init(&c);
		if (candles_load(f->path, &c, &err) == 0)
			check_series(&c);
		else
			FUZZ_CHECK(err.status == EX_DATAERR && err.msg[0]);
		candles_free(&c);
		return 0;
	}
	struct import_options o = { .symbol = "BTCUSDT", .interval = interval_given ? "1h" : NULL,
				    .skip_bad = skip_bad };
	struct import_result res;
	int r = candle_import(f->path, &o, &res, &err);
	if (r == 0) {
		check_series(&res.candles);
		FUZZ_CHECK(res.report.rows >= res.candles.n + res.report.skipped);
	} else {
		FUZZ_CHECK((r == EX_DATAERR || r == EX_USAGE) && err.msg[0]);
	}
	candles_free(&res.candles);
	return 0;
}
