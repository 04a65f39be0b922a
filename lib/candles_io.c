/* candles_io.c - streaming candle tables in and out; see candles_io.h. */
#include "candles_io.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "timefmt.h"

int candles_columns_from_header(const struct table_reader *tr, struct candle_columns *map,
				struct cra_error *err)
{
	map->time_encoding = TIME_MS;
	map->allow_descending = false;
	map->time_col = table_find(tr, "open_time");
	if (map->time_col < 0)
		return cra_fail(err, EX_DATAERR, "%s:1: no 'open_time' column in the header", table_name(tr));
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		map->col[f] = table_find(tr, candle_field_name[f]);
		if (f < CANDLE_NREQUIRED && map->col[f] < 0)
			return cra_fail(err, EX_DATAERR, "%s:1: no '%s' column in the header",
					table_name(tr), candle_field_name[f]);
	}
	return candles_columns_unique(tr, map, err);
}

/* 0, or 65 when another column of the header has column c's name. */
static int column_named_once(const struct table_reader *tr, int c, struct cra_error *err)
{
	const char *name = table_column_name(tr, (size_t)c);
	for (size_t i = 0; c >= 0 && i < table_ncols(tr); i++)
		if (i != (size_t)c && !strcasecmp(table_column_name(tr, i), name))
			return cra_fail(err, EX_DATAERR, "%s:1: the header names column '%s' twice "
					"(columns %d and %zu)", table_name(tr), name,
					(c < (int)i ? c : (int)i) + 1, (c < (int)i ? i : (size_t)c) + 1);
	return 0;
}

int candles_columns_unique(const struct table_reader *tr, const struct candle_columns *map,
			   struct cra_error *err)
{
	int r = column_named_once(tr, map->time_col, err);
	for (int f = 0; !r && f < CANDLE_NFIELDS; f++)
		if (map->col[f] >= 0)
			r = column_named_once(tr, map->col[f], err);
	return r;
}

/* Reads a time cell in the given encoding; returns NULL or the reason it is unreadable. */
static const char *parse_time(const char *s, size_t len, enum time_encoding enc, int64_t *t)
{
	int64_t v;
	if (number_parse_int64(s, len, &v) == 0) {
		if (enc == TIME_MS) {
			*t = v;
		} else {
			/* 1e11 s is the year 5138 and 1e14 ms the year 5138: anything larger is a finer
			 * unit.  Binance's spot dumps switched to microseconds in 2025. */
			uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* -v overflows for INT64_MIN */
			*t = a < 100000000000ULL ? v * 1000 : a < 100000000000000ULL ? v : v / 1000;
		}
		return NULL;
	}
	if (enc != TIME_TEXT)
		return "expected an integer time in milliseconds";
	char buf[64];
	if (len >= sizeof buf)
		return "expected a date or time";
	memcpy(buf, s, len);
	buf[len] = '\0';
	return time_parse_absolute(buf, t) ? "expected a date or time (ISO 8601)" : NULL;
}

static void record_skip(struct candle_read_report *rep, const char *fmt_line)
{
	rep->skipped++;
	if (rep->nreasons < CANDLE_SKIP_REASONS)
	{
		char *dst = rep->first_skip[rep->nreasons++];
		size_t n = strnlen(fmt_line, sizeof rep->first_skip[0] - 1);
		memcpy(dst, fmt_line, n);
		dst[n] = '\0';
	}
}

static void reverse_rows(struct candles *c)
{
	for (size_t i = 0, j = c->n ? c->n - 1 : 0; i < j; i++, j--) {
		int64_t t = c->open_time[i];
		c->open_time[i] = c->open_time[j];
		c->open_time[j] = t;
		for (int f = 0; f < CANDLE_NFIELDS; f++) {
			double v = c->v[f][i];
			c->v[f][i] = c->v[f][j];
			c->v[f][j] = v;
		}
	}
}

/* The first 40 bytes of a cell for a message, bytes that are not printable ASCII shown as
 * \xNN: binary garbage and NUL bytes would otherwise cut the message short or garble the
 * terminal.  out holds at least 4 * 40 + 1 bytes. */
static const char *shown_cell(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;
	for (size_t i = 0; i < len && i < 40; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b >= 0x20 && b < 0x7f) {
			out[w++] = (char)b;
		} else {
			out[w++] = '\\', out[w++] = 'x';
			out[w++] = hex[b >> 4], out[w++] = hex[b & 15];
		}
	}
	out[w] = '\0';
	return out;
}

