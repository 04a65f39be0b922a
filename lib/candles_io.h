/* candles_io.h - candle series from and to tables.
 *
 * Reading maps table columns onto candle fields (struct candle_columns), parses and checks
 * every row as it streams past, and reports the first bad row by file:line and field - or,
 * with skip_bad, skips bad rows and counts them by reason.  Our own candle table is found by
 * header names (candles_columns_from_header); other layouts (Binance's headerless dumps,
 * exchange exports) are mapped by candle_import.c onto the same reader.
 */
#ifndef CRA_CANDLES_IO_H
#define CRA_CANDLES_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "candles.h"
#include "table_reader.h"
#include "table_writer.h"

enum time_encoding {
	TIME_MS,         /* integer milliseconds since the epoch (our format) */
	TIME_EPOCH_AUTO, /* integer seconds, milliseconds or microseconds, told apart by size */
	TIME_TEXT,       /* ISO 8601 date or date-time text, or an epoch number */
};

struct candle_columns {
	int time_col;
	enum time_encoding time_encoding;
	int col[CANDLE_NFIELDS];   /* table column of each candle field, -1 when absent */
	bool allow_descending;     /* exports that list the newest row first are reversed */
};

/* Maps our candle table's header; fails (65) naming the missing required column. */
int candles_columns_from_header(const struct table_reader *tr, struct candle_columns *map,
				struct cra_error *err);

/* Fails (65) when the header names a mapped column twice: which of the two holds the close
 * would be a guess (an export that was pasted together, a join gone wrong). */
int candles_columns_unique(const struct table_reader *tr, const struct candle_columns *map,
			   struct cra_error *err);

#define CANDLE_SKIP_REASONS 6
struct candle_read_report {
	size_t rows;                 /* data rows read */
	size_t skipped;              /* rows skipped with skip_bad */
	size_t reversed;             /* 1 when the input was newest-first and was reversed */
	char first_skip[CANDLE_SKIP_REASONS][256]; /* the first few reasons, file:line: ... */
	size_t nreasons;
};

/* Parses the current record of tr as one candle - its time and values, checked as a row
 * (candle_row_problem), not its order against other rows - into *open_time and
 * values[CANDLE_NFIELDS] (NaN for absent optional values).  0, or 65 with
 * "file:line: field 'x': why, got 'cell'" (a reader of live streams takes rows one by one). */
int candles_parse_record(const struct table_reader *tr, const struct candle_columns *map,
			 unsigned optional_mask, int64_t *open_time, double *values,
			 struct cra_error *err);

/* Reads every remaining row of tr into out (cleared first).  Without skip_bad the first bad
 * row fails the whole read (65) and out holds nothing useful. */
int candles_read(struct table_reader *tr, const struct candle_columns *map, bool skip_bad,
		 struct candles *out, struct candle_read_report *report, struct cra_error *err);

/* Opens path ("-" = stdin) as our candle table and reads it all. */
int candles_load(const char *path, struct candles *out, struct cra_error *err);

/* Writes the candle table: header, then one row per candle; optional columns that are present. */
void candles_write(struct table_writer *w, const struct candles *c);
void candles_write_header(struct table_writer *w, unsigned optional_mask);
void candles_write_row(struct table_writer *w, const struct candles *c, size_t i);

#endif
