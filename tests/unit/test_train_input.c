/* A trainer's inputs: the series named by --symbol or by its file, the interval given or
 * guessed, --from/--to, and the targets of --target at each of --horizons. */
#include "check.h"
#include "testfiles.h"
#include "train_input.h"

int main(void)
{
	const char *dir = test_dir("train_input");
	char *csv = WRITE_TEXT(dir, "ABCUSDT-1h.csv",
			       "open_time,open,high,low,close,volume\n"
			       "1672531200000,1,2,0.5,1.5,10\n"
			       "1672534800000,1.5,2,1,1.2,11\n"
			       "1672538400000,1.2,1.3,1,1.1,12\n"
			       "1672542000000,1.1,1.4,1,1.3,13\n");
	struct cra_error err = { 0 };
	struct candles c;
	struct interval iv;
	char symbol[SYMBOL_MAX + 1];

	/* named after the file, interval guessed */
	struct train_input in = { .file = csv };
	CHECK_INT(train_input_load(&in, &c, &iv, symbol, &err), 0);
	CHECK_STR(symbol, "ABCUSDT");
	CHECK_STR(iv.name, "1h");
	CHECK_INT(c.n, 4);
	candles_free(&c);
	/* --from/--to bound open_time: [01:00, 03:00) */
	in.from = "1672534800000";
	in.to = "2023-01-01T03:00";
	CHECK_INT(train_input_load(&in, &c, &iv, symbol, &err), 0);
	CHECK_INT(c.n, 2);
	CHECK(c.open_time[0] == 1672534800000LL);
	candles_free(&c);
	/* -i coarser than the candles; a bad symbol; a file not named after a series */
	struct train_input coarse = { .file = csv, .interval = "4h" };
	CHECK_INT(train_input_load(&coarse, &c, &iv, symbol, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "the candles are 1h apart, not 4h"));
	struct train_input bad = { .file = csv, .symbol = "abc" };
	CHECK_INT(train_input_load(&bad, &c, &iv, symbol, &err), EX_USAGE);
	CHECK(strstr(err.msg, "'abc' is not a symbol"));
	char *anon = WRITE_TEXT(dir, "candles.csv", "open_time,open,high,low,close,volume\n");
	struct train_input unnamed = { .file = anon };
	CHECK_INT(train_input_load(&unnamed, &c, &iv, symbol, &err), EX_USAGE);
	CHECK(strstr(err.msg, "name the series with --symbol"));
	struct train_input late = { .file = csv, .from = "someday" };
	CHECK_INT(train_input_load(&late, &c, &iv, symbol, &err), EX_USAGE);
	CHECK(strstr(err.msg, "--from: expected a time"));

	/* targets: the kind alone is horizon 1; horizons replace H and keep the parameters */
	struct target_spec ts;
	interval_parse("1h", &iv);
	char text[256];
	CHECK_INT(train_targets("return", NULL, &iv, &ts, &err), 0);
	target_spec_format(&ts, text, sizeof text);
	CHECK_STR(text, "return:1");
	CHECK_INT(train_targets("regime:2:0.7", "4,1d", &iv, &ts, &err), 0);
	target_spec_format(&ts, text, sizeof text);
	CHECK_STR(text, "regime:4:0.7:20,regime:24:0.7:20");
	CHECK_INT(train_targets("price:3", "1,2", &iv, &ts, &err), 0);
	target_spec_format(&ts, text, sizeof text);
	CHECK_STR(text, "price:1,price:2");
	CHECK_INT(train_targets("return", "1,90m", &iv, &ts, &err), EX_USAGE);
	CHECK_INT(train_targets("return", "", &iv, &ts, &err), EX_USAGE);
	free(csv);
	free(anon);
	return check_finish();
}
