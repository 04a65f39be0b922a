/* test_asof_join.c - exogenous series joined as of each candle's close, never later. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asof_join.h"
#include "check.h"
#include "timefmt.h"

static char dir[512];

static const char *write_file(const char *name, const char *text)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* Hourly candles opening at the given hours of 2021-01-01 (negative: the day before). */
static void make_candles(struct candles *c, const int *hours, size_t n)
{
	candles_init(c);
	for (size_t i = 0; i < n; i++) {
		double v[CANDLE_NFIELDS] = { 1, 1, 1, 1, 1 };
		for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
			v[f] = NAN;
		candles_push(c, 1609459200000LL + hours[i] * MS_PER_HOUR, v);
	}
}

static void test_asof_rule(void)
{
	const char *path = write_file("sent.csv", "time,score,rate\n"
						  "2021-01-01T00:00:00Z,1,0.1\n"
						  "2021-01-01T00:59:59.999Z,2,\n"
						  "2021-01-01T01:00:00Z,3,0.3\n"
						  "2021-01-01T03:30:00Z,4,0.4\n");
	struct exo_series x;
	struct cra_error err = { 0 };
	CHECK_INT(exo_load(path, &x, &err), 0);
	CHECK_STR(x.prefix, "sent");
	CHECK_INT(x.nrows, 4);
	CHECK_INT(x.ncols, 2);
	struct candles c;
	int hours[] = { -1, 0, 1, 2, 3, 4 };
	make_candles(&c, hours, 6);
	struct interval iv;
	interval_parse("1h", &iv);
	struct feature_matrix m;
	CHECK_INT(asof_join(&x, &c, &iv, 0, &m, &err), 0);
	CHECK_STR(m.name[0], "sent_score");
	CHECK_STR(m.name[1], "sent_rate");
	/* 23:00 the day before: nothing known yet.  00:00 closes at 00:59:59.999: the value stamped
	 * then is known, the one at 01:00 belongs to the next candle.  An empty cell keeps the
	 * column's previous value. */
	double score[] = { NAN, 2, 3, 3, 4, 4 }, rate[] = { NAN, 0.1, 0.3, 0.3, 0.4, 0.4 };
	for (int i = 0; i < 6; i++) {
		CHECK_NEAR(m.col[0][i], score[i], 0);
		CHECK_NEAR(m.col[1][i], rate[i], 0);
	}
	CHECK_INT(m.warmup, 1);
	feature_matrix_free(&m);

	/* Published 30 minutes after its time stamp. */
	CHECK_INT(asof_join(&x, &c, &iv, 30 * MS_PER_MINUTE, &m, &err), 0);
	double late[] = { NAN, 1, 3, 3, 3, 4 };
	for (int i = 0; i < 6; i++)
		CHECK_NEAR(m.col[0][i], late[i], 0);
	feature_matrix_free(&m);

	/* No lookahead: the joined value of a candle does not change when later candles exist. */
	struct candles shorter;
	make_candles(&shorter, hours, 3);
	CHECK_INT(asof_join(&x, &shorter, &iv, 0, &m, &err), 0);
	CHECK_NEAR(m.col[0][2], 3, 0);
	feature_matrix_free(&m);
	candles_free(&shorter);
	candles_free(&c);
	exo_free(&x);
}

