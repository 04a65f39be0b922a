/* cra-predict - forecasts from the newest candle: each model's, their hybrid's and the naive
 * one, 1..N candles ahead, with bands calibrated on each forecaster's own recent errors; or,
 * with --stream, a forecast for every candle of a live feed as it closes.
 *
 * Loads the bundles (lib/forecast.h), reads the candles (lib/forecast.h, or a stream:
 * lib/forecast_stream.h), walks forward over the recent candles for residuals and weights
 * and forecasts from the newest (lib/walkforward.h, forecast mode), writes the table and,
 * with a database, its rows (lib/forecast_pg.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "forecast.h"
#include "forecast_pg.h"
#include "forecast_stream.h"
#include "options.h"
#include "output.h"
#include "timefmt.h"
#include "walkforward.h"

static const struct program_info info = {
	"cra-predict",
	"cra-predict -m [NAME=]BUNDLE [-m ...] [--steps N] [--hybrid] [--level P] [options] [FILE|-]\n"
	"       cra-predict -m [NAME=]BUNDLE ... --stream [options] [FILE|-]",
	"Forecasts the closes of the next N candles after the newest one: each model's forecast\n"
	"(directly for the horizons it was trained on, else recursively from its horizon 1 by\n"
	"feeding its forecasts back: the method column says which), with --hybrid their blend\n"
	"weighted by inverse recent RMSE, and the naive forecast (no change).  Bands: split-\n"
	"conformal, from the forecaster's own walk-forward residuals at that step over the last\n"
	"--calibration candles, so a P band holds the truth about P of the time.  Regime models\n"
	"add the probabilities of bear, neutral and bull.  The candles come from the store (the\n"
	"models' series), FILE or standard input; with --stream, from a live feed (cra-fetch\n"
	"--follow -o -): one flushed block of rows per candle as it arrives.  With a database\n"
	"(--db, $CRA_DB) the forecasts are also upserted into its forecasts table.",
	"  cra-predict -m models/BTCUSDT-1h-xgb.bundle -m models/BTCUSDT-1h-lstm.bundle --hybrid\n"
	"  cra-predict -m btc-xgb.bundle --steps 24 --level 0.8 | cra-plot forecast -\n"
	"  cra-fetch --dump BTCUSDT --from 60d | cra-predict -m btc-xgb.bundle -\n"
	"  cra-fetch --follow BTCUSDT --since 60d -o - | cra-predict -m btc-xgb.bundle --stream",
};

#define RECURSIVE_CALIBRATION 200

struct settings {
	struct str_list models, operands;
	const char *symbol, *db, *output;
	long long steps, calibration, threads;
	double level;
	bool hybrid, stream, tsv, quiet;
};

struct run {
	const struct settings *s;
	struct forecast_model *const *m;
	const char *const *names;
	size_t n;
	struct walkforward_params p;
	struct wf_forecast_columns cols;
	struct forecast_db *db;
	bool warned;
};

/* Steps no model answers (no such horizon, and none of 1 to recurse from), once. */
static void warn_unanswered(struct run *run, const struct walkforward *wf)
{
	if (run->warned)
		return;
	run->warned = true;
	for (int step = 1; step <= run->p.steps; step++) {
		size_t models = 0;
		for (size_t i = 0; i < wf->ntracks; i++)
			models += wf->track[i].horizon == step && !wf->track[i].naive &&
				  strcmp(wf->track[i].model, "hybrid");
		if (!models)
			diag_warn("step %d: no model forecasts it (none has horizon %d, nor horizon 1 to "
				  "recurse from): only the naive forecast", step, step);
	}
}

static void note_weights(const struct walkforward *wf)
{
	for (size_t i = 0; i < wf->ntracks; i++) {
		const struct wf_track *t = &wf->track[i];
		if (!t->ncomp || !t->n)
			continue;
		char w[256];
		walkforward_format_weights(t, t->weight, w, sizeof w);
		diag_note("hybrid step %d weights: %s", t->horizon, w);
	}
}

