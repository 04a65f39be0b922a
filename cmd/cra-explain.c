/* cra-explain - why an XGBoost model forecasts what it does: exact TreeSHAP values per row
 * (XGBoost's own contribution prediction), or the global importance of each feature.
 *
 * Loads the bundle (lib/xgb_bundle.h), rebuilds the model's features from the candles (the
 * store's series the model was trained on, or a file), and writes one table. */
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candles_io.h"
#include "diag.h"
#include "gaps.h"
#include "options.h"
#include "output.h"
#include "shap.h"
#include "store.h"
#include "symbol.h"
#include "targets.h"
#include "timefmt.h"
#include "xgb_bundle.h"

static const struct program_info info = {
	"cra-explain",
	"cra-explain -m BUNDLE [--last N | --from T --to T] [--summary] [options] [FILE|-]",
	"Explains the forecasts of an XGBoost model (cra-train-xgb) with exact TreeSHAP values:\n"
	"for each candle, how much each feature moved the model's raw prediction away from the\n"
	"base value (the two add up to the prediction).  Writes one row per candle\n"
	"(open_time, prediction, base_value, one column per feature), or with --summary one row\n"
	"per feature: mean |SHAP|, mean SHAP and rank.  The candles come from the store (the\n"
	"model's own symbol and interval) or from FILE.  For regime models every class has its\n"
	"own SHAP values, on the softmax's input: a class column says which (--class to pick one).",
	"  cra-explain -m models/BTCUSDT-1h-xgb.bundle --last 24\n"
	"  cra-explain -m models/BTCUSDT-1h-xgb.bundle --from 2023-12-01 --summary\n"
	"  cra-explain -m eth-regime.bundle --class bull --last 500 --summary --tsv | column -t",
};

struct settings {
	struct str_list operands;
	const char *model, *from, *to, *db, *output, *class_name;
	long long last, horizon, threads;
	bool summary, tsv, quiet;
};

/* A FILE named like a series (ETHUSDT-1h.csv, as cra-predict and cra-backtest read the name:
 * up to the first '.' or '-') must be the model's series: explaining a BTCUSDT model on
 * ETHUSDT candles answers a question nobody asked. */
static void check_file_series(const struct settings *s, const struct xgb_bundle *xb,
			      const struct interval *iv)
{
	char copy[4096], *base;
	snprintf(copy, sizeof copy, "%s", s->operands.items[0]);
	base = basename(copy);
	base[strcspn(base, ".-")] = '\0';
	struct cra_error err = { 0 };
	if (symbol_valid(base) && bundle_check_series(&xb->info, s->model, base, iv->name, &err))
		diag_die_error(&err);
}

/* The candles: FILE, checked against the model's series and interval, or the model's series
 * in the store, up to --to (features at t use candles up to t only). */
static void load_candles(const struct settings *s, const struct xgb_bundle *xb, int64_t to,
			 struct candles *c, struct interval *iv)
{
	struct cra_error err = { 0 };
	if (interval_parse(xb->info.interval, iv))
		diag_die(EX_DATAERR, "%s: unknown interval '%s'", s->model, xb->info.interval);
	if (s->operands.n) {
		check_file_series(s, xb, iv);
		if (candles_load(s->operands.items[0], c, &err))
			diag_die_error(&err);
		struct interval guessed;
		if (!candles_guess_interval(c, &guessed) && guessed.ms != iv->ms)
			diag_die(EX_DATAERR, "%s: the candles are %s apart; the model was trained on %s "
				 "candles", s->operands.items[0], guessed.name, iv->name);
		return;
	}
	struct store *st;
	struct store_options so = { NULL, s->db };
	bool exists;
	if (store_open(&st, &so, &err) ||
	    store_load(st, xb->info.symbol, iv, INT64_MIN, to, c, &exists, &err))
		diag_die_error(&err);
	if (!exists)
		diag_die(EX_NOINPUT, "no candles for %s %s in the %s (the model's series)",
			 xb->info.symbol, iv->name, store_describe(st));
	store_close(st);
}

/* Which output groups to explain: regression has one; regime one per class, or the one
 * --class names. */
static void pick_classes(const struct settings *s, const struct xgb_bundle *xb, int *first,
			 int *last)
{
	*first = 0;
	*last = xb->nclass ? xb->nclass - 1 : 0;
	if (!s->class_name || !strcmp(s->class_name, "all"))
		return;
	if (!xb->nclass)
		opt_usage_error("--class: %s is a %s model, it has no classes", s->model, xb->info.task);
	for (int k = 0; k < xb->nclass; k++)
		if (!strcmp(s->class_name, regime_class_name[k])) {
			*first = *last = k;
			return;
		}
	opt_usage_error("--class: expected bear, neutral, bull or all, got '%s'", s->class_name);
}

static void write_rows(struct table_writer *w, const struct xgb_bundle *xb,
		       const struct candles *c, const struct xgb_inputs *in, const double *phi,
		       const double *margin, int first, int last)
{
	size_t g = xb->nclass ? (size_t)xb->nclass : 1, width = xb->ncols + 1;
	tw_str(w, "open_time");
	if (xb->nclass)
		tw_str(w, "class");
	tw_str(w, "prediction");
	tw_str(w, "base_value");
	for (size_t j = 0; j < xb->ncols; j++)
		tw_str(w, xb->columns[j]);
	tw_end_row(w);
	for (size_t i = 0; i < in->n; i++)
		for (int k = first; k <= last; k++) {
			const double *row = &phi[(i * g + (size_t)k) * width];
			tw_int(w, c->open_time[in->rows[i]]);
			if (xb->nclass)
				tw_str(w, regime_class_name[k]);
			tw_double(w, margin[i * g + (size_t)k]);
			tw_double(w, row[xb->ncols]);
			for (size_t j = 0; j < xb->ncols; j++)
				tw_double(w, row[j]);
			tw_end_row(w);
		}
}

