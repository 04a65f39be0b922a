/* plot_table.c - a whole table in memory, columns converted on demand; see plot_table.h. */
#include "plot_table.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "table_reader.h"

void plot_table_init(struct plot_table *t) { memset(t, 0, sizeof *t); }

void plot_table_free(struct plot_table *t)
{
	free(t->name);
	for (size_t j = 0; j < t->ncols; j++)
		free(t->col_name[j]);
	free(t->col_name);
	free(t->line);
	free(t->cell);
	free(t->text);
	plot_table_init(t);
}

/* Appends one cell's text with its NUL; returns its offset, or SIZE_MAX when out of memory. */
static size_t add_text(struct plot_table *t, const char *s, size_t len)
{
	if (t->text_cap - t->text_len < len + 1) {
		size_t cap = t->text_cap ? t->text_cap : 1 << 16;
		while (cap - t->text_len < len + 1)
			cap *= 2;
		char *p = realloc(t->text, cap);
		if (!p)
			return SIZE_MAX;
		t->text = p;
		t->text_cap = cap;
	}
	size_t at = t->text_len;
	memcpy(t->text + at, s, len);
	t->text[at + len] = '\0';
	t->text_len += len + 1;
	return at;
}

static int read_rows(struct table_reader *tr, struct plot_table *t, struct cra_error *err)
{
	size_t cap = 0;
	int r;
	while ((r = table_next(tr, err)) == 1) {
		if (t->nrows == cap) {
			cap = cap ? 2 * cap : 1024;
			size_t *line = realloc(t->line, cap * sizeof *line);
			if (line)
				t->line = line;
			size_t *cell = realloc(t->cell, cap * t->ncols * sizeof *cell);
			if (cell)
				t->cell = cell;
			if (!line || !cell)
				return cra_fail(err, EX_OSERR, "out of memory reading %s", t->name);
		}
		size_t *row = t->cell + t->nrows * t->ncols;
		for (size_t j = 0; j < t->ncols; j++) {
			size_t len;
			const char *s = table_field(tr, j, &len);
			row[j] = s ? add_text(t, s, len) : SIZE_MAX;
			if (s && row[j] == SIZE_MAX)
				return cra_fail(err, EX_OSERR, "out of memory reading %s", t->name);
		}
		t->line[t->nrows++] = table_line(tr);
	}
	return r < 0 ? -r : 0;
}

static int load(const char *path, bool rows_needed, struct plot_table *t, struct cra_error *err)
{
	struct table_reader *tr;
	plot_table_init(t);
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	t->ncols = table_ncols(tr);
	t->name = strdup(table_name(tr));
	t->col_name = calloc(t->ncols, sizeof *t->col_name);
	if (!t->name || !t->col_name)
		r = cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
	for (size_t j = 0; !r && j < t->ncols; j++)
		if (!(t->col_name[j] = strdup(table_column_name(tr, j))))
			r = cra_fail(err, EX_OSERR, "out of memory reading %s", t->name);
	if (!r)
		r = read_rows(tr, t, err);
	if (!r && t->nrows == 0 && rows_needed)
		r = cra_fail(err, EX_DATAERR, "%s: no data rows after the header", t->name);
	table_close(tr);
	if (r)
		plot_table_free(t);
	return r;
}

int plot_table_load(const char *path, struct plot_table *t, struct cra_error *err)
{
	return load(path, true, t, err);
}

int plot_table_load_header_only_ok(const char *path, struct plot_table *t,
				   struct cra_error *err)
{
	return load(path, false, t, err);
}

int plot_table_find(const struct plot_table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcasecmp(t->col_name[j], name))
			return (int)j;
	return -1;
}

int plot_table_need(const struct plot_table *t, const char *name, const char *why, int *col,
		    struct cra_error *err)
{
	*col = plot_table_find(t, name);
	if (*col < 0)
		return cra_fail(err, EX_DATAERR, "%s:1: no '%s' column in the header (expected %s)",
				t->name, name, why);
	/* A column named twice: which one to draw would be a guess. */
	for (size_t j = (size_t)*col + 1; j < t->ncols; j++)
		if (!strcasecmp(t->col_name[j], name))
			return cra_fail(err, EX_DATAERR, "%s:1: the header names column '%s' twice "
					"(columns %d and %zu)", t->name, name, *col + 1, j + 1);
	return 0;
}

