/* candle_import.h - reading candle files that other tools produce.
 *
 * Formats, detected from the first line:
 *   - Binance's public bulk dumps (data.binance.vision klines): no header, 12 columns
 *     open_time, open, high, low, close, volume, close_time, quote_volume, trades,
 *     taker_buy_base, taker_buy_quote, ignore.  Times are milliseconds, except spot files
 *     from 2025 on, which use microseconds: told apart by size, per row.
 *   - Our candle table (header with open_time, open, high, low, close, volume, ...), and
 *     Binance dumps that carry a header (count, taker_buy_volume ... are understood).
 *   - Exchange and data-vendor exports with a date column: a header naming a time column
 *     (date, time, timestamp, datetime, unix) holding ISO 8601 text or epoch seconds / ms /
 *     µs, and open, high, low, close, volume columns in any order and case ("Volume BTC"
 *     counts as volume).  Newest-first files are reversed.
 * What series a file holds comes from the caller (--symbol, --interval), else from the file
 * name (BTCUSDT-1h-2024-01.csv, Binance_BTCUSDT_1h.csv, BTCUSDT.csv), else, for the interval
 * only, from the data (the most common spacing of open times).
 */
#ifndef CRA_CANDLE_IMPORT_H
#define CRA_CANDLE_IMPORT_H

#include <stdbool.h>

#include "candles.h"
#include "candles_io.h"
#include "error.h"
#include "interval.h"

struct import_options {
	const char *symbol;   /* NULL: from the file name */
	const char *interval; /* NULL: from the file name or the data */
	bool skip_bad;        /* import good rows, count bad ones */
};

enum import_format { IMPORT_BINANCE_DUMP, IMPORT_CANDLE_TABLE, IMPORT_EXPORT };

struct import_result {
	char symbol[24];
	struct interval iv;
	bool interval_from_data;  /* inferred from the spacing of open times */
	enum import_format format;
	struct candles candles;   /* valid and strictly increasing; caller frees */
	struct candle_read_report report;
};

const char *import_format_name(enum import_format f);

/* Reads one file ("-" = stdin).  65 for bad rows (unless skip_bad), 64 when the symbol or the
 * interval cannot be told, 66 when the file is missing. */
int candle_import(const char *path, const struct import_options *options,
		  struct import_result *result, struct cra_error *err);

/* Symbol and interval named by a file name's tokens (split on - _ . and /): the first token
 * that is a valid symbol with a letter in it, the first that is an interval. */
void import_names_from_path(const char *path, char *symbol, size_t symbol_size,
			    char *interval, size_t interval_size);

#endif
