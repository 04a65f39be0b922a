/* shap.c - global importance from SHAP values; see shap.h. */
#include "shap.h"

#include <math.h>
#include <stdlib.h>

static int by_importance(const void *a, const void *b)
{
	const struct shap_importance *x = a, *y = b;
	if (x->mean_abs != y->mean_abs)
		return x->mean_abs > y->mean_abs ? -1 : 1;
	return (x->feature > y->feature) - (x->feature < y->feature);
}

void shap_summary(const double *phi, size_t nrows, size_t stride, size_t nfeatures,
		  struct shap_importance *out)
{
	for (size_t j = 0; j < nfeatures; j++) {
		double abs_sum = 0, sum = 0;
		for (size_t i = 0; i < nrows; i++) {
			double v = phi[i * stride + j];
			abs_sum += fabs(v);
			sum += v;
		}
		out[j] = (struct shap_importance){ j, nrows ? abs_sum / (double)nrows : NAN,
						   nrows ? sum / (double)nrows : NAN, 0 };
	}
	qsort(out, nfeatures, sizeof *out, by_importance);
	for (size_t j = 0; j < nfeatures; j++)
		out[j].rank = j + 1;
}
