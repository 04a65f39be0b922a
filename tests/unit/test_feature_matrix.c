/* test_feature_matrix.c - feature matrices: no lookahead, warm-up, rebuilding the newest rows
 * from a trailing window, too few rows, gaps, and the real data. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "candles_io.h"
#include "check.h"
#include "feature_matrix.h"
#include "gaps.h"
#include "timefmt.h"

#define SPEC_EVERYTHING FEATURE_SPEC_ALL ",bb.pctb:10:1.5,macd:5:13:4,lags:3"

/* A synthetic hourly series starting at 21:00 UTC, with a few flat stretches and a candle
 * without volume. */
static void make_candles(struct candles *c, size_t n)
{
	candles_init(c);
	double price = 30000;
	unsigned s = 99;
	for (size_t i = 0; i < n; i++) {
		s = s * 1664525u + 1013904223u;
		double open = price;
		if (i % 97 > 5) /* rows 0..5 of every 97 stay flat */
			price *= 1 + ((double)(s >> 8) / 16777216.0 - 0.5) * 0.01;
		double v[CANDLE_NFIELDS] = { open, fmax(open, price) * 1.002, fmin(open, price) * 0.998,
					     price, i % 50 == 7 ? 0 : (double)(s % 5000) };
		for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
			v[f] = NAN;
		candles_push(c, 1609448400000LL + (int64_t)i * MS_PER_HOUR, v);
	}
}

static bool same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* The proof of no lookahead: every feature at row t is identical, bit for bit, whether the
 * series ends at t or goes on. */
static void test_no_lookahead(void)
{
	struct candles full, prefix;
	make_candles(&full, 700);
	candles_init(&prefix);
	struct feature_spec spec;
	struct cra_error err = { 0 };
	struct interval h1;
	interval_parse("1h", &h1);
	CHECK_INT(feature_spec_parse(SPEC_EVERYTHING, &spec, &err), 0);
	struct feature_matrix all, part;
	CHECK_INT(features_compute(&spec, &full, &h1, &all, &err), 0);
	size_t ends[] = { 130, 131, 200, 456, 699 };
	for (size_t e = 0; e < sizeof ends / sizeof *ends; e++) {
		size_t t = ends[e];
		candles_slice(&full, INT64_MIN, full.open_time[t] + 1, &prefix);
		CHECK_INT(prefix.n, t + 1);
		CHECK_INT(features_compute(&spec, &prefix, &h1, &part, &err), 0);
		CHECK_INT(part.ncols, all.ncols);
		size_t differ = 0;
		for (size_t j = 0; j < all.ncols; j++)
			for (size_t i = 0; i <= t; i++)
				differ += !same(part.col[j][i], all.col[j][i]);
		CHECK_INT(differ, 0);
		feature_matrix_free(&part);
	}
	feature_matrix_free(&all);
	candles_free(&prefix);
	candles_free(&full);
}

static void test_warmup_and_names(void)
{
	struct candles c;
	make_candles(&c, 500);
	struct feature_spec spec;
	struct cra_error err = { 0 };
	struct interval h1;
	interval_parse("1h", &h1);
	CHECK_INT(feature_spec_parse(SPEC_EVERYTHING, &spec, &err), 0);
	struct feature_matrix m;
	CHECK_INT(features_compute(&spec, &c, &h1, &m, &err), 0);
	CHECK_INT(m.ncols, feature_spec_ncols(&spec));
	CHECK_INT(m.nrows, 500);
	CHECK_INT(m.warmup, 99 + 3); /* fib:100 and three lags */
	CHECK(m.warmup <= feature_spec_lookback(&spec, &h1));
	CHECK_INT(m.tail, 0);
	size_t nan_after = 0, defined_before = 0;
	for (size_t j = 0; j < m.ncols; j++)
		for (size_t i = m.warmup; i < m.nrows; i++)
			nan_after += !isfinite(m.col[j][i]);
	CHECK_INT(nan_after, 0);
	for (size_t i = 0; i < 33; i++) /* macd 12/26/9 */
		defined_before += !isnan(m.col[3][i]);
	CHECK_INT(defined_before, 0);
	CHECK_STR(m.name[0], "sma_20");
	CHECK_STR(m.name[3], "macd_12_26_9");
	CHECK_STR(m.name[m.ncols / 4 - 1], "macd_hist_5_13_4");
	CHECK_STR(m.name[m.ncols / 4], "sma_20_lag1");
	CHECK_STR(m.name[m.ncols - 1], "macd_hist_5_13_4_lag3");
	/* A lag column is its base column shifted down. */
	size_t base = m.ncols / 4;
	for (size_t i = 3; i < 500; i += 61)
		CHECK(same(m.col[2 * base + 2][i], m.col[2][i - 2]));
	CHECK(isnan(m.col[3 * base][2]));
	feature_matrix_free(&m);
	candles_free(&c);
}

/* The newest rows, rebuilt from feature_spec_history() rows of history, equal the full
 * computation (exactly for windows, to ~1e-12 of the seed difference for the smoothers). */
