/* asof_join.h - exogenous time series (sentiment, funding rates, open interest, another
 * symbol's candles) merged onto candles as of each candle's close, never later.
 *
 * An exogenous table has a time column - the first of open_time, time, timestamp, date,
 * datetime found in its header - and numeric columns.  A time cell is epoch seconds,
 * milliseconds or microseconds (told apart by size, as for Binance dumps) or ISO 8601 text
 * (timefmt.h); times must be strictly increasing.  An empty cell is a missing value.  The time
 * must be when the value became known: a series stamped with the start of the period it
 * describes (a daily score stamped at 00:00 but published at 23:59) needs a delay.
 *
 * A table whose time column is open_time is a candle table (another symbol's candles, of any
 * interval): a row becomes known when its candle closes - at its close_time when the table has
 * that column (which is then not joined), else at the next boundary of its interval less 1 ms,
 * the interval guessed from its open times.  A daily candle thus reaches an hourly series at
 * 23:00, never at 00:00.
 *
 * The as-of rule: candle t covers [open_t, next_open_t) and closes at next_open_t - 1 ms
 * (Binance's close_time).  Its value of an exogenous column is the latest non-empty value whose
 * time s satisfies s + delay <= next_open_t - 1, i.e. known by the candle's close; NaN when
 * there is none yet.  A value stamped exactly at the next candle's open belongs to the next
 * candle.
 */
#ifndef CRA_ASOF_JOIN_H
#define CRA_ASOF_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "feature_matrix.h"
#include "interval.h"

struct exo_series {
	char *prefix;       /* the file's base name without its extension: "funding" */
	size_t nrows, ncols;
	int64_t *time;      /* nrows times (ms) at which each row is known, strictly increasing */
	char **col_name;    /* ncols names as in the header */
	double *data;       /* column-major: column j at data + j*nrows; NaN = missing */
};

void exo_init(struct exo_series *x);
void exo_free(struct exo_series *x);

/* Reads an exogenous table.  66 when it cannot be opened; 65 with file:line for a missing time
 * column, no value column, an unreadable time or number, times out of order, or a candle table
 * whose candles' close cannot be told (no close_time column and irregular or single rows). */
int exo_load(const char *path, struct exo_series *x, struct cra_error *err);

/* Joins x onto the candles (iv: their interval, required) with columns named
 * "<prefix>_<column>" (out initialised by the call).  delay_ms >= 0 postpones every value. */
int asof_join(const struct exo_series *x, const struct candles *c, const struct interval *iv,
	      int64_t delay_ms, struct feature_matrix *out, struct cra_error *err);

#endif
