/* feature_table.c - named features from tables and candle series; see feature_table.h. */
#include "feature_table.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "candles_io.h"
#include "feature_spec.h"
#include "gaps.h"
#include "number.h"
#include "table_reader.h"

void feature_table_init(struct feature_table *t)
{
	feature_matrix_init(&t->m);
	t->open_time = NULL;
}

void feature_table_free(struct feature_table *t)
{
	feature_matrix_free(&t->m);
	free(t->open_time);
	t->open_time = NULL;
}

/* The columns gathered so far, in the order the names asked for them. */
struct column_list {
	size_t n, cap, nrows;
	char **name;
	double **data; /* owned */
};

static void column_list_free(struct column_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->name[i]);
		free(l->data[i]);
	}
	free(l->name);
	free(l->data);
}

/* Appends a copy of x[0..nrows) named name; 64 when a feature is asked for twice. */
static int column_list_add(struct column_list *l, const char *name, const double *x,
			   struct cra_error *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcasecmp(l->name[i], name))
			return cra_fail(err, EX_USAGE, "feature '%s' is asked for twice", name);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		char **nn = realloc(l->name, cap * sizeof *nn);
		if (nn)
			l->name = nn;
		double **nd = realloc(l->data, cap * sizeof *nd);
		if (nd)
			l->data = nd;
		if (!nn || !nd)
			return cra_fail(err, EX_OSERR, "out of memory");
		l->cap = cap;
	}
	char *copy = strdup(name);
	double *data = malloc((l->nrows ? l->nrows : 1) * sizeof *data);
	if (!copy || !data) {
		free(copy);
		free(data);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	if (l->nrows)
		memcpy(data, x, l->nrows * sizeof *data);
	l->name[l->n] = copy;
	l->data[l->n++] = data;
	return 0;
}

static int column_list_to_table(const struct column_list *l, const int64_t *open_time,
				struct feature_table *out, struct cra_error *err)
{
	int r = feature_matrix_alloc(&out->m, l->nrows, l->n, err);
	for (size_t j = 0; !r && j < l->n; j++) {
		if (l->nrows)
			memcpy(out->m.col[j], l->data[j], l->nrows * sizeof(double));
		r = feature_matrix_set_name(&out->m, j, l->name[j], err);
	}
	if (!r && open_time) {
		out->open_time = malloc((l->nrows ? l->nrows : 1) * sizeof *out->open_time);
		if (!out->open_time)
			return cra_fail(err, EX_OSERR, "out of memory");
		if (l->nrows)
			memcpy(out->open_time, open_time, l->nrows * sizeof *open_time);
	}
	if (!r)
		feature_matrix_count_undefined(&out->m);
	return r;
}

static int candle_field_of(const char *name, unsigned optional_mask)
{
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		if (!strcasecmp(name, candle_field_name[f]) &&
		    (f < CANDLE_NREQUIRED || (optional_mask & (1u << f))))
			return f;
	return -1;
}

/* A candle column, "return", or one feature-spec item computed over the candles. */
static int add_from_candles(const struct candles *c, const struct interval *iv, const char *name,
			    struct column_list *l, struct cra_error *err)
{
	int f = candle_field_of(name, c->optional_mask);
	if (f >= 0)
		return column_list_add(l, candle_field_name[f], c->v[f], err);
	bool is_return = !strcasecmp(name, "return");
	struct feature_spec spec;
	if (feature_spec_parse(is_return ? "logret:1" : name, &spec, err)) {
		char why[CRA_ERROR_MAX];
		snprintf(why, sizeof why, "%s", err->msg);
		return cra_fail(err, EX_USAGE, "'%s' is neither a column nor a feature (%s)", name, why);
	}
	if (spec.n != 1 || spec.lags)
		return cra_fail(err, EX_USAGE, "'%s': name one feature (lags are copies of a feature, "
				"not features of their own)", name);
	struct feature_matrix fm;
	int r = features_compute(&spec, c, iv, &fm, err);
	for (size_t j = 0; !r && j < fm.ncols; j++)
		r = column_list_add(l, is_return ? "return" : fm.name[j], fm.col[j], err);
	feature_matrix_free(&fm);
	return r;
}

int feature_table_from_candles(const struct candles *c, const struct interval *iv,
			       const char *const *names, size_t nnames, struct feature_table *out,
			       struct cra_error *err)
{
	feature_table_init(out);
	struct column_list l = { .nrows = c->n };
	int r = 0;
	for (size_t k = 0; k < nnames && !r; k++)
		r = add_from_candles(c, iv, names[k], &l, err);
	if (!r)
		r = column_list_to_table(&l, c->open_time, out, err);
	column_list_free(&l);
	if (r)
		feature_table_free(out);
	return r;
}

/* Reads the columns col[0..ncols) of every row (an empty cell is NaN) and open_time when
 * tcol >= 0 (strictly increasing).  data[k] and *times are allocated here. */
