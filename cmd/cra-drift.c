/* cra-drift - has the market moved away from what a model learned?  Compares each feature's
 * distribution in a baseline window with a recent window (lib/drift.h) and answers like
 * diff(1): exit 0 for no drift, 1 for drift, 64 and up for errors. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "diag.h"
#include "drift.h"
#include "feature_spec.h"
#include "feature_table.h"
#include "options.h"
#include "output.h"
#include "store.h"
#include "timefmt.h"

static const struct program_info info = {
	"cra-drift",
	"cra-drift [--baseline FILE | --baseline-window N | -m BUNDLE] [--recent-window N]\n"
	"       [--features F,...] [--js X] [--ks-p P] [--psi X] [options] [FILE | -s SYMBOL -i INTERVAL]",
	"Compares the distribution of each feature in a baseline window with the recent window -\n"
	"the last N rows of FILE (default: standard input) or of a stored series - by the\n"
	"two-sample Kolmogorov-Smirnov test (SciPy's ks_2samp p-value), the Jensen-Shannon\n"
	"divergence (base 2, equal-width bins) and the Population Stability Index (baseline\n"
	"deciles).  Writes one row per feature and exits 0 when nothing drifted, 1 when some\n"
	"feature did (JS > --js, KS p < --ks-p or PSI > --psi), 64 or more on errors.  The\n"
	"baseline: --baseline FILE, the N rows before the recent window, a model's training\n"
	"candles (-m), or by default every row before the recent window.  Features: table\n"
	"columns, 'return' (log return), or feature-spec items such as rsi:14 (default:\n"
	"close,return,volume; with -m the model's own features).",
	"  cra-drift -s BTCUSDT -i 1h --recent-window 168 --baseline-window 2000\n"
	"  cra-drift -m models/BTCUSDT-1h-xgb.bundle --recent-window 720 || cra-train-xgb ...\n"
	"  cra-drift --baseline train.csv --features close,rsi:14,volume recent.csv",
};

struct settings {
	struct str_list operands, features;
	const char *baseline, *model, *symbol, *interval, *db, *to, *output, *histograms;
	long long baseline_window, recent_window, bins;
	double js, ks_p, psi;
	bool tsv, quiet;
};

/* A run of rows [from, to) of a feature table. */
struct window {
	const struct feature_table *t;
	size_t from, to;
	const char *what; /* for messages */
};

static void free_settings(struct settings *s)
{
	str_list_free_items(&s->features);
	str_list_free(&s->operands);
}

/* The features to compare: --features, else the model's own (its indicators, without the
 * lagged copies, which have the same distribution), else close, return and volume. */
static void choose_features(struct settings *s, const struct model_info *mi)
{
	if (s->features.n)
		return;
	if (!mi) {
		str_list_split(&s->features, "close,return,volume");
		return;
	}
	struct cra_error err = { 0 };
	static struct feature_spec spec;
	if (feature_spec_parse(mi->features, &spec, &err))
		diag_die(EX_DATAERR, "%s: its features '%s': %s", s->model, mi->features, err.msg);
	spec.lags = 0;
	char text[sizeof mi->features];
	feature_spec_format(&spec, text, sizeof text);
	if (!text[0])
		diag_die(EX_DATAERR, "%s: the model names no feature to compare; give --features", s->model);
	str_list_split(&s->features, text);
}

static void load_model(const char *path, struct model_info *mi)
{
	struct cra_error err = { 0 };
	struct bundle b; /* bundle_load initialises it */
	int r = bundle_load(&b, path, &err);
	if (!r) {
		r = bundle_get_info(&b, path, mi, &err);
		bundle_free(&b);
	}
	if (r)
		diag_die_error(&err);
}

/* The features of a stored series, candles up to `to`. */
static void load_series(const struct settings *s, const char *symbol, const char *interval,
			int64_t to, struct feature_table *t)
{
	struct cra_error err = { 0 };
	struct interval iv;
	if (interval_parse(interval, &iv))
		opt_usage_error("unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M)",
				interval);
	struct store *st;
	struct store_options so = { NULL, s->db };
	struct candles c;
	candles_init(&c);
	bool exists;
	if (store_open(&st, &so, &err) ||
	    store_load(st, symbol, &iv, INT64_MIN, to, &c, &exists, &err))
		diag_die_error(&err);
	if (!exists)
		diag_die(EX_NOINPUT, "no candles for %s %s in the %s", symbol, iv.name, store_describe(st));
	store_close(st);
	if (feature_table_from_candles(&c, &iv, (const char *const *)s->features.items,
				       s->features.n, t, &err)) {
		cra_error_prefix(&err, "%s %s: ", symbol, iv.name);
		diag_die_error(&err);
	}
	candles_free(&c);
}

