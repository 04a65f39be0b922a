/* walkforward.h - the walk-forward backtest, batched: every step forecast only from data
 * before it, with calibrated bands, an inverse-error hybrid and the naive baseline beside.
 *
 * A step forecasts the close of candle row p from origin row t = p - h (h the horizon): the
 * model sees candles 0..t only.  Steps whose candle p is not exactly h intervals after t (a
 * gap in the data between them) are skipped and counted: a model of horizon h says nothing
 * about a longer stretch.
 *
 * Batching.  Features at row t use candles <= t only (feature_matrix.h), so computing them
 * once over the whole series gives every step exactly what recomputing them on the candles
 * up to its origin would: each model forecasts all its steps in one call (forecast.h).  With
 * refit_every N, the steps are cut into blocks of N origins; before each block the model is
 * retrained on the candles up to the block's first origin (forecast_refit.h) and then
 * forecasts the block in one call.
 *
 * Residuals and what is known when.  A step's residual, e = ln(actual / c[t]) - r in
 * log-return space (r the forecast log return), becomes known when candle p closes.  The step
 * of origin t may use the residuals of steps with p' <= t only: the trailing `calibration`
 * of those, per forecaster, give
 *   - its band: forecast +/- q, q the split-conformal quantile of their |e| at `level`
 *     (conformal.h), mapped to prices as c[t] exp(r -/+ q); no band (NaN) until there are
 *     conformal_min_residuals of them;
 *   - the hybrid's weights: w_k proportional to 1 / (RMSE of model k's residuals), the blend
 *     r = sum_k w_k r_k, a weighted geometric mean of the models' forecast prices (hybrid.h).
 * So that the first reported step already has a full window, the walk starts `calibration`
 * (+ h) origins before the first reported one (as far as the data and the models' history
 * allow); those calibration steps are not reported.
 *
 * Forecasters at each horizon: every model of that horizon (regime models give class
 * probabilities and no band), the hybrid of the return/price models (when asked and there
 * are two or more), and the naive forecast (no change: r = 0), always.
 *
 * Forecast mode (cra-predict): the steps reported are those from the newest candle (origin
 * c->n - 1), whose outcomes lie in the future (actual NaN, open_time counted on from the
 * newest candle); horizons 1..steps, each model answering a horizon it has directly, or with
 * `recursive` from its horizon 1 by feeding its forecasts back (forecast_recursive.h), the
 * recursive ones calibrated on at most `recursive_calibration` origins (each costs a
 * recursion).
 */
#ifndef CRA_WALKFORWARD_H
#define CRA_WALKFORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "forecast.h"
#include "interval.h"
#include "metrics.h"

#define WF_NAME_MAX FORECAST_NAME_MAX
#define WF_MAX_MODELS 8
#define WF_MAX_HORIZONS 64
#define WF_REGIME_UNKNOWN (-99)

typedef void wf_progress_fn(void *ctx, const char *what, size_t done, size_t total);

struct walkforward_params {
	const int *horizons;         /* backtest: horizons to walk (candles); NULL: every model's */
	int nh;
	size_t first, end;           /* backtest: report steps predicting rows [first, end) */
	bool forecast;               /* forecast mode instead (see above) */
	int steps;                   /* forecast mode: horizons 1..steps */
	bool recursive;              /* forecast mode: recursion for horizons a model lacks */
	size_t recursive_calibration;
	size_t calibration;          /* trailing residuals behind bands and weights */
	double level;                /* band coverage, in (0, 1) */
	size_t refit_every;          /* backtest: retrain every N origins; 0 never */
	bool hybrid;
	wf_progress_fn *progress;    /* may be NULL */
	void *ctx;
};

