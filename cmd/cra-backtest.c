/* cra-backtest - walk models forward over history: every step forecast only from the candles
 * before it, with calibrated bands, the inverse-error hybrid and the naive baseline; per-step
 * predictions, a summary, and leaderboard rows.
 *
 * Loads the bundles (lib/forecast.h), reads the candles of their series (lib/train_input.h),
 * walks (lib/walkforward.h) and writes the tables (lib/leaderboard.h, lib/forecast_pg.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "forecast.h"
#include "forecast_pg.h"
#include "leaderboard.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "timefmt.h"
#include "walkforward.h"

static const struct program_info info = {
	"cra-backtest",
	"cra-backtest -m [NAME=]BUNDLE [-m ...] [--from T] [--to T] [--refit-every N] [options] [FILE|-]",
	"Walks models forward over a series' history: each step forecasts a candle's close only\n"
	"from the candles before it (features computed once over the series, which never look\n"
	"ahead, then every step of a model in one batch; with --refit-every N the models are\n"
	"retrained on the candles before every block of N steps).  Bands: split-conformal, from\n"
	"each forecaster's own trailing walk-forward residuals.  Beside the models: their hybrid\n"
	"(inverse-RMSE weights over the same trailing window) and the naive forecast (no change).\n"
	"Writes one row per step and forecaster (open_time,actual,pred,lower,upper,model,horizon)\n"
	"to standard output or -o, a summary per forecaster to standard error (and --summary), and\n"
	"upserts leaderboard rows into --leaderboard FILE and, with a database, its leaderboard\n"
	"table.  By default the steps start after the bundles' training and validation data.",
	"  cra-backtest -m models/BTCUSDT-1h-xgb.bundle -m models/BTCUSDT-1h-lstm.bundle > steps.csv\n"
	"  cra-backtest -m btc-xgb.bundle --from 2023-06-01 --refit-every 720 -o steps.csv\n"
	"  cra-backtest -m eth-xgb.bundle -m eth-lstm.bundle --leaderboard board.csv -o /dev/null\n"
	"  cra-fetch --dump BTCUSDT | cra-backtest -m btc.bundle --level 0.8 - | cra-plot backtest -",
};

struct settings {
	struct str_list models, operands;
	const char *symbol, *horizons, *from, *to, *db, *output, *summary, *leaderboard;
	long long calibration, refit_every, threads;
	double level;
	bool no_hybrid, tsv, quiet;
};

/* -H 1,4,24 */
static int parse_horizons(const char *text, int *h)
{
	struct str_list list = { 0 };
	str_list_split(&list, text);
	if (!list.n || list.n > WF_MAX_HORIZONS)
		opt_usage_error("--horizons: give 1 to %d horizons, got '%s'", WF_MAX_HORIZONS, text);
	for (size_t i = 0; i < list.n; i++) {
		char *end;
		long v = strtol(list.items[i], &end, 10);
		if (end == list.items[i] || *end || v < 1 || v > TARGET_MAX_HORIZON)
			opt_usage_error("--horizons: '%s' is not a horizon in candles", list.items[i]);
		h[i] = (int)v;
	}
	int n = (int)list.n;
	str_list_free_items(&list);
	return n;
}

/* The first open time after every candle the models saw: the last validation row's open time
 * plus its longest horizon (the last label). */
static int64_t after_models(const struct forecast_model *m, size_t n, const struct interval *iv)
{
	int64_t from = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t t = m[i].info.valid_to;
		for (int k = 0; k < m[i].info.nhorizons; k++) {
			int64_t u = m[i].info.valid_to;
			for (int j = 0; j < m[i].info.horizons[k]; j++)
				u = interval_next(iv, u);
			t = u > t ? u : t;
		}
		from = t + 1 > from ? t + 1 : from;
	}
	return from;
}

/* Warnings about honesty: steps or calibration residuals on candles a model trained on. */
static void check_overlap(const struct forecast_model *m, size_t n, int64_t first_step,
			  int64_t calibration_from)
{
	for (size_t i = 0; i < n; i++) {
		char when[TIME_BUF];
		time_format_iso(m[i].info.train_to, when);
		if (first_step <= m[i].info.train_to)
			diag_warn("%s was trained on candles up to %s: steps before then forecast "
				  "candles it learnt from, and look better than they are", m[i].path, when);
		else if (calibration_from <= m[i].info.train_to)
			diag_warn("%s was trained on candles up to %s: the first bands are calibrated "
				  "partly on its training residuals, and are too narrow", m[i].path, when);
	}
}