/* Bands calibrated on residuals from candles a model trained on are too narrow. */
static void warn_overlap(const struct run *run, const struct walkforward *wf)
{
	for (size_t i = 0; i < run->n; i++) {
		char when[TIME_BUF];
		time_format_iso(run->m[i]->info.train_to, when);
		if (wf->calibration_from <= run->m[i]->info.train_to)
			diag_warn("%s was trained on candles up to %s: bands calibrated on them are too "
				  "narrow (forecast from later candles, or train on fewer)",
				  run->m[i]->path, when);
	}
}

/* Forecasts from the newest of candles c, written to w (and the database). */
static int forecast(struct run *run, const struct candles *c, const struct interval *iv,
		    struct table_writer *w, bool quiet_notes, struct cra_error *err)
{
	struct walkforward wf;
	int r = walkforward_run(c, iv, run->m, run->names, run->n, &run->p, &wf, err);
	if (r)
		return r;
	warn_unanswered(run, &wf);
	walkforward_write_forecasts(w, &wf, &run->cols);
	if (!quiet_notes) {
		char when[TIME_BUF];
		time_format_iso(c->open_time[c->n - 1], when);
		diag_note("forecasts from the candle of %s, bands from up to %zu residuals",
			  when, (size_t)run->s->calibration);
		note_weights(&wf);
		warn_overlap(run, &wf);
	}
	if (run->db)
		r = forecast_db_put_forecasts(run->db, &wf, run->m[0]->info.symbol,
					      run->m[0]->info.interval, run->s->level, err);
	walkforward_free(&wf);
	return r;
}

