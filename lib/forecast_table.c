/* forecast_table.c - one model's predictions from a backtest or forecast table; see
 * forecast_table.h. */
#include "forecast_table.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "table_reader.h"
#include "timefmt.h"

enum { V_ACTUAL, V_PRED, V_LOWER, V_UPPER, V_BULL, V_NEUTRAL, V_BEAR, NVALUES };
static const char *const value_name[NVALUES] = { "actual", "pred", "lower", "upper",
						 "p_bull", "p_neutral", "p_bear" };
#define MAX_MODELS 64

/* The values each need names. */
static const struct {
	unsigned need;
	int value[3];
} needs[] = {
	{ FORECAST_PRED, { V_PRED, -1, -1 } },
	{ FORECAST_BAND, { V_LOWER, V_UPPER, -1 } },
	{ FORECAST_REGIME, { V_BULL, V_NEUTRAL, V_BEAR } },
};
#define NNEEDS (sizeof needs / sizeof *needs)

/* Every row as read, before the model and horizon are chosen. */
struct raw_rows {
	size_t n, cap;
	int64_t *time;
	double *v[NVALUES];
	size_t *line;
	int *model;   /* index into the model names */
	int *horizon;
};

static void raw_free(struct raw_rows *r)
{
	free(r->time);
	for (int k = 0; k < NVALUES; k++)
		free(r->v[k]);
	free(r->line);
	free(r->model);
	free(r->horizon);
}

static int raw_grow(struct raw_rows *r)
{
	size_t cap = r->cap ? 2 * r->cap : 1024;
	void *p;
#define GROW(field)                                                        \
	if (!(p = realloc(r->field, cap * sizeof *r->field)))                  \
		return -1;                                                     \
	r->field = p;
	GROW(time)
	GROW(line)
	GROW(model)
	GROW(horizon)
	for (int k = 0; k < NVALUES; k++) {
		GROW(v[k])
	}
#undef GROW
	r->cap = cap;
	return 0;
}

void forecast_rows_free(struct forecast_rows *f)
{
	free(f->open_time);
	free(f->actual);
	free(f->pred);
	free(f->lower);
	free(f->upper);
	free(f->p_bull);
	free(f->p_neutral);
	free(f->p_bear);
	free(f->line);
	memset(f, 0, sizeof *f);
}

/* "a, b, c" of the distinct values, for messages. */
static void list_models(char names[][64], int n, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
}

/* Values that no forecaster writes: a band upside down (every rule would read it backwards)
 * or a probability outside [0, 1].  0, or 65 naming the line and field. */
static int row_problem(const struct table_reader *tr, const struct raw_rows *raw, size_t i,
		       struct cra_error *err)
{
	if (raw->v[V_LOWER][i] > raw->v[V_UPPER][i])
		return cra_fail(err, EX_DATAERR, "%s:%zu: field 'lower' (%g) is above 'upper' (%g)",
				table_name(tr), table_line(tr), raw->v[V_LOWER][i], raw->v[V_UPPER][i]);
	for (int k = V_BULL; k <= V_BEAR; k++)
		if (raw->v[k][i] < 0 || raw->v[k][i] > 1)
			return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' is not a probability, "
					"got %g", table_name(tr), table_line(tr), value_name[k],
					raw->v[k][i]);
	return 0;
}