static void note_summary(const struct walkforward *wf, double level)
{
	for (size_t i = 0; i < wf->ntracks; i++) {
		const struct wf_track *t = &wf->track[i];
		const struct wf_summary *s = &t->sum;
		if (t->regime) {
			diag_note("%s h=%d: %zu steps, accuracy %.4f, macro-F1 %.4f", t->model,
				  t->horizon, s->steps, s->classes.accuracy, s->classes.macro_f1);
			continue;
		}
		char direction[32] = "";
		if (!t->naive)
			snprintf(direction, sizeof direction, ", direction %.4f",
				 s->model.directional_accuracy);
		diag_note("%s h=%d: %zu steps, RMSE %.6g (naive %.6g, Theil's U %.4f), MAE %.6g, "
			  "MAPE %.4f%%%s, %g%% band coverage %.4f (mean width %.4f%%)", t->model,
			  t->horizon, s->steps, s->model.rmse, s->naive.rmse, s->theil_u, s->model.mae,
			  s->model.mape, direction, 100 * level, s->coverage, 100 * s->width);
		if (t->ncomp) {
			char w[256];
			walkforward_format_weights(t, s->mean_weight, w, sizeof w);
			diag_note("hybrid h=%d weights (mean over the steps): %s", t->horizon, w);
		}
	}
}

struct bar {
	struct progress p;
	const char *what;
};

static void on_progress(void *ctx, const char *what, size_t done, size_t total)
{
	struct bar *b = ctx;
	if (b->what != what) {
		if (b->what)
			progress_finish(&b->p);
		b->what = what;
		progress_start(&b->p, what, total);
	}
	progress_update(&b->p, done, NULL);
}

/* The tables, the database's rows, then the leaderboard file, and only then the tables are
 * committed: a failure anywhere leaves no table behind. */