static void load_file(const struct settings *s, const char *path, struct feature_table *t)
{
	struct cra_error err = { 0 };
	if (feature_table_load(path, (const char *const *)s->features.items, s->features.n, t, &err))
		diag_die_error(&err);
}

/* Rows before `to` (all of them when the table has no times and no --to was given). */
static size_t rows_before(const struct feature_table *t, int64_t to, const char *name)
{
	if (to == INT64_MAX)
		return t->m.nrows;
	if (!t->open_time)
		diag_die(EX_DATAERR, "%s: no open_time column, so --to cannot pick rows", name);
	size_t n = 0;
	while (n < t->m.nrows && t->open_time[n] < to)
		n++;
	return n;
}

static void describe(const struct window *w)
{
	if (!w->t->open_time || w->from == w->to) {
		diag_note("%s: %zu rows", w->what, w->to - w->from);
		return;
	}
	char a[TIME_BUF], b[TIME_BUF];
	time_format_iso(w->t->open_time[w->from], a);
	time_format_iso(w->t->open_time[w->to - 1], b);
	diag_note("%s: %zu rows, %s .. %s", w->what, w->to - w->from, a, b);
}

/* The baseline window: --baseline FILE, --baseline-window N, the model's training rows,
 * or every row before the recent window. */
static struct window choose_baseline(const struct settings *s, const struct model_info *mi,
				     const struct window *recent, bool recent_is_model_series,
				     struct feature_table *own)
{
	struct window w = { recent->t, 0, recent->from, "baseline (every row before the recent window)" };
	if (s->baseline) {
		load_file(s, s->baseline, own);
		return (struct window){ own, 0, own->m.nrows, "baseline (--baseline)" };
	}
	if (s->baseline_window) {
		size_t k = (size_t)s->baseline_window;
		if (recent->from < k)
			diag_die(EX_DATAERR, "only %zu rows before the recent window; --baseline-window "
				 "asks for %zu", recent->from, k);
		w.from = recent->from - k;
		w.what = "baseline (--baseline-window)";
		return w;
	}
	if (mi) {
		if (!recent_is_model_series)
			load_series(s, mi->symbol, mi->interval, INT64_MAX, own);
		const struct feature_table *t = recent_is_model_series ? recent->t : own;
		w.t = t;
		w.from = w.to = 0;
		while (w.from < t->m.nrows && t->open_time[w.from] < mi->train_from)
			w.from++;
		w.to = w.from;
		while (w.to < t->m.nrows && t->open_time[w.to] <= mi->train_to)
			w.to++;
		w.what = "baseline (the model's training candles)";
		if (w.to == w.from)
			diag_die(EX_DATAERR, "%s %s: the store has no candle of %s's training range",
				 mi->symbol, mi->interval, s->model);
		if (recent_is_model_series && recent->from < w.to)
			diag_warn("the recent window overlaps the model's training candles");
		return w;
	}
	if (recent->from == 0)
		diag_die(EX_DATAERR, "no row before the recent window to compare it with: give "
			 "--baseline FILE, a shorter --recent-window, or more data");
	return w;
}

