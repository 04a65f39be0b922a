/* lstm_model.h - cra-train-lstm's job (candles in; a bundle and its honest validation report
 * out) and a trained LSTM model read back from its bundle to forecast.
 *
 * Rows (dataset.h): features and targets over the candles, windows of W candles; the first
 * 1 - valid_frac of the candles train (less the embargo before the split), the rest validate,
 * never shuffled across the split.  Features are standardised with the training rows' mean
 * and standard deviation.  With early stopping (patience > 0) the validation period is cut in
 * two halves: the first decides when to stop and which epoch's weights to keep (its rows
 * embargoed like training rows, so that their labels end before the second half starts), the
 * second is the report.  Without early stopping the whole validation period is the report.
 * Either way the reported rows took no part in fitting or choosing anything.
 *
 * Tasks, one kind for all horizons, one network with an output per horizon:
 *   return:H  the network learns r = ln(c[t+H] / c[t]), standardised with the training rows'
 *             mean and standard deviation of r; the forecast price is c[t] exp(r)
 *   price:H   learnt and forecast the same way: a network fed standardised, level-free
 *             features cannot know the price level, and raw prices scaled with the training
 *             period's statistics put a later period outside anything learnt
 *   regime:H  three softmax outputs per horizon, class k = regime k - 1 (0 bear, 1 neutral,
 *             2 bull); the forecast is the most probable class
 * The report (metrics.h) is cra-train-xgb's: for prices, rows, rmse, mae, mape and directional
 * accuracy of the forecast price against c[t+H], beside the naive forecast c[t]; for regimes,
 * accuracy, macro-F1 and the confusion matrix beside the training rows' majority class.
 *
 * The bundle (bundle.h), kind "lstm", or "cnn-lstm" with the convolution, holds besides
 * struct model_info:
 *   "columns"       the feature columns, in the network's input order
 *   "classes"       regime only: ["bear", "neutral", "bull"]
 *   "scaler"        {"kind": "standard", "mean": [...], "std": [...] per column, and for
 *                   return and price "target": "log_return", "target_mean", "target_std"
 *                   per horizon}
 *   "architecture"  conv_kernel, conv_filters, layers, hidden [...], outputs, classes
 *   "params"        the training parameters; "training": epochs run, best epoch, losses
 *   "early_stopping", "metrics"   the validation rows and report
 * and the payload "lstm-weights" (lstm_format.h).  Nothing in it depends on the time taken
 * or the number of threads: the same data, parameters and seed give the same bytes.
 */
#ifndef CRA_LSTM_MODEL_H
#define CRA_LSTM_MODEL_H

#include <stdint.h>

#include "bundle.h"
#include "candles.h"
#include "feature_spec.h"
#include "lstm.h"
#include "lstm_train.h"
#include "metrics.h"
#include "table_writer.h"
#include "targets.h"

#define LSTM_KIND "lstm"
#define CNN_LSTM_KIND "cnn-lstm"
#define LSTM_REGIME_CLASSES 3

struct lstm_model {
	struct model_info info;
	enum target_kind kind;            /* TARGET_RETURN, TARGET_PRICE or TARGET_REGIME */
	struct feature_spec spec;         /* parsed from info.features */
	struct lstm net;
	size_t nfeat;
	double *mean, *std;               /* the feature scaler, nfeat each */
	double target_mean[BUNDLE_MAX_HORIZONS], target_std[BUNDLE_MAX_HORIZONS];
};

struct lstm_job {
	const struct feature_spec *spec;
	const struct target_spec *targets;   /* one kind (return, price or regime), per horizon */
	int window;
	struct lstm_config arch;             /* conv and layers; inputs and outputs are set here */
	struct lstm_train_params train;
	double valid_frac;
	const char *symbol, *interval;       /* what the candles are, recorded in the bundle */
	const struct lstm_model *init;       /* start from its weights (NULL: random ones) */
	lstm_progress_fn *progress;          /* may be NULL */
	void *ctx;
};

struct lstm_horizon_report {
	int horizon;
	struct regression_metrics model, naive; /* return, price */
	struct class_metrics cmodel, cnaive;    /* regime */
};

struct lstm_report {
	enum target_kind kind;
	size_t ntrain, nstop, nreport;          /* rows; nstop 0 without early stopping */
	int64_t train_from, train_to;           /* open_time of the first and last row of each */
	int64_t stop_from, stop_to;
	int64_t report_from, report_to;
	struct lstm_train_result fit;
	int nh;
	struct lstm_horizon_report h[BUNDLE_MAX_HORIZONS];
	size_t *rows;                           /* the report's candle rows */
	double *forecast;                       /* their forecasts, as lstm_model_predict's */
};

/* Trains the network and fills m, the bundle b (initialised by the caller) and rep.  64 for
 * targets this model does not forecast (direction) or mixed kinds, a bad architecture or
 * parameter, or an init model of other features, targets, window or architecture; 65 for too
 * few usable rows (the message says how many).  With an init model, training starts from its
 * weights (retraining on newer candles); the scaler is the new training rows'. */
int lstm_train_job(const struct candles *c, const struct interval *iv, const struct lstm_job *job,
		   struct lstm_model *m, struct bundle *b, struct lstm_report *rep,
		   struct cra_error *err);
void lstm_report_free(struct lstm_report *rep);

/* The report as rows of horizon,metric,model,naive,ratio (metrics_report_*), header first. */
void lstm_report_write(struct table_writer *w, const struct lstm_report *rep);

/* Loads and checks an LSTM bundle: bundle_load's errors, then 65 naming the file when it is a
 * bundle of another kind, its metadata is incomplete or inconsistent, or its weights do not
 * decode (lstm_format.h). */
int lstm_model_load(struct lstm_model *m, const char *path, struct cra_error *err);
void lstm_model_free(struct lstm_model *m);

/* Forecasts for the windows ending at candle rows[0..n) of c, the features computed over all
 * of c: forecast[n][nh] log returns r (the price is c[t] exp(r)) for return and price, or
 * forecast[n][3 nh] class probabilities for regime.  65 when a window holds an undefined
 * feature (too little history before it) or the features are not the model's. */
int lstm_model_predict(const struct lstm_model *m, const struct candles *c,
		       const struct interval *iv, const size_t *rows, size_t n, int threads,
		       double *forecast, struct cra_error *err);

#endif