static void test_trailing_window(void)
{
	struct candles full, tail;
	make_candles(&full, 3000);
	candles_init(&tail);
	struct feature_spec spec;
	struct cra_error err = { 0 };
	struct interval h1;
	interval_parse("1h", &h1);
	/* Everything but obv, whose level depends on the first row. */
	CHECK_INT(feature_spec_parse("sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,stoch:14:3,"
				     "vwap:20,vwapd,vol:20,ret:1,logret:1,fib:100,volz:20,lags:2",
				     &spec, &err), 0);
	size_t history = feature_spec_history(&spec, &h1), want = 5;
	CHECK(history > 300 && history < 1000);
	struct feature_matrix a, b;
	CHECK_INT(features_compute(&spec, &full, &h1, &a, &err), 0);
	size_t start = full.n - want - history;
	candles_slice(&full, full.open_time[start], INT64_MAX, &tail);
	CHECK_INT(features_compute(&spec, &tail, &h1, &b, &err), 0);
	double worst = 0;
	for (size_t j = 0; j < a.ncols; j++)
		for (size_t k = 0; k < want; k++) {
			double x = a.col[j][full.n - 1 - k], y = b.col[j][tail.n - 1 - k];
			double rel = fabs(x - y) / fmax(1, fabs(x));
			if (!(rel <= worst))
				worst = rel;
		}
	CHECK(worst < 1e-9);
	if (!(worst < 1e-9))
		fprintf(stderr, "trailing-window rebuild differs by %g\n", worst);
	feature_matrix_free(&a);
	feature_matrix_free(&b);
	candles_free(&tail);
	candles_free(&full);
}

static void test_too_few_rows(void)
{
	struct candles c;
	make_candles(&c, 30);
	struct feature_spec spec;
	struct cra_error err = { 0 };
	struct feature_matrix m;
	CHECK_INT(feature_spec_parse("rsi:14,macd:12:26:9", &spec, &err), 0);
	CHECK_INT(features_compute(&spec, &c, NULL, &m, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "too few candles: 30 rows, but the features need at least 34") != NULL);
	CHECK(strstr(err.msg, "macd:12:26:9 leaves the first 33 rows undefined") != NULL);
	CHECK(m.col == NULL);
	spec.lags = 2;
	candles_free(&c);
	make_candles(&c, 34);
	CHECK_INT(features_compute(&spec, &c, NULL, &m, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "at least 36") && strstr(err.msg, "2 lags"));
	candles_free(&c);
	make_candles(&c, 36);
	CHECK_INT(features_compute(&spec, &c, NULL, &m, &err), 0);
	CHECK_INT(m.warmup, 35);
	feature_matrix_free(&m);
	candles_free(&c);
}

static void test_gaps_and_interval(void)
{
	struct candles c;
	make_candles(&c, 10);
	struct interval iv;
	CHECK_INT(candles_guess_interval(&c, &iv), 0);
	CHECK_STR(iv.name, "1h");
	struct gap_report g = gaps_find(&c, &iv);
	CHECK_INT(g.gaps, 0);
	/* Remove rows 3..5 and 8: two gaps, four candles missing, the longest three. */
	struct candles holed;
	candles_init(&holed);
	for (size_t i = 0; i < c.n; i++) {
		if ((i >= 3 && i <= 5) || i == 8)
			continue;
		double v[CANDLE_NFIELDS];
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			v[f] = c.v[f][i];
		candles_push(&holed, c.open_time[i], v);
	}
	CHECK_INT(candles_guess_interval(&holed, &iv), 0);
	CHECK_STR(iv.name, "1h");
	g = gaps_find(&holed, &iv);
	CHECK_INT(g.gaps, 2);
	CHECK_INT(g.missing, 4);
	CHECK_INT(g.largest, 3);
	CHECK_INT(g.largest_after, c.open_time[2]);
	/* The most common step decides: one odd step does not; a step that is no interval
	 * gives none; one row has none. */
	c.open_time[5] += 7 * MS_PER_MINUTE;
	CHECK_INT(candles_guess_interval(&c, &iv), 0);
	CHECK_STR(iv.name, "1h");
	c.open_time[5] -= 7 * MS_PER_MINUTE;
	for (size_t i = 0; i < holed.n; i++)
		holed.open_time[i] = holed.open_time[0] + (int64_t)i * 7 * MS_PER_MINUTE;
	CHECK_INT(candles_guess_interval(&holed, &iv), -1);
	holed.n = 1;
	CHECK_INT(candles_guess_interval(&holed, &iv), -1);
	candles_free(&holed);
	candles_free(&c);
}

/* The real series: every indicator defined and finite after the warm-up, in range. */
static void test_real_data(void)
{
	const char *shared = getenv("CRA_SHARED");
	char path[1024];
	snprintf(path, sizeof path, "%s/data/binance-1h/BTCUSDT.csv", shared ? shared : "../shared");
	if (access(path, R_OK)) {
		fprintf(stderr, "skipping the real-data checks: no %s\n", path);
		return;
	}
	struct candles c;
	struct cra_error err = { 0 };
	candles_init(&c);
	CHECK_INT(candles_load(path, &c, &err), 0);
	CHECK(c.n > 20000);
	struct feature_spec spec;
	CHECK_INT(feature_spec_parse(FEATURE_SPEC_ALL, &spec, &err), 0);
	struct interval iv;
	CHECK_INT(candles_guess_interval(&c, &iv), 0);
	struct feature_matrix m;
	CHECK_INT(features_compute(&spec, &c, &iv, &m, &err), 0);
	CHECK_INT(m.warmup, 99);
	size_t bad = 0, out_of_range = 0;
	for (size_t j = 0; j < m.ncols; j++)
		for (size_t i = m.warmup; i < m.nrows; i++) {
			double x = m.col[j][i];
			bad += !isfinite(x);
			if (!strcmp(m.name[j], "rsi_14") || !strncmp(m.name[j], "stoch_", 6))
				out_of_range += x < 0 || x > 100;
			if (!strcmp(m.name[j], "fib_pos_100"))
				out_of_range += x < 0 || x > 1;
		}
	CHECK_INT(bad, 0);
	CHECK_INT(out_of_range, 0);
	feature_matrix_free(&m);
	candles_free(&c);
}

int main(void)
{
	test_no_lookahead();
	test_warmup_and_names();
	test_trailing_window();
	test_too_few_rows();
	test_gaps_and_interval();
	test_real_data();
	return check_finish();
}
