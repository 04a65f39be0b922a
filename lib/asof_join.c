/* asof_join.c - exogenous series and the as-of join; see asof_join.h. */
#include "asof_join.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feature_matrix.h"
#include "number.h"
#include "table_reader.h"
#include "timefmt.h"

static const char *const time_columns[] = { "open_time", "time", "timestamp", "date", "datetime" };

void exo_init(struct exo_series *x) { memset(x, 0, sizeof *x); }

void exo_free(struct exo_series *x)
{
	free(x->prefix);
	if (x->col_name)
		for (size_t j = 0; j < x->ncols; j++)
			free(x->col_name[j]);
	free(x->col_name);
	free(x->time);
	free(x->data);
	exo_init(x);
}

/* "dir/funding.csv" -> "funding"; "-" -> "stdin". */
static char *prefix_of(const char *path)
{
	if (!strcmp(path, "-"))
		return strdup("stdin");
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return strndup(base, len);
}

/* Epoch seconds, milliseconds or microseconds by size, or ISO 8601 text.  0 or -1. */
static int parse_time(const char *s, size_t len, int64_t *t)
{
	int64_t v;
	if (number_parse_int64(s, len, &v) == 0) {
		int64_t a = v < 0 ? -v : v;
		/* 1e11 s and 1e14 ms are both in the year 5138: a larger number is a finer unit. */
		*t = a < 100000000000LL ? v * 1000 : a < 100000000000000LL ? v : v / 1000;
		return 0;
	}
	char buf[64];
	if (len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return time_parse_absolute(buf, t);
}

/* A candle table's rows become known when their candles close: at close_time (kept in
 * closes[] when the table has it), else at the next boundary of the interval less 1 ms. */
static int candle_rows_known_at(struct exo_series *x, const int64_t *closes, const char *name,
				struct cra_error *err)
{
	size_t n = x->nrows;
	if (closes) {
		for (size_t i = 0; i < n; i++) {
			if (closes[i] < x->time[i] || (i > 0 && closes[i] <= closes[i - 1]))
				return cra_fail(err, EX_DATAERR, "%s: row %zu: close_time is before its "
						"open_time or not after the previous row's", name, i + 1);
			x->time[i] = closes[i];
		}
		return 0;
	}
	int64_t step = INT64_MAX;
	for (size_t i = 1; i < n; i++)
		if (x->time[i] - x->time[i - 1] < step)
			step = x->time[i] - x->time[i - 1];
	struct interval iv;
	if (n < 2 || interval_of_step(step, &iv))
		return cra_fail(err, EX_DATAERR, "%s: a candle table (open_time) whose candles' close "
				"cannot be told: add a close_time column, or name the time column 'time' "
				"if its values are known at their time stamps", name);
	for (size_t i = 0; i < n; i++)
		x->time[i] = interval_next(&iv, x->time[i]) - 1;
	return 0;
}

int exo_load(const char *path, struct exo_series *x, struct cra_error *err)
{
	exo_init(x);
	struct table_reader *tr;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	int tcol = -1;
	for (size_t k = 0; k < sizeof time_columns / sizeof *time_columns && tcol < 0; k++)
		tcol = table_find(tr, time_columns[k]);
	bool candle_table = tcol >= 0 && !strcasecmp(table_column_name(tr, (size_t)tcol), "open_time");
	int ccol = candle_table ? table_find(tr, "close_time") : -1;
	size_t ncols = table_ncols(tr);
	double *rows = NULL; /* row-major while reading */
	int64_t *closes = NULL;
	size_t cap = 0, n = 0;
	if (tcol < 0) {
		r = cra_fail(err, EX_DATAERR, "%s:1: no time column (open_time, time, timestamp, date "
			     "or datetime) in the header", table_name(tr));
		goto done;
	}
	x->ncols = ncols - 1 - (ccol >= 0);
	if (x->ncols == 0) {
		r = cra_fail(err, EX_DATAERR, "%s:1: no value column beside '%s'", table_name(tr),
			     table_column_name(tr, (size_t)tcol));
		goto done;
	}
	x->prefix = prefix_of(path);
	x->col_name = calloc(x->ncols, sizeof *x->col_name);
	if (!x->prefix || !x->col_name) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t k = 0, j = 0; k < ncols; k++)
		if ((int)k != tcol && (int)k != ccol && !(x->col_name[j++] = strdup(table_column_name(tr, k)))) {
			r = cra_fail(err, EX_OSERR, "out of memory");
			goto done;
		}
	int more;
	while ((more = table_next(tr, err)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			double *nr = realloc(rows, cap * x->ncols * sizeof *nr);
			int64_t *nt = realloc(x->time, cap * sizeof *nt);
			int64_t *nc = ccol >= 0 ? realloc(closes, cap * sizeof *nc) : NULL;
			if (nr)
				rows = nr;
			if (nt)
				x->time = nt;
			if (nc)
				closes = nc;
			if (!nr || !nt || (ccol >= 0 && !nc)) {
				r = cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
				goto done;
			}
		}
		size_t len;
		const char *s = table_field(tr, (size_t)tcol, &len);
		if (!s || parse_time(s, len, &x->time[n])) {
			r = cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': expected a time (epoch or ISO "
				     "8601), got '%.*s'", table_name(tr), table_line(tr),
				     table_column_name(tr, (size_t)tcol), s ? (int)(len > 40 ? 40 : len) : 0,
				     s ? s : "");
			goto done;
		}
		if (n > 0 && x->time[n] <= x->time[n - 1]) {
			r = cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' %s the previous row's (times "
				     "must be strictly increasing)", table_name(tr), table_line(tr),
				     table_column_name(tr, (size_t)tcol),
				     x->time[n] == x->time[n - 1] ? "duplicates" : "is earlier than");
			goto done;
		}
		if (ccol >= 0 && (!(s = table_field(tr, (size_t)ccol, &len)) ||
				  parse_time(s, len, &closes[n]))) {
			r = cra_fail(err, EX_DATAERR, "%s:%zu: field 'close_time': expected a time",
				     table_name(tr), table_line(tr));
			goto done;
		}
		for (size_t k = 0, j = 0; k < ncols; k++) {
			if ((int)k == tcol || (int)k == ccol)
				continue;
			double *v = &rows[n * x->ncols + j++];
			s = table_field(tr, k, &len);
			if (!s) {
				r = cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' is missing (too few fields "
					     "in the row)", table_name(tr), table_line(tr),
					     table_column_name(tr, k));
				goto done;
			}
			if (len == 0) {
				*v = NAN;
			} else if (number_parse_double(s, len, v) || !isfinite(*v)) {
				r = cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': expected a number, got "
					     "'%.*s'", table_name(tr), table_line(tr),
					     table_column_name(tr, k), (int)(len > 40 ? 40 : len), s);
				goto done;
			}
		}
		n++;
	}
	if (more < 0) {
		r = -more;
		goto done;
	}
	x->nrows = n;
	if (candle_table && (r = candle_rows_known_at(x, closes, table_name(tr), err)))
		goto done;
	x->data = malloc((n ? n : 1) * x->ncols * sizeof *x->data);
	if (!x->data) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < x->ncols; j++)
			x->data[j * n + i] = rows[i * x->ncols + j];
