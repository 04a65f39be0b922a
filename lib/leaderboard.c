/* leaderboard.c - leaderboard rows, their table and the file upsert; see leaderboard.h. */
#include "leaderboard.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "file_lock.h"
#include "number.h"
#include "table_reader.h"
#include "timefmt.h"

/* The columns, in order, and where each lives in a row: one table for writing and reading. */
enum cell_kind { TEXT, INT, LLONG, DOUBLE };
struct column {
	const char *name;
	enum cell_kind kind;
	size_t offset, size;
	bool key;
};
#define COL(name, kind, field, key) \
	{ name, kind, offsetof(struct leaderboard_row, field), \
	  sizeof(((struct leaderboard_row *)0)->field), key }
static const struct column columns[] = {
	COL("symbol", TEXT, symbol, true),
	COL("interval", TEXT, interval, true),
	COL("model", TEXT, model, true),
	COL("horizon", INT, horizon, true),
	COL("period", TEXT, period, true),
	COL("steps", LLONG, steps, false),
	COL("rmse", DOUBLE, rmse, false),
	COL("mae", DOUBLE, mae, false),
	COL("mape", DOUBLE, mape, false),
	COL("directional_accuracy", DOUBLE, directional_accuracy, false),
	COL("coverage", DOUBLE, coverage, false),
	COL("level", DOUBLE, level, false),
	COL("band_width", DOUBLE, band_width, false),
	COL("theil_u", DOUBLE, theil_u, false),
	COL("naive_rmse", DOUBLE, naive_rmse, false),
	COL("naive_mae", DOUBLE, naive_mae, false),
	COL("accuracy", DOUBLE, accuracy, false),
	COL("macro_f1", DOUBLE, macro_f1, false),
	COL("weights", TEXT, weights, false),
};
#define NCOLUMNS (sizeof columns / sizeof *columns)

static void *cell(struct leaderboard_row *row, const struct column *col)
{
	return (char *)row + col->offset;
}

static const void *ccell(const struct leaderboard_row *row, const struct column *col)
{
	return (const char *)row + col->offset;
}

/* ---- rows from a walk-forward ------------------------------------------------------------ */

static void row_from_track(const struct wf_track *t, const char *symbol, const char *interval,
			   double level, struct leaderboard_row *row)
{
	const struct wf_summary *s = &t->sum;
	memset(row, 0, sizeof *row);
	snprintf(row->symbol, sizeof row->symbol, "%s", symbol);
	snprintf(row->interval, sizeof row->interval, "%s", interval);
	snprintf(row->model, sizeof row->model, "%s", t->model);
	row->horizon = t->horizon;
	char a[TIME_BUF] = "", b[TIME_BUF] = "";
	if (t->n) {
		time_format_iso(t->open_time[0], a);
		time_format_iso(t->open_time[t->n - 1], b);
	}
	snprintf(row->period, sizeof row->period, "%s..%s", a, b);
	row->steps = (long long)s->steps;
	row->level = level;
	row->rmse = row->mae = row->mape = row->directional_accuracy = NAN;
	row->coverage = row->band_width = row->theil_u = row->naive_rmse = row->naive_mae = NAN;
	row->accuracy = row->macro_f1 = NAN;
	if (t->regime) {
		row->accuracy = s->classes.accuracy;
		row->macro_f1 = s->classes.macro_f1;
		return;
	}
	row->rmse = s->model.rmse;
	row->mae = s->model.mae;
	row->mape = s->model.mape;
	row->directional_accuracy = s->model.directional_accuracy;
	row->coverage = s->coverage;
	row->band_width = s->width;
	row->theil_u = s->theil_u;
	row->naive_rmse = s->naive.rmse;
	row->naive_mae = s->naive.mae;
	walkforward_format_weights(t, s->mean_weight, row->weights, sizeof row->weights);
}

int leaderboard_from_walkforward(const struct walkforward *wf, const char *symbol,
				 const char *interval, double level, struct leaderboard_row **rows,
				 size_t *n, struct cra_error *err)
{
	*n = 0;
	if (!(*rows = calloc(wf->ntracks ? wf->ntracks : 1, sizeof **rows)))
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < wf->ntracks; i++)
		row_from_track(&wf->track[i], symbol, interval, level, &(*rows)[(*n)++]);
	return 0;
}

/* ---- the table -------------------------------------------------------------------------- */

void leaderboard_write(struct table_writer *w, const struct leaderboard_row *rows, size_t n)
{
	for (size_t j = 0; j < NCOLUMNS; j++)
		tw_str(w, columns[j].name);
	tw_end_row(w);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < NCOLUMNS; j++) {
			const void *v = ccell(&rows[i], &columns[j]);
			switch (columns[j].kind) {
			case TEXT: tw_str(w, v); break;
			case INT: tw_int(w, *(const int *)v); break;
			case LLONG: tw_int(w, *(const long long *)v); break;
			case DOUBLE: tw_double(w, *(const double *)v); break;
			}
		}
		tw_end_row(w);
	}
}

static int bad_cell(const struct table_reader *tr, const char *name, const char *why,
		    const char *s, size_t len, struct cra_error *err)
{
	return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s': %s, got '%.*s'", table_name(tr),
			table_line(tr), name, why, (int)(len > 40 ? 40 : len), s);
}

