/* forecast_refit.h - retraining a loaded model on newer candles, as its trainer made it: the
 * same features, targets, window, architecture and training parameters (read back from the
 * bundle's "params"), the same chronological split (the last valid_frac of the candles
 * validate and stop early), through the trainers' own library calls (xgb_train_job,
 * lstm_train_job).  An LSTM starts from the current weights (cra-train-lstm --init), so a
 * refit continues rather than restarts.  For cra-backtest --refit-every: the model is
 * retrained on the candles before a block of steps, then forecasts the block.
 */
#ifndef CRA_FORECAST_REFIT_H
#define CRA_FORECAST_REFIT_H

#include <stddef.h>

#include "forecast.h"

/* The first candle row a refit trains from: the bundle's own first training candle (its
 * info.train_from) less the rows its features need before it, or row 0. */
size_t forecast_refit_start(const struct forecast_model *m, const struct candles *c,
			    const struct interval *iv);

/* Retrains m on candles [first, end) of c (the candles must be what the model is for: the
 * caller checks the series).  m is replaced only on success.  65 naming the bundle when its
 * parameters are missing (a bundle that cannot be retrained) or the candles are too few; the
 * trainers' errors. */
int forecast_model_refit(struct forecast_model *m, const struct candles *c,
			 const struct interval *iv, size_t first, size_t end,
			 struct cra_error *err);

#endif
