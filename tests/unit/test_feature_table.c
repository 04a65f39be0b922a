/* feature_table: names resolved as columns, candle columns, "return" and feature-spec items,
 * from candle series and from files, and the errors. */
#include <stdint.h>

#include "candles.h"
#include "check.h"
#include "feature_table.h"
#include "testfiles.h"

static void make_candles(struct candles *c, size_t n)
{
	candles_init(c);
	for (size_t i = 0; i < n; i++) {
		double close = 100 + (double)(i % 7) - (double)(i % 3), open = close - 0.5;
		double v[CANDLE_NFIELDS] = { open, close + 1, open - 1, close, 10 + (double)i,
					     NAN, NAN, NAN, NAN, NAN };
		candles_push(c, 1672531200000 + (int64_t)i * 3600000, v);
	}
}

int main(void)
{
	const char *dir = test_dir("test_feature_table");
	struct cra_error err = { 0 };
	struct feature_table t;
	struct candles c;
	make_candles(&c, 40);
	struct interval iv;
	interval_parse("1h", &iv);

	const char *names[] = { "close", "return", "rsi:14", "bb.pctb:20:2", "Volume" };
	CHECK_INT(feature_table_from_candles(&c, &iv, names, 5, &t, &err), 0);
	CHECK_INT(t.m.ncols, 5);
	CHECK_INT(t.m.nrows, 40);
	CHECK_STR(t.m.name[0], "close");
	CHECK_STR(t.m.name[1], "return");
	CHECK_STR(t.m.name[2], "rsi_14");
	CHECK_STR(t.m.name[3], "bb_pctb_20_2");
	CHECK_STR(t.m.name[4], "volume");
	CHECK(isnan(t.m.col[1][0]));
	CHECK_NEAR(t.m.col[1][1], log(c.v[CF_CLOSE][1] / c.v[CF_CLOSE][0]), 1e-15);
	CHECK(isnan(t.m.col[2][13]) && !isnan(t.m.col[2][14])); /* rsi:14 needs 14 returns */
	CHECK(isnan(t.m.col[3][18]) && !isnan(t.m.col[3][19]));
	CHECK_NEAR(t.m.col[4][39], 49, 0);
	CHECK_INT(t.open_time[1] - t.open_time[0], 3600000);
	feature_table_free(&t);
	/* bb:20:2 gives its five outputs. */
	const char *bb[] = { "bb:20:2" };
	CHECK_INT(feature_table_from_candles(&c, &iv, bb, 1, &t, &err), 0);
	CHECK_INT(t.m.ncols, 5);
	CHECK_STR(t.m.name[4], "bb_width_20_2");
	feature_table_free(&t);

	const char *unknown[] = { "close", "nosuch" };
	CHECK_INT(feature_table_from_candles(&c, &iv, unknown, 2, &t, &err), EX_USAGE);
	CHECK(strstr(err.msg, "'nosuch' is neither a column nor a feature") != NULL);
	const char *twice[] = { "rsi:14", "close", "rsi" }; /* rsi means rsi:14 */
	CHECK_INT(feature_table_from_candles(&c, &iv, twice, 3, &t, &err), EX_USAGE);
	CHECK(strstr(err.msg, "feature 'rsi_14' is asked for twice") != NULL);
	const char *lags[] = { "lags:2" };
	CHECK_INT(feature_table_from_candles(&c, &iv, lags, 1, &t, &err), EX_USAGE);
	const char *longer[] = { "sma:50" };
	CHECK_INT(feature_table_from_candles(&c, &iv, longer, 1, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "need at least 50") != NULL);

	/* Any table: columns by name (case-insensitive), text columns ignored, empty = NaN. */
	char *plain = WRITE_TEXT(dir, "plain.csv", "open_time,sym,X\n1,A,1.5\n2,B,\n3,C,2\n");
	const char *x[] = { "x" };
	CHECK_INT(feature_table_load(plain, x, 1, &t, &err), 0);
	CHECK_INT(t.m.nrows, 3);
	CHECK_STR(t.m.name[0], "X");
	CHECK_NEAR(t.m.col[0][0], 1.5, 0);
	CHECK(isnan(t.m.col[0][1]));
	CHECK_INT(t.open_time[2], 3);
	feature_table_free(&t);
	char *notime = WRITE_TEXT(dir, "notime.tsv", "a\tb\n1\t2\n3\t4\n");
	const char *b[] = { "b" };
	CHECK_INT(feature_table_load(notime, b, 1, &t, &err), 0);
	CHECK(t.open_time == NULL);
	CHECK_NEAR(t.m.col[0][1], 4, 0);
	feature_table_free(&t);
	const char *ret[] = { "b", "return" };
	CHECK_INT(feature_table_load(notime, ret, 2, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "no column 'return', and no candles to compute it from") != NULL);
	char *bad = WRITE_TEXT(dir, "bad.csv", "open_time,x\n1,1\n2,1e\n");
	CHECK_INT(feature_table_load(bad, x, 1, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bad.csv:3: field 'x': expected a finite number") != NULL);
	char *inf = WRITE_TEXT(dir, "inf.csv", "open_time,x\n1,inf\n");
	CHECK_INT(feature_table_load(inf, x, 1, &t, &err), EX_DATAERR);
	char *order = WRITE_TEXT(dir, "order.csv", "open_time,x\n1,1\n3,1\n3,2\n");
	CHECK_INT(feature_table_load(order, x, 1, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "order.csv:4: field 'open_time' duplicates the previous row's") != NULL);
	char *shortrow = WRITE_TEXT(dir, "short.csv", "open_time,a,x\n1,2,3\n2,5\n");
	CHECK_INT(feature_table_load(shortrow, x, 1, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "short.csv:3: field 'x' is missing") != NULL);

	/* A candle table: a column and a computed feature together (the file is read twice),
	 * or computed features alone (read once); both equal the candle-series values. */
	char path[600];
	snprintf(path, sizeof path, "%s/candles.csv", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "open_time,open,high,low,close,volume\n");
	for (size_t i = 0; i < c.n; i++)
		fprintf(f, "%lld,%.17g,%.17g,%.17g,%.17g,%.17g\n", (long long)c.open_time[i],
			c.v[CF_OPEN][i], c.v[CF_HIGH][i], c.v[CF_LOW][i], c.v[CF_CLOSE][i], c.v[CF_VOLUME][i]);
	fclose(f);
	struct feature_table ref;
	CHECK_INT(feature_table_from_candles(&c, &iv, names, 5, &ref, &err), 0);
	CHECK_INT(feature_table_load(path, names, 5, &t, &err), 0);
	CHECK_INT(t.m.ncols, 5);
	size_t differ = 0;
	for (size_t j = 0; j < 5; j++)
		for (size_t i = 0; i < 40; i++)
			differ += !(t.m.col[j][i] == ref.m.col[j][i] ||
				     (isnan(t.m.col[j][i]) && isnan(ref.m.col[j][i])));
	CHECK_INT(differ, 0);
	CHECK_INT(t.open_time[39], c.open_time[39]);
	feature_table_free(&t);
	const char *computed[] = { "return", "rsi:14" };
	CHECK_INT(feature_table_load(path, computed, 2, &t, &err), 0);
	CHECK_NEAR(t.m.col[1][30], ref.m.col[2][30], 0);
	feature_table_free(&t);
	feature_table_free(&ref);
	CHECK_INT(feature_table_load("/nonexistent/x.csv", x, 1, &t, &err), EX_NOINPUT);

	candles_free(&c);
	free(plain);
	free(notime);
	free(bad);
	free(inf);
	free(order);
	free(shortrow);
	return check_finish();
}
