/* plot_dashboard.h - the static HTML dashboard: the original application's pages as files.
 *
 * `cra-plot dashboard --out DIR` writes, for every series in the store (or those --symbol
 * names), one page per original dashboard page - Live chart, Forecast, Backtest, Leaderboard,
 * Drift, Explainability, Trading simulator, Regime - with its chart as an SVG file beside it
 * (drawn by the chart kinds of plot.h), the key numbers as HTML tables, links to the same page
 * of the other series (the symbol selector) and to the other pages, and index.html over all.
 * No script and no fetch: the pages open from the file system.  With a refresh period each
 * page reloads itself (<meta http-equiv="refresh">), so a browser left open follows the cron
 * pipeline that rewrites them.
 *
 * The tables come from the pipeline's output directory (--in, default $CRA_OUT, else ./out),
 * named after the series:
 *   SYMBOL-INTERVAL-forecast.csv          cra-predict
 *   SYMBOL-INTERVAL-backtest.csv          cra-backtest
 *   leaderboard.csv                       cra-backtest --leaderboard
 *   SYMBOL-INTERVAL-drift-histograms.csv  cra-drift --histograms   (+ -drift.csv: statistics)
 *   SYMBOL-INTERVAL-shap.csv              cra-explain --summary (or its per-candle table)
 *   SYMBOL-INTERVAL-equity.csv            cra-sim's equity curve   (+ -trades.csv: trades)
 *   SYMBOL-INTERVAL-regime.csv            a regime model's cra-predict or cra-backtest rows
 * A page whose table is not there says which file it waits for, and shows no chart.
 *
 * Every file is written whole or not at all (atomic_file.h), charts before the pages that
 * show them.  A table that cannot be drawn does not stop the others: its page shows the error,
 * the error is reported, and the run fails with its status once every page is written.
 */
#ifndef CRA_PLOT_DASHBOARD_H
#define CRA_PLOT_DASHBOARD_H

#include <stdbool.h>

#include "error.h"
#include "plot.h"

struct dashboard_options {
	const char *out_dir;  /* created when missing */
	const char *in_dir;   /* NULL: $CRA_OUT, else ./out */
	int refresh;          /* seconds; 0: no refresh */
	bool sized;           /* req->target's size was given (else charts are 1100x620) */
	/* Told of each chart that could not be drawn ("live-BTCUSDT-1h.svg: ..."); may be NULL. */
	void (*report)(const char *message);
};

/* Writes the dashboard.  req gives the store (db), the series (symbol: a comma-separated
 * list, interval) and the number of candles on the live chart (last, default 200).  Fails
 * with 66 when the store has no series (or not those asked for), 73 when DIR cannot be
 * made, or with the status of the first chart that could not be drawn. */
int plot_dashboard(const struct plot_request *req, const struct dashboard_options *d,
		   struct cra_error *err);

#endif
