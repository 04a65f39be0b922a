/* test_plot_table.c - whole tables in memory: cells by column name, conversions that name
 * file:line and the column, short rows, quoting, selection and distinct values. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "plot_table.h"
#include "testfiles.h"

static void test_load_and_convert(const char *dir)
{
	char *path = WRITE_TEXT(dir, "bt.csv",
				"open_time,Actual,pred,lower,upper,model\n"
				"1000,10.5,10,9,11,naive\n"
				"2000,11,,,,\"sma, 5\"\n"
				"3000,12,11.5,10,13,naive\n");
	struct plot_table t;
	struct cra_error err = { 0 };
	CHECK_INT(plot_table_load(path, &t, &err), 0);
	CHECK_INT(t.nrows, 3);
	CHECK_INT(t.ncols, 6);
	CHECK_INT(plot_table_find(&t, "actual"), 1); /* case-insensitive, as table_reader */
	CHECK_INT(plot_table_find(&t, "volume"), -1);
	int c;
	CHECK_INT(plot_table_need(&t, "volume", "a candle table", &c, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bt.csv:1: no 'volume' column in the header (expected a candle table)"));
	CHECK_STR(plot_table_text(&t, 1, 5), "sma, 5"); /* quoted delimiter kept */
	CHECK_INT(t.line[2], 4);

	double v[3];
	CHECK_INT(plot_table_numbers(&t, 2, NULL, 0, true, v, &err), 0);
	CHECK_NEAR(v[0], 10, 0);
	CHECK(isnan(v[1]));
	CHECK_NEAR(v[2], 11.5, 0);
	/* An empty cell where a number is required names the line and the column. */
	CHECK_INT(plot_table_numbers(&t, 2, NULL, 0, false, v, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bt.csv:3: field 'pred' is empty"));
	size_t rows[] = { 0, 2 };
	CHECK_INT(plot_table_numbers(&t, 2, rows, 2, false, v, &err), 0);
	CHECK_NEAR(v[1], 11.5, 0);

	int64_t tm[3];
	CHECK_INT(plot_table_times(&t, 0, NULL, 0, tm, &err), 0);
	CHECK_INT(tm[2], 3000);
	/* Text where a number or a time belongs. */
	CHECK_INT(plot_table_numbers(&t, 5, NULL, 0, false, v, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bt.csv:2: field 'model': expected a number, got 'naive'"));
	CHECK_INT(plot_table_times(&t, 1, NULL, 0, tm, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bt.csv:2: field 'Actual': expected a time in milliseconds"));

	size_t *sel, nsel;
	CHECK_INT(plot_table_select(&t, 5, "naive", NULL, 0, &sel, &nsel, &err), 0);
	CHECK_INT(nsel, 2);
	CHECK_INT(sel[1], 2);
	free(sel);
	const char **names;
	size_t nnames;
	CHECK_INT(plot_table_distinct(&t, 5, &names, &nnames, &err), 0);
	CHECK_INT(nnames, 2);
	CHECK_STR(names[0], "naive");
	CHECK_STR(names[1], "sma, 5");
	free(names);
	plot_table_free(&t);
	free(path);
}

static void test_bad_input(const char *dir)
{
	struct plot_table t;
	struct cra_error err = { 0 };
	char *path = WRITE_TEXT(dir, "header-only.csv", "feature,mean_abs_shap\n");
	CHECK_INT(plot_table_load(path, &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "no data rows"));
	free(path);
	path = WRITE_TEXT(dir, "empty.csv", "");
	CHECK_INT(plot_table_load(path, &t, &err), EX_DATAERR);
	free(path);
	CHECK_INT(plot_table_load("/nonexistent/x.csv", &t, &err), EX_NOINPUT);
	/* A short row: its missing cells read as empty, and as numbers they are reported. */
	path = WRITE_TEXT(dir, "short.tsv", "a\tb\n1\t2\n3\n");
	CHECK_INT(plot_table_load(path, &t, &err), 0);
	CHECK_STR(plot_table_text(&t, 1, 1), "");
	double v[2];
	CHECK_INT(plot_table_numbers(&t, 1, NULL, 0, false, v, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "short.tsv:3: field 'b' is empty"));
	/* Infinite values are refused: nothing draws them. */
	plot_table_free(&t);
	free(path);
	path = WRITE_TEXT(dir, "inf.csv", "x\n1\ninf\n");
	CHECK_INT(plot_table_load(path, &t, &err), 0);
	CHECK_INT(plot_table_numbers(&t, 0, NULL, 0, false, v, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "inf.csv:3: field 'x': not a finite number"));
	CHECK_INT(plot_table_fail(&t, 0, &err, "something about %s", "it"), EX_DATAERR);
	CHECK_STR(err.msg, strstr(err.msg, "inf.csv") ? err.msg : "");
	CHECK(strstr(err.msg, "inf.csv:2: something about it"));
	plot_table_free(&t);
	free(path);
}

int main(void)
{
	const char *dir = test_dir("plot_table");
	test_load_and_convert(dir);
	test_bad_input(dir);
	return check_finish();
}
