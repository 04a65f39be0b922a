/* xgb_model.h - gradient-boosted trees through XGBoost's C API: training with early stopping,
 * prediction, exact TreeSHAP contributions, and the model as bytes for a bundle.
 *
 * Data go in as row-major float matrices (XGBoost works in float32: a double feature is rounded
 * once, on the way in, as XGBoost's Python package does).  No value may be NaN: craipto's data
 * sets drop rows with undefined features, so XGBoost's missing-value handling never comes in.
 *
 * Objectives: nclass 0 is regression, reg:squarederror, validation loss RMSE; nclass >= 2 is
 * multi:softprob, labels 0..nclass-1, validation loss the multi-class log loss
 * -mean(ln p[label]).  Trees are grown with tree_method hist.
 *
 * Training boosts one round at a time and measures the validation loss after each (XGBoost
 * updates its cached validation predictions by the newest trees only, so this costs one tree
 * walk per row and round).  With early stopping the model keeps the rounds up to the best
 * loss and drops the rest (XGBoosterSlice), so it is the model the loss was measured for.
 *
 * Determinism: the same data and parameters give the same trees and the same saved bytes (the
 * seed is fixed; hist's histograms are summed in a fixed order).  XGBoost's own messages are
 * kept off standard error; its errors come back in struct cra_error, one line.
 */
#ifndef CRA_XGB_MODEL_H
#define CRA_XGB_MODEL_H

#include <stddef.h>

#include "error.h"
#include "feature_matrix.h"

struct xgb_params {
	int trees;          /* boosting rounds at most */
	int depth;          /* max_depth */
	double eta;         /* learning rate: each tree's output is scaled by it */
	double subsample;   /* share of training rows each tree is grown on */
	double colsample;   /* share of features each tree may split on (colsample_bytree) */
	int max_bin;        /* histogram bins per feature */
	int early_stop;     /* stop after this many rounds without a lower validation loss; 0 never */
	int threads;        /* nthread; 0: every core */
	int seed;
	int nclass;         /* 0: regression; >= 2: multi:softprob with this many classes */
	double base_score;  /* regression: the prediction before any tree; NaN: the mean training
			     * label (XGBoost 1.7's own default of 0.5 is wrong by orders of
			     * magnitude for log returns) */
};

/* Defaults: 300 trees, depth 6, eta 0.05, subsample 1, colsample 1, 256 bins, early stop
 * after 20 rounds, every core, seed 0, regression, base score the training mean. */
void xgb_params_default(struct xgb_params *p);

/* A row-major matrix x (nrows x ncols) and its labels y (NULL when predicting). */
struct xgb_data {
	const float *x;
	const float *y;
	size_t nrows;
};

struct xgb_model {
	void *booster;  /* BoosterHandle */
	size_t ncols;
	int nclass;     /* 0: regression */
	int threads;
};

struct xgb_fit {
	int rounds;          /* boosting rounds run */
	int kept;            /* rounds kept: the best validation loss's (all without early stop) */
	double best_loss;    /* validation loss after `kept` rounds (NaN without validation rows) */
	double base_score;   /* the base score used */
};

/* Called after every round with the round count and the validation loss (NaN without
 * validation rows); may be NULL. */
typedef void xgb_round_fn(void *ctx, int rounds, double loss);

/* Trains on train, measuring the loss on valid after each round (valid may be NULL or empty
 * unless p->early_stop > 0).  Fails with 64 for parameters out of range, 65 for labels that do
 * not fit the objective or too few rows, 70 (EX_SOFTWARE) when XGBoost itself fails. */
int xgb_train(const struct xgb_params *p, size_t ncols, const struct xgb_data *train,
	      const struct xgb_data *valid, xgb_round_fn *on_round, void *ctx,
	      struct xgb_model *m, struct xgb_fit *fit, struct cra_error *err);

/* Predictions for data->nrows rows into out: one value per row (regression), or nclass
 * probabilities per row (softprob).  With margin, the raw scores before the softmax (for
 * regression the same values). */
int xgb_predict(const struct xgb_model *m, const struct xgb_data *data, int margin, double *out,
		struct cra_error *err);

/* Exact TreeSHAP contributions (XGBoost's pred_contribs): for row i, output group g (the
 * class; 0 for regression) and feature j, out[(i * G + g) * (ncols + 1) + j], with the base
 * value (bias) at j = ncols; G = max(nclass, 1).  For every row and group, the contributions
 * and the bias add up to the margin prediction. */
int xgb_contributions(const struct xgb_model *m, const struct xgb_data *data, double *out,
		      struct cra_error *err);

/* The model in XGBoost's own JSON format (malloc'ed, free it). */
int xgb_save(const struct xgb_model *m, unsigned char **buf, size_t *len, struct cra_error *err);
/* Loads a model saved by xgb_save (or XGBoost's JSON); 65, naming `what`, when the bytes are
 * not a model or it does not have ncols features and nclass classes. */
int xgb_load(struct xgb_model *m, const void *buf, size_t len, size_t ncols, int nclass,
	     int threads, const char *what, struct cra_error *err);

void xgb_free(struct xgb_model *m);

/* Copies rows[0..n) of the feature matrix into out, row-major n x x->ncols floats, the shape
 * the functions above take. */
void xgb_rows(const struct feature_matrix *x, const size_t *rows, size_t n, float *out);

#endif