static void test_time_formats(void)
{
	/* Epoch seconds and milliseconds are told apart by size. */
	const char *path = write_file("funding.rates.csv", "timestamp,v\n1609459200,5\n1609462800000,6\n");
	struct exo_series x;
	struct cra_error err = { 0 };
	CHECK_INT(exo_load(path, &x, &err), 0);
	CHECK_STR(x.prefix, "funding.rates");
	CHECK_INT(x.time[0], 1609459200000LL);
	CHECK_INT(x.time[1], 1609462800000LL);
	exo_free(&x);
	/* Another symbol's candle table: a row is known when its candle closes. */
	path = write_file("ETHUSDT.csv", "open_time,open,high,low,close,volume\n"
					 "1609459200000,730,740,720,735,10\n"
					 "1609545600000,735,760,730,750,12\n");
	CHECK_INT(exo_load(path, &x, &err), 0);
	CHECK_INT(x.ncols, 5);
	CHECK_STR(x.col_name[3], "close");
	CHECK_INT(x.time[0], 1609545600000LL - 1); /* a daily candle: known at 23:59:59.999 */
	struct candles c;
	int hours[] = { 0, 22, 23, 24 };
	make_candles(&c, hours, 4);
	struct interval iv;
	interval_parse("1h", &iv);
	struct feature_matrix m;
	CHECK_INT(asof_join(&x, &c, &iv, 0, &m, &err), 0);
	CHECK_STR(m.name[3], "ETHUSDT_close");
	CHECK(isnan(m.col[3][0]) && isnan(m.col[3][1])); /* the day's close is not known at 22:00 */
	CHECK_NEAR(m.col[3][2], 735, 0);
	CHECK_NEAR(m.col[3][3], 735, 0);
	feature_matrix_free(&m);
	exo_free(&x);
	/* With close_time, that column says when, and is not joined. */
	path = write_file("BNB.csv", "open_time,close,close_time\n1609459200000,37,1609462799999\n");
	CHECK_INT(exo_load(path, &x, &err), 0);
	CHECK_INT(x.ncols, 1);
	CHECK_INT(x.time[0], 1609462799999LL);
	CHECK_INT(asof_join(&x, &c, &iv, 0, &m, &err), 0);
	CHECK_NEAR(m.col[0][0], 37, 0);
	feature_matrix_free(&m);
	exo_free(&x);
	candles_free(&c);
}

static int load_error(const char *name, const char *text, const char *needle)
{
	struct exo_series x;
	struct cra_error err = { 0 };
	const char *path = text ? write_file(name, text) : name;
	int r = exo_load(path, &x, &err);
	if (needle && !strstr(err.msg, needle)) {
		fprintf(stderr, "%s: message '%s' lacks '%s'\n", name, err.msg, needle);
		return -1;
	}
	return r;
}

static void test_errors(void)
{
	CHECK_INT(load_error("nt.csv", "when,v\n2021-01-01,1\n", "nt.csv:1: no time column"), EX_DATAERR);
	CHECK_INT(load_error("nv.csv", "time\n2021-01-01\n", "no value column"), EX_DATAERR);
	CHECK_INT(load_error("ord.csv", "time,v\n2021-01-02,1\n2021-01-01,2\n",
			     "ord.csv:3: field 'time' is earlier than the previous row's"), EX_DATAERR);
	CHECK_INT(load_error("dup.csv", "time,v\n2021-01-02,1\n2021-01-02,2\n", "duplicates"), EX_DATAERR);
	CHECK_INT(load_error("txt.csv", "time,v\n2021-01-02,Greed\n",
			     "txt.csv:2: field 'v': expected a number, got 'Greed'"), EX_DATAERR);
	CHECK_INT(load_error("bt.csv", "time,v\nyesterday,1\n", "bt.csv:2: field 'time': expected a time"),
		  EX_DATAERR);
	CHECK_INT(load_error("short.csv", "time,a,b\n2021-01-02,1\n", "field 'b' is missing"), EX_DATAERR);
	CHECK_INT(load_error("/nonexistent/x.csv", NULL, NULL), EX_NOINPUT);
	CHECK_INT(load_error("one.csv", "open_time,close\n1609459200000,1\n", "cannot be told"), EX_DATAERR);
}

int main(void)
{
	const char *tmp = getenv("CRA_TEST_TMP");
	snprintf(dir, sizeof dir, "%s/asof_join", tmp ? tmp : "/tmp");
	mkdir(tmp ? tmp : "/tmp", 0777);
	mkdir(dir, 0777);
	test_asof_rule();
	test_time_formats();
	test_errors();
	return check_finish();
}