static int read_rows(struct table_reader *tr, unsigned need, struct raw_rows *raw,
		     char names[][64], int *nnames, struct cra_error *err)
{
	int tcol = table_find(tr, "open_time"), mcol = table_find(tr, "model");
	int hcol = table_find(tr, "horizon"), vcol[NVALUES];
	if (tcol < 0)
		return cra_fail(err, EX_DATAERR, "%s:1: no 'open_time' column in the header",
				table_name(tr));
	for (int k = 0; k < NVALUES; k++)
		vcol[k] = table_find(tr, value_name[k]);
	for (size_t q = 0; q < NNEEDS; q++)
		for (int k = 0; (need & needs[q].need) && k < 3 && needs[q].value[k] >= 0; k++)
			if (vcol[needs[q].value[k]] < 0)
				return cra_fail(err, EX_DATAERR, "%s:1: no '%s' column in the header, "
						"and the rule needs it", table_name(tr),
						value_name[needs[q].value[k]]);
	int more, r;
	while ((more = table_next(tr, err)) == 1) {
		if (raw->n == raw->cap && raw_grow(raw))
			return cra_fail(err, EX_OSERR, "out of memory reading %s", table_name(tr));
		size_t i = raw->n, len;
		const char *s = table_field(tr, (size_t)tcol, &len);
		raw->line[i] = table_line(tr);
#define BAD(field, what)                                                                   \
	return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': %s, got '%.*s'", table_name(tr), \
			table_line(tr), field, what, s ? (int)(len > 40 ? 40 : len) : 0, s ? s : "")
		if (!s || number_parse_int64(s, len, &raw->time[i]))
			BAD("open_time", "expected a time in ms");
		raw->model[i] = 0;
		if (mcol >= 0) {
			if (!(s = table_field(tr, (size_t)mcol, &len)) || !len || len >= 64)
				BAD("model", "expected a model name");
			int m = 0;
			while (m < *nnames && (strlen(names[m]) != len || memcmp(names[m], s, len)))
				m++;
			if (m == *nnames) {
				if (m == MAX_MODELS)
					BAD("model", "more than 64 models in one table");
				memcpy(names[m], s, len);
				names[m][len] = '\0';
				++*nnames;
			}
			raw->model[i] = m;
		}
		raw->horizon[i] = 0;
		if (hcol >= 0) {
			int64_t h;
			if (!(s = table_field(tr, (size_t)hcol, &len)) || number_parse_int64(s, len, &h) ||
			    h < 1 || h > 1000000)
				BAD("horizon", "expected a number of candles");
			raw->horizon[i] = (int)h;
		}
		for (int k = 0; k < NVALUES; k++) {
			raw->v[k][i] = NAN;
			if (vcol[k] < 0)
				continue;
			if (!(s = table_field(tr, (size_t)vcol[k], &len)))
				BAD(value_name[k], "missing (too few fields in the row)");
			if (len && (number_parse_double(s, len, &raw->v[k][i]) || !isfinite(raw->v[k][i])))
				BAD(value_name[k], "expected a finite number or an empty cell");
		}
#undef BAD
		if ((r = row_problem(tr, raw, i, err)))
			return r;
		raw->n++;
	}
	return more < 0 ? -more : 0;
}

/* Which model: the one named, else the only one. */
static int choose_model(const char *path, const char *model, char names[][64], int nnames,
			int *chosen, struct cra_error *err)
{
	char list[1024];
	list_models(names, nnames, list, sizeof list);
	*chosen = 0;
	if (!model) {
		if (nnames > 1)
			return cra_fail(err, EX_USAGE, "%s holds several models (%s): choose one with "
					"--model", path, list);
		return 0;
	}
	if (!nnames)
		return cra_fail(err, EX_USAGE, "%s has no model column to choose '%s' from", path, model);
	for (int m = 0; m < nnames; m++)
		if (!strcmp(names[m], model)) {
			*chosen = m;
			return 0;
		}
	return cra_fail(err, EX_USAGE, "%s has no model '%s' (it has %s)", path, model, list);
}