static void write_results(const struct settings *s, const struct walkforward *wf,
			  struct forecast_db *db, const char *symbol, const char *interval)
{
	struct cra_error err = { 0 };
	struct leaderboard_row *rows;
	size_t nrows;
	if (leaderboard_from_walkforward(wf, symbol, interval, s->level, &rows, &nrows, &err))
		diag_die_error(&err);
	struct output out, sum;
	bool summary = false;
	int r = output_open(&out, s->output, s->tsv, &err);
	if (r)
		diag_die_error(&err);
	walkforward_write_steps(&out.w, wf);
	if (s->summary && !(r = output_open(&sum, s->summary, s->tsv, &err))) {
		summary = true;
		leaderboard_write(&sum.w, rows, nrows);
	}
	if (!r && db && !(r = forecast_db_put_leaderboard(db, rows, nrows, &err)))
		diag_note("%zu leaderboard rows upserted into %s", nrows, forecast_db_describe(db));
	if (!r && s->leaderboard)
		r = leaderboard_upsert_file(s->leaderboard, rows, nrows, &err);
	if (!r && summary)
		r = output_close(&sum, &err);
	else if (summary)
		output_abort(&sum);
	if (r) {
		output_abort(&out);
		diag_die_error(&err);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	free(rows);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .calibration = 720, .level = 0.9 };
	const struct opt opts[] = {
		{ "model", 'm', OPT_LIST, &s.models, "BUNDLE", "[NAME=]BUNDLE: a model (cra-train-xgb, cra-train-lstm), named by its kind unless NAME is given", 0, 0 },
		{ "horizons", 'H', OPT_STRING, &s.horizons, "H,...", "horizons to walk, in candles (default: every model's)", 0, 0 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "first predicted candle (default: after the bundles' training and validation data)", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "predict candles before this open time (default: to the end)", 0, 0 },
		{ "refit-every", 'r', OPT_INT, &s.refit_every, "N", "retrain the models on the candles before every block of N steps", 1, 1e9 },
		{ "calibration", 'c', OPT_INT, &s.calibration, "N", "trailing residuals behind bands and hybrid weights (default 720)", 1, 1e9 },
		{ "level", 'l', OPT_DOUBLE, &s.level, "P", "band coverage (default 0.9)", 0.5, 0.999 },
		{ "no-hybrid", 0, OPT_FLAG, &s.no_hybrid, NULL, "no hybrid of the models", 0, 0 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "FILE's series (default: from its name; standard input: the models')", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL: candles from its store, leaderboard rows into its table (default $CRA_DB)", 0, 0 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "the per-step table (default: standard output)", 0, 0 },
		{ "summary", 'S', OPT_STRING, &s.summary, "FILE", "write the summary table (leaderboard columns) to FILE ('-': standard output)", 0, 0 },
		{ "leaderboard", 'L', OPT_STRING, &s.leaderboard, "FILE", "upsert the summary rows into this leaderboard file", 0, 0 },
		{ "threads", 'j', OPT_INT, &s.threads, "N", "threads (default: $OMP_NUM_THREADS, else every core)", 0, 1024 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes or progress on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	if (!s.models.n)
		opt_usage_error("which models? give -m BUNDLE");
	if (s.models.n > WF_MAX_MODELS)
		opt_usage_error("%d models at most", WF_MAX_MODELS);
	if (s.operands.n > 1)
		opt_usage_error("one candle file at most, got %zu", s.operands.n);
	if (s.summary && !strcmp(s.summary, "-") && (!s.output || !strcmp(s.output, "-")))
		opt_usage_error("--summary - needs the per-step table elsewhere: give -o FILE");
	int horizons[WF_MAX_HORIZONS], nh = s.horizons ? parse_horizons(s.horizons, horizons) : 0;
	int64_t from = opt_time("from", s.from, INT64_MIN);
	int64_t to = opt_time("to", s.to, INT64_MAX);

	struct cra_error err = { 0 };
	static struct forecast_model models[WF_MAX_MODELS];
	struct forecast_model *mp[WF_MAX_MODELS];
	char name[WF_MAX_MODELS][FORECAST_NAME_MAX];
	const char *names[WF_MAX_MODELS];
	if (forecast_models_load(s.models.items, s.models.n, (int)s.threads, models, name, &err))
		diag_die_error(&err);
	for (size_t i = 0; i < s.models.n; i++)
		mp[i] = &models[i], names[i] = name[i];
	const struct model_info *mi = &models[0].info;

	/* The database first: one that cannot be reached fails the run before the work. */
	const char *uri = s.db ? s.db : getenv("CRA_DB");
	struct forecast_db *db = NULL;
	if (uri && *uri && forecast_db_open(&db, uri, &err))
		diag_die_error(&err);
	struct candles c;
	struct interval iv;
	if (forecast_input_load(&models[0], s.symbol, s.operands.n ? s.operands.items[0] : NULL,
				s.db, &c, &iv, &err))
		diag_die_error(&err);
	const char *symbol = mi->symbol;

	if (!s.from)
		from = after_models(models, s.models.n, &iv);
	struct bar bar = { 0 };
	struct walkforward_params p = {
		.horizons = horizons, .nh = nh, .first = candles_lower_bound(&c, from),
		.end = candles_lower_bound(&c, to), .calibration = (size_t)s.calibration,
		.level = s.level, .refit_every = (size_t)s.refit_every, .hybrid = !s.no_hybrid,
		.progress = on_progress, .ctx = &bar,
	};
	if (p.first >= p.end)
		diag_die(EX_DATAERR, "no candle to predict: none of %s %s opens in the range asked "
			 "for (from the first after the models' data, or --from, to --to)", symbol,
			 iv.name);
	struct walkforward wf;
	int r = walkforward_run(&c, &iv, mp, names, s.models.n, &p, &wf, &err);
	if (bar.what)
		progress_finish(&bar.p);
	if (r)
		diag_die_error(&err);
	check_overlap(models, s.models.n, c.open_time[p.first], wf.calibration_from);
	write_results(&s, &wf, db, symbol, iv.name);
	forecast_db_close(db);

	char a[TIME_BUF], b[TIME_BUF];
	time_format_iso(c.open_time[p.first], a);
	time_format_iso(c.open_time[(p.end < c.n ? p.end : c.n) - 1], b);
	diag_note("%s %s: steps predicting %s .. %s, after %zu calibration steps; %zu skipped over "
		  "gaps%s", symbol, iv.name, a, b, wf.calibration_steps, wf.gaps,
		  wf.refits ? "" : "; no refits");
	if (wf.refits)
		diag_note("%zu refits, every %lld steps", wf.refits, s.refit_every);
	note_summary(&wf, s.level);
	walkforward_free(&wf);
	for (size_t i = 0; i < s.models.n; i++)
		forecast_model_free(&models[i]);
	candles_free(&c);
	str_list_free(&s.models);
	str_list_free(&s.operands);
	return 0;
}