int candles_parse_record(const struct table_reader *tr, const struct candle_columns *map,
			 unsigned optional_mask, int64_t *open_time, double *v, struct cra_error *err)
{
	const char *problem = NULL, *field = NULL, *cell = NULL;
	size_t cell_len = 0, len;
	/* More cells than the header names: a stray delimiter (a decimal comma, a thousands
	 * separator) has shifted the row, and its values may have moved one column over. */
	if (table_ncols(tr) && table_nfields(tr) > table_ncols(tr))
		return cra_fail(err, EX_DATAERR, "%s:%zu: %zu fields, but the header names %zu "
				"(a stray delimiter?)", table_name(tr), table_line(tr),
				table_nfields(tr), table_ncols(tr));
	const char *s = table_field(tr, (size_t)map->time_col, &len);
	*open_time = 0;
	if (!s) {
		field = "open_time", problem = "is missing (too few fields in the row)";
	} else if ((problem = parse_time(s, len, map->time_encoding, open_time))) {
		field = "open_time", cell = s, cell_len = len;
	} else if (*open_time < 0) {
		field = "open_time", problem = "is before 1970 (a negative time)";
	}
	for (int f = 0; !problem && f < CANDLE_NFIELDS; f++) {
		v[f] = NAN;
		if (map->col[f] < 0)
			continue;
		s = table_field(tr, (size_t)map->col[f], &len);
		field = candle_field_name[f];
		if (!s)
			problem = "is missing (too few fields in the row)";
		else if (len == 0 && f >= CANDLE_NREQUIRED)
			continue; /* an empty optional cell: unknown */
		else if (number_parse_double(s, len, &v[f]))
			problem = "expected a number", cell = s, cell_len = len;
	}
	if (!problem) {
		const char *why;
		field = candle_row_problem(v, optional_mask, &why);
		problem = field ? why : NULL;
	}
	if (!problem)
		return 0;
	char shown[4 * 40 + 1];
	if (cell)
		return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': %s, got '%s'", table_name(tr),
				table_line(tr), field, problem, shown_cell(cell, cell_len, shown));
	return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' %s", table_name(tr), table_line(tr),
			field, problem);
}

int candles_read(struct table_reader *tr, const struct candle_columns *map, bool skip_bad,
		 struct candles *out, struct candle_read_report *report, struct cra_error *err)
{
	struct candle_read_report rep = { 0 };
	candles_clear(out);
	for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
		if (map->col[f] >= 0)
			out->optional_mask |= 1u << f;
	int direction = 0; /* +1 oldest first, -1 newest first; fixed by the first two rows */
	char msg[512];
	int r;
	while ((r = table_next(tr, err)) == 1) {
		rep.rows++;
		struct cra_error row_err = { 0 };
		int64_t t;
		double v[CANDLE_NFIELDS];
		if (candles_parse_record(tr, map, out->optional_mask, &t, v, &row_err)) {
			if (!skip_bad) {
				*err = row_err;
				return EX_DATAERR;
			}
			record_skip(&rep, row_err.msg);
			continue;
		}
		const char *problem = NULL;
		if (out->n > 0) {
			int64_t prev = out->open_time[out->n - 1];
			if (t == prev) {
				problem = "duplicates the previous row's";
			} else if (direction == 0 && map->allow_descending) {
				direction = t > prev ? 1 : -1;
			} else if ((direction < 0 ? prev < t : t < prev)) {
				problem = "is out of order (rows must be sorted by time)";
			}
		}
		if (problem) {
			snprintf(msg, sizeof msg, "%s:%zu: field 'open_time' %s", table_name(tr),
				 table_line(tr), problem);
			if (!skip_bad)
				return cra_fail(err, EX_DATAERR, "%s", msg);
			record_skip(&rep, msg);
			continue;
		}
		if (candles_push(out, t, v))
			return cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
	}
	if (r < 0)
		return -r;
	if (direction < 0) {
		reverse_rows(out);
		rep.reversed = 1;
	}
	if (report)
		*report = rep;
	return 0;
}

int candles_load(const char *path, struct candles *out, struct cra_error *err)
{
	struct table_reader *tr;
	struct candle_columns map;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	r = candles_columns_from_header(tr, &map, err);
	if (!r)
		r = candles_read(tr, &map, false, out, NULL, err);
	table_close(tr);
	return r;
}

void candles_write_header(struct table_writer *w, unsigned optional_mask)
{
	tw_str(w, "open_time");
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		if (f < CANDLE_NREQUIRED || (optional_mask & (1u << f)))
			tw_str(w, candle_field_name[f]);
	tw_end_row(w);
}

void candles_write_row(struct table_writer *w, const struct candles *c, size_t i)
{
	tw_int(w, c->open_time[i]);
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		if (f < CANDLE_NREQUIRED || (c->optional_mask & (1u << f)))
			tw_double(w, c->v[f][i]);
	tw_end_row(w);
}

void candles_write(struct table_writer *w, const struct candles *c)
{
	candles_write_header(w, c->optional_mask);
	for (size_t i = 0; i < c->n; i++)
		candles_write_row(w, c, i);
}
