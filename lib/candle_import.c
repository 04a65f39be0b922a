/* candle_import.c - Binance dumps, candle tables and exchange exports; see candle_import.h. */
#include "candle_import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gaps.h"
#include "number.h"
#include "symbol.h"
#include "table_reader.h"

const char *import_format_name(enum import_format f)
{
	switch (f) {
	case IMPORT_BINANCE_DUMP: return "Binance dump";
	case IMPORT_CANDLE_TABLE: return "candle table";
	case IMPORT_EXPORT: return "exchange export";
	}
	return "?";
}

void import_names_from_path(const char *path, char *symbol, size_t symbol_size, char *interval,
			    size_t interval_size)
{
	symbol[0] = interval[0] = '\0';
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char token[64];
	for (const char *p = base; *p;) {
		size_t n = strcspn(p, "-_.");
		if (n > 0 && n < sizeof token) {
			memcpy(token, p, n);
			token[n] = '\0';
			struct interval iv;
			bool has_letter = strpbrk(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL;
			if (!interval[0] && interval_parse(token, &iv) == 0 && n < interval_size)
				strcpy(interval, token);
			else if (!symbol[0] && has_letter && symbol_valid(token) && n < symbol_size)
				strcpy(symbol, token);
		}
		p += n;
		if (*p)
			p++;
	}
}

/* A column whose header is one of the names (case-insensitive), or -1. */
static int find_any(const struct table_reader *tr, const char *const *names)
{
	for (; *names; names++) {
		int c = table_find(tr, *names);
		if (c >= 0)
			return c;
	}
	return -1;
}

static int find_prefix(const struct table_reader *tr, const char *prefix)
{
	for (size_t i = 0; i < table_ncols(tr); i++)
		if (!strncasecmp(table_column_name(tr, i), prefix, strlen(prefix)))
			return (int)i;
	return -1;
}

/* Maps a header onto candle fields, accepting the spellings exporters use. */
static int map_header(const struct table_reader *tr, struct candle_columns *map,
		      enum import_format *format, struct cra_error *err)
{
	static const char *const time_names[] = { "open_time", "open time", "timestamp", "unix",
						  "time", "date", "datetime", "date(utc)", NULL };
	static const char *const synonyms[CANDLE_NFIELDS][5] = {
		[CF_OPEN] = { "open", NULL },
		[CF_HIGH] = { "high", NULL },
		[CF_LOW] = { "low", NULL },
		[CF_CLOSE] = { "close", NULL },
		[CF_VOLUME] = { "volume", NULL },
		[CF_CLOSE_TIME] = { "close_time", NULL },
		[CF_QUOTE_VOLUME] = { "quote_volume", "quote_asset_volume", NULL },
		[CF_TRADES] = { "trades", "count", "number_of_trades", "tradecount", NULL },
		[CF_TAKER_BUY_BASE] = { "taker_buy_base", "taker_buy_volume",
					"taker_buy_base_asset_volume", NULL },
		[CF_TAKER_BUY_QUOTE] = { "taker_buy_quote", "taker_buy_quote_volume",
					 "taker_buy_quote_asset_volume", NULL },
	};
	map->time_col = find_any(tr, time_names);
	if (map->time_col < 0)
		return cra_fail(err, EX_DATAERR,
				"%s:1: no time column in the header (expected open_time, timestamp, "
				"date, time or unix)", table_name(tr));
	bool ours = !strcasecmp(table_column_name(tr, (size_t)map->time_col), "open_time");
	*format = ours ? IMPORT_CANDLE_TABLE : IMPORT_EXPORT;
	map->time_encoding = ours ? TIME_EPOCH_AUTO : TIME_TEXT;
	map->allow_descending = !ours;
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		map->col[f] = find_any(tr, synonyms[f]);
		if (f == CF_VOLUME && map->col[f] < 0)
			map->col[f] = find_prefix(tr, "volume"); /* "Volume BTC", "Volume_(BTC)" */
		if (f < CANDLE_NREQUIRED && map->col[f] < 0)
			return cra_fail(err, EX_DATAERR, "%s:1: no '%s' column in the header",
					table_name(tr), candle_field_name[f]);
	}
	return candles_columns_unique(tr, map, err);
}

