/* cra-plot - charts of craipto's tables with gnuplot, and a static HTML dashboard.
 *
 * Parses options into a plot request, has the kind write its gnuplot script (lib/plot*.c),
 * then prints the script (--script) or renders it (lib/plot_gnuplot.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "diag.h"
#include "options.h"
#include "plot.h"
#include "plot_dashboard.h"
#include "plot_gnuplot.h"
#include "symbol.h"

static const struct program_info info = {
	"cra-plot",
	"cra-plot KIND [-o FILE.png|.svg|.pdf] [--term dumb] [--script] [--size WxH] [options] [FILE]\n"
	"       cra-plot dashboard --out DIR [--in DIR] [--refresh SECONDS] [-s SYMBOL,...]",
	"Draws a chart of the table in FILE (default: standard input) with gnuplot: to FILE.png,\n"
	".svg or .pdf (written whole or not at all), as text in the terminal (--term dumb, the\n"
	"default without -o), or prints the self-contained gnuplot script (--script).  Columns are\n"
	"found by name.  Kinds:\n"
	"  candles      candlesticks, volume, overlays (--sma --ema --bb --vwap --fib), RSI and\n"
	"               MACD panels (--rsi --macd); a candle table or --symbol/-i from the store\n"
	"  forecast     cra-predict's table over recent candles (--candles or the store),\n"
	"               buy/sell markers from cra-sim's trade log (--trades)\n"
	"  backtest     cra-backtest's table: predicted vs actual, residuals below\n"
	"  leaderboard  cra-backtest --leaderboard: RMSE and MAE per model, per symbol\n"
	"  drift        cra-drift --histograms' table, statistics from --stats FILE\n"
	"  shap         cra-explain --summary (global) or its per-candle table (--at, default last)\n"
	"  equity       cra-sim's equity curve against buy-and-hold, drawdown below\n"
	"  regime       regime and p_bull,p_neutral,p_bear beside prices (close or actual column,\n"
	"               or --candles / the store)\n"
	"  dashboard    static HTML pages of every chart from the store and $CRA_OUT (--in)\n"
	"gnuplot's warnings are errors (exit 70).",
	"  cra-plot candles -s BTCUSDT -i 1h --last 200 --sma 20,50 --bb 20:2 --rsi 14 -o btc.png\n"
	"  cra-backtest -s ETHUSDT -i 1h | cra-plot backtest -o eth-backtest.svg\n"
	"  cra-explain -m models/BTCUSDT-1h-xgb.bundle --summary | cra-plot shap --term dumb\n"
	"  cra-plot dashboard --out /var/www/craipto --refresh 300",
};

struct settings {
	struct str_list operands, sma, ema, bb, fib, rsi, macd;
	const char *output, *term, *size, *title, *symbol, *interval, *from, *to, *db, *candles;
	const char *trades, *stats, *model, *features, *shap_class, *at, *out_dir, *in_dir;
	long long last, top, horizon, refresh;
	bool script, vwap, no_volume, quiet;
};

static void free_settings(struct settings *s)
{
	struct str_list *lists[] = { &s->operands, &s->sma, &s->ema, &s->bb, &s->fib, &s->rsi, &s->macd };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		str_list_free(lists[i]);
}

/* Options that only some kinds read: given to another kind, they are a usage error rather
 * than silently ignored. */
struct scoped_option {
	const char *name;
	bool given;
	const char *kinds; /* space-separated, with a space at each end */
};

/* --symbol, one symbol or (dashboard) SYMBOL,...: each checked before it reaches the store's
 * file names or SQL, and so that a typo is a usage error rather than "no rows". */
static void check_symbols(const char *list)
{
	char sym[64];
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		snprintf(sym, sizeof sym, "%.*s", (int)len, p);
		if (len >= sizeof sym || !symbol_valid(sym))
			opt_usage_error("invalid symbol '%.40s': symbols are 2 to 20 capital letters or "
					"digits", sym);
		p += len + (p[len] == ',');
	}
}

