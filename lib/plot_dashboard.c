/* plot_dashboard.c - the static HTML dashboard; see plot_dashboard.h.
 *
 * Pages are built in memory (a plot_script is a growing text buffer; here it holds HTML) and
 * written through atomic_file, each chart first with the kind that draws it (plot.h) and
 * plot_render, so that a page never points at a chart that is not there. */
#include "plot_dashboard.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "metrics.h"
#include "number.h"
#include "plot_gnuplot.h"
#include "store.h"
#include "timefmt.h"

#define LIVE_CANDLES 200
#define CHART_WIDTH 1100
#define CHART_HEIGHT 620
#define TABLE_ROWS 24

enum page_id { P_LIVE, P_FORECAST, P_BACKTEST, P_LEADERBOARD, P_DRIFT, P_EXPLAIN, P_TRADING,
	       P_REGIME, NPAGES };

static const struct {
	const char *id, *title;
	const char *table;  /* the input table's suffix (after "SYMBOL-INTERVAL-"), or NULL */
	const char *producer;
} pages[NPAGES] = {
	{ "live", "Live chart", NULL, "the store (cra-fetch)" },
	{ "forecast", "Forecast", "forecast", "cra-predict" },
	{ "backtest", "Backtest", "backtest", "cra-backtest" },
	{ "leaderboard", "Leaderboard", NULL, "cra-backtest --leaderboard" },
	{ "drift", "Drift", "drift-histograms", "cra-drift --histograms" },
	{ "explain", "Explainability", "shap", "cra-explain --summary" },
	{ "trading", "Trading simulator", "equity", "cra-sim" },
	{ "regime", "Regime", "regime", "cra-predict with a regime model" },
};

struct market {
	char symbol[24], interval[8];
	char key[40];      /* "BTCUSDT-1h": file names */
	char label[40];    /* "BTCUSDT 1h": text */
	struct candles c;  /* the stored series */
};

struct dashboard {
	const struct plot_request *req;
	const struct dashboard_options *opt;
	const char *in_dir;
	struct market *m;
	size_t nm;
	int status;  /* the first failure's, reported at the end */
	size_t failures;
	struct cra_error first;
	char updated[32];
};

/* --- text ------------------------------------------------------------------------------ */

static void html(struct plot_script *b, const char *text)
{
	for (const char *p = text; *p; p++)
		switch (*p) {
		case '&': ps_append(b, "&amp;", 5); break;
		case '<': ps_append(b, "&lt;", 4); break;
		case '>': ps_append(b, "&gt;", 4); break;
		case '"': ps_append(b, "&quot;", 6); break;
		case '\'': ps_append(b, "&#39;", 5); break;
		default: ps_append(b, p, 1);
		}
}

/* A cell for display: times as UTC text, numbers to 6 significant digits. */
static void html_cell(struct plot_script *b, const char *text, bool is_time)
{
	double v;
	int64_t t;
	size_t len = strlen(text);
	char buf[64];
	if (is_time && !number_parse_int64(text, len, &t)) {
		plot_time_text(t, buf, sizeof buf);
		html(b, buf);
	} else if (len && !number_parse_double(text, len, &v) && isfinite(v)) {
		snprintf(buf, sizeof buf, fabs(v) < 1e15 && v == floor(v) ? "%.0f" : "%.6g", v);
		html(b, buf);
	} else {
		html(b, text);
	}
}

static bool is_time_column(const char *name)
{
	return !strcmp(name, "open_time") || !strcmp(name, "time");
}