static void binance_dump_map(struct candle_columns *map)
{
	map->time_col = 0;
	map->time_encoding = TIME_EPOCH_AUTO;
	map->allow_descending = false;
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		map->col[f] = f + 1; /* open .. taker_buy_quote are columns 1 .. 10, in our order */
}

/* Microsecond dumps have microsecond close times too; store milliseconds. */
static void close_time_to_ms(struct candles *c)
{
	if (!(c->optional_mask & (1u << CF_CLOSE_TIME)))
		return;
	for (size_t i = 0; i < c->n; i++) {
		double t = c->v[CF_CLOSE_TIME][i];
		if (t >= 1e14)
			c->v[CF_CLOSE_TIME][i] = floor(t / 1000);
	}
}

int candle_import(const char *path, const struct import_options *options,
		  struct import_result *res, struct cra_error *err)
{
	memset(res, 0, sizeof *res);
	candles_init(&res->candles);
	struct table_reader *tr;
	struct table_reader_options topt = { .no_header = true, .delimiter = 0 };
	int r = table_open(&tr, path, &topt, err);
	if (r)
		return r;
	/* The first record decides: a number first means a headerless Binance dump. */
	if ((r = table_next(tr, err)) <= 0) {
		if (r == 0)
			cra_fail(err, EX_DATAERR, "%s: empty file", table_name(tr));
		table_close(tr);
		return r < 0 ? -r : EX_DATAERR;
	}
	struct candle_columns map;
	size_t len;
	const char *first = table_field(tr, 0, &len);
	int64_t t;
	bool headerless = number_parse_int64(first, len, &t) == 0;
	if (headerless) {
		res->format = IMPORT_BINANCE_DUMP;
		binance_dump_map(&map);
		if (table_nfields(tr) < 6) {
			r = cra_fail(err, EX_DATAERR,
				     "%s:1: a headerless file must be a Binance kline dump (12 columns), "
				     "this line has %zu", table_name(tr), table_nfields(tr));
			goto out;
		}
		if (table_nfields(tr) < 11)
			for (int f = CF_CLOSE_TIME; f < CANDLE_NFIELDS; f++)
				map.col[f] = -1;
	} else {
		if ((r = table_use_record_as_header(tr, err)) || (r = map_header(tr, &map, &res->format, err)))
			goto out;
	}
	if (headerless)
		table_unread(tr); /* a dump's first record is data */
	r = candles_read(tr, &map, options && options->skip_bad, &res->candles, &res->report, err);
	if (r)
		goto out;
	close_time_to_ms(&res->candles);

	/* Which series is this? */
	char sym[24], ivname[8];
	import_names_from_path(path, sym, sizeof sym, ivname, sizeof ivname);
	const char *symbol = options && options->symbol ? options->symbol : sym;
	if (!*symbol) {
		r = cra_fail(err, EX_USAGE, "%s: cannot tell the symbol from the file name: give --symbol",
			     table_name(tr));
		goto out;
	}
	if (!symbol_valid(symbol)) {
		r = cra_fail(err, EX_USAGE, "invalid symbol '%.40s': symbols are 2 to 20 capital "
			     "letters or digits", symbol);
		goto out;
	}
	snprintf(res->symbol, sizeof res->symbol, "%s", symbol);
	const char *ivtext = options && options->interval ? options->interval : ivname;
	if (*ivtext) {
		if (interval_parse(ivtext, &res->iv)) {
			r = cra_fail(err, EX_USAGE, "unknown interval '%s' (use 1m 3m 5m 15m 30m 1h 2h "
				     "4h 6h 8h 12h 1d 3d 1w 1M)", ivtext);
			goto out;
		}
	} else if (candles_guess_interval(&res->candles, &res->iv) == 0) {
		res->interval_from_data = true;
	} else {
		r = cra_fail(err, EX_USAGE, "%s: cannot tell the interval from the file name or the "
			     "data: give --interval", table_name(tr));
		goto out;
	}
out:
	table_close(tr);
	if (r)
		candles_free(&res->candles);
	return r;
}
