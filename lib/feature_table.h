/* feature_table.h - named features over the rows of a series, wherever they come from.
 *
 * A name is resolved, in this order, as
 *   - a column of the table read (any numeric column: "close", "rsi_14" of a cra-features
 *     table, "funding" of an exogenous table; an empty cell is undefined, NaN);
 *   - a candle column (open high low close volume, and the optional ones present);
 *   - "return": the log return ln(close_t / close_{t-1}) (logret:1; undefined on the first row);
 *   - an item of a feature specification ("rsi:14", "macd.hist:12:26:9", "bb:20:2"; see
 *     feature_spec.h), computed from the candles with features_compute - an item with several
 *     outputs gives several features, named as cra-features names its columns.
 * Computed features need candles: a candle series, or a file that is a candle table.
 */
#ifndef CRA_FEATURE_TABLE_H
#define CRA_FEATURE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "feature_matrix.h"
#include "interval.h"

struct feature_table {
	struct feature_matrix m; /* one column per feature, named; m.nrows rows */
	int64_t *open_time;      /* the rows' open times, or NULL when the source has none */
};

void feature_table_init(struct feature_table *t);
void feature_table_free(struct feature_table *t);

/* The features over a candle series (iv its interval, or NULL when unknown).  64 for a name
 * that is no column and no feature; 65 when the series is too short for an indicator. */
int feature_table_from_candles(const struct candles *c, const struct interval *iv,
			       const char *const *names, size_t nnames, struct feature_table *out,
			       struct cra_error *err);

/* The features of a table file ("-" for standard input): columns read by name, features
 * computed from its candles when it is a candle table.  A file that needs both is read twice,
 * so standard input cannot (64).  66 when missing; 65 naming file:line and field for a cell
 * that is not a number, out-of-order open times, or a column that is neither there nor
 * computable. */
int feature_table_load(const char *path, const char *const *names, size_t nnames,
		       struct feature_table *out, struct cra_error *err);

#endif
