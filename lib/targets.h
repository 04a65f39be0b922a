/* targets.h - what a supervised model learns to predict: values of the future, aligned on now.
 *
 * Row t's target is computed from the candle at t and the candle H rows later, so it is the
 * one thing in a training set that uses future rows; features (feature_matrix.h) never do.
 * Kinds, for a horizon of H candles (c = close, r = ln(c[t+H]/c[t])):
 *
 *   return:H              target_return_H     r, the log return H candles ahead
 *   price:H               target_price_H      c[t+H]
 *   direction:H           target_direction_H  1 when c[t+H] > c[t], else 0
 *   regime:H[:K[:W]]      target_regime_H     1 bull when r > K*sigma_t*sqrt(H),
 *                                             -1 bear when r < -K*sigma_t*sqrt(H), else 0 neutral
 *
 * sigma_t is the trailing volatility known at t: the sample standard deviation of the W
 * one-candle log returns ending at row t (ind_volatility); K defaults to 0.5 and W to 20.
 * H is a number of candles, or a duration ("4h") that is a whole number of intervals.
 *
 * Undefined (NaN): the last H rows; regime's first W rows; and, when the interval is known,
 * every row whose H-ahead candle is not exactly H intervals later (a gap in between: such a
 * label would describe a longer time than it says).
 *
 * The canonical text (target_spec_format) writes horizons in candles and every parameter:
 * "return:4,regime:4:0.5:20".
 */
#ifndef CRA_TARGETS_H
#define CRA_TARGETS_H

#include <stddef.h>

#include "candles.h"
#include "error.h"
#include "feature_matrix.h"
#include "interval.h"

enum target_kind { TARGET_RETURN, TARGET_PRICE, TARGET_DIRECTION, TARGET_REGIME };

#define TARGET_REGIME_K 0.5
#define TARGET_REGIME_WINDOW 20
#define TARGET_MAX_HORIZON 100000
#define TARGET_SPEC_MAX 32

/* Regime classes as written in target_regime_H. */
#define REGIME_BEAR (-1)
#define REGIME_NEUTRAL 0
#define REGIME_BULL 1

/* The classes' names, indexed by class = regime + 1 (how the models number them). */
extern const char *const regime_class_name[3];

struct target {
	enum target_kind kind;
	int horizon;  /* candles ahead */
	double k;     /* regime: band width in trailing standard deviations */
	int window;   /* regime: returns in the trailing volatility */
};

struct target_spec {
	size_t n;
	struct target item[TARGET_SPEC_MAX];
};

void target_spec_init(struct target_spec *ts);

/* Parses "KIND:H[,...]" and appends the targets to ts.  iv (may be NULL when unknown) turns
 * duration horizons into candles.  Fails with 64: unknown kind, bad horizon or parameter, a
 * duration without a known interval or not a multiple of it, two regime targets of the same
 * horizon with different parameters.  A repeated target is kept once. */
int target_spec_add(struct target_spec *ts, const char *text, const struct interval *iv,
		    struct cra_error *err);

/* Canonical text into buf, snprintf-style (returns the full length). */
size_t target_spec_format(const struct target_spec *ts, char *buf, size_t size);

/* The task a model of this target kind learns, as bundles record it: "return", "price",
 * "direction", "regime". */
const char *target_task_name(enum target_kind kind);

/* Checks a target specification for one model (model names it in messages, "XGBoost"):
 * 1 to BUNDLE_MAX_HORIZONS (bundle.h) targets, all of one kind, and not direction:H (a return model
 * answers it).  64 otherwise. */
int target_spec_check_model(const struct target_spec *ts, const char *model, struct cra_error *err);

/* Candles needed for a target to be defined on at least one row. */
size_t target_min_rows(const struct target *t);

/* Computes one column per target (out initialised by the call).  iv may be NULL (no gap check).
 * Fails with 65 when c is too short for some target to be defined on any row. */
int targets_compute(const struct target_spec *ts, const struct candles *c,
		    const struct interval *iv, struct feature_matrix *out, struct cra_error *err);

#endif
