/* forecast_table.h - reading the predictions of cra-backtest (and the forecasts of
 * cra-predict): one model's rows, one horizon, in time order.
 *
 * The table (CSV or TSV with a header; columns found by name, others ignored):
 *   open_time   the predicted candle's open time, ms (required)
 *   model       the model's name (lstm, xgb, hybrid, naive); optional when there is one
 *   horizon     candles ahead the prediction was made from; optional
 *   actual      the candle's close, when known (empty otherwise)
 *   pred        the predicted close;  lower, upper: its interval (e.g. 90%)
 *   p_bull, p_neutral, p_bear   regime probabilities; regime: the predicted class
 * A numeric cell may be empty (undefined).  A file with several models or horizons needs the
 * one to use named; the rows kept must have strictly increasing open times.
 */
#ifndef CRA_FORECAST_TABLE_H
#define CRA_FORECAST_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Columns a caller needs defined on every row kept. */
enum forecast_need {
	FORECAST_PRED = 1,   /* pred */
	FORECAST_BAND = 2,   /* lower, upper */
	FORECAST_REGIME = 4, /* p_bull, p_neutral, p_bear */
};

struct forecast_rows {
	size_t n;
	int64_t *open_time;
	double *actual, *pred, *lower, *upper, *p_bull, *p_neutral, *p_bear; /* NaN: undefined */
	size_t *line;          /* where each row is in the file, for messages */
	char name[256];        /* the file, as messages name it */
	char model[64];        /* the model kept ("" when the table has no model column) */
	int horizon;           /* the horizon kept (0 when the table has no horizon column) */
};

void forecast_rows_free(struct forecast_rows *f);

/* Reads path ("-": standard input), keeping the rows of `model` (NULL: the only one) and
 * `horizon` (0: the only one).  64 when several models or horizons are there and none is
 * named, or the one named is not; 65 naming file:line and field for a malformed cell, a
 * needed value that is empty, open times out of order or repeated; 66 when missing. */
int forecast_table_load(const char *path, const char *model, int horizon, unsigned need,
			struct forecast_rows *out, struct cra_error *err);

#endif