static void check_scope(const char *kind, const struct scoped_option *so, size_t n)
{
	char key[32];
	snprintf(key, sizeof key, " %s ", kind);
	for (size_t i = 0; i < n; i++)
		if (so[i].given && !strstr(so[i].kinds, key))
			opt_usage_error("--%s does not apply to %s (it is for:%s)", so[i].name, kind,
					so[i].kinds);
}

/* --sma 20,50 --bb 20:2 ... as one feature specification ("sma:20,sma:50,bb:20:2"). */
static void add_overlays(struct feature_spec *spec, const char *kind, const struct str_list *l)
{
	struct cra_error err = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		struct str_list parts = { 0 };
		str_list_split(&parts, l->items[i]);
		if (!parts.n)
			opt_usage_error("--%s: expected a parameter, got '%s'", kind, l->items[i]);
		for (size_t j = 0; j < parts.n; j++) {
			char item[128];
			snprintf(item, sizeof item, "%s:%s", kind, parts.items[j]);
			if (feature_spec_add(spec, item, &err))
				opt_usage_error("--%s %s: %s", kind, l->items[i], err.msg);
		}
		str_list_free_items(&parts);
	}
}

static void parse_target(const struct settings *s, struct plot_target *t)
{
	int term = -1;
	if (s->output && !strcmp(s->output, "-"))
		t->output = NULL;
	else
		t->output = s->output;
	if (s->term && (term = plot_term_parse(s->term)) < 0)
		opt_usage_error("--term: expected png, svg, pdf or dumb, got '%s'", s->term);
	if (term < 0 && t->output && (term = plot_term_from_path(t->output)) < 0)
		opt_usage_error("-o %s: which format? name the file .png, .svg or .pdf, or give --term",
				t->output);
	if (term < 0)
		term = s->script ? PLOT_TERM_NONE : PLOT_TERM_DUMB;
	t->term = (enum plot_term)term;
	if (t->term == PLOT_TERM_DUMB) {
		struct winsize ws;
		t->width = PLOT_DUMB_WIDTH;
		t->height = PLOT_DUMB_HEIGHT;
		if (!t->output && isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
		    ws.ws_col >= 40 && ws.ws_row >= 15) {
			t->width = ws.ws_col;
			t->height = ws.ws_row - 1;
		}
	}
	if (s->size) {
		char extra;
		if (sscanf(s->size, "%dx%d%c", &t->width, &t->height, &extra) != 2 || t->width < 20 ||
		    t->height < 10 || t->width > 20000 || t->height > 20000)
			opt_usage_error("--size: expected WIDTHxHEIGHT (1200x800; 20x10 .. 20000x20000), "
					"got '%s'", s->size);
	}
}

