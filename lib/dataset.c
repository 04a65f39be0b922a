/* dataset.c - usable rows, the embargoed chronological split, training statistics; see
 * dataset.h. */
#include "dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool features_defined(const struct feature_matrix *x, size_t t, size_t window)
{
	if (t + 1 < window)
		return false;
	for (size_t j = 0; j < x->ncols; j++)
		for (size_t k = t + 1 - window; k <= t; k++)
			if (isnan(x->col[j][k]))
				return false;
	return true;
}

static bool targets_defined(const struct feature_matrix *y, size_t t)
{
	for (size_t j = 0; j < y->ncols; j++)
		if (isnan(y->col[j][t]))
			return false;
	return true;
}

void dataset_free(struct dataset *d)
{
	feature_matrix_free(&d->x);
	feature_matrix_free(&d->y);
	free(d->train);
	free(d->valid);
	free(d->mean);
	free(d->std);
	memset(d, 0, sizeof *d);
}

void dataset_split_valid(const struct dataset *d, size_t at, size_t *nfirst, size_t *second)
{
	size_t i = 0;
	while (i < d->nvalid && d->valid[i] + (size_t)d->max_horizon < at)
		i++;
	*nfirst = i;
	while (i < d->nvalid && d->valid[i] < at)
		i++;
	*second = i;
}

int dataset_build(const struct candles *c, const struct interval *iv,
		  const struct feature_spec *fs, const struct target_spec *ts, double valid_frac,
		  size_t window, struct dataset *d, struct cra_error *err)
{
	memset(d, 0, sizeof *d);
	feature_matrix_init(&d->x);
	feature_matrix_init(&d->y);
	if (!(valid_frac > 0 && valid_frac < 1) || window < 1)
		return cra_fail(err, EX_USAGE, "the validation fraction must lie in (0, 1) and the window be >= 1");
	int r = features_compute(fs, c, iv, &d->x, err);
	if (!r)
		r = targets_compute(ts, c, iv, &d->y, err);
	if (r) {
		dataset_free(d);
		return r;
	}
	d->window = window;
	for (size_t k = 0; k < ts->n; k++)
		if (ts->item[k].horizon > d->max_horizon)
			d->max_horizon = ts->item[k].horizon;
	d->split = c->n - (size_t)((double)c->n * valid_frac);
	d->train = malloc(c->n * sizeof *d->train);
	d->valid = malloc(c->n * sizeof *d->valid);
	d->mean = calloc(d->x.ncols ? d->x.ncols : 1, sizeof *d->mean);
	d->std = calloc(d->x.ncols ? d->x.ncols : 1, sizeof *d->std);
	if (!d->train || !d->valid || !d->mean || !d->std) {
		dataset_free(d);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	for (size_t t = 0; t < c->n; t++) {
		if (!features_defined(&d->x, t, window) || !targets_defined(&d->y, t))
			continue;
		if (t >= d->split)
			d->valid[d->nvalid++] = t;
		else if (t + (size_t)d->max_horizon < d->split)
			d->train[d->ntrain++] = t;
	}
	size_t need = 2 * d->x.ncols + 10;
	if (d->ntrain < need || d->nvalid < 10) {
		size_t nt = d->ntrain, nv = d->nvalid;
		dataset_free(d);
		return cra_fail(err, EX_DATAERR,
				"too few usable rows: %zu for training (need %zu) and %zu for validation "
				"(need 10) out of %zu candles; give more candles or a shorter window",
				nt, need, nv, c->n);
	}
	/* Mean and population standard deviation of each feature over the training rows. */
	for (size_t j = 0; j < d->x.ncols; j++) {
		double mean = 0, m2 = 0;
		for (size_t i = 0; i < d->ntrain; i++) { /* Welford: stable for prices ~ 1e4 */
			double v = d->x.col[j][d->train[i]], delta = v - mean;
			mean += delta / (double)(i + 1);
			m2 += delta * (v - mean);
		}
		double sd = sqrt(m2 / (double)d->ntrain);
		d->mean[j] = mean;
		d->std[j] = sd > 0 ? sd : 1;
	}
	return 0;
}