static void fired_text(unsigned fired, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", fired & DRIFT_JS ? "js" : "",
		 (fired & DRIFT_JS) && (fired & (DRIFT_KS | DRIFT_PSI)) ? "+" : "",
		 fired & DRIFT_KS ? "ks_p" : "", (fired & DRIFT_KS) && (fired & DRIFT_PSI) ? "+" : "",
		 fired & DRIFT_PSI ? "psi" : "");
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .recent_window = 500, .bins = DRIFT_JS_BINS,
			      .js = DRIFT_JS_MAX_DEFAULT, .ks_p = DRIFT_KS_P_MIN_DEFAULT,
			      .psi = DRIFT_PSI_MAX_DEFAULT };
	struct str_list feature_args = { 0 };
	const struct opt opts[] = {
		{ "baseline", 'b', OPT_STRING, &s.baseline, "FILE", "baseline sample: a candle table or any table with the feature columns", 0, 0 },
		{ "baseline-window", 'B', OPT_INT, &s.baseline_window, "N", "baseline: the N rows before the recent window", 1, 1e12 },
		{ "model", 'm', OPT_STRING, &s.model, "BUNDLE", "baseline: the model's training candles (its series, from the store); default features: the model's", 0, 0 },
		{ "recent-window", 'n', OPT_INT, &s.recent_window, "N", "recent sample: the last N rows (default 500)", 1, 1e12 },
		{ "features", 'f', OPT_LIST, &feature_args, "F,...", "columns, 'return', or feature items (rsi:14); default close,return,volume", 0, 0 },
		{ "js", 0, OPT_DOUBLE, &s.js, "X", "drift when the Jensen-Shannon divergence exceeds X (default 0.2)", 0, 1 },
		{ "ks-p", 0, OPT_DOUBLE, &s.ks_p, "P", "drift when the KS p-value is below P (default 0.05)", 0, 1 },
		{ "psi", 0, OPT_DOUBLE, &s.psi, "X", "drift when the PSI exceeds X (default 0.2)", 0, 1e9 },
		{ "bins", 0, OPT_INT, &s.bins, "N", "equal-width bins for JS and --histograms (default 20)", 2, 100000 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "read the series from the store", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the stored series' interval", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "only rows before this open time (as the data stood then)", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "histograms", 0, OPT_STRING, &s.histograms, "FILE", "write each feature's JS histogram (feature,bin_lo,bin_hi,baseline_frac,recent_frac)", 0, 0 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write the table to FILE (whole or not at all) instead of standard output", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error (the exit status still answers)", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	for (size_t i = 0; i < feature_args.n; i++)
		str_list_split(&s.features, feature_args.items[i]);
	str_list_free(&feature_args);
	for (size_t i = 0; i < s.features.n; i++) { /* "close, volume": blanks are not names */
		char *f = (char *)s.features.items[i], *e = f + strlen(f);
		while (e > f && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		memmove(f, f + strspn(f, " \t"), strlen(f + strspn(f, " \t")) + 1);
	}
	if (s.operands.n > 1)
		opt_usage_error("one recent-data file at most, got %zu", s.operands.n);
	if (s.operands.n && s.symbol)
		opt_usage_error("give either --symbol or a file, not both");
	if (s.baseline && s.baseline_window)
		opt_usage_error("give one baseline: --baseline FILE or --baseline-window N");
	if (s.symbol && !s.interval && !s.model)
		opt_usage_error("--symbol needs the interval (-i 1h)");
	int64_t to = INT64_MAX;
	if (s.to && time_parse(s.to, time_now_ms(), &to))
		opt_usage_error("--to: expected a time (2024-01-01, 2024-01-01T12:00, ms since the "
				"epoch, or 30d ago), got '%s'", s.to);

	struct model_info mi;
	if (s.model)
		load_model(s.model, &mi);
	choose_features(&s, s.model ? &mi : NULL);

	/* The recent data: FILE or standard input, or a stored series (-s/-i, else the model's). */
	static struct feature_table recent_table, baseline_table;
	feature_table_init(&baseline_table);
	bool from_store = s.symbol || (s.model && !s.operands.n);
	const char *symbol = s.symbol ? s.symbol : s.model ? mi.symbol : NULL;
	const char *interval = s.interval ? s.interval : s.model ? mi.interval : NULL;
	const char *recent_name = s.operands.n ? s.operands.items[0] : "-";
	if (from_store)
		load_series(&s, symbol, interval, to, &recent_table);
	else
		load_file(&s, recent_name, &recent_table);
	bool recent_is_model_series = from_store && s.model && !strcmp(symbol, mi.symbol) &&
				      !strcmp(interval, mi.interval);

	size_t end = rows_before(&recent_table, to, from_store ? symbol : recent_name);
	size_t n = (size_t)s.recent_window;
	if (end < n)
		diag_die(EX_DATAERR, "%zu rows%s; --recent-window asks for %zu", end,
			 to != INT64_MAX ? " before --to" : "", n);
	struct window recent = { &recent_table, end - n, end, "recent" };
	struct window base = choose_baseline(&s, s.model ? &mi : NULL, &recent,
					     recent_is_model_series, &baseline_table);
	const struct feature_matrix *bm = &base.t->m, *rm = &recent.t->m;
	if (bm->ncols != rm->ncols)
		diag_die(EX_DATAERR, "the baseline has %zu features and the recent data %zu",
			 bm->ncols, rm->ncols);
	describe(&base);
	describe(&recent);

	struct cra_error err = { 0 };
	struct drift_thresholds th = { s.js, s.ks_p, s.psi };
	struct output out, hist;
	if (output_open(&out, s.output, s.tsv, &err) ||
	    (s.histograms && output_open(&hist, s.histograms, s.tsv, &err)))
		diag_die_error(&err);
	const char *header[] = { "feature", "n_baseline", "n_recent", "ks", "ks_p", "ks_method",
				 "js", "psi", "drift", "fired" };
	for (size_t k = 0; k < sizeof header / sizeof *header; k++)
		tw_str(&out.w, header[k]);
	tw_end_row(&out.w);
	if (s.histograms) {
		const char *hh[] = { "feature", "bin_lo", "bin_hi", "baseline_frac", "recent_frac" };
		for (size_t k = 0; k < sizeof hh / sizeof *hh; k++)
			tw_str(&hist.w, hh[k]);
		tw_end_row(&hist.w);
	}
	size_t drifted = 0;
	char list[1024] = "";
	size_t list_len = 0;
	for (size_t j = 0; j < rm->ncols; j++) {
		const char *name = rm->name[j];
		if (strcasecmp(bm->name[j], name))
			diag_die(EX_DATAERR, "the baseline's feature %zu is '%s', the recent data's '%s'",
				 j + 1, bm->name[j], name);
		struct drift_result r;
		if (drift_compare(bm->col[j] + base.from, base.to - base.from, rm->col[j] + recent.from,
				  recent.to - recent.from, (int)s.bins, &th, &r, &err)) {
			output_abort(&out);
			if (s.histograms)
				output_abort(&hist);
			cra_error_prefix(&err, "feature '%s': ", name);
			diag_die_error(&err);
		}
		char fired[32];
		fired_text(r.fired, fired, sizeof fired);
		tw_str(&out.w, name);
		tw_int(&out.w, (int64_t)r.n_baseline);
		tw_int(&out.w, (int64_t)r.n_recent);
		tw_double(&out.w, r.ks.d);
		tw_double(&out.w, r.ks.p);
		tw_str(&out.w, r.ks.exact ? "exact" : "asymp");
		tw_double(&out.w, r.js);
		tw_double(&out.w, r.psi);
		tw_str(&out.w, r.fired ? "yes" : "no");
		tw_str(&out.w, fired);
		tw_end_row(&out.w);
		for (int k = 0; s.histograms && k < r.nbins; k++) {
			double step = (r.hi - r.lo) / r.nbins;
			tw_str(&hist.w, name);
			tw_double(&hist.w, (double)k * step + r.lo);
			tw_double(&hist.w, k == r.nbins - 1 ? r.hi : (double)(k + 1) * step + r.lo);
			tw_double(&hist.w, r.baseline_frac[k]);
			tw_double(&hist.w, r.recent_frac[k]);
			tw_end_row(&hist.w);
		}
		if (r.fired) {
			drifted++;
			if (list_len < sizeof list)
				list_len += (size_t)snprintf(list + list_len, sizeof list - list_len, "%s%s (%s)",
							     drifted > 1 ? ", " : "", name, fired);
		}
		drift_result_free(&r);
	}
	if (output_close(&out, &err) || (s.histograms && output_close(&hist, &err)))
		diag_die_error(&err);
	if (drifted)
		diag_note("drift in %zu of %zu features: %s", drifted, rm->ncols, list);
	else
		diag_note("no drift in %zu features", rm->ncols);
	feature_table_free(&recent_table);
	feature_table_free(&baseline_table);
	free_settings(&s);
	return drifted ? 1 : 0;
}
