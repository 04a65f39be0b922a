/* xgb_train.h - cra-train-xgb's whole job: candles in, an XGBoost bundle and its honest
 * validation report out.
 *
 * Rows (dataset.h): features and targets over the candles; the first 1 - valid_frac of the
 * candles train (less the embargo before the split), the rest validate, never shuffled.  With
 * early stopping the validation period is cut in two halves: the first picks the number of
 * trees (its rows embargoed like training rows, so their labels end before the second half
 * starts), the second is the report.  Without early stopping the whole validation period is
 * the report.  Either way the reported rows took no part in fitting or choosing anything.
 *
 * Tasks, one model per horizon H (candles):
 *   return:H  the label is the log return ln(c[t+H] / c[t]); the forecast price is
 *             c[t] exp(prediction)
 *   price:H   the label is c[t+H] itself (trees cannot forecast outside the range of prices
 *             they were trained on: return is the default for that reason)
 *   regime:H  three classes, multi:softprob, class k = regime k - 1 (0 bear, 1 neutral,
 *             2 bull); the forecast is the most probable class
 * The report (metrics.h): for prices, rows, rmse, mae, mape and directional accuracy of the
 * forecast price against c[t+H], beside the naive forecast c[t] (which has no direction); for
 * regimes, accuracy, macro-F1 and the confusion matrix beside always forecasting the
 * training rows' majority class.
 */
#ifndef CRA_XGB_TRAIN_H
#define CRA_XGB_TRAIN_H

#include <stdint.h>

#include "bundle.h"
#include "candles.h"
#include "metrics.h"
#include "targets.h"
#include "xgb_model.h"

/* Progress: after every round of the model of horizon index k (0-based). */
typedef void xgb_job_round_fn(void *ctx, int k, int rounds, double loss);

struct xgb_job {
	const struct feature_spec *spec;
	const struct target_spec *targets; /* one kind (return, price or regime), one per horizon */
	struct xgb_params params;          /* nclass is set from the task */
	double valid_frac;
	const char *symbol, *interval;     /* what the candles are, recorded in the bundle */
	xgb_job_round_fn *on_round;        /* may be NULL */
	void *ctx;
};

struct xgb_horizon_report {
	int horizon;
	struct xgb_fit fit;
	struct regression_metrics model, naive; /* return, price */
	struct class_metrics cmodel, cnaive;    /* regime */
};

struct xgb_report {
	enum target_kind kind;
	size_t ntrain, nstop, nreport;          /* rows; nstop 0 without early stopping */
	int64_t train_from, train_to;           /* open_time of the first and last row of each */
	int64_t stop_from, stop_to;
	int64_t report_from, report_to;
	int nh;
	struct xgb_horizon_report h[BUNDLE_MAX_HORIZONS];
};

/* Trains one booster per target and fills the bundle b (initialised by the caller) and rep.
 * 64 for a target kind XGBoost is not trained on here (direction) or mixed kinds; 65 for too
 * few usable rows (the message says how many); xgb_train's errors. */
int xgb_train_job(const struct candles *c, const struct interval *iv, const struct xgb_job *job,
		  struct bundle *b, struct xgb_report *rep, struct cra_error *err);

/* The report as rows of horizon,metric,model,naive,ratio (metrics_report_*), header first. */
void xgb_report_write(struct table_writer *w, const struct xgb_report *rep);

#endif