/* rows [first, first + n) of t, every column. */
static void html_table_rows(struct plot_script *b, const struct plot_table *t, size_t first,
			    size_t n)
{
	ps_printf(b, "<table>\n<tr>");
	for (size_t j = 0; j < t->ncols; j++) {
		ps_printf(b, "<th>");
		html(b, t->col_name[j]);
		ps_printf(b, "</th>");
	}
	ps_printf(b, "</tr>\n");
	for (size_t i = first; i < first + n && i < t->nrows; i++) {
		ps_printf(b, "<tr>");
		for (size_t j = 0; j < t->ncols; j++) {
			ps_printf(b, "<td>");
			html_cell(b, plot_table_text(t, i, (int)j), is_time_column(t->col_name[j]));
			ps_printf(b, "</td>");
		}
		ps_printf(b, "</tr>\n");
	}
	ps_printf(b, "</table>\n");
	if (n < t->nrows)
		ps_printf(b, "<p class=\"note\">%zu of %zu rows.</p>\n", n, t->nrows);
}

/* A two-column table of named values. */
static void kv_row(struct plot_script *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void kv_row(struct plot_script *b, const char *name, const char *fmt, ...)
{
	char value[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	ps_printf(b, "<tr><th>");
	html(b, name);
	ps_printf(b, "</th><td>");
	html(b, value);
	ps_printf(b, "</td></tr>\n");
}

/* --- files ----------------------------------------------------------------------------- */

static int write_file(const struct dashboard *d, const char *name, const struct plot_script *b,
		      struct cra_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", d->opt->out_dir, name);
	struct atomic_file af;
	int r = plot_script_done(b, err);
	if (!r)
		r = atomic_file_open(&af, path, err);
	if (r)
		return r;
	for (size_t off = 0; off < b->len;) {
		ssize_t w = write(af.fd, b->buf + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = cra_fail(err, EX_IOERR, "%s: cannot write: %s", path, strerror(errno));
			atomic_file_abort(&af);
			return r;
		}
		off += (size_t)w;
	}
	return atomic_file_commit(&af, err);
}

/* The input table of a page, "" when it is not there. */
static void input_path(const struct dashboard *d, const struct market *m, const char *suffix,
		       char *buf, size_t size)
{
	if (m)
		snprintf(buf, size, "%s/%s-%s.csv", d->in_dir, m->key, suffix);
	else
		snprintf(buf, size, "%s/%s.csv", d->in_dir, suffix);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A chart or page WHAT that failed: reported now, counted, and the first one's status and
 * message kept for the run's exit. */
static void failed(struct dashboard *d, const char *what, int rc, const struct cra_error *err)
{
	char msg[2 * CRA_ERROR_MAX]; /* WHAT is a file name under the output directory */
	snprintf(msg, sizeof msg, "%s: %s", what, err->msg);
	if (d->opt->report)
		d->opt->report(msg);
	d->failures++;
	if (!d->status) {
		d->status = rc;
		d->first = *err;
	}
}

/* Draws one chart as SVG; a failure is remembered, reported and shown on the page. */
static bool draw(struct dashboard *d, plot_kind_fn fn, struct plot_request *r,
		 const char *svg, struct plot_script *page)
{
	struct cra_error err = { 0 };
	struct plot_script body;
	plot_script_init(&body);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", d->opt->out_dir, svg);
	r->target = d->req->target;
	r->target.term = PLOT_TERM_SVG;
	r->target.output = path;
	if (!d->opt->sized) {
		r->target.width = CHART_WIDTH;
		r->target.height = CHART_HEIGHT;
	}
	int rc = fn(r, &body, &err);
	if (!rc)
		rc = plot_script_done(&body, &err);
	if (!rc)
		rc = plot_render(&r->target, &body, &err);
	plot_script_free(&body);
	if (!rc) {
		ps_printf(page, "<figure><img class=\"chart\" src=\"");
		html(page, svg);
		ps_printf(page, "\" width=\"%d\" height=\"%d\" alt=\"chart\"></figure>\n",
			  r->target.width, r->target.height);
		return true;
	}
	failed(d, svg, rc, &err);
	ps_printf(page, "<p class=\"error\">The chart could not be drawn: ");
	html(page, err.msg);
	ps_printf(page, "</p>\n");
	return false;
}

/* --- page frame ------------------------------------------------------------------------ */

static void page_name(enum page_id p, const struct market *m, const char *ext, char *buf,
		      size_t size)
{
	if (p == P_LEADERBOARD || !m)
		snprintf(buf, size, "%s.%s", pages[p].id, ext);
	else
		snprintf(buf, size, "%s-%s.%s", pages[p].id, m->key, ext);
}

static const char style[] =
	"body{font-family:sans-serif;margin:0;color:#263238;background:#fafafa}"
	"header{background:#263238;padding:8px 16px}header a{color:#eceff1;margin-right:14px;"
	"text-decoration:none}header a.brand{font-weight:bold}header a.here{color:#80cbc4}"
	"nav.symbols{padding:6px 16px;background:#eceff1}nav.symbols a{margin-right:12px}"
	"nav.symbols a.here{font-weight:bold;color:#263238;text-decoration:none}"
	"main{padding:8px 16px}img.chart{max-width:100%;height:auto;background:#fff;"
	"border:1px solid #ddd}table{border-collapse:collapse;margin:8px 0;font-size:14px}"
	"th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#eceff1}"
	"p.error{color:#b71c1c}p.waiting{color:#607d8b}p.note,p.updated{color:#78909c;"
	"font-size:13px}";

static void page_begin(const struct dashboard *d, struct plot_script *b, enum page_id p,
		       const struct market *m)
{
	char name[128];
	ps_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	if (d->opt->refresh > 0)
		ps_printf(b, "<meta http-equiv=\"refresh\" content=\"%d\">\n", d->opt->refresh);
	ps_printf(b, "<title>craipto: %s%s", pages[p].title, m ? " - " : "");
	if (m)
		html(b, m->label);
	ps_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>"
		  "<a class=\"brand\" href=\"index.html\">craipto</a>", style);
	/* The pages of this series (the leaderboard's for the first series). */
	const struct market *nav = m ? m : &d->m[0];
	for (int q = 0; q < NPAGES; q++) {
		page_name((enum page_id)q, nav, "html", name, sizeof name);
		ps_printf(b, "<a %shref=\"", q == (int)p ? "class=\"here\" " : "");
		html(b, name);
		ps_printf(b, "\">%s</a>", pages[q].title);
	}
	ps_printf(b, "</header>\n<nav class=\"symbols\">Symbol:\n");
	/* The symbol selector: this page of every series. */
	for (size_t k = 0; k < d->nm; k++) {
		page_name(p == P_LEADERBOARD ? P_LIVE : p, &d->m[k], "html", name, sizeof name);
		ps_printf(b, "<a %shref=\"", m == &d->m[k] ? "class=\"here\" " : "");
		html(b, name);
		ps_printf(b, "\">");
		html(b, d->m[k].label);
		ps_printf(b, "</a>\n");
	}
	ps_printf(b, "</nav>\n<main>\n<h1>%s%s", pages[p].title, m ? ": " : "");
	if (m)
		html(b, m->label);
	ps_printf(b, "</h1>\n<p class=\"updated\">Written %s UTC.</p>\n", d->updated);
}

static void page_end(struct plot_script *b) { ps_printf(b, "</main>\n</body>\n</html>\n"); }

static void waiting(struct plot_script *b, enum page_id p, const char *path)
{
	ps_printf(b, "<p class=\"waiting\">Nothing to show yet: this page draws ");
	html(b, path);
	ps_printf(b, ", written by %s.</p>\n", pages[p].producer);
}

/* --- key numbers ----------------------------------------------------------------------- */

static void live_numbers(struct plot_script *b, const struct market *m)
{
	const struct candles *c = &m->c;
	size_t n = c->n, day = n > 24 ? 24 : n - 1;
	char when[32];
	plot_time_text(c->open_time[n - 1], when, sizeof when);
	double close = c->v[CF_CLOSE][n - 1], before = c->v[CF_CLOSE][n - 1 - day];
	double hi = c->v[CF_HIGH][n - 1], lo = c->v[CF_LOW][n - 1], vol = 0;
	for (size_t i = n - day; i < n; i++) {
		hi = fmax(hi, c->v[CF_HIGH][i]);
		lo = fmin(lo, c->v[CF_LOW][i]);
		vol += c->v[CF_VOLUME][i];
	}
	ps_printf(b, "<h2>Key numbers</h2>\n<table>\n");
	kv_row(b, "last candle (open, UTC)", "%s", when);
	kv_row(b, "close", "%.8g", close);
	kv_row(b, "change over the last 24 candles", "%+.2f%%", 100 * (close / before - 1));
	kv_row(b, "high / low of the last 24 candles", "%.8g / %.8g", hi, lo);
	kv_row(b, "volume of the last 24 candles", "%.6g", vol);
	kv_row(b, "candles stored", "%zu", n);
	ps_printf(b, "</table>\n<h2>Last candles</h2>\n<table>\n<tr><th>open (UTC)</th><th>open</th>"
		  "<th>high</th><th>low</th><th>close</th><th>volume</th></tr>\n");
	for (size_t i = n; i-- > (n > 12 ? n - 12 : 0);) {
		plot_time_text(c->open_time[i], when, sizeof when);
		ps_printf(b, "<tr><td>%s</td>", when);
		for (int f = 0; f < CANDLE_NREQUIRED; f++)
			ps_printf(b, "<td>%.8g</td>", c->v[f][i]);
		ps_printf(b, "</tr>\n");
	}
	ps_printf(b, "</table>\n");
}

/* One row of the accuracy table: rows, RMSE, MAE, MAPE and how often the actual fell inside
 * the band, over rows[0..n) (cols: actual, pred, lower, upper; -1 when absent). */
static int accuracy_row(struct plot_script *b, const struct plot_table *t, const int *cols,
			const size_t *rows, size_t n, const char *model, const char *horizon,
			struct cra_error *err)
{
	double *v = malloc(4 * (n ? n : 1) * sizeof *v);
	int r = v ? 0 : cra_fail(err, EX_OSERR, "out of memory");
	for (int j = 0; j < 4 && !r; j++) {
		if (cols[j] < 0)
			for (size_t i = 0; i < n; i++)
				v[(size_t)j * n + i] = NAN;
		else
			r = plot_table_numbers(t, cols[j], rows, n, true, v + (size_t)j * n, err);
	}
	if (!r) {
		struct regression_metrics rm;
		size_t inside = 0, banded = 0;
		regression_metrics(v, v + n, NULL, n, &rm);
		for (size_t i = 0; i < n; i++)
			if (isfinite(v[2 * n + i]) && isfinite(v[3 * n + i])) {
				banded++;
				inside += v[i] >= v[2 * n + i] && v[i] <= v[3 * n + i];
			}
		ps_printf(b, "<tr><td>");
		html(b, model);
		ps_printf(b, "</td>");
		if (horizon) {
			ps_printf(b, "<td>");
			html(b, horizon);
			ps_printf(b, "</td>");
		}
		ps_printf(b, "<td>%zu</td><td>%.6g</td><td>%.6g</td><td>%.3g</td>", n, rm.rmse, rm.mae,
			  rm.mape);
		if (banded)
			ps_printf(b, "<td>%.1f%% of %zu</td></tr>\n",
				  100.0 * (double)inside / (double)banded, banded);
		else
			ps_printf(b, "<td>no band</td></tr>\n");
	}
	free(v);
	return r;
}

/* The accuracy of each model (and horizon, when the table has several) over the backtest. */
static int backtest_numbers(struct plot_script *b, const char *path, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(path, &t, err);
	if (r)
		return r;
	int cols[4] = { plot_table_find(&t, "actual"), plot_table_find(&t, "pred"),
			plot_table_find(&t, "lower"), plot_table_find(&t, "upper") };
	int tm = plot_table_find(&t, "model"), th = plot_table_find(&t, "horizon");
	const char **models = NULL, **horizons = NULL;
	size_t nm = 1, nh = 1;
	if (tm >= 0)
		r = plot_table_distinct(&t, tm, &models, &nm, err);
	if (!r && th >= 0)
		r = plot_table_distinct(&t, th, &horizons, &nh, err);
	ps_printf(b, "<h2>Accuracy over the whole backtest</h2>\n<table>\n<tr><th>model</th>%s"
		  "<th>rows</th><th>RMSE</th><th>MAE</th><th>MAPE %%</th><th>inside the band</th></tr>\n",
		  th >= 0 ? "<th>horizon</th>" : "");
	for (size_t h = 0; !r && h < nh && cols[0] >= 0 && cols[1] >= 0; h++) {
		size_t *hrows = NULL, nhrows = t.nrows;
		if (th >= 0)
			r = plot_table_select(&t, th, horizons[h], NULL, 0, &hrows, &nhrows, err);
		for (size_t k = 0; !r && k < nm; k++) {
			size_t *rows = NULL, n = 0;
			r = plot_model_rows(&t, tm, models ? models[k] : NULL, hrows, nhrows, &rows, &n, err);
			if (!r && n)
				r = accuracy_row(b, &t, cols, rows, n, models ? models[k] : "pred",
						 horizons ? horizons[h] : NULL, err);
			free(rows);
		}
		free(hrows);
	}
	ps_printf(b, "</table>\n");
	free(models);
	free(horizons);
	plot_table_free(&t);
	return r;
}

static int trading_numbers(struct plot_script *b, const char *equity, const char *trades,
			   struct cra_error *err)
{
	struct plot_table t, tr;
	plot_table_init(&tr);
	int r = plot_table_load(equity, &t, err);
	if (r)
		return r;
	int ce = plot_table_find(&t, "equity"), cb = plot_table_find(&t, "buy_hold_equity");
	int cd = plot_table_find(&t, "drawdown");
	size_t n = t.nrows, ends[2] = { 0, n - 1 };
	double e[2] = { NAN, NAN }, h[2] = { NAN, NAN }, *dd = malloc(n * sizeof *dd);
	if (!dd)
		r = cra_fail(err, EX_OSERR, "out of memory");
	if (!r && ce >= 0)
		r = plot_table_numbers(&t, ce, ends, 2, false, e, err);
	if (!r && cb >= 0)
		r = plot_table_numbers(&t, cb, ends, 2, true, h, err);
	double worst = NAN, ignored;
	if (!r && cd >= 0 && !(r = plot_table_numbers(&t, cd, NULL, 0, true, dd, err)))
		plot_minmax(dd, n, &worst, &ignored);
	if (!r && exists(trades)) /* a simulation that never traded has a header only */
		r = plot_table_load_header_only_ok(trades, &tr, err);
	if (!r) {
		ps_printf(b, "<h2>Key numbers</h2>\n<table>\n");
		kv_row(b, "equity: start, end", "%.8g, %.8g", e[0], e[1]);
		kv_row(b, "return", "%+.2f%%", 100 * (e[1] / e[0] - 1));
		if (isfinite(h[0]) && isfinite(h[1]))
			kv_row(b, "buy and hold return", "%+.2f%%", 100 * (h[1] / h[0] - 1));
		if (isfinite(worst))
			kv_row(b, "deepest drawdown", "%.4g", worst);
		kv_row(b, "trades", "%zu", tr.nrows);
		ps_printf(b, "</table>\n");
	}
	if (!r && tr.nrows) {
		size_t shown = tr.nrows > TABLE_ROWS ? TABLE_ROWS : tr.nrows;
		ps_printf(b, "<h2>Last trades</h2>\n");
		html_table_rows(b, &tr, tr.nrows - shown, shown);
	}
	free(dd);
	plot_table_free(&t);
	plot_table_free(&tr);
	return r;
}

/* The input table itself, its first or last TABLE_ROWS rows. */
static int table_numbers(struct plot_script *b, const char *heading, const char *path, bool last,
			 struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(path, &t, err);
	if (r)
		return r;
	size_t shown = t.nrows > TABLE_ROWS ? TABLE_ROWS : t.nrows;
	ps_printf(b, "<h2>");
	html(b, heading);
	ps_printf(b, "</h2>\n");
	html_table_rows(b, &t, last ? t.nrows - shown : 0, shown);
	plot_table_free(&t);
	return 0;
}

/* SHAP values: the summary as it is, or the last candle's row of the per-candle table turned
 * into one row per column (dozens of feature columns do not fit across a page). */
static int shap_numbers(struct plot_script *b, const char *path, struct cra_error *err)
{
	struct plot_table t;
	int r = plot_table_load(path, &t, err);
	if (r)
		return r;
	if (plot_table_find(&t, "base_value") < 0) {
		plot_table_free(&t);
		return table_numbers(b, "Mean |SHAP| per feature", path, false, err);
	}
	size_t last = t.nrows - 1;
	ps_printf(b, "<h2>The last candle's SHAP values</h2>\n<table>\n");
	for (size_t j = 0; j < t.ncols; j++) {
		ps_printf(b, "<tr><th>");
		html(b, t.col_name[j]);
		ps_printf(b, "</th><td>");
		html_cell(b, plot_table_text(&t, last, (int)j), is_time_column(t.col_name[j]));
		ps_printf(b, "</td></tr>\n");
	}
	ps_printf(b, "</table>\n");
	plot_table_free(&t);
	return 0;
}

/* --- pages ----------------------------------------------------------------------------- */

/* A table for the key numbers that cannot be read fails the run like a chart. */
static void numbers_failed(struct dashboard *d, struct plot_script *b, const char *page, int rc,
			   const struct cra_error *err)
{
	failed(d, page, rc, err);
	ps_printf(b, "<p class=\"error\">");
	html(b, err->msg);
	ps_printf(b, "</p>\n");
}

static int market_page(struct dashboard *d, struct market *m, enum page_id p,
		       struct cra_error *err)
{
	struct plot_script b;
	plot_script_init(&b);
	page_begin(d, &b, p, m);
	char in[4096], aux[4096], svg[128], html_name[128];
	page_name(p, m, "svg", svg, sizeof svg);
	page_name(p, m, "html", html_name, sizeof html_name);
	struct plot_request r;
	plot_request_init(&r);
	r.symbol = m->symbol;
	r.interval = m->interval;
	r.db = d->req->db;
	struct cra_error nerr = { 0 };
	int nrc = 0;
	if (pages[p].table) {
		input_path(d, m, pages[p].table, in, sizeof in);
		r.input = in;
		if (!exists(in)) {
			waiting(&b, p, in);
			goto write;
		}
	}
	switch (p) {
	case P_LIVE:
		r.last = d->req->last ? d->req->last : LIVE_CANDLES;
		feature_spec_add(&r.overlays, "sma:20,sma:50,bb:20:2,rsi:14,macd:12:26:9", &nerr);
		draw(d, plot_candles, &r, svg, &b);
		live_numbers(&b, m);
		break;
	case P_FORECAST:
		input_path(d, m, "trades", aux, sizeof aux);
		r.trades = exists(aux) ? aux : NULL;
		draw(d, plot_forecast, &r, svg, &b);
		nrc = table_numbers(&b, "The forecast", in, false, &nerr);
		break;
	case P_BACKTEST:
		r.last = 500;
		draw(d, plot_backtest, &r, svg, &b);
		nrc = backtest_numbers(&b, in, &nerr);
		break;
	case P_DRIFT:
		input_path(d, m, "drift", aux, sizeof aux);
		r.stats = exists(aux) ? aux : NULL;
		draw(d, plot_drift, &r, svg, &b);
		nrc = table_numbers(&b, "Drift statistics per feature", r.stats ? aux : in, false, &nerr);
		break;
	case P_EXPLAIN:
		r.symbol = NULL; /* the title: the table's name */
		draw(d, plot_shap, &r, svg, &b);
		nrc = shap_numbers(&b, in, &nerr);
		break;
	case P_TRADING:
		input_path(d, m, "trades", aux, sizeof aux);
		r.trades = exists(aux) ? aux : NULL;
		draw(d, plot_equity, &r, svg, &b);
		nrc = trading_numbers(&b, in, aux, &nerr);
		break;
	case P_REGIME:
		r.last = 500;
		draw(d, plot_regime, &r, svg, &b);
		nrc = table_numbers(&b, "The latest predictions", in, true, &nerr);
		break;
	default:
		break;
	}
	if (nrc)
		numbers_failed(d, &b, html_name, nrc, &nerr);
write:
	page_end(&b);
	int rc = write_file(d, html_name, &b, err);
	plot_script_free(&b);
	return rc;
}

static int leaderboard_page(struct dashboard *d, struct cra_error *err)
{
	struct plot_script b;
	plot_script_init(&b);
	page_begin(d, &b, P_LEADERBOARD, NULL);
	char in[4096];
	input_path(d, NULL, "leaderboard", in, sizeof in);
	if (!exists(in)) {
		waiting(&b, P_LEADERBOARD, in);
	} else {
		struct plot_request r;
		plot_request_init(&r);
		r.input = in;
		draw(d, plot_leaderboard, &r, "leaderboard.svg", &b);
		struct cra_error nerr = { 0 };
		int nrc = table_numbers(&b, "Every model, symbol and horizon", in, false, &nerr);
		if (nrc)
			numbers_failed(d, &b, "leaderboard.html", nrc, &nerr);
	}
	page_end(&b);
	int rc = write_file(d, "leaderboard.html", &b, err);
	plot_script_free(&b);
	return rc;
}

static int index_page(struct dashboard *d, struct cra_error *err)
{
	struct plot_script b;
	plot_script_init(&b);
	ps_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	if (d->opt->refresh > 0)
		ps_printf(&b, "<meta http-equiv=\"refresh\" content=\"%d\">\n", d->opt->refresh);
	ps_printf(&b, "<title>craipto dashboard</title>\n<style>%s</style>\n</head>\n<body>\n"
		  "<header><a class=\"brand here\" href=\"index.html\">craipto</a>"
		  "<a href=\"leaderboard.html\">Leaderboard</a></header>\n<main>\n<h1>Markets</h1>\n"
		  "<p class=\"updated\">Written %s UTC.</p>\n<table>\n<tr><th>symbol</th>"
		  "<th>last candle (UTC)</th><th>close</th><th>24 candles</th><th>pages</th></tr>\n",
		  style, d->updated);
	for (size_t k = 0; k < d->nm; k++) {
		const struct market *m = &d->m[k];
		const struct candles *c = &m->c;
		size_t n = c->n, day = n > 24 ? 24 : n - 1;
		char when[32], name[128];
		plot_time_text(c->open_time[n - 1], when, sizeof when);
		page_name(P_LIVE, m, "html", name, sizeof name);
		ps_printf(&b, "<tr><td><a href=\"");
		html(&b, name);
		ps_printf(&b, "\">");
		html(&b, m->label);
		ps_printf(&b, "</a></td><td>%s</td><td>%.8g</td><td>%+.2f%%</td><td>", when,
			  c->v[CF_CLOSE][n - 1], 100 * (c->v[CF_CLOSE][n - 1] / c->v[CF_CLOSE][n - 1 - day] - 1));
		for (int p = 0; p < NPAGES; p++) {
			if (p == P_LEADERBOARD)
				continue;
			page_name((enum page_id)p, m, "html", name, sizeof name);
			ps_printf(&b, "<a href=\"");
			html(&b, name);
			ps_printf(&b, "\">%s</a> ", pages[p].title);
		}
		ps_printf(&b, "</td></tr>\n");
	}
	ps_printf(&b, "</table>\n</main>\n</body>\n</html>\n");
	int rc = write_file(d, "index.html", &b, err);
	plot_script_free(&b);
	return rc;
}

/* --- the series ------------------------------------------------------------------------ */

static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && !strncmp(p, name, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static int load_markets(struct dashboard *d, struct cra_error *err)
{
	struct store *st;
	struct store_options so = { NULL, d->req->db };
	int r = store_open(&st, &so, err);
	if (r)
		return r;
	struct series_info *list = NULL;
	size_t n = 0;
	r = store_list(st, &list, &n, err);
	d->m = calloc(n ? n : 1, sizeof *d->m);
	if (!r && !d->m)
		r = cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		if (d->req->symbol && !listed(d->req->symbol, list[i].symbol))
			continue;
		if (d->req->interval && strcmp(d->req->interval, list[i].interval))
			continue;
		struct market *m = &d->m[d->nm];
		struct interval iv;
		snprintf(m->symbol, sizeof m->symbol, "%s", list[i].symbol);
		snprintf(m->interval, sizeof m->interval, "%s", list[i].interval);
		snprintf(m->key, sizeof m->key, "%s-%s", m->symbol, m->interval);
		snprintf(m->label, sizeof m->label, "%s %s", m->symbol, m->interval);
		candles_init(&m->c);
		if (interval_parse(m->interval, &iv))
			continue;
		bool there;
		r = store_load(st, m->symbol, &iv, INT64_MIN, INT64_MAX, &m->c, &there, err);
		if (!r && m->c.n)
			d->nm++;
		else
			candles_free(&m->c);
	}
	/* Every --symbol must be there: a typo would otherwise give a smaller dashboard. */
	for (const char *p = d->req->symbol; !r && p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p), k = 0;
		while (k < d->nm && (strlen(d->m[k].symbol) != len || strncmp(d->m[k].symbol, p, len)))
			k++;
		if (k == d->nm)
			r = cra_fail(err, EX_NOINPUT, "no candles for %.*s%s%s in the %s", (int)len, p,
				     d->req->interval ? " " : "", d->req->interval ? d->req->interval : "",
				     store_describe(st));
		p = comma ? comma + 1 : NULL;
	}
	if (!r && !d->nm)
		r = cra_fail(err, EX_NOINPUT, "no series%s%s in the %s: nothing to show (cra-fetch or "
			     "cra-pipeline fill it)", d->req->interval ? " of interval " : "",
			     d->req->interval ? d->req->interval : "", store_describe(st));
	free(list);
	store_close(st);
	return r;
}

int plot_dashboard(const struct plot_request *req, const struct dashboard_options *opt,
		   struct cra_error *err)
{
	struct dashboard d = { .req = req, .opt = opt };
	d.in_dir = opt->in_dir ? opt->in_dir : getenv("CRA_OUT") ? getenv("CRA_OUT") : "./out";
	if (mkdir(opt->out_dir, 0777) && errno != EEXIST)
		return cra_fail(err, EX_CANTCREAT, "%s: cannot create the directory: %s", opt->out_dir,
				strerror(errno));
	plot_time_text(time_now_ms(), d.updated, sizeof d.updated);
	int r = load_markets(&d, err);
	for (size_t k = 0; !r && k < d.nm; k++)
		for (int p = 0; !r && p < NPAGES; p++)
			if (p != P_LEADERBOARD)
				r = market_page(&d, &d.m[k], (enum page_id)p, err);
	if (!r)
		r = leaderboard_page(&d, err);
	if (!r)
		r = index_page(&d, err);
	for (size_t k = 0; k < d.nm; k++)
		candles_free(&d.m[k].c);
	free(d.m);
	if (!r && d.status)
		r = cra_fail(err, d.status, "the dashboard is written, but %zu of its charts or tables "
			     "could not be (their pages say why); the first: %s", d.failures, d.first.msg);
	return r;
}
