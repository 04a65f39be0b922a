/* train_input.h - what a trainer reads before it trains: the candle series (from the store, a
 * candle file or standard input), its name and interval, and its targets.
 *
 * The series is named by --symbol, else by its file's name ("BTCUSDT.csv", "BTCUSDT-1h.csv"):
 * a bundle records what it was trained on.  The interval is -i, else (for a file) guessed from
 * the candles' smallest step.  Targets are "KIND[:H[:K[:W]]]" (targets.h), and with a list of
 * horizons "1,4,24" (candles or durations) one target per horizon, each replacing H and
 * keeping the parameters after it: "regime::0.7" with "4,24" is regime:4:0.7 and
 * regime:24:0.7.  Used by cra-train-lstm (and meant for every trainer).
 */
#ifndef CRA_TRAIN_INPUT_H
#define CRA_TRAIN_INPUT_H

#include "candles.h"
#include "error.h"
#include "interval.h"
#include "symbol.h"
#include "targets.h"

struct train_input {
	const char *symbol;    /* NULL: named after the file */
	const char *interval;  /* NULL: guessed from a file's candles (required for the store) */
	const char *file;      /* a candle file, "-" for standard input; NULL: the store */
	const char *from, *to; /* times (timefmt.h) bounding the candles' open_time, or NULL */
	const char *db;        /* PostgreSQL URI, or NULL ($CRA_DB, else the CSV store) */
};

/* Loads the candles (c initialised by the call, and left empty on failure) and fills iv and
 * symbol (SYMBOL_MAX + 1 bytes).  64 for a bad symbol, interval or time, or a series without a
 * name; 66 when the store has no such series, or none of its candles in the time range; 65 when
 * a file holds no candles (in the range), or candles closer together than the interval; the
 * loaders' errors. */
int train_input_load(const struct train_input *in, struct candles *c, struct interval *iv,
		     char *symbol, struct cra_error *err);

/* Appends to ts (initialised by the call) the targets of `target` at each of `horizons` (NULL:
 * target alone, at horizon 1 when it has none).  64 as target_spec_add. */
int train_targets(const char *target, const char *horizons, const struct interval *iv,
		  struct target_spec *ts, struct cra_error *err);

#endif