done:
	free(rows);
	free(closes);
	table_close(tr);
	if (r)
		exo_free(x);
	return r;
}

int asof_join(const struct exo_series *x, const struct candles *c, const struct interval *iv,
	      int64_t delay_ms, struct feature_matrix *out, struct cra_error *err)
{
	feature_matrix_init(out);
	int r = feature_matrix_alloc(out, c->n, x->ncols, err);
	for (size_t j = 0; j < x->ncols && !r; j++) {
		char name[256];
		snprintf(name, sizeof name, "%s_%s", x->prefix, x->col_name[j]);
		r = feature_matrix_set_name(out, j, name, err);
	}
	double *last = r ? NULL : malloc((x->ncols ? x->ncols : 1) * sizeof *last);
	if (!r && !last)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (r) {
		feature_matrix_free(out);
		return r;
	}
	for (size_t j = 0; j < x->ncols; j++)
		last[j] = NAN;
	size_t k = 0, m = x->nrows;
	for (size_t t = 0; t < c->n; t++) {
		/* Everything known by the candle's close: s + delay <= next open - 1. */
		int64_t close_time = interval_next(iv, c->open_time[t]) - 1;
		while (k < m && x->time[k] <= close_time - delay_ms) {
			for (size_t j = 0; j < x->ncols; j++) {
				double v = x->data[j * m + k];
				if (!isnan(v))
					last[j] = v;
			}
			k++;
		}
		for (size_t j = 0; j < x->ncols; j++)
			out->col[j][t] = last[j];
	}
	free(last);
	feature_matrix_count_undefined(out);
	return 0;
}
