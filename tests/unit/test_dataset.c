/* The chronological split: usable rows, the embargo, training-only statistics. */
#include "check.h"
#include "dataset.h"

int main(void)
{
	struct candles c;
	candles_init(&c);
	for (int t = 0; t < 100; t++) {
		double p = 100 + t; /* close rises by 1 a candle */
		double row[CANDLE_NFIELDS] = { p, p + 1, p - 1, p, 1, NAN, NAN, NAN, NAN, NAN };
		candles_push(&c, 3600000LL * t, row);
	}
	struct interval h1;
	interval_parse("1h", &h1);
	struct cra_error err = { 0 };
	struct feature_spec fs;
	struct target_spec ts;
	CHECK_INT(feature_spec_parse("logret:1", &fs, &err), 0);
	target_spec_init(&ts);
	CHECK_INT(target_spec_add(&ts, "return:2", &h1, &err), 0);
	struct dataset d;
	CHECK_INT(dataset_build(&c, &h1, &fs, &ts, 0.25, 3, &d, &err), 0);
	/* logret:1 is undefined at row 0, so window 3 first fits at row 3; targets need t + 2 <= 99. */
	CHECK_INT(d.split, 75);
	CHECK_INT(d.train[0], 3);
	CHECK_INT(d.train[d.ntrain - 1], 72); /* 72 + 2 < 75: the embargo drops 73 and 74 */
	CHECK_INT(d.ntrain, 70);
	CHECK_INT(d.valid[0], 75);
	CHECK_INT(d.valid[d.nvalid - 1], 97);
	/* mean of ln((100+t)/(99+t)) over t = 3..72, computed directly */
	double mean = 0, var = 0;
	for (int t = 3; t <= 72; t++)
		mean += log((100.0 + t) / (99.0 + t)) / 70;
	for (int t = 3; t <= 72; t++)
		var += pow(log((100.0 + t) / (99.0 + t)) - mean, 2) / 70;
	CHECK_NEAR(d.mean[0], mean, 1e-15);
	CHECK_NEAR(d.std[0], sqrt(var), 1e-15);
	CHECK_NEAR(dataset_scaled(&d, 0, 10), (log(110.0 / 109.0) - mean) / sqrt(var), 1e-9);
	/* Validation rows 75..97 split at 86: 75..83 first (83 + 2 < 86), 86..97 second. */
	size_t nfirst, second;
	dataset_split_valid(&d, 86, &nfirst, &second);
	CHECK_INT(nfirst, 9);
	CHECK_INT(d.valid[nfirst - 1], 83);
	CHECK_INT(d.valid[second], 86);
	CHECK_INT(d.nvalid - second, 12);
	dataset_split_valid(&d, 75, &nfirst, &second); /* at the split: all in the second part */
	CHECK_INT(nfirst, 0);
	CHECK_INT(second, 0);
	dataset_free(&d);
	/* Too few rows for the window: a clear error. */
	CHECK_INT(dataset_build(&c, &h1, &fs, &ts, 0.25, 90, &d, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "too few usable rows"));
	candles_free(&c);
	return check_finish();
}
