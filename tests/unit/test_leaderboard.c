/* Leaderboard files: rows written and read back exactly (undefined cells as empty ones), the
 * upsert (a key already there replaced in place, new keys appended, a TSV file kept TSV), and
 * file:line errors for damaged files. */
#include "check.h"
#include "leaderboard.h"
#include "testfiles.h"

static struct leaderboard_row row(const char *model, int horizon, double rmse)
{
	struct leaderboard_row r = { .horizon = horizon, .steps = 9595, .rmse = rmse, .mae = 73.25,
				     .mape = 0.26, .directional_accuracy = NAN, .coverage = 0.8983,
				     .level = 0.9, .band_width = 0.0117, .theil_u = 1,
				     .naive_rmse = 125.78, .naive_mae = 73.3, .accuracy = NAN,
				     .macro_f1 = NAN };
	snprintf(r.symbol, sizeof r.symbol, "BTCUSDT");
	snprintf(r.interval, sizeof r.interval, "1h");
	snprintf(r.model, sizeof r.model, "%s", model);
	snprintf(r.period, sizeof r.period, "2022-11-25T23:00:00Z..2023-12-30T19:00:00Z");
	if (!strcmp(model, "hybrid"))
		snprintf(r.weights, sizeof r.weights, "xgb=0.5003;lstm=0.4997");
	return r;
}

static int same(const struct leaderboard_row *a, const struct leaderboard_row *b)
{
	const double x[] = { a->rmse, a->mae, a->mape, a->directional_accuracy, a->coverage,
			     a->level, a->band_width, a->theil_u, a->naive_rmse, a->naive_mae,
			     a->accuracy, a->macro_f1 };
	const double y[] = { b->rmse, b->mae, b->mape, b->directional_accuracy, b->coverage,
			     b->level, b->band_width, b->theil_u, b->naive_rmse, b->naive_mae,
			     b->accuracy, b->macro_f1 };
	for (size_t i = 0; i < sizeof x / sizeof *x; i++)
		if (!(x[i] == y[i] || (isnan(x[i]) && isnan(y[i]))))
			return 0;
	return !strcmp(a->symbol, b->symbol) && !strcmp(a->interval, b->interval) &&
	       !strcmp(a->model, b->model) && a->horizon == b->horizon &&
	       !strcmp(a->period, b->period) && a->steps == b->steps &&
	       !strcmp(a->weights, b->weights);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	const char *dir = test_dir("leaderboard");
	char path[600], tsv[600];
	snprintf(path, sizeof path, "%s/board.csv", dir);
	snprintf(tsv, sizeof tsv, "%s/board.tsv", dir);
	struct cra_error err = { 0 };
	struct leaderboard_row rows[3] = { row("xgb", 1, 125.9), row("hybrid", 1, 125.92),
					   row("naive", 1, 125.78) };
	rows[2].directional_accuracy = NAN;

	/* A new file: the rows as given; read back bit for bit. */
	CHECK_INT(leaderboard_upsert_file(path, rows, 3, &err), 0);
	struct leaderboard_row *got;
	size_t n;
	CHECK_INT(leaderboard_read(path, &got, &n, &err), 0);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n && i < 3; i++)
		CHECK(same(&got[i], &rows[i]));
	free(got);
	CHECK(strstr(slurp(path), "\nBTCUSDT,1h,hybrid,1,2022-11-25T23:00:00Z..2023-12-30T19:00:00Z,"
				  "9595,125.92,73.25,0.26,,0.8983,0.9,0.0117,1,125.78,73.3,,,"
				  "xgb=0.5003;lstm=0.4997\n") != NULL);

	/* Upsert: xgb replaced in place, horizon 4 appended. */
	struct leaderboard_row more[2] = { row("xgb", 1, 120), row("xgb", 4, 250) };
	CHECK_INT(leaderboard_upsert_file(path, more, 2, &err), 0);
	CHECK_INT(leaderboard_read(path, &got, &n, &err), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK(same(&got[0], &more[0]));
		CHECK(same(&got[1], &rows[1]) && same(&got[2], &rows[2]));
		CHECK(same(&got[3], &more[1]));
	}
	free(got);

	/* A TSV leaderboard stays TSV. */
	CHECK_INT(leaderboard_upsert_file(tsv, rows, 1, &err), 0);
	CHECK_INT(leaderboard_upsert_file(tsv, rows + 1, 1, &err), 0);
	CHECK(strncmp(slurp(tsv), "symbol\tinterval\tmodel\thorizon\tperiod\t", 36) == 0);
	CHECK_INT(leaderboard_read(tsv, &got, &n, &err), 0);
	CHECK_INT(n, 2);
	free(got);

	/* Damaged files: file:line and the field, nothing rewritten. */
	char *bad = WRITE_TEXT(dir, "bad.csv", "symbol,interval,model,horizon,period,rmse\n"
					       "BTCUSDT,1h,xgb,1,A..B,12\nBTCUSDT,1h,lstm,1,A..B,x1\n");
	CHECK_INT(leaderboard_upsert_file(bad, rows, 1, &err), 65);
	CHECK(strstr(err.msg, "bad.csv:3: field 'rmse': expected a number, got 'x1'") != NULL);
	CHECK(strstr(slurp(bad), "x1") != NULL);
	char *nokey = WRITE_TEXT(dir, "nokey.csv", "symbol,interval,model,period\nA,1h,xgb,p\n");
	CHECK_INT(leaderboard_read(nokey, &got, &n, &err), 65);
	CHECK(strstr(err.msg, "nokey.csv: not a leaderboard: no 'horizon' column") != NULL);
	char *empty = WRITE_TEXT(dir, "emptykey.csv", "symbol,interval,model,horizon,period\nA,1h,,1,p\n");
	CHECK_INT(leaderboard_read(empty, &got, &n, &err), 65);
	CHECK(strstr(err.msg, "emptykey.csv:2: field 'model' is empty") != NULL);
	free(bad);
	free(nokey);
	free(empty);
	return check_finish();
}
