/* dataset.h - a supervised data set from candles: features, targets, and a chronological
 * split that leaks nothing from validation into training.
 *
 * Row t (a candle) is usable when every feature is defined on rows t-window+1 .. t and every
 * target is defined at t.  Candles before split go to training, the rest to validation, and a
 * training row's target must be known before the split: rows with t + max_horizon >= split are
 * left out of training (an embargo), since their labels are prices of the validation period.
 * Standardisation statistics (mean, population standard deviation of each feature) come from
 * the training rows only.
 */
#ifndef CRA_DATASET_H
#define CRA_DATASET_H

#include <stddef.h>

#include "candles.h"
#include "error.h"
#include "feature_matrix.h"
#include "feature_spec.h"
#include "interval.h"
#include "targets.h"

struct dataset {
	struct feature_matrix x;  /* features, one row per candle */
	struct feature_matrix y;  /* targets, one row per candle */
	size_t *train, ntrain;    /* usable candle rows before the split, minus the embargo */
	size_t *valid, nvalid;    /* usable candle rows from the split on */
	size_t split;             /* first validation candle */
	size_t window;
	int max_horizon;
	double *mean, *std;       /* per feature, from training rows (std 1 where it is 0) */
};

/* valid_frac in (0, 1): the last fraction of the candles is validation.  window >= 1.
 * 65 when too few usable rows remain on either side (the message says how many). */
int dataset_build(const struct candles *c, const struct interval *iv,
		  const struct feature_spec *fs, const struct target_spec *ts, double valid_frac,
		  size_t window, struct dataset *d, struct cra_error *err);
void dataset_free(struct dataset *d);

/* Splits the validation rows at candle row at (split <= at): rows before it whose target is
 * known before it (t + max_horizon < at: the training embargo again) are d->valid[0 .. *nfirst),
 * rows from it on are d->valid[*second .. nvalid).  For a trainer that picks something (the
 * number of trees) on the first part and reports on the second, which then took no part. */
void dataset_split_valid(const struct dataset *d, size_t at, size_t *nfirst, size_t *second);

/* The standardised value of feature j at candle row t. */
static inline double dataset_scaled(const struct dataset *d, size_t j, size_t t)
{
	return (d->x.col[j][t] - d->mean[j]) / d->std[j];
}

#endif
