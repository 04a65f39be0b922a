/* Reading backtest predictions: columns by name, one model and horizon chosen, and errors
 * naming file:line and field. */
#include "check.h"
#include "forecast_table.h"
#include "testfiles.h"

int main(void)
{
	const char *dir = test_dir("test_forecast_table");
	struct forecast_rows f;
	struct cra_error err = { 0 };

	/* Two models interleaved, extra columns, one actual still unknown. */
	char *two = WRITE_TEXT(dir, "two.csv",
			       "model,open_time,horizon,actual,pred,lower,upper,extra\n"
			       "xgb,1000,1,10,11,9,12,a\n"
			       "lstm,1000,1,10,10.5,10.1,11,b\n"
			       "xgb,2000,1,12,12.5,12.2,13,c\n"
			       "lstm,2000,1,12,11,10,11.5,d\n"
			       "xgb,3000,1,,13,12,14,e\n");
	CHECK_INT(forecast_table_load(two, "xgb", 0, FORECAST_BAND, &f, &err), 0);
	CHECK_INT(f.n, 3);
	CHECK_STR(f.model, "xgb");
	CHECK_INT(f.horizon, 1);
	CHECK_INT(f.open_time[2], 3000);
	CHECK_NEAR(f.lower[1], 12.2, 0);
	CHECK(isnan(f.actual[2]));
	CHECK(isnan(f.p_bull[0])); /* no such column */
	CHECK_INT(f.line[1], 4);
	forecast_rows_free(&f);
	CHECK_INT(forecast_table_load(two, NULL, 0, FORECAST_BAND, &f, &err), EX_USAGE);
	CHECK(strstr(err.msg, "several models (xgb, lstm): choose one with --model") != NULL);
	CHECK_INT(forecast_table_load(two, "hybrid", 0, FORECAST_BAND, &f, &err), EX_USAGE);
	CHECK(strstr(err.msg, "no model 'hybrid' (it has xgb, lstm)") != NULL);
	/* The regime rule's columns are not there. */
	CHECK_INT(forecast_table_load(two, "xgb", 0, FORECAST_REGIME, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "two.csv:1: no 'p_bull' column") != NULL);

	/* Horizons: several need one chosen. */
	char *hz = WRITE_TEXT(dir, "hz.tsv", "open_time\thorizon\tpred\n1\t1\t5\n1\t4\t6\n2\t1\t7\n2\t4\t8\n");
	CHECK_INT(forecast_table_load(hz, NULL, 0, FORECAST_PRED, &f, &err), EX_USAGE);
	CHECK(strstr(err.msg, "several horizons (1, 4, ...)") != NULL);
	CHECK_INT(forecast_table_load(hz, NULL, 4, FORECAST_PRED, &f, &err), 0);
	CHECK_INT(f.n, 2);
	CHECK_NEAR(f.pred[1], 8, 0);
	CHECK_STR(f.model, "");
	forecast_rows_free(&f);
	CHECK_INT(forecast_table_load(hz, NULL, 2, FORECAST_PRED, &f, &err), EX_USAGE);
	CHECK_INT(forecast_table_load(two, "xgb", 0, FORECAST_PRED, &f, &err), 0);
	forecast_rows_free(&f);
	char *nohz = WRITE_TEXT(dir, "nohz.csv", "open_time,pred\n1,5\n");
	CHECK_INT(forecast_table_load(nohz, NULL, 3, FORECAST_PRED, &f, &err), EX_USAGE);
	CHECK_INT(forecast_table_load(nohz, "xgb", 0, FORECAST_PRED, &f, &err), EX_USAGE);
	CHECK(strstr(err.msg, "no model column") != NULL);

	/* Data errors, by file:line and field. */
	char *order = WRITE_TEXT(dir, "order.csv", "open_time,pred\n1,5\n3,5\n2,5\n");
	CHECK_INT(forecast_table_load(order, NULL, 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "order.csv:4: field 'open_time'") != NULL);
	CHECK(strstr(err.msg, "is before line 3's") != NULL);
	char *dup = WRITE_TEXT(dir, "dup.csv", "model,open_time,pred\na,1,5\nb,1,5\na,1,6\n");
	CHECK_INT(forecast_table_load(dup, "a", 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "dup.csv:4: field 'open_time'") != NULL && strstr(err.msg, "repeats line 2's"));
	char *empty = WRITE_TEXT(dir, "empty.csv", "open_time,pred,lower,upper\n1,5,4,6\n2,5,,6\n");
	CHECK_INT(forecast_table_load(empty, NULL, 0, FORECAST_PRED, &f, &err), 0); /* not needed */
	forecast_rows_free(&f);
	CHECK_INT(forecast_table_load(empty, NULL, 0, FORECAST_BAND, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "empty.csv:3: field 'lower' is empty, and the rule needs it") != NULL);
	char *bad = WRITE_TEXT(dir, "bad.csv", "open_time,pred\n1,5\n2,x\n");
	CHECK_INT(forecast_table_load(bad, NULL, 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "bad.csv:3: field 'pred': expected a finite number or an empty cell, got 'x'") != NULL);
	char *badt = WRITE_TEXT(dir, "badt.csv", "open_time,pred\n2023-01-01,5\n");
	CHECK_INT(forecast_table_load(badt, NULL, 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "badt.csv:2: field 'open_time': expected a time in ms") != NULL);
	char *none = WRITE_TEXT(dir, "none.csv", "open_time,pred\n");
	CHECK_INT(forecast_table_load(none, NULL, 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "no prediction rows") != NULL);
	char *notime = WRITE_TEXT(dir, "notime.csv", "time,pred\n1,2\n");
	CHECK_INT(forecast_table_load(notime, NULL, 0, FORECAST_PRED, &f, &err), EX_DATAERR);
	CHECK_INT(forecast_table_load("/nonexistent.csv", NULL, 0, FORECAST_PRED, &f, &err), EX_NOINPUT);
	free(two);
	free(hz);
	free(nohz);
	free(order);
	free(dup);
	free(empty);
	free(bad);
	free(badt);
	free(none);
	free(notime);
	return check_finish();
}
