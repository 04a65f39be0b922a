/* forecast_recursive.h - forecasting further ahead than a model was trained for, by feeding
 * its one-candle forecasts back in as if they were candles.
 *
 * From origin row t, with the model's horizon-1 forecast r_1: a synthetic candle follows t,
 * opening at c[t] and closing at c[t] exp(r_1) (high and low the larger and smaller of the
 * two, the volume the origin candle's, optional columns unknown); the features are computed
 * again with it and the model forecasts r_2 from it; and so on.  The forecast s candles
 * ahead is the log return r_1 + ... + r_s from c[t].  Only candles 0..t are ever used.
 *
 * The features are computed over a trailing stretch of candles - feature_spec_history() rows
 * before the window - which gives the newest rows of a computation over the whole history
 * (exactly, or to 1e-12 for exponential smoothers; obv needs, and gets, every row).
 */
#ifndef CRA_FORECAST_RECURSIVE_H
#define CRA_FORECAST_RECURSIVE_H

#include "forecast.h"

/* out[s - 1] for s = 1..steps: the log return s candles ahead of row `origin`.  64 when the
 * model has no horizon 1 or forecasts regimes; forecast_model_predict's errors. */
int forecast_model_recursive(const struct forecast_model *m, const struct candles *c,
			     const struct interval *iv, size_t origin, int steps, double *out,
			     struct cra_error *err);

#endif