/* A dashboard chart that could not be drawn: said at once, the run goes on. */
static void report_chart(const char *message) { diag_warn("%s", message); }

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { 0 };
	const struct opt opts[] = {
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write the chart to FILE (.png .svg .pdf; .txt for dumb)", 0, 0 },
		{ "term", 'T', OPT_STRING, &s.term, "TERM", "png, svg, pdf or dumb (default: from -o, else dumb)", 0, 0 },
		{ "script", 0, OPT_FLAG, &s.script, NULL, "print the gnuplot script instead of running gnuplot", 0, 0 },
		{ "size", 0, OPT_STRING, &s.size, "WxH", "size in pixels (default 1200x800; characters for dumb)", 0, 0 },
		{ "title", 't', OPT_STRING, &s.title, "TITLE", "the chart's title", 0, 0 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "candles from the store (with -i); leaderboard: this symbol only; dashboard: SYMBOL,...", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the candles' interval", 0, 0 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "draw from this open time on", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "draw before this open time", 0, 0 },
		{ "last", 'n', OPT_INT, &s.last, "N", "draw the last N candles or rows", 1, 1e12 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "candles", 'c', OPT_STRING, &s.candles, "FILE", "forecast, regime: the candles to draw beneath", 0, 0 },
		{ "trades", 0, OPT_STRING, &s.trades, "FILE", "forecast, equity: buy/sell markers from cra-sim's trade log", 0, 0 },
		{ "stats", 0, OPT_STRING, &s.stats, "FILE", "drift: cra-drift's per-feature statistics, for the legends", 0, 0 },
		{ "model", 'm', OPT_STRING, &s.model, "NAME", "forecast, backtest, regime: this model's rows only", 0, 0 },
		{ "feature", 'f', OPT_STRING, &s.features, "NAME,...", "drift, shap: these features only", 0, 0 },
		{ "class", 0, OPT_STRING, &s.shap_class, "CLASS", "shap of a regime model: bear, neutral or bull", 0, 0 },
		{ "at", 0, OPT_STRING, &s.at, "TIME", "shap: explain the candle opening at TIME (default: the last)", 0, 0 },
		{ "top", 0, OPT_INT, &s.top, "N", "shap: the N largest features (default 20)", 1, 1000 },
		{ "horizon", 'H', OPT_INT, &s.horizon, "H", "leaderboard: this horizon only; backtest, regime: the horizon drawn (default: the smallest)", 1, 1e9 },
		{ "sma", 0, OPT_LIST, &s.sma, "N,...", "candles: simple moving averages", 0, 0 },
		{ "ema", 0, OPT_LIST, &s.ema, "N,...", "candles: exponential moving averages", 0, 0 },
		{ "bb", 0, OPT_LIST, &s.bb, "N:K", "candles: Bollinger Bands (20:2)", 0, 0 },
		{ "vwap", 0, OPT_FLAG, &s.vwap, NULL, "candles: VWAP anchored on UTC midnight", 0, 0 },
		{ "fib", 0, OPT_LIST, &s.fib, "N", "candles: Fibonacci retracement levels of the N-candle range", 0, 0 },
		{ "rsi", 0, OPT_LIST, &s.rsi, "N", "candles: an RSI panel (14)", 0, 0 },
		{ "macd", 0, OPT_LIST, &s.macd, "F:S:G", "candles: a MACD panel (12:26:9)", 0, 0 },
		{ "no-volume", 0, OPT_FLAG, &s.no_volume, NULL, "candles: no volume panel", 0, 0 },
		{ "out", 0, OPT_STRING, &s.out_dir, "DIR", "dashboard: the directory to write", 0, 0 },
		{ "in", 0, OPT_STRING, &s.in_dir, "DIR", "dashboard: where the pipeline's tables are (default $CRA_OUT, else ./out)", 0, 0 },
		{ "refresh", 0, OPT_INT, &s.refresh, "SECONDS", "dashboard: pages reload themselves this often", 1, 86400 * 7 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	if (!s.operands.n)
		opt_usage_error("which chart? give a KIND: candles forecast backtest leaderboard drift "
				"shap equity regime, or dashboard");
	const char *kind_name = s.operands.items[0];
	const struct scoped_option scope[] = {
		{ "symbol", s.symbol != NULL, " candles forecast regime leaderboard dashboard " },
		{ "interval", s.interval != NULL, " candles forecast regime dashboard " },
		{ "db", s.db != NULL, " candles forecast regime dashboard " },
		{ "from", s.from != NULL, " candles backtest equity regime " },
		{ "to", s.to != NULL, " candles backtest equity regime " },
		{ "last", s.last != 0, " candles forecast backtest equity regime dashboard " },
		{ "title", s.title != NULL, " candles forecast backtest leaderboard drift shap equity regime " },
		{ "candles", s.candles != NULL, " forecast regime " },
		{ "trades", s.trades != NULL, " forecast equity " },
		{ "stats", s.stats != NULL, " drift " },
		{ "model", s.model != NULL, " forecast backtest regime " },
		{ "feature", s.features != NULL, " drift shap " },
		{ "class", s.shap_class != NULL, " shap " },
		{ "at", s.at != NULL, " shap " },
		{ "top", s.top != 0, " shap " },
		{ "horizon", s.horizon != 0, " leaderboard backtest regime " },
		{ "sma", s.sma.n > 0, " candles " },
		{ "ema", s.ema.n > 0, " candles " },
		{ "bb", s.bb.n > 0, " candles " },
		{ "vwap", s.vwap, " candles " },
		{ "fib", s.fib.n > 0, " candles " },
		{ "rsi", s.rsi.n > 0, " candles " },
		{ "macd", s.macd.n > 0, " candles " },
		{ "no-volume", s.no_volume, " candles " },
		{ "out", s.out_dir != NULL, " dashboard " },
		{ "in", s.in_dir != NULL, " dashboard " },
		{ "refresh", s.refresh != 0, " dashboard " },
		{ "output", s.output != NULL, " candles forecast backtest leaderboard drift shap equity regime " },
		{ "script", s.script, " candles forecast backtest leaderboard drift shap equity regime " },
		{ "term", s.term != NULL, " candles forecast backtest leaderboard drift shap equity regime " },
	};
	check_scope(kind_name, scope, sizeof scope / sizeof scope[0]);
	check_symbols(s.symbol);

	struct cra_error err = { 0 };
	static struct plot_request req;
	plot_request_init(&req);
	req.title = s.title;
	req.symbol = s.symbol;
	req.interval = s.interval;
	req.db = s.db;
	req.from = opt_time("from", s.from, INT64_MIN);
	req.to = opt_time("to", s.to, INT64_MAX);
	req.at = opt_time("at", s.at, INT64_MIN);
	req.last = (size_t)s.last;
	req.candles = s.candles;
	req.trades = s.trades;
	req.stats = s.stats;
	req.model = s.model;
	req.features = s.features;
	req.shap_class = s.shap_class;
	if (s.top)
		req.top = (size_t)s.top;
	req.horizon = s.horizon;
	req.no_volume = s.no_volume;

	if (!strcmp(kind_name, "dashboard")) {
		if (s.operands.n > 1)
			opt_usage_error("dashboard reads no FILE (it reads the store and --in DIR)");
		if (!s.out_dir)
			opt_usage_error("dashboard: where to? give --out DIR");
		parse_target(&s, &req.target);
		struct dashboard_options d = { s.out_dir, s.in_dir, (int)s.refresh, s.size != NULL,
					       report_chart };
		if (plot_dashboard(&req, &d, &err))
			diag_die_error(&err);
		diag_note("dashboard written to %s/index.html", s.out_dir);
		free_settings(&s);
		return 0;
	}
	const struct plot_kind *kind = plot_kind_find(kind_name);
	if (!kind)
		opt_usage_error("unknown kind '%s' (candles forecast backtest leaderboard drift shap "
				"equity regime dashboard)", kind_name);
	if (s.operands.n > 2)
		opt_usage_error("one input table at most, got %zu", s.operands.n - 1);
	if (s.operands.n == 2 && s.symbol && !strcmp(kind_name, "candles"))
		opt_usage_error("give either --symbol or a candle file, not both");
	if (s.operands.n == 2)
		req.input = s.operands.items[1];
	add_overlays(&req.overlays, "sma", &s.sma);
	add_overlays(&req.overlays, "ema", &s.ema);
	add_overlays(&req.overlays, "bb", &s.bb);
	add_overlays(&req.overlays, "fib", &s.fib);
	if (s.vwap && feature_spec_add(&req.overlays, "vwapd", &err))
		diag_die_error(&err);
	add_overlays(&req.overlays, "rsi", &s.rsi);
	add_overlays(&req.overlays, "macd", &s.macd);
	parse_target(&s, &req.target);

	struct plot_script body;
	plot_script_init(&body);
	if (kind->draw(&req, &body, &err) || plot_script_done(&body, &err))
		diag_die_error(&err);
	if (s.script) {
		struct plot_script head;
		plot_script_init(&head);
		ps_terminal(&head, &req.target, req.target.output);
		if (plot_script_done(&head, &err))
			diag_die_error(&err);
		if (fwrite(head.buf ? head.buf : "", 1, head.len, stdout) != head.len ||
		    fwrite(body.buf, 1, body.len, stdout) != body.len || fflush(stdout))
			diag_die(EX_IOERR, "writing standard output failed");
		plot_script_free(&head);
	} else if (plot_render(&req.target, &body, &err)) {
		diag_die_error(&err);
	}
	if (s.script)
		diag_note("%s: gnuplot script written to standard output", kind_name);
	else
		diag_note("%s: %s written (%s %dx%d)", kind_name,
			  req.target.output ? req.target.output : "standard output",
			  plot_term_name(req.target.term), req.target.width, req.target.height);
	plot_script_free(&body);
	free_settings(&s);
	return 0;
}