/* Which horizon, among the chosen model's rows: the one named, else the only one. */
static int choose_horizon(const char *path, const struct raw_rows *raw, int model, int horizon,
			  bool has_column, int *chosen, struct cra_error *err)
{
	*chosen = 0;
	if (!has_column) {
		if (horizon > 0)
			return cra_fail(err, EX_USAGE, "%s has no horizon column to choose %d from", path,
					horizon);
		return 0;
	}
	int first = 0, other = 0;
	bool found = false;
	for (size_t i = 0; i < raw->n; i++) {
		if (raw->model[i] != model)
			continue;
		if (!first)
			first = raw->horizon[i];
		else if (raw->horizon[i] != first && !other)
			other = raw->horizon[i];
		found |= raw->horizon[i] == horizon;
	}
	if (horizon > 0) {
		if (!found)
			return cra_fail(err, EX_USAGE, "%s has no row of horizon %d for this model", path,
					horizon);
		*chosen = horizon;
		return 0;
	}
	if (other)
		return cra_fail(err, EX_USAGE, "%s holds several horizons (%d, %d, ...): choose one "
				"with --horizon", path, first, other);
	*chosen = first;
	return 0;
}

int forecast_table_load(const char *path, const char *model, int horizon, unsigned need,
			struct forecast_rows *out, struct cra_error *err)
{
	memset(out, 0, sizeof *out);
	struct table_reader *tr;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	snprintf(out->name, sizeof out->name, "%s", table_name(tr));
	bool has_horizon = table_find(tr, "horizon") >= 0;
	struct raw_rows raw = { 0 };
	char names[MAX_MODELS][64]; /* 4 KiB */
	int nnames = 0, m = 0, h = 0;
	r = read_rows(tr, need, &raw, names, &nnames, err);
	table_close(tr);
	if (!r)
		r = choose_model(out->name, model, names, nnames, &m, err);
	if (!r)
		r = choose_horizon(out->name, &raw, m, horizon, has_horizon, &h, err);
	if (r)
		goto done;
	/* A whole name row (read_rows keeps names under 64 bytes, NUL-terminated); out->model is
	 * already "" when there are none. */
	_Static_assert(sizeof out->model == sizeof names[0], "a model name fits");
	if (nnames)
		memcpy(out->model, names[m], sizeof out->model);
	out->horizon = h;

	size_t n = 0;
	for (size_t i = 0; i < raw.n; i++)
		n += raw.model[i] == m && raw.horizon[i] == h;
	if (!n) {
		r = cra_fail(err, EX_DATAERR, "%s: no prediction rows", out->name);
		goto done;
	}
	size_t bytes = n * sizeof(double);
	out->open_time = malloc(n * sizeof *out->open_time);
	out->line = malloc(n * sizeof *out->line);
	double **dst[NVALUES] = { &out->actual, &out->pred, &out->lower, &out->upper,
				  &out->p_bull, &out->p_neutral, &out->p_bear };
	bool oom = !out->open_time || !out->line;
	for (int k = 0; k < NVALUES; k++)
		oom |= !(*dst[k] = malloc(bytes));
	if (oom) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < raw.n; i++) {
		if (raw.model[i] != m || raw.horizon[i] != h)
			continue;
		size_t j = out->n;
		if (j > 0 && raw.time[i] <= out->open_time[j - 1]) {
			char when[TIME_BUF];
			time_format_iso(raw.time[i], when);
			r = cra_fail(err, EX_DATAERR, "%s:%zu: field 'open_time' (%s) %s line %zu's "
				     "(a model's predictions must be in time order)", out->name,
				     raw.line[i], when,
				     raw.time[i] == out->open_time[j - 1] ? "repeats" : "is before",
				     out->line[j - 1]);
			goto done;
		}
		for (size_t q = 0; q < NNEEDS; q++)
			for (int k = 0; (need & needs[q].need) && k < 3 && needs[q].value[k] >= 0; k++)
				if (isnan(raw.v[needs[q].value[k]][i])) {
					r = cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' is empty, and the "
						     "rule needs it", out->name, raw.line[i],
						     value_name[needs[q].value[k]]);
					goto done;
				}
		out->open_time[j] = raw.time[i];
		out->line[j] = raw.line[i];
		for (int k = 0; k < NVALUES; k++)
			(*dst[k])[j] = raw.v[k][i];
		out->n++;
	}
done:
	raw_free(&raw);
	if (r)
		forecast_rows_free(out);
	return r;
}