/* One cell into its place in row; an absent or empty non-key cell is undefined. */
static int read_cell(const struct table_reader *tr, int idx, const struct column *col,
		     struct leaderboard_row *row, struct cra_error *err)
{
	size_t len = 0;
	const char *s = idx >= 0 ? table_field(tr, (size_t)idx, &len) : NULL;
	void *v = cell(row, col);
	if (col->kind == DOUBLE)
		*(double *)v = NAN;
	if (!s || !len) {
		if (col->key)
			return cra_fail(err, EX_DATAERR, "%s:%zu: field '%s' is empty: it is part of "
					"the row's key", table_name(tr), table_line(tr), col->name);
		return 0;
	}
	int64_t i;
	double d;
	switch (col->kind) {
	case TEXT:
		if (len >= col->size)
			return bad_cell(tr, col->name, "too long", s, len, err);
		memcpy(v, s, len);
		((char *)v)[len] = '\0';
		return 0;
	case INT:
	case LLONG:
		if (number_parse_int64(s, len, &i) || (col->kind == INT && (i < 0 || i > 1000000000)))
			return bad_cell(tr, col->name, "expected a whole number", s, len, err);
		if (col->kind == INT)
			*(int *)v = (int)i;
		else
			*(long long *)v = i;
		return 0;
	case DOUBLE:
		if (number_parse_double(s, len, &d))
			return bad_cell(tr, col->name, "expected a number", s, len, err);
		*(double *)v = d;
		return 0;
	}
	return 0;
}

int leaderboard_read(const char *path, struct leaderboard_row **rows, size_t *n,
		     struct cra_error *err)
{
	*rows = NULL;
	*n = 0;
	struct table_reader *tr;
	int r = table_open(&tr, path, NULL, err);
	if (r)
		return r;
	int idx[NCOLUMNS];
	for (size_t j = 0; j < NCOLUMNS && !r; j++)
		if ((idx[j] = table_find(tr, columns[j].name)) < 0 && columns[j].key)
			r = cra_fail(err, EX_DATAERR, "%s: not a leaderboard: no '%s' column", path,
				     columns[j].name);
	size_t cap = 0;
	while (!r && (r = table_next(tr, err)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			struct leaderboard_row *more = realloc(*rows, cap * sizeof *more);
			if (!more) {
				r = cra_fail(err, EX_OSERR, "out of memory");
				break;
			}
			*rows = more;
		}
		struct leaderboard_row *row = &(*rows)[*n];
		memset(row, 0, sizeof *row);
		r = 0;
		for (size_t j = 0; j < NCOLUMNS && !r; j++)
			r = read_cell(tr, idx[j], &columns[j], row, err);
		if (!r)
			++*n;
	}
	if (r < 0)
		r = -r;
	table_close(tr);
	if (r) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return r;
}

/* ---- the upsert ------------------------------------------------------------------------- */

static bool same_key(const struct leaderboard_row *a, const struct leaderboard_row *b)
{
	return !strcmp(a->symbol, b->symbol) && !strcmp(a->interval, b->interval) &&
	       !strcmp(a->model, b->model) && a->horizon == b->horizon &&
	       !strcmp(a->period, b->period);
}

/* The table's delimiter: the file's own (a TSV leaderboard stays TSV), else by its name. */
static char delimiter_of(const char *path)
{
	size_t len = strlen(path);
	return len >= 4 && !strcmp(path + len - 4, ".tsv") ? '\t' : ',';
}

static int write_file(const char *path, char delim, const struct leaderboard_row *rows, size_t n,
		      struct cra_error *err)
{
	struct atomic_file af;
	int r = atomic_file_open(&af, path, err);
	if (r)
		return r;
	struct table_writer *w = malloc(sizeof *w);
	if (!w) {
		atomic_file_abort(&af);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	tw_init(w, af.fd, delim);
	leaderboard_write(w, rows, n);
	if ((r = tw_flush(w, path, err)) || (r = atomic_file_commit(&af, err)))
		atomic_file_abort(&af);
	free(w);
	return r;
}

int leaderboard_upsert_file(const char *path, const struct leaderboard_row *rows, size_t n,
			    struct cra_error *err)
{
	/* The lock file beside the leaderboard: DIR/.NAME.lock. */
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	char lock[4200];
	if ((size_t)snprintf(lock, sizeof lock, "%.*s.%s.lock", (int)dirlen, path,
			     path + dirlen) >= sizeof lock)
		return cra_fail(err, EX_CANTCREAT, "%s: path too long", path);
	int fd, r = file_lock_acquire(lock, &fd, err);
	if (r)
		return r;
	atomic_file_sweep_stale(path);
	struct leaderboard_row *all = NULL;
	size_t nall = 0;
	char delim = delimiter_of(path);
	if (access(path, F_OK) == 0) {
		struct table_reader *tr;
		if (!(r = table_open(&tr, path, NULL, err))) {
			delim = table_delimiter(tr);
			table_close(tr);
			r = leaderboard_read(path, &all, &nall, err);
		}
	} else if (errno != ENOENT) {
		r = cra_fail(err, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	struct leaderboard_row *merged = r ? NULL : malloc((nall + n ? nall + n : 1) * sizeof *merged);
	if (!r && !merged)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r) {
		if (nall)
			memcpy(merged, all, nall * sizeof *merged);
		size_t m = nall;
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;
			while (j < m && !same_key(&merged[j], &rows[i]))
				j++;
			merged[j] = rows[i];
			if (j == m)
				m++;
		}
		r = write_file(path, delim, merged, m, err);
	}
	free(all);
	free(merged);
	file_lock_release(fd);
	return r;
}