static void write_summary(struct table_writer *w, const struct xgb_bundle *xb,
			  const struct xgb_inputs *in, const double *phi, int first, int last)
{
	size_t g = xb->nclass ? (size_t)xb->nclass : 1, width = xb->ncols + 1;
	struct shap_importance *imp = calloc(xb->ncols, sizeof *imp);
	if (!imp)
		diag_die(EX_OSERR, "out of memory");
	if (xb->nclass)
		tw_str(w, "class");
	tw_str(w, "feature");
	tw_str(w, "mean_abs_shap");
	tw_str(w, "mean_shap");
	tw_str(w, "rank");
	tw_end_row(w);
	for (int k = first; k <= last; k++) {
		shap_summary(phi + (size_t)k * width, in->n, g * width, xb->ncols, imp);
		for (size_t j = 0; j < xb->ncols; j++) {
			if (xb->nclass)
				tw_str(w, regime_class_name[k]);
			tw_str(w, xb->columns[imp[j].feature]);
			tw_double(w, imp[j].mean_abs);
			tw_double(w, imp[j].mean);
			tw_int(w, (int64_t)imp[j].rank);
			tw_end_row(w);
		}
	}
	free(imp);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .horizon = 0 };
	const struct opt opts[] = {
		{ "model", 'm', OPT_STRING, &s.model, "BUNDLE", "the model (from cra-train-xgb)", 0, 0 },
		{ "last", 'n', OPT_INT, &s.last, "N", "explain the last N candles (of those in --from/--to)", 1, 1e12 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "explain candles from this open time on", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "explain candles before this open time", 0, 0 },
		{ "horizon", 'H', OPT_INT, &s.horizon, "H", "which of the bundle's models, by horizon in candles (default: its first)", 1, 1e9 },
		{ "class", 'c', OPT_STRING, &s.class_name, "CLASS", "regime models: bear, neutral, bull or all (default)", 0, 0 },
		{ "summary", 0, OPT_FLAG, &s.summary, NULL, "global importance: one row per feature, most important first", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "threads", 'j', OPT_INT, &s.threads, "N", "threads (default: $OMP_NUM_THREADS, else every core)", 0, 1024 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write to FILE (whole or not at all) instead of standard output", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	if (!s.model)
		opt_usage_error("which model? give -m BUNDLE");
	if (s.operands.n > 1)
		opt_usage_error("one candle file at most, got %zu", s.operands.n);
	int64_t from = opt_time("from", s.from, INT64_MIN);
	int64_t to = opt_time("to", s.to, INT64_MAX);

	struct cra_error err = { 0 };
	static struct xgb_bundle xb;
	if (xgb_bundle_load(&xb, s.model, (int)s.threads, &err))
		diag_die_error(&err);
	int k = s.horizon ? xgb_bundle_horizon(&xb, (int)s.horizon) : 0;
	if (k < 0)
		opt_usage_error("--horizon: %s has no model for horizon %lld", s.model, s.horizon);
	int first, last;
	pick_classes(&s, &xb, &first, &last);

	struct candles c;
	struct interval iv;
	candles_init(&c);
	load_candles(&s, &xb, to, &c, &iv);
	struct xgb_inputs in;
	if (xgb_bundle_inputs(&xb, &c, &iv, from, to, (size_t)s.last, &in, &err))
		diag_die_error(&err);
	if (!in.n)
		diag_die(EX_DATAERR, "no candle to explain: none in the range asked for has every "
			 "feature of the model defined");

	size_t g = xb.nclass ? (size_t)xb.nclass : 1;
	double *phi = malloc(in.n * g * (xb.ncols + 1) * sizeof *phi);
	double *margin = malloc(in.n * g * sizeof *margin);
	if (!phi || !margin)
		diag_die(EX_OSERR, "out of memory");
	/* The model's raw prediction (the margin, before any softmax) is computed by itself,
	 * not as the sum of the contributions, so that a reader can check they agree. */
	struct xgb_data rows = { in.data, NULL, in.n };
	if (xgb_contributions(&xb.model[k], &rows, phi, &err) ||
	    xgb_predict(&xb.model[k], &rows, 1, margin, &err))
		diag_die_error(&err);

	struct output out;
	if (output_open(&out, s.output, s.tsv, &err))
		diag_die_error(&err);
	if (s.summary)
		write_summary(&out.w, &xb, &in, phi, first, last);
	else
		write_rows(&out.w, &xb, &c, &in, phi, margin, first, last);
	if (output_close(&out, &err))
		diag_die_error(&err);
	char a[TIME_BUF], b[TIME_BUF];
	time_format_iso(c.open_time[in.rows[0]], a);
	time_format_iso(c.open_time[in.rows[in.n - 1]], b);
	diag_note("%zu candles explained (%s .. %s), horizon %d", in.n, a, b, xb.info.horizons[k]);

	free(phi);
	free(margin);
	xgb_inputs_free(&in);
	xgb_bundle_free(&xb);
	candles_free(&c);
	str_list_free(&s.operands);
	return 0;
}