static int read_columns(struct table_reader *tr, const int *col, size_t ncols, int tcol,
			double **data, int64_t **times, size_t *nrows, struct cra_error *err)
{
	size_t n = 0, cap = 0;
	int more;
	while ((more = table_next(tr, err)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			for (size_t k = 0; k < ncols; k++) {
				double *d = realloc(data[k], cap * sizeof *d);
				if (!d)
					return cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
				data[k] = d;
			}
			int64_t *t = realloc(*times, cap * sizeof *t);
			if (!t)
				return cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
			*times = t;
		}
		size_t len;
		const char *s;
		for (size_t k = 0; k < ncols + (tcol >= 0); k++) {
			int c = k < ncols ? col[k] : tcol;
			const char *field = table_column_name(tr, (size_t)c);
			if (!(s = table_field(tr, (size_t)c, &len)))
				return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' is missing (too few "
						"fields in the row)", table_name(tr), table_line(tr), field);
			if (k == ncols) {
				if (number_parse_int64(s, len, &(*times)[n]))
					return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': expected a time "
							"in ms, got '%.*s'", table_name(tr), table_line(tr),
							field, (int)(len > 40 ? 40 : len), s);
				if (n > 0 && (*times)[n] <= (*times)[n - 1])
					return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' %s the previous "
							"row's (rows must be in time order)", table_name(tr),
							table_line(tr), field,
							(*times)[n] == (*times)[n - 1] ? "duplicates" : "is before");
				continue;
			}
			double v = NAN;
			if (len && (number_parse_double(s, len, &v) || !isfinite(v)))
				return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': expected a finite number "
						"(or an empty cell), got '%.*s'", table_name(tr),
						table_line(tr), field, (int)(len > 40 ? 40 : len), s);
			data[k][n] = v;
		}
		n++;
	}
	*nrows = n;
	return more < 0 ? -more : 0;
}

/* The candles of a file for the features that must be computed, from the open reader (when
 * it is not needed for anything else) or by reading the file again. */
static int load_candles_for(const char *path, struct table_reader *tr, bool reuse_reader,
			    const char *first_computed, struct candles *c, struct cra_error *err)
{
	struct candle_columns map;
	struct table_reader *own = NULL;
	int r = 0;
	if (!reuse_reader && (r = table_open(&own, path, NULL, err)))
		return r;
	struct table_reader *src = reuse_reader ? tr : own;
	if (candles_columns_from_header(src, &map, err)) {
		char why[CRA_ERROR_MAX];
		snprintf(why, sizeof why, "%s", err->msg);
		r = cra_fail(err, EX_DATAERR, "%s: no column '%s', and no candles to compute it from "
			     "(%s)", table_name(src), first_computed, why);
	} else
		r = candles_read(src, &map, false, c, NULL, err);
	if (own)
		table_close(own);
	return r;
}

int feature_table_load(const char *path, const char *const *names, size_t nnames,
		       struct feature_table *out, struct cra_error *err)
{
	feature_table_init(out);
	struct table_reader *tr;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	/* Which names are columns here; the others are computed from the file's candles. */
	int *col = malloc((nnames ? nnames : 1) * sizeof *col);
	double **data = calloc(nnames ? nnames : 1, sizeof *data);
	int64_t *times = NULL;
	size_t nplain = 0, nrows = 0;
	const char *first_computed = NULL;
	struct candles c;
	candles_init(&c);
	struct column_list l = { 0 };
	if (!col || !data) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < nnames; k++) {
		int j = table_find(tr, names[k]);
		if (j >= 0)
			col[nplain++] = j;
		else if (!first_computed)
			first_computed = names[k];
	}
	int tcol = table_find(tr, "open_time");
	bool is_stdin = !strcmp(path, "-");
	if (nplain && first_computed && is_stdin) {
		r = cra_fail(err, EX_USAGE, "'%s' is a column of standard input but '%s' must be "
			     "computed from its candles, which needs a second reading: give a file",
			     table_column_name(tr, (size_t)col[0]), first_computed);
		goto done;
	}
	if (nplain || !first_computed) {
		if ((r = read_columns(tr, col, nplain, tcol, data, &times, &nrows, err)))
			goto done;
	}
	if (first_computed) {
		if ((r = load_candles_for(path, tr, !nplain, first_computed, &c, err)))
			goto done;
		if (nplain && c.n != nrows) {
			r = cra_fail(err, EX_DATAERR, "%s changed while it was read (%zu rows, then %zu)",
				     path, nrows, c.n);
			goto done;
		}
		nrows = c.n;
	}
	struct interval ivbuf;
	const struct interval *iv = first_computed && !candles_guess_interval(&c, &ivbuf) ? &ivbuf : NULL;
	l.nrows = nrows;
	for (size_t k = 0, p = 0; k < nnames && !r; k++) {
		if (table_find(tr, names[k]) >= 0) {
			r = column_list_add(&l, table_column_name(tr, (size_t)col[p]), data[p], err);
			p++;
		} else {
			r = add_from_candles(&c, iv, names[k], &l, err);
		}
	}
	if (!r)
		r = column_list_to_table(&l, first_computed ? c.open_time : (tcol >= 0 ? times : NULL),
					 out, err);
done:
	if (r && err->msg[0] && !strstr(err->msg, table_name(tr)))
		cra_error_prefix(err, "%s: ", table_name(tr));
	table_close(tr);
	column_list_free(&l);
	for (size_t k = 0; data && k < nnames; k++)
		free(data[k]);
	free(data);
	free(col);
	free(times);
	candles_free(&c);
	if (r)
		feature_table_free(out);
	return r;
}
