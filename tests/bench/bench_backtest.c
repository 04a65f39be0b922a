/* bench_backtest - walk-forward steps per second, batched (lib/walkforward.h: features once
 * over the series, one forecast call per model) against a forecast-one-step-at-a-time loop of
 * our own that rebuilds each step's features from the candles before it, as a naive backtest
 * does.  The loop is given every advantage the library has: it computes the features over a
 * trailing window just long enough to be exact (feature_spec_history), not over the whole
 * history, and computes the same conformal band per step; its forecasts are checked against
 * the batched ones.
 *
 *   bench_backtest CANDLES STEPS XGB_BUNDLE LSTM_BUNDLE [ROUNDS [LOOP_STEPS [THREADS]]]
 *
 * For naive, xgb, lstm and hybrid (xgb + lstm): the batched walk over the last STEPS candles,
 * then the loop over the last LOOP_STEPS + 720 of them (default 1000: its rate is the same at
 * every step once its first 720 have filled the bands' window), alternating, ROUNDS times
 * (default 3); medians.  THREADS: for XGBoost and the LSTM
 * (default 1). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "candles_io.h"
#include "conformal.h"
#include "feature_spec.h"
#include "forecast.h"
#include "gaps.h"
#include "hybrid.h"
#include "walkforward.h"

#define CALIBRATION 720

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const struct cra_error *err)
{
	fprintf(stderr, "bench_backtest: %s\n", err->msg);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The batched walk: its seconds, and the last reported forecasts (prices) of the first track
 * (the model's, or the hybrid's, or the naive one's) for the check. */
static double batched(const struct candles *c, const struct interval *iv,
		      struct forecast_model **m, size_t nm, bool hybrid, size_t steps,
		      double *last_pred, size_t nlast)
{
	const char *names[2] = { "xgb", "lstm" };
	if (nm == 1 && m[0]->lstm)
		names[0] = "lstm";
	int h = 1;
	struct walkforward_params p = { .horizons = &h, .nh = 1, .first = c->n - steps, .end = c->n,
					.calibration = CALIBRATION, .level = 0.9, .hybrid = hybrid };
	struct walkforward wf;
	struct cra_error err = { 0 };
	double t0 = now();
	if (walkforward_run(c, iv, m, names, nm, &p, &wf, &err))
		die(&err);
	double t = now() - t0;
	const struct wf_track *tr = &wf.track[hybrid ? nm : 0];
	for (size_t i = 0; i < nlast; i++)
		last_pred[i] = tr->pred[tr->n - nlast + i];
	walkforward_free(&wf);
	return t;
}

/* One model's log-return forecast from row t, the features rebuilt from a trailing window. */
static double one_step(const struct forecast_model *m, const struct candles *c,
		       const struct interval *iv, size_t t, struct candles *part)
{
	size_t need = feature_spec_history(m->spec, iv) + forecast_model_history(m, iv) + 1;
	size_t lo = t + 1 > need ? t + 1 - need : 0;
	struct cra_error err = { 0 };
	if (candles_slice(c, c->open_time[lo], c->open_time[t] + 1, part))
		exit(1);
	size_t last = part->n - 1;
	double r;
	if (forecast_model_predict(m, part, iv, &last, 1, &r, &err))
		die(&err);
	return r;
}

/* The loop over the last `steps` candles (each forecast from the candle before), with the same
 * bands (a conformal quantile of the trailing residuals per step) and hybrid weights: its
 * seconds and its last forecasts. */
