/* hybrid.c - inverse-error weights; see hybrid.h. */
#include "hybrid.h"

#include <math.h>

void hybrid_weights(const double *rmse, size_t n, double *w)
{
	size_t unknown = 0, perfect = 0;
	double sum = 0;
	for (size_t k = 0; k < n; k++) {
		if (!isfinite(rmse[k]) || rmse[k] < 0)
			unknown++;
		else if (rmse[k] == 0)
			perfect++;
		else
			sum += 1 / rmse[k];
	}
	for (size_t k = 0; k < n; k++) {
		if (unknown)
			w[k] = 1.0 / (double)n;
		else if (perfect)
			w[k] = rmse[k] == 0 ? 1.0 / (double)perfect : 0;
		else
			w[k] = (1 / rmse[k]) / sum;
	}
}

double hybrid_rmse(const double *e, size_t n)
{
	if (!n)
		return NAN;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += e[i] * e[i];
	return sqrt(ss / (double)n);
}

double hybrid_blend(const double *w, const double *x, size_t n)
{
	double s = 0;
	for (size_t k = 0; k < n; k++)
		s += w[k] * x[k];
	return s;
}
