/* forecast.h - one interface over every kind of model bundle: load a bundle whatever its kind
 * (xgb from cra-train-xgb; lstm and cnn-lstm from cra-train-lstm) and forecast every horizon
 * it was trained for from a batch of candle rows; retrain it as its trainer did
 * (forecast_refit.h).
 *
 * A forecast "from row t" uses candles 0..t only - the model's features at t, or its window
 * of candles ending at t - and says what happens h candles later:
 *   return and price models: the log return r = ln(c[t+h] / c[t]); the forecast price is
 *     c[t] exp(r).  (An XGBoost price model forecasts the price p itself: r = ln(p / c[t]).
 *     An LSTM forecasts r for both.)  Working in log returns lets every model, the naive
 *     forecast (r = 0) and their blend share one residual scale (conformal.h, hybrid.h).
 *   regime models: the probabilities of bear, neutral and bull, in that order (class k is
 *     regime k - 1, as targets.h numbers them).
 * Row t can be forecast from when t >= history: the features' longest lookback
 * (feature_spec_lookback, which counts vwapd's worst case of a whole day) plus the window
 * less one.
 */
#ifndef CRA_FORECAST_H
#define CRA_FORECAST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"
#include "candles.h"
#include "error.h"
#include "interval.h"
#include "lstm_model.h"
#include "targets.h"
#include "xgb_bundle.h"

#define FORECAST_CLASSES 3  /* bear, neutral, bull */

struct forecast_model {
	char path[1024];          /* the bundle, for messages */
	struct model_info info;   /* what it is and what it was trained on */
	enum target_kind task;    /* TARGET_RETURN, TARGET_PRICE or TARGET_REGIME */
	int nout;                 /* values per forecast row: nhorizons, or 3 nhorizons */
	int threads;              /* for prediction (and refits of XGBoost models) */
	const struct feature_spec *spec;
	struct xgb_bundle *xgb;   /* exactly one of these two */
	struct lstm_model *lstm;
	json_t *params;           /* the bundle's training parameters, for refits */
};

/* Loads any bundle: bundle_load's errors (66 missing; 65 damaged, truncated, newer), then 65
 * naming the file for a kind this craipto does not forecast with, or the kind's own checks.
 * threads: 0 for every core. */
int forecast_model_load(struct forecast_model *m, const char *path, int threads,
			struct cra_error *err);
void forecast_model_free(struct forecast_model *m);

/* Loads the models of a command line: each argument BUNDLE or NAME=BUNDLE (NAME: lower-case
 * letters, digits, '-' and '_'; by default the bundle's kind: xgb, lstm, cnn-lstm), into
 * m[0..n) and name[0..n).  64 for a name given twice (two bundles of one kind need names) or
 * the reserved names hybrid and naive; 65 when they are not all for one symbol and interval;
 * forecast_model_load's errors. */
#define FORECAST_NAME_MAX 32
int forecast_models_load(const char *const *args, size_t n, int threads,
			 struct forecast_model *m, char (*name)[FORECAST_NAME_MAX],
			 struct cra_error *err);

/* The candles of model m's series, for forecasting: from file ("-": standard input) or else
 * the store (db: a PostgreSQL URI, else $CRA_DB, else $CRA_DATA).  A file's series is named
 * by symbol, else by the file's name, else (standard input) taken to be the model's.  65 when
 * they are another series than the model's (bundle_check_series) or their spacing is not its
 * interval; 66 when the store has no such series; train_input_load's errors. */
int forecast_input_load(const struct forecast_model *m, const char *symbol, const char *file,
			const char *db, struct candles *c, struct interval *iv,
			struct cra_error *err);

/* The index of horizon h (candles) among the model's horizons, or -1. */
int forecast_model_horizon(const struct forecast_model *m, int h);

static inline bool forecast_model_regime(const struct forecast_model *m)
{
	return m->task == TARGET_REGIME;
}

/* The threads an LSTM runs on for n windows: m->threads, 0 meaning every core (neither its
 * forecasts nor its training depend on the count), but no more than there are batches of
 * windows - starting threads for one window (a recursive forecast) costs more than it. */
int forecast_lstm_threads(const struct forecast_model *m, size_t n);

/* Candle rows a forecast needs before the row it is made from (see above). */
size_t forecast_model_history(const struct forecast_model *m, const struct interval *iv);

/* Forecasts from candle rows rows[0..n) (strictly increasing) of c, the features computed over
 * all of c: out[i * m->nout + k] is the log return of horizon index k from rows[i], or for
 * regime models out[i * m->nout + 3 k + j] the probability of class j.  65 naming the candle
 * when a row has too little history before it or a feature undefined (a gap in volume data),
 * or when the features computed are not the model's. */
int forecast_model_predict(const struct forecast_model *m, const struct candles *c,
			   const struct interval *iv, const size_t *rows, size_t n, double *out,
			   struct cra_error *err);

#endif