static double loop(const struct candles *c, const struct interval *iv,
		   struct forecast_model **m, size_t nm, bool hybrid, size_t steps,
		   double *last_pred, size_t nlast)
{
	const double *close = c->v[CF_CLOSE];
	double *e = calloc(steps * (nm + 1), sizeof *e), *work = malloc(CALIBRATION * sizeof *work);
	double *abs_e = malloc(CALIBRATION * sizeof *abs_e);
	struct candles part;
	candles_init(&part);
	double t0 = now(), sink = 0;
	for (size_t j = 0; j < steps; j++) {
		size_t p = c->n - steps + j, t = p - 1, lo = j > CALIBRATION ? j - CALIBRATION : 0;
		double r[2] = { 0, 0 }, w[2] = { 1, 0 }, rmse[2];
		for (size_t k = 0; k < nm; k++)
			r[k] = one_step(m[k], c, iv, t, &part);
		if (hybrid) {
			for (size_t k = 0; k < nm; k++)
				rmse[k] = hybrid_rmse(e + k * steps + lo, j - lo);
			hybrid_weights(rmse, nm, w);
		}
		double rr = hybrid_blend(w, r, hybrid ? nm : 1), actual = log(close[p] / close[t]);
		for (size_t k = 0; k < nm; k++)
			e[k * steps + j] = actual - r[k];
		e[nm * steps + j] = actual - rr;
		for (size_t i = lo; i < j; i++)
			abs_e[i - lo] = fabs(e[nm * steps + i]);
		double q = conformal_quantile(abs_e, j - lo, 0.9, work);
		sink += close[t] * exp(rr + (isfinite(q) ? q : 0));
		if (j + nlast >= steps)
			last_pred[j + nlast - steps] = close[t] * exp(rr);
	}
	double s = now() - t0;
	if (sink == 42)
		puts("");
	candles_free(&part);
	free(e);
	free(work);
	free(abs_e);
	return s;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_backtest CANDLES STEPS XGB LSTM [ROUNDS [LOOP_STEPS [THREADS]]]\n");
		return 64;
	}
	size_t steps = (size_t)atol(argv[2]);
	int rounds = argc > 5 ? atoi(argv[5]) : 3, threads = argc > 7 ? atoi(argv[7]) : 1;
	/* the loop's own first CALIBRATION steps build its bands' window: counted and timed too */
	size_t loop_steps = (argc > 6 ? (size_t)atol(argv[6]) : 1000) + CALIBRATION;
	if (rounds < 1 || rounds > 32) {
		fprintf(stderr, "bench_backtest: ROUNDS must be 1..32\n");
		return 64;
	}
	struct cra_error err = { 0 };
	struct candles c;
	struct interval iv;
	candles_init(&c);
	if (candles_load(argv[1], &c, &err))
		die(&err);
	if (candles_guess_interval(&c, &iv) || steps + 2000 > c.n || loop_steps > steps) {
		fprintf(stderr, "bench_backtest: need STEPS + 2000 regular candles, LOOP_STEPS <= STEPS\n");
		return 65;
	}
	static struct forecast_model xgb, lstm;
	if (forecast_model_load(&xgb, argv[3], threads, &err) ||
	    forecast_model_load(&lstm, argv[4], threads, &err))
		die(&err);
	struct config {
		const char *name;
		struct forecast_model *m[2];
		size_t nm;
		bool hybrid;
	} cfg[] = {
		{ "naive", { NULL }, 0, false },
		{ "xgb", { &xgb }, 1, false },
		{ "lstm", { &lstm }, 1, false },
		{ "hybrid", { &xgb, &lstm }, 2, true },
	};
	printf("kind,steps,batched_s,batched_steps_per_s,loop_steps,loop_s,loop_steps_per_s,ratio,max_rel_diff\n");
	for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
		double tb[32], tl[32], pb[16], pl[16], diff = 0;
		for (int r = 0; r < rounds; r++) {
			tb[r] = batched(&c, &iv, cfg[k].m, cfg[k].nm, cfg[k].hybrid, steps, pb, 16);
			tl[r] = loop(&c, &iv, cfg[k].m, cfg[k].nm, cfg[k].hybrid, loop_steps, pl, 16);
		}
		/* The last 16 forecasts are the same steps in both (the last candles). */
		for (int i = 0; i < 16; i++)
			diff = fmax(diff, fabs(pb[i] - pl[i]) / pb[i]);
		double b = median(tb, rounds), l = median(tl, rounds);
		printf("%s,%zu,%.4f,%.0f,%zu,%.4f,%.1f,%.1f,%.2g\n", cfg[k].name, steps, b,
		       (double)steps / b, loop_steps, l, (double)loop_steps / l,
		       ((double)steps / b) / ((double)loop_steps / l), diff);
		fflush(stdout);
	}
	forecast_model_free(&xgb);
	forecast_model_free(&lstm);
	candles_free(&c);
	return 0;
}
