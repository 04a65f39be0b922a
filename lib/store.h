/* store.h - where candle series live: a CSV data directory (the default) or PostgreSQL.
 *
 * Every program reads and writes series through this interface and does not know which
 * backend it has.  Writes are merges: the union of what is stored and what is added, keyed by
 * (symbol, interval, open_time), so writing the same candles twice changes nothing, and a
 * stored candle is never replaced by a different one (a conflict is counted and reported).
 *
 * CSV directory: $CRA_DATA/SYMBOL-INTERVAL.csv (default ./data), each file our candle table,
 * rewritten atomically under an flock on $CRA_DATA/.SYMBOL-INTERVAL.lock.
 * PostgreSQL (--db URI or $CRA_DB): table candles, created when missing; see store_pg.c.
 */
#ifndef CRA_STORE_H
#define CRA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "interval.h"

struct store_options {
	const char *data_dir; /* CSV directory; NULL means $CRA_DATA or ./data */
	const char *db_uri;   /* PostgreSQL connection URI; NULL means $CRA_DB, unset = CSV */
};

struct store;

/* Opens the store the options (or, failing them, the environment) name.  The CSV directory
 * is created if missing (73 when it cannot be); a database that cannot be reached after a few
 * tries gives 69 (EX_UNAVAILABLE). */
int store_open(struct store **out, const struct store_options *options, struct cra_error *err);
void store_close(struct store *s);

/* "data directory ./data" or "PostgreSQL host:port/db", for messages (never a password). */
const char *store_describe(const struct store *s);

/* Loads the candles of one series with from <= open_time < to (INT64_MIN, INT64_MAX for all).
 * A series that does not exist loads as empty with *exists false (exists may be NULL). */
int store_load(struct store *s, const char *symbol, const struct interval *iv, int64_t from,
	       int64_t to, struct candles *out, bool *exists, struct cra_error *err);

/* Merges valid, strictly increasing candles into a series, creating it if needed, atomically:
 * after a failure or a crash the series is as it was before or as it is after, never between.
 * Every open_time must lie on the interval's boundaries (65 otherwise). */
int store_merge(struct store *s, const char *symbol, const struct interval *iv,
		const struct candles *add, struct merge_stats *stats, struct cra_error *err);

/* The newest stored open_time of a series (*exists false when there is none). */
int store_latest(struct store *s, const char *symbol, const struct interval *iv,
		 int64_t *open_time, bool *exists, struct cra_error *err);

struct series_info {
	char symbol[24];
	char interval[8];
	size_t rows;
	int64_t first, last; /* open_time of the oldest and newest candle */
};

/* Every stored series, sorted by symbol then interval length.  Free *list with free(). */
int store_list(struct store *s, struct series_info **list, size_t *n, struct cra_error *err);

#endif
