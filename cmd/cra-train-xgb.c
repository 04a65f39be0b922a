/* cra-train-xgb - gradient-boosted trees (XGBoost) on a candle series: one model per horizon
 * in one bundle, and the validation report beside the naive forecast.
 *
 * Reads candles (the store, a file or standard input: lib/train_input.h) and hands them to the
 * training job (lib/xgb_train.h), which builds the features, splits the rows chronologically,
 * trains, reports and fills the bundle; writes the report to standard output and the bundle
 * to -o. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bundle.h"
#include "diag.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "timefmt.h"
#include "train_input.h"
#include "xgb_train.h"

static const struct program_info info = {
	"cra-train-xgb",
	"cra-train-xgb -s SYMBOL -i INTERVAL [-f SPEC] [-t KIND[:H]] [-H H,...] [options]\n"
	"       cra-train-xgb [-s SYMBOL] [-i INTERVAL] [options] FILE|-",
	"Trains gradient-boosted trees (XGBoost) to forecast the log return (default), the price\n"
	"or the regime (bear/neutral/bull) H candles ahead, one model per horizon, on the first\n"
	"1 - F of the candles; stops adding trees when the loss on the first half of the last F\n"
	"stops falling, and reports on the second half, beside the naive forecast (no change; for\n"
	"regimes, the training majority class).  Writes the report (horizon,metric,model,naive,\n"
	"ratio) to standard output and the model bundle to -o, by default\n"
	"$CRA_MODELS/SYMBOL-INTERVAL-xgb.bundle.\n"
	"Without -f: " FEATURE_SPEC_DEFAULT ".",
	"  cra-train-xgb -s BTCUSDT -i 1h\n"
	"  cra-train-xgb -s BTCUSDT -i 1h -t return -H 1,4,24 --trees 500 -o btc.bundle\n"
	"  cra-train-xgb -s ETHUSDT -i 1h -t regime:4h -f rsi:14,bb:20:2,vol:20,lags:3\n"
	"  cra-fetch --dump BTCUSDT -i 4h | cra-train-xgb -s BTCUSDT -i 4h - > report.csv",
};

struct settings {
	struct str_list features, operands;
	const char *symbol, *interval, *target, *horizons, *from, *to, *db, *output;
	long long trees, depth, max_bin, early_stop, seed, threads;
	double eta, subsample, colsample, valid_frac;
	bool tsv, quiet, verbose;
};

struct train_progress {
	struct progress bar;
	int trees;
};

static void on_round(void *ctx, int k, int rounds, double loss)
{
	struct train_progress *tp = ctx;
	char suffix[64] = "";
	if (!isnan(loss))
		snprintf(suffix, sizeof suffix, "model %d, loss %.6g", k + 1, loss);
	progress_update(&tp->bar, (uint64_t)k * (uint64_t)tp->trees + (uint64_t)rounds, suffix);
}

static void note_result(const struct xgb_report *rep, const char *output)
{
	char a[TIME_BUF], b[TIME_BUF];
	time_format_iso(rep->train_from, a);
	time_format_iso(rep->train_to, b);
	diag_note("trained on %zu rows (%s .. %s)", rep->ntrain, a, b);
	if (rep->nstop) {
		time_format_iso(rep->stop_from, a);
		time_format_iso(rep->stop_to, b);
		diag_note("number of trees picked on %zu rows (%s .. %s)", rep->nstop, a, b);
	}
	for (int k = 0; k < rep->nh; k++) {
		const struct xgb_horizon_report *h = &rep->h[k];
		if (rep->nstop)
			diag_note("horizon %d: %d tree%s kept of %d boosted (validation %s %.6g)",
				  h->horizon, h->fit.kept, h->fit.kept == 1 ? "" : "s", h->fit.rounds,
				  rep->kind == TARGET_REGIME ? "log loss" : "RMSE", h->fit.best_loss);
		else
			diag_note("horizon %d: %d tree%s", h->horizon, h->fit.kept,
				  h->fit.kept == 1 ? "" : "s");
	}
	time_format_iso(rep->report_from, a);
	time_format_iso(rep->report_to, b);
	diag_note("report on %zu rows (%s .. %s) that took no part in training%s", rep->nreport,
		  a, b, rep->nstop ? " or in picking the trees" : "");
	diag_note("model written to %s", output);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct xgb_params defaults;
	xgb_params_default(&defaults);
	struct settings s = {
		.target = "return:1", .trees = defaults.trees, .depth = defaults.depth,
		.max_bin = defaults.max_bin, .early_stop = defaults.early_stop, .seed = defaults.seed,
		.threads = defaults.threads, .eta = defaults.eta, .subsample = defaults.subsample,
		.colsample = defaults.colsample, .valid_frac = 0.2,
	};
	const struct opt opts[] = {
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "the series: read from the store, or the name of FILE's series", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the candles' interval (for FILE: default guessed)", 0, 0 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "use candles from this open time on", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "use candles before this open time", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "features", 'f', OPT_LIST, &s.features, "SPEC,...", "features, as cra-features -f (lags:N adds lagged copies)", 0, 0 },
		{ "target", 't', OPT_STRING, &s.target, "KIND[:H]", "return (log return, default), price, or regime[:H[:K[:W]]]", 0, 0 },
		{ "horizons", 'H', OPT_STRING, &s.horizons, "H,...", "one model per horizon, in candles or durations (1,4,24 or 1h,4h)", 0, 0 },
		{ "trees", 'n', OPT_INT, &s.trees, "N", "boosting rounds at most (default 300)", 1, 100000 },
		{ "depth", 'd', OPT_INT, &s.depth, "D", "tree depth (default 6)", 1, 64 },
		{ "eta", 'e', OPT_DOUBLE, &s.eta, "E", "learning rate (default 0.05)", 1e-6, 1 },
		{ "subsample", 0, OPT_DOUBLE, &s.subsample, "S", "share of training rows per tree (default 1)", 1e-6, 1 },
		{ "colsample", 0, OPT_DOUBLE, &s.colsample, "C", "share of features per tree (default 1)", 1e-6, 1 },
		{ "max-bin", 0, OPT_INT, &s.max_bin, "N", "histogram bins per feature (default 256)", 2, 65536 },
		{ "early-stop", 0, OPT_INT, &s.early_stop, "N", "stop after N rounds without a lower validation loss; 0: never (default 20)", 0, 100000 },
		{ "valid-frac", 0, OPT_DOUBLE, &s.valid_frac, "F", "the last F of the candles validate (default 0.2)", 0.01, 0.9 },
		{ "seed", 0, OPT_INT, &s.seed, "N", "random seed for subsampling (default 0)", 0, 2147483647 },
		{ "threads", 'j', OPT_INT, &s.threads, "N", "threads (default: $OMP_NUM_THREADS, else every core); the model does not depend on it", 0, 1024 },
		{ "output", 'o', OPT_STRING, &s.output, "BUNDLE", "write the model here (default $CRA_MODELS/SYMBOL-INTERVAL-xgb.bundle)", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write the report as TSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes or progress on standard error", 0, 0 },
		{ "verbose", 'v', OPT_FLAG, &s.verbose, NULL, "more notes on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	diag_set_verbose(s.verbose);
	if (s.operands.n > 1)
		opt_usage_error("one candle file at most, got %zu", s.operands.n);
	if (!s.operands.n && !s.symbol)
		opt_usage_error("give --symbol and -i (the store) or a candle FILE ('-' for standard input)");

	struct cra_error err = { 0 };
	static struct feature_spec spec;
	feature_spec_init(&spec);
	for (size_t i = 0; i < s.features.n; i++)
		if (feature_spec_add(&spec, s.features.items[i], &err))
			diag_die_error(&err);
	if (!s.features.n && feature_spec_add(&spec, FEATURE_SPEC_DEFAULT, &err))
		diag_die_error(&err);

	struct train_input in = { s.symbol, s.interval, s.operands.n ? s.operands.items[0] : NULL,
				  s.from, s.to, s.db };
	char symbol[SYMBOL_MAX + 1];
	struct candles c;
	struct interval iv;
	static struct target_spec ts;
	if (train_input_load(&in, &c, &iv, symbol, &err) ||
	    train_targets(s.target, s.horizons, &iv, &ts, &err))
		diag_die_error(&err);
	char output[4096];
	if (s.output)
		snprintf(output, sizeof output, "%s", s.output);
	else if (bundle_default_path(symbol, iv.name, "xgb", output, sizeof output, &err))
		diag_die_error(&err);

	struct train_progress tp = { .trees = (int)s.trees };
	struct xgb_job job = {
		.spec = &spec, .targets = &ts, .valid_frac = s.valid_frac, .symbol = symbol,
		.interval = iv.name, .on_round = on_round, .ctx = &tp,
	};
	xgb_params_default(&job.params);
	job.params.trees = (int)s.trees;
	job.params.depth = (int)s.depth;
	job.params.eta = s.eta;
	job.params.subsample = s.subsample;
	job.params.colsample = s.colsample;
	job.params.max_bin = (int)s.max_bin;
	job.params.early_stop = (int)s.early_stop;
	job.params.seed = (int)s.seed;
	job.params.threads = (int)s.threads;

	struct bundle b;
	static struct xgb_report rep;
	bundle_init(&b);
	progress_start(&tp.bar, "training", (uint64_t)s.trees * ts.n);
	int r = xgb_train_job(&c, &iv, &job, &b, &rep, &err);
	progress_finish(&tp.bar);
	if (r)
		diag_die_error(&err);

	/* The bundle first: a report on standard output means the model exists. */
	struct output out;
	if (bundle_save(&b, output, &err) || output_open(&out, "-", s.tsv, &err))
		diag_die_error(&err);
	xgb_report_write(&out.w, &rep);
	if (output_close(&out, &err))
		diag_die_error(&err);
	note_result(&rep, output);
	bundle_free(&b);
	candles_free(&c);
	str_list_free(&s.features);
	str_list_free(&s.operands);
	return 0;
}