static void predict_once(struct run *run)
{
	const struct settings *s = run->s;
	struct cra_error err = { 0 };
	struct candles c;
	struct interval iv;
	if (forecast_input_load(run->m[0], s->symbol, s->operands.n ? s->operands.items[0] : NULL,
				s->db, &c, &iv, &err))
		diag_die_error(&err);
	struct output out;
	if (output_open(&out, s->output, s->tsv, &err))
		diag_die_error(&err);
	walkforward_write_forecast_header(&out.w, &run->cols);
	if (forecast(run, &c, &iv, &out.w, false, &err)) {
		output_abort(&out);
		diag_die_error(&err);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	candles_free(&c);
}

/* One block of rows per new candle of the feed, flushed; a bounded window of candles. */
static void predict_stream(struct run *run)
{
	const struct settings *s = run->s;
	struct cra_error err = { 0 };
	struct interval iv;
	if (interval_parse(run->m[0]->info.interval, &iv))
		diag_die(EX_DATAERR, "%s: unknown interval '%s'", run->m[0]->path,
			 run->m[0]->info.interval);
	size_t keep = forecast_stream_keep(run->m, run->n, &iv, (size_t)s->calibration, (int)s->steps);
	if (keep == SIZE_MAX)
		opt_usage_error("--stream keeps a bounded window of candles, and a model's features "
				"(obv) depend on the whole history");
	size_t need = 0; /* candles before the first forecast: the models' history, and one */
	for (size_t i = 0; i < run->n; i++) {
		size_t h = forecast_model_history(run->m[i], &iv) + 1;
		need = h > need ? h : need;
	}
	struct forecast_stream fs;
	if (forecast_stream_open(&fs, s->operands.n ? s->operands.items[0] : "-",
				 run->m[0]->info.symbol, &iv, keep, &err))
		diag_die_error(&err);
	struct output out;
	if (output_open(&out, s->output, s->tsv, &err))
		diag_die_error(&err);
	out.w.line_flush = true;
	walkforward_write_forecast_header(&out.w, &run->cols);
	int r = tw_flush(&out.w, out.name, &err);
	diag_note("reading %s %s candles: forecasts once %zu have come, bands once their "
		  "outcomes are known (keeping the newest %zu candles)", run->m[0]->info.symbol,
		  iv.name, need, keep);
	bool added, first = true;
	size_t forecasts = 0;
	while (!r && !(r = forecast_stream_next(&fs, &added, &err)) && added) {
		if (fs.c.n < need)
			continue;
		if (!(r = forecast(run, &fs.c, &iv, &out.w, !first, &err)))
			r = tw_flush(&out.w, out.name, &err);
		first = false;
		forecasts++;
	}
	forecast_stream_close(&fs);
	if (r) {
		output_abort(&out);
		diag_die_error(&err);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	diag_note("end of the feed: forecasts from %zu candles", forecasts);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .steps = 1, .calibration = 720, .level = 0.9 };
	const struct opt opts[] = {
		{ "model", 'm', OPT_LIST, &s.models, "BUNDLE", "[NAME=]BUNDLE: a model (cra-train-xgb, cra-train-lstm), named by its kind unless NAME is given", 0, 0 },
		{ "steps", 'n', OPT_INT, &s.steps, "N", "forecast 1..N candles ahead (default 1)", 1, 10000 },
		{ "hybrid", 'b', OPT_FLAG, &s.hybrid, NULL, "add the models' blend, weighted by inverse recent RMSE", 0, 0 },
		{ "level", 'l', OPT_DOUBLE, &s.level, "P", "band coverage (default 0.9)", 0.5, 0.999 },
		{ "calibration", 'c', OPT_INT, &s.calibration, "N", "recent residuals behind bands and weights (default 720)", 1, 1e9 },
		{ "stream", 0, OPT_FLAG, &s.stream, NULL, "read a live candle feed; forecast from each candle as it arrives", 0, 0 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "FILE's series (default: from its name; standard input: the models')", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL: candles from its store, forecasts into its table (default $CRA_DB)", 0, 0 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write the table to FILE (default: standard output)", 0, 0 },
		{ "threads", 'j', OPT_INT, &s.threads, "N", "threads (default: $OMP_NUM_THREADS, else every core)", 0, 1024 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error", 0, 0 },
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

	struct cra_error err = { 0 };
	static struct forecast_model models[WF_MAX_MODELS];
	struct forecast_model *mp[WF_MAX_MODELS];
	char name[WF_MAX_MODELS][FORECAST_NAME_MAX];
	const char *names[WF_MAX_MODELS];
	if (forecast_models_load(s.models.items, s.models.n, (int)s.threads, models, name, &err))
		diag_die_error(&err);
	bool regime = false;
	size_t prices = 0;
	for (size_t i = 0; i < s.models.n; i++) {
		mp[i] = &models[i], names[i] = name[i];
		regime = regime || forecast_model_regime(&models[i]);
		prices += !forecast_model_regime(&models[i]);
	}
	if (s.hybrid && prices < 2)
		opt_usage_error("--hybrid blends two or more models of prices or returns; %zu given",
				prices);
	struct run run = {
		.s = &s, .m = mp, .names = names, .n = s.models.n,
		.p = { .forecast = true, .steps = (int)s.steps, .recursive = true,
		       .recursive_calibration = RECURSIVE_CALIBRATION,
		       .calibration = (size_t)s.calibration, .level = s.level, .hybrid = s.hybrid },
		.cols = { .level = s.level, .regime = regime },
	};
	const char *db = s.db ? s.db : getenv("CRA_DB");
	if (db && *db && forecast_db_open(&run.db, db, &err))
		diag_die_error(&err);
	if (s.stream)
		predict_stream(&run);
	else
		predict_once(&run);
	if (run.db) {
		diag_note("forecasts upserted into %s", forecast_db_describe(run.db));
		forecast_db_close(run.db);
	}
	for (size_t i = 0; i < s.models.n; i++)
		forecast_model_free(&models[i]);
	str_list_free(&s.models);
	str_list_free(&s.operands);
	return 0;
}
