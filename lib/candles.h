/* candles.h - a candle series in memory, column by column.
 *
 * The candle table (DESIGN.md): open_time (int64 ms, UTC), open, high, low, close, volume, and
 * optional close_time, quote_volume, trades, taker_buy_base, taker_buy_quote.  Values live in
 * one array per column (v[CF_CLOSE][i] is the i-th close) so that indicators and models read
 * contiguous memory.  Optional columns are present for the whole series or not at all (a
 * missing value inside a present column is NaN and written as an empty cell).
 *
 * A valid series is strictly increasing in open_time, every value is finite,
 * high >= max(open, close), low <= min(open, close), and volumes, counts are >= 0.
 */
#ifndef CRA_CANDLES_H
#define CRA_CANDLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum candle_field {
	CF_OPEN,
	CF_HIGH,
	CF_LOW,
	CF_CLOSE,
	CF_VOLUME,
	CF_CLOSE_TIME,  /* ms, open_time + interval - 1 at Binance */
	CF_QUOTE_VOLUME,
	CF_TRADES,
	CF_TAKER_BUY_BASE,
	CF_TAKER_BUY_QUOTE,
	CANDLE_NFIELDS,
};

#define CANDLE_NREQUIRED 5 /* open..volume */
#define CANDLE_OPTIONAL_ALL (((1u << CANDLE_NFIELDS) - 1) & ~((1u << CANDLE_NREQUIRED) - 1))

/* Column names in the candle table, indexed by enum candle_field. */
extern const char *const candle_field_name[CANDLE_NFIELDS];

struct candles {
	size_t n, cap;
	int64_t *open_time;
	double *v[CANDLE_NFIELDS];
	unsigned optional_mask; /* bit f set when optional column f is present */
};

void candles_init(struct candles *c);
void candles_free(struct candles *c);
void candles_clear(struct candles *c);
int candles_reserve(struct candles *c, size_t n);

/* Appends one row; values has CANDLE_NFIELDS entries (NaN for an absent optional value).
 * Does not validate; returns 0 or -1 when out of memory. */
int candles_push(struct candles *c, int64_t open_time, const double *values);

/* Checks one row's values (not its order): returns NULL when valid, else the name of the
 * offending field and a reason in *why ("not finite", "high below open" ...). */
const char *candle_row_problem(const double *values, unsigned optional_mask, const char **why);

/* Checks the whole series; on failure fills err with "<name>: row N (open_time T): ...". */
int candles_validate(const struct candles *c, const char *name, struct cra_error *err);

/* Index of the first candle with open_time >= t (n if none). */
size_t candles_lower_bound(const struct candles *c, int64_t t);

/* Copies rows with from <= open_time < to into out (out is cleared first). */
int candles_slice(const struct candles *c, int64_t from, int64_t to, struct candles *out);

struct merge_stats {
	size_t added;      /* rows that were not in the series */
	size_t present;    /* rows already there with the same values */
	size_t conflicts;  /* rows already there with different values: the stored ones are kept */
	size_t enriched;   /* rows already there that gained optional values they lacked */
};

/* Merges the valid series add into the valid series into (both strictly increasing): the
 * result is their union, strictly increasing.  A row present in both keeps into's values.
 * Returns 0, or -1 when out of memory (into is then unchanged). */
int candles_merge(struct candles *into, const struct candles *add, struct merge_stats *stats);

/* Whether two series hold exactly the same rows and optional columns. */
bool candles_equal(const struct candles *a, const struct candles *b);

#endif
