/* plot_table.h - a whole table in memory, for cra-plot's charts.
 *
 * A chart needs every row at once (axis ranges, one series per model, the last row), and its
 * columns are only known by name: the producers (cra-backtest, cra-drift, cra-explain ...)
 * may add columns, and cra-explain's per-candle table has one column per feature.  So the
 * table is read whole (table_reader.h: CSV or TSV, quoting, "-" for standard input), every
 * cell kept as text with the line it came from, and columns are converted on demand: a cell
 * that does not convert is reported as file:line: field 'name'.
 */
#ifndef CRA_PLOT_TABLE_H
#define CRA_PLOT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct plot_table {
	char *name;       /* the input's name for messages ("<stdin>" for "-") */
	size_t nrows, ncols;
	char **col_name;  /* ncols header names */
	size_t *line;     /* nrows: the line each row starts on */
	size_t *cell;     /* nrows * ncols offsets into text, row-major; SIZE_MAX: no such field */
	char *text;       /* every cell, NUL-terminated */
	size_t text_len, text_cap;
};

void plot_table_init(struct plot_table *t);
void plot_table_free(struct plot_table *t);

/* Reads path ("-" for standard input) whole.  66 when it cannot be opened, 65 when it is
 * empty, malformed or has no data row. */
int plot_table_load(const char *path, struct plot_table *t, struct cra_error *err);
/* Same, a header without rows allowed (a trade log of a simulation that never traded). */
int plot_table_load_header_only_ok(const char *path, struct plot_table *t,
				   struct cra_error *err);

/* The index of a column, or -1.  plot_table_need fails (65, "file:1: no 'rmse' column in
 * the header") when it is absent, and names what the table was expected to be (why: "a
 * cra-backtest table"). */
int plot_table_find(const struct plot_table *t, const char *name);
int plot_table_need(const struct plot_table *t, const char *name, const char *why, int *col,
		    struct cra_error *err);

/* Cell text of row r in column c ("" when the row is short). */
const char *plot_table_text(const struct plot_table *t, size_t r, int c);

/* Converts column c of the rows listed in rows (all rows when rows is NULL) into out[].
 * Numbers must be finite, or NaN for an empty cell when empty_ok; times are integer
 * milliseconds since the epoch.  65 naming file:line and the column on the first bad cell. */
int plot_table_numbers(const struct plot_table *t, int c, const size_t *rows, size_t n,
		       bool empty_ok, double *out, struct cra_error *err);
int plot_table_times(const struct plot_table *t, int c, const size_t *rows, size_t n,
		     int64_t *out, struct cra_error *err);

/* Rows (indices) whose column c holds exactly value, in table order, among rows[0..n) (all
 * rows when rows is NULL).  *out is malloc'ed (free it); 71 when out of memory. */
int plot_table_select(const struct plot_table *t, int c, const char *value, const size_t *rows,
		      size_t n, size_t **out, size_t *nout, struct cra_error *err);

/* The distinct texts of column c in order of first appearance (pointers into the table;
 * free only the array).  71 when out of memory. */
int plot_table_distinct(const struct plot_table *t, int c, const char ***out, size_t *nout,
			struct cra_error *err);

/* A prediction band upside down is a broken table, not something to draw: 65 naming the first
 * row (rows[i], or i when rows is NULL) whose lower is above its upper.  NaN bounds pass. */
int plot_table_check_band(const struct plot_table *t, const size_t *rows, size_t n,
			  const double *lower, const double *upper, struct cra_error *err);

/* Fails (65) naming the row's file:line: "<file>:<line>: <message>". */
int plot_table_fail(const struct plot_table *t, size_t r, struct cra_error *err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