const char *plot_table_text(const struct plot_table *t, size_t r, int c)
{
	size_t at = t->cell[r * t->ncols + (size_t)c];
	return at == SIZE_MAX ? "" : t->text + at;
}

int plot_table_fail(const struct plot_table *t, size_t r, struct cra_error *err,
		    const char *fmt, ...)
{
	char msg[CRA_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cra_fail(err, EX_DATAERR, "%s:%zu: %s", t->name, t->line[r], msg);
}

int plot_table_check_band(const struct plot_table *t, const size_t *rows, size_t n,
			  const double *lower, const double *upper, struct cra_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (lower[i] > upper[i]) /* false when either is NaN (no band) */
			return plot_table_fail(t, rows ? rows[i] : i, err,
					       "field 'lower' (%g) is above 'upper' (%g)", lower[i],
					       upper[i]);
	return 0;
}

/* The cell's text for a message: at most 40 bytes of it. */
#define CELL_FMT "'%.40s'"

int plot_table_numbers(const struct plot_table *t, int c, const size_t *rows, size_t n,
		       bool empty_ok, double *out, struct cra_error *err)
{
	if (!rows)
		n = t->nrows;
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;
		const char *s = plot_table_text(t, r, c);
		size_t len = strlen(s);
		if (len == 0 && empty_ok) {
			out[i] = NAN;
			continue;
		}
		if (len == 0)
			return plot_table_fail(t, r, err, "field '%s' is empty", t->col_name[c]);
		if (number_parse_double(s, len, &out[i]))
			return plot_table_fail(t, r, err, "field '%s': expected a number, got " CELL_FMT,
						t->col_name[c], s);
		if (!isfinite(out[i]))
			return plot_table_fail(t, r, err, "field '%s': not a finite number, got " CELL_FMT,
						t->col_name[c], s);
	}
	return 0;
}

int plot_table_times(const struct plot_table *t, int c, const size_t *rows, size_t n,
		     int64_t *out, struct cra_error *err)
{
	if (!rows)
		n = t->nrows;
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;
		const char *s = plot_table_text(t, r, c);
		if (number_parse_int64(s, strlen(s), &out[i]))
			return plot_table_fail(t, r, err, "field '%s': expected a time in milliseconds "
					       "since the epoch, got " CELL_FMT, t->col_name[c], s);
	}
	return 0;
}

int plot_table_select(const struct plot_table *t, int c, const char *value, const size_t *rows,
		      size_t n, size_t **out, size_t *nout, struct cra_error *err)
{
	if (!rows)
		n = t->nrows;
	*nout = 0;
	*out = malloc((n ? n : 1) * sizeof **out);
	if (!*out)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;
		if (!strcmp(plot_table_text(t, r, c), value))
			(*out)[(*nout)++] = r;
	}
	return 0;
}

int plot_table_distinct(const struct plot_table *t, int c, const char ***out, size_t *nout,
			struct cra_error *err)
{
	/* Tables here have a handful of distinct models, features or classes: a linear scan of
	 * the values seen so far is cheaper than hashing them. */
	*nout = 0;
	*out = NULL;
	size_t cap = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = plot_table_text(t, r, c);
		size_t k = 0;
		while (k < *nout && strcmp((*out)[k], s))
			k++;
		if (k < *nout)
			continue;
		if (*nout == cap) {
			cap = cap ? 2 * cap : 8;
			const char **p = realloc(*out, cap * sizeof *p);
			if (!p) {
				free(*out);
				*out = NULL;
				return cra_fail(err, EX_OSERR, "out of memory");
			}
			*out = p;
		}
		(*out)[(*nout)++] = s;
	}
	return 0;
}
