/* test_targets.c - forward targets: values, alignment, the regime rule, gaps, parsing. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "targets.h"
#include "timefmt.h"

static void make(struct candles *c, const double *close, size_t n, const int64_t *times)
{
	candles_init(c);
	for (size_t i = 0; i < n; i++) {
		double v[CANDLE_NFIELDS] = { close[i], close[i], close[i], close[i], 1 };
		for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
			v[f] = NAN;
		candles_push(c, times ? times[i] : 1609459200000LL + (int64_t)i * MS_PER_HOUR, v);
	}
}

static struct interval h1(void)
{
	struct interval iv;
	interval_parse("1h", &iv);
	return iv;
}

static void test_values(void)
{
	double close[] = { 100, 110, 99, 99, 120 };
	struct candles c;
	make(&c, close, 5, NULL);
	struct target_spec ts;
	struct cra_error err = { 0 };
	struct interval iv = h1();
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "return:1,price:2", &iv, &err), 0);
	CHECK_INT(target_spec_add(&ts, "direction:1h", &iv, &err), 0);
	struct feature_matrix m;
	CHECK_INT(targets_compute(&ts, &c, &iv, &m, &err), 0);
	CHECK_INT(m.ncols, 3);
	CHECK_STR(m.name[0], "target_return_1");
	CHECK_STR(m.name[1], "target_price_2");
	CHECK_STR(m.name[2], "target_direction_1");
	CHECK_NEAR(m.col[0][0], log(1.1), 1e-15);
	CHECK_NEAR(m.col[0][2], 0, 0);
	CHECK(isnan(m.col[0][4]));
	CHECK_NEAR(m.col[1][0], 99, 0);
	CHECK_NEAR(m.col[1][2], 120, 0);
	CHECK(isnan(m.col[1][3]) && isnan(m.col[1][4]));
	double dir[] = { 1, 0, 0, 1 };
	for (int i = 0; i < 4; i++)
		CHECK_NEAR(m.col[2][i], dir[i], 0);
	CHECK(isnan(m.col[2][4]));
	CHECK_INT(m.warmup, 0);
	CHECK_INT(m.tail, 2);
	feature_matrix_free(&m);
	candles_free(&c);
}

/* Closes alternate up and down by e^0.01, so every 1-candle log return is +-0.01 and the
 * trailing sample sd over W = 2 returns is 0.01*sqrt(2).  With K = 0.5 and H = 1 the band is
 * 0.00707: a +0.01 step is bull, -0.01 bear.  A flat stretch has sigma 0 and return 0: neutral. */
static void test_regime(void)
{
	enum { N = 12 };
	double close[N];
	for (int i = 0; i < 8; i++)
		close[i] = 100 * exp(i % 2 ? 0.01 : 0);
	for (int i = 8; i < N; i++)
		close[i] = close[7];
	struct candles c;
	make(&c, close, N, NULL);
	struct target_spec ts;
	struct cra_error err = { 0 };
	struct interval iv = h1();
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "regime:1:0.5:2", &iv, &err), 0);
	struct feature_matrix m;
	CHECK_INT(targets_compute(&ts, &c, &iv, &m, &err), 0);
	CHECK_STR(m.name[0], "target_regime_1");
	double *y = m.col[0];
	CHECK(isnan(y[0]) && isnan(y[1])); /* sigma needs W = 2 returns */
	CHECK_NEAR(y[2], REGIME_BULL, 0);  /* 2 -> 3 goes up */
	CHECK_NEAR(y[3], REGIME_BEAR, 0);
	CHECK_NEAR(y[6], REGIME_BULL, 0);
	CHECK_NEAR(y[7], REGIME_NEUTRAL, 0); /* 7 -> 8 flat: return 0 inside the band */
	CHECK_NEAR(y[10], REGIME_NEUTRAL, 0); /* sigma 0, return 0 */
	CHECK(isnan(y[11]));
	feature_matrix_free(&m);

	/* A wide band (K = 2: 0.0283 > 0.01) makes the same moves neutral. */
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "regime:1:2:2", &iv, &err), 0);
	CHECK_INT(targets_compute(&ts, &c, &iv, &m, &err), 0);
	CHECK_NEAR(m.col[0][2], REGIME_NEUTRAL, 0);
	CHECK_NEAR(m.col[0][3], REGIME_NEUTRAL, 0);
	feature_matrix_free(&m);
	candles_free(&c);
}

