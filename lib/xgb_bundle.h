/* xgb_bundle.h - model bundles of kind "xgb" (bundle.h): written by cra-train-xgb, read by
 * cra-explain and cra-predict, and the model's inputs rebuilt from candles.
 *
 * Beside the description every bundle has (struct model_info), the metadata holds
 *   "columns"        the feature columns, in the order the boosters read them
 *   "classes"        task regime only: ["bear", "neutral", "bull"]; class k is regime k - 1
 *   "scaler"         {"kind": "none"}: trees split on raw values, nothing is standardised
 *   "params"         the training parameters (xgb_train.h)
 *   "models"         one entry per horizon, in the order of "horizons":
 *                    {"horizon", "payload", "rounds" run, "trees" kept, "base_score",
 *                     "valid_loss" (the early-stopping loss, null without early stopping)}
 *   "early_stopping", "metrics"   the validation rows and report (xgb_train.h)
 * and one payload per horizon, "xgb-h<H>": XGBoost's own model, JSON
 * (bundles from before 2026-11 hold UBJSON, which loads as well).
 */
#ifndef CRA_XGB_BUNDLE_H
#define CRA_XGB_BUNDLE_H

#include <stdint.h>

#include "bundle.h"
#include "feature_matrix.h"
#include "feature_spec.h"
#include "xgb_model.h"

#define XGB_KIND "xgb"
#define XGB_REGIME_CLASSES 3

struct xgb_bundle {
	struct bundle b;
	struct model_info info;
	struct feature_spec spec;     /* parsed from info.features */
	char **columns;
	size_t ncols;
	int nclass;                   /* 3 for task regime, else 0 (regression) */
	struct xgb_model model[BUNDLE_MAX_HORIZONS]; /* model[k] forecasts info.horizons[k] */
};

/* Adds the booster for one horizon: its payload and its entry in "models". */
int xgb_bundle_add_model(struct bundle *b, int horizon, const struct xgb_model *m,
			 const struct xgb_fit *fit, struct cra_error *err);

/* Loads and checks an xgb bundle: bundle_load's errors, then 65 naming the file when it is a
 * bundle of another kind, its metadata is incomplete, or a booster does not load or does not
 * match the columns.  threads: for prediction (0: every core). */
int xgb_bundle_load(struct xgb_bundle *xb, const char *path, int threads, struct cra_error *err);
void xgb_bundle_free(struct xgb_bundle *xb);
/* The same checks on a bundle already in memory (as xgb_train_job fills one), which xb takes
 * over (b is left with nothing to free, also on failure); path names it in messages. */
int xgb_bundle_take(struct xgb_bundle *xb, struct bundle *b, const char *path, int threads,
		    struct cra_error *err);

/* The index of horizon h (in candles) in info.horizons, or -1. */
int xgb_bundle_horizon(const struct xgb_bundle *xb, int h);

/* A model's inputs rebuilt from candles: the bundle's features computed over all of c, and
 * the rows with every feature defined and from <= open_time < to, the last `last` of them
 * when last > 0. */
struct xgb_inputs {
	struct feature_matrix x;
	size_t *rows, n;   /* candle rows */
	float *data;       /* n x ncols, row-major, for xgb_predict and xgb_contributions */
};

/* 65 when the features computed are not the bundle's columns (a bundle from another version
 * of craipto) or c is too short for them; no rows in range is not an error (n = 0). */
int xgb_bundle_inputs(const struct xgb_bundle *xb, const struct candles *c,
		      const struct interval *iv, int64_t from, int64_t to, size_t last,
		      struct xgb_inputs *in, struct cra_error *err);
void xgb_inputs_free(struct xgb_inputs *in);

#endif