/* Over the reported steps whose outcome is known. */
struct wf_summary {
	size_t steps;
	struct regression_metrics model, naive;  /* prices; naive on the same steps */
	double theil_u;                          /* model RMSE / naive RMSE */
	size_t banded;                           /* steps with a band */
	double coverage;                         /* share of banded steps with lower <= actual <= upper */
	double width;                            /* mean (upper - lower) / pred over them */
	struct class_metrics classes;            /* regime models: argmax against the regime */
	double mean_weight[WF_MAX_MODELS];       /* hybrid: each component's mean weight */
};

/* One forecaster at one horizon: its reported steps, in time order. */
struct wf_track {
	char model[WF_NAME_MAX];   /* the model's name, "hybrid" or "naive" */
	int horizon;
	bool recursive;            /* forecast mode: answered by recursion */
	bool regime;
	bool naive;                /* the naive forecast (no directional accuracy) */
	size_t n;
	size_t *origin;            /* the candle row each forecast is made from */
	int64_t *open_time;        /* the predicted candle's */
	double *base;              /* the close at the origin */
	double *actual;            /* the predicted candle's close; NaN while in the future */
	double *pred, *lower, *upper; /* prices; NaN: no band (or no price: regime) */
	double *prob;              /* regime: [n][3] bear, neutral, bull */
	int *actual_regime;        /* regime: REGIME_BEAR.. or WF_REGIME_UNKNOWN */
	int ncomp;                 /* hybrid: components, named comp[] */
	char comp[WF_MAX_MODELS][WF_NAME_MAX];
	double *weight;            /* hybrid: [n][ncomp] */
	size_t residuals;          /* residuals behind the last step's band */
	struct wf_summary sum;
};

struct walkforward {
	struct wf_track *track;    /* by horizon, then the models in order, hybrid, naive */
	size_t ntracks;
	size_t gaps;               /* steps skipped over gaps (all horizons) */
	size_t calibration_steps;  /* steps walked before the first reported one */
	size_t refits;
	int64_t calibration_from;  /* open_time of the earliest origin walked */
};

/* Walks models[0..nmodels) (named names[]; none: the naive forecast alone, at the horizons
 * given) over c.  The models must be for c's series (the
 * caller checks with bundle_check_series); with refit_every they end retrained on the last
 * block.  64 for parameters out of range or a horizon no model has; 65 naming the model and
 * the candle when a reported step has too little history before it (with the candles needed)
 * or its forecast is undefined; the models' and the trainers' errors. */
int walkforward_run(const struct candles *c, const struct interval *iv,
		    struct forecast_model *const *models, const char *const *names, size_t nmodels,
		    const struct walkforward_params *p, struct walkforward *wf, struct cra_error *err);
void walkforward_free(struct walkforward *wf);

/* The per-step table (cra-backtest): open_time,actual,pred,lower,upper,model,horizon and,
 * when a regime model is among them, regime,p_bull,p_neutral,p_bear,actual_regime (empty on
 * other rows); tracks one after another.  Header first. */
void walkforward_write_steps(struct table_writer *w, const struct walkforward *wf);

/* The forecast table (cra-predict, forecast mode): open_time,step,model,method,pred,lower,
 * upper, then regime,p_bull,p_neutral,p_bear when asked (a regime model is among them); by
 * step, then forecaster.  method is "direct" or "recursive".  The database's rows
 * (forecast_pg.h) start with symbol,interval and have level,weights after upper (weights: a
 * hybrid's, walkforward_format_weights).  The header is written on its own, so that a stream
 * writes it once. */
struct wf_forecast_columns {
	const char *symbol, *interval; /* the database's rows */
	double level;
	bool database;
	bool regime;
};
void walkforward_write_forecast_header(struct table_writer *w,
				       const struct wf_forecast_columns *cols);
void walkforward_write_forecasts(struct table_writer *w, const struct walkforward *wf,
				 const struct wf_forecast_columns *cols);

/* A hybrid's weights w[0..t->ncomp) as "lstm=0.5123;xgb=0.4877" ("" for other tracks). */
void walkforward_format_weights(const struct wf_track *t, const double *w, char *buf,
				size_t size);

#endif