/* A target across a gap would describe a longer time than it says: it is left undefined. */
static void test_gaps(void)
{
	double close[] = { 1, 2, 3, 4, 5, 6 };
	int64_t t0 = 1609459200000LL, h = MS_PER_HOUR;
	int64_t times[] = { t0, t0 + h, t0 + 2 * h, t0 + 5 * h, t0 + 6 * h, t0 + 7 * h };
	struct candles c;
	make(&c, close, 6, times);
	struct target_spec ts;
	struct cra_error err = { 0 };
	struct interval iv = h1();
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "price:1", &iv, &err), 0);
	struct feature_matrix m;
	CHECK_INT(targets_compute(&ts, &c, &iv, &m, &err), 0);
	CHECK_NEAR(m.col[0][1], 3, 0);
	CHECK(isnan(m.col[0][2])); /* 02:00 -> the next row is 05:00 */
	CHECK_NEAR(m.col[0][3], 5, 0);
	feature_matrix_free(&m);
	/* Without an interval the rows are taken as given. */
	CHECK_INT(targets_compute(&ts, &c, NULL, &m, &err), 0);
	CHECK_NEAR(m.col[0][2], 4, 0);
	feature_matrix_free(&m);
	candles_free(&c);
}

static int add_error(const char *text, const struct interval *iv, const char *needle)
{
	struct target_spec ts;
	struct cra_error err = { 0 };
	target_spec_init(&ts);
	int r = target_spec_add(&ts, text, iv, &err);
	if (needle && !strstr(err.msg, needle)) {
		fprintf(stderr, "'%s': message '%s' lacks '%s'\n", text, err.msg, needle);
		return -1;
	}
	return r;
}

static void test_parsing(void)
{
	struct interval iv = h1(), d1;
	interval_parse("1d", &d1);
	struct target_spec ts;
	struct cra_error err = { 0 };
	char buf[256];
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "regime:4h, return:4, return:4h,price:1d", &iv, &err), 0);
	CHECK_INT(ts.n, 3);
	CHECK_INT(ts.item[0].horizon, 4);
	CHECK_NEAR(ts.item[0].k, TARGET_REGIME_K, 0);
	target_spec_format(&ts, buf, sizeof buf);
	CHECK_STR(buf, "regime:4:0.5:20,return:4,price:24");
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "REGIME:2d:0.75:30", &d1, &err), 0);
	target_spec_format(&ts, buf, sizeof buf);
	CHECK_STR(buf, "regime:2:0.75:30");

	CHECK_INT(add_error("foo:1", &iv, "unknown target 'foo'"), EX_USAGE);
	CHECK_INT(add_error("return", &iv, "expected return:H"), EX_USAGE);
	CHECK_INT(add_error("return:0", &iv, "from 1 to"), EX_USAGE);
	CHECK_INT(add_error("return:x", &iv, "neither a number of candles nor a duration"), EX_USAGE);
	CHECK_INT(add_error("return:90m", &iv, "90m is not a whole number of 1h candles"), EX_USAGE);
	CHECK_INT(add_error("return:4h", NULL, "needs the candles' interval"), EX_USAGE);
	CHECK_INT(add_error("price:2:3", &iv, "price takes only a horizon"), EX_USAGE);
	CHECK_INT(add_error("regime:4:-1", &iv, "K must be"), EX_USAGE);
	CHECK_INT(add_error("regime:4:0.5:1", &iv, "W must be"), EX_USAGE);
	CHECK_INT(add_error("regime:4:0.5:20:9", &iv, "regime takes H[:K[:W]]"), EX_USAGE);
	CHECK_INT(add_error("regime:4,regime:4:1", &iv, "already asked for"), EX_USAGE);

	/* Too few rows for any row to have the target. */
	double close[] = { 1, 2, 3 };
	struct candles c;
	make(&c, close, 3, NULL);
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "return:3", &iv, &err), 0);
	struct feature_matrix m;
	CHECK_INT(targets_compute(&ts, &c, &iv, &m, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "target return:3 needs at least 4") != NULL);
	candles_free(&c);
}

int main(void)
{
	test_values();
	test_regime();
	test_gaps();
	test_parsing();
	return check_finish();
}
