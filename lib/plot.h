/* plot.h - cra-plot's chart kinds: what each draws from which table.
 *
 * Each kind reads the exact table a producing program writes, finding columns by name
 * (plot_table.h), checks it (65 with file:line and the column on a bad cell; a chart with
 * nothing to draw is refused too, rather than drawn empty), and writes the body of a gnuplot
 * script (plot_script.h) - data as datablocks, then the plot commands; the terminal lines are
 * added when it is rendered (plot_gnuplot.h) or printed (--script).
 *
 * One source file per kind (plot_candles.c, plot_forecast.c ...), sharing this interface and
 * the helpers below, the way git's builtins share builtin.h.
 */
#ifndef CRA_PLOT_H
#define CRA_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "feature_spec.h"
#include "interval.h"
#include "plot_script.h"
#include "plot_table.h"

struct plot_request {
	const char *input;      /* the table to draw ("-" for standard input) */
	const char *title;      /* NULL: the kind's own */
	struct plot_target target;

	/* Candles, for the kinds that draw prices: a file, or the store. */
	const char *candles;    /* --candles FILE (forecast, regime) */
	const char *symbol;     /* --symbol: the store's series (also filters leaderboard rows) */
	const char *interval;
	const char *db;
	int64_t from, to;       /* open_time window; INT64_MIN, INT64_MAX when not given */
	size_t last;            /* draw only the last N candles or rows; 0: all (see the kind) */

	const char *model;      /* --model: keep the rows of this model only */
	const char *trades;     /* --trades FILE: cra-sim's trade log (forecast, equity) */
	const char *stats;      /* --stats FILE: cra-drift's per-feature table (drift) */
	const char *features;   /* --feature A,B: which features (drift, shap) */
	const char *shap_class; /* --class CLASS (shap of a regime model) */
	int64_t at;             /* --at TIME: the row to explain (shap); INT64_MIN: the last */
	size_t top;             /* --top N features (shap) */
	long long horizon;      /* -H: leaderboard: that horizon's rows; backtest, regime: the
				 * horizon drawn (default: the smallest) */

	struct feature_spec overlays; /* candles: --sma --ema --bb --vwap --fib --rsi --macd */
	bool no_volume;
};

void plot_request_init(struct plot_request *req);

typedef int (*plot_kind_fn)(const struct plot_request *req, struct plot_script *body,
			    struct cra_error *err);

struct plot_kind {
	const char *name;
	const char *summary;  /* one line for --help */
	plot_kind_fn draw;
};

extern const struct plot_kind plot_kinds[];  /* ends with a NULL name */
const struct plot_kind *plot_kind_find(const char *name);

int plot_candles(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_forecast(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_backtest(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_leaderboard(const struct plot_request *req, struct plot_script *body,
		     struct cra_error *err);
int plot_drift(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_shap(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_equity(const struct plot_request *req, struct plot_script *body, struct cra_error *err);
int plot_regime(const struct plot_request *req, struct plot_script *body, struct cra_error *err);

/* --- helpers the kinds share --- */

/* Candles for a price chart: --candles FILE (or path when not NULL), else the store's
 * --symbol/--interval series from `history` candles before --from on, up to --to.  *iv is the
 * interval (-i, else guessed; iv->name NULL when unknown).  66 when the series is not stored. */
int plot_load_candles(const struct plot_request *req, const char *path, size_t history,
		      struct candles *c, struct interval *iv, struct cra_error *err);

/* Our candle table's columns of t as candles (checked like candles_read: file:line, field). */
int plot_table_candles(const struct plot_table *t, struct candles *c, struct cra_error *err);

/* Times of rows[0..n) of column c of t (all rows when rows is NULL) into a malloc'ed array,
 * checked strictly increasing (65 naming the row out of order).  what names the series. */
int plot_series_times(const struct plot_table *t, int c, const size_t *rows, size_t n,
		      const char *what, int64_t **out, struct cra_error *err);

/* Index of the first of n increasing times that is >= from and, with --last, among the last
 * `last` of those before to; *end the index after the last such time. */
void plot_window(const int64_t *times, size_t n, int64_t from, int64_t to, size_t last,
		 size_t *begin, size_t *end);

/* The title: --title, else "<what>" prefixed by the symbol or the input's file name. */
void plot_title(const struct plot_request *req, const char *what, const char *input_name,
		char *buf, size_t size);

/* The models to draw: the distinct texts of column model_col in order of appearance, or
 * only --model's (65 when no row has it, or when the table has no model column).  Without a
 * model column and without --model: one unnamed model, *models set to NULL and *n to 1.
 * Free *models (only the array). */
int plot_models(const struct plot_request *req, const struct plot_table *t, int model_col,
		const char ***models, size_t *n, struct cra_error *err);

/* The rows of model among base[0..nbase) (every row when base is NULL; all of those when
 * model is NULL) into a malloc'ed array. */
int plot_model_rows(const struct plot_table *t, int model_col, const char *model,
		    const size_t *base, size_t nbase, size_t **rows, size_t *n,
		    struct cra_error *err);

/* The rows of one horizon.  cra-backtest writes a row per step, model and horizon (column
 * horizon); a chart draws one horizon: -H, else the smallest, returned in *h (0 when the
 * table has no horizon column: then every row).  65 when -H names a horizon the table does
 * not have, or the table has no horizon column to pick it from. */
int plot_horizon_rows(const struct plot_request *req, const struct plot_table *t, size_t **rows,
		      size_t *n, long long *h, struct cra_error *err);

/* Rows per point: more points than the picture has pixels (characters on a text terminal)
 * cannot be told apart and only make the file big, so a long series is drawn one point per
 * k rows (each kind says how a point sums up its rows).  1 for a short series. */
size_t plot_stride(size_t n, const struct plot_target *target);

/* Reads cra-sim's trade log (time,side,price,...; side buy or sell) and writes the trades
 * with t0 <= time <= t1 as the datablock $trades: time y buy(1|0).  y is the trade's price, or
 * with a curve (times curve_t, values curve_y, n_curve points), the curve's value at the trade
 * (its latest point at or before it), so that markers sit on an equity line.  nbuy, nsell:
 * how many of each fall in the window. */
int plot_write_trades(const char *path, int64_t t0, int64_t t1, const int64_t *curve_t,
		      const double *curve_y, size_t n_curve, struct plot_script *s, size_t *nbuy,
		      size_t *nsell, struct cra_error *err);

/* The plot clauses drawing $trades' buys and sells (those there are), each starting with
 * ", " so that they extend a plot command. */
void plot_trade_markers(struct plot_script *s, size_t nbuy, size_t nsell);

/* "2021-04-04 20:00" in UTC, for titles and tables. */
void plot_time_text(int64_t t_ms, char *buf, size_t size);

#endif
