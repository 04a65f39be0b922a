/* shap.h - global feature importance from SHAP values.
 *
 * Given each row's SHAP value phi[i][j] of every feature j (how far feature j moved row i's
 * prediction away from the base value), the summary of feature j over n rows is
 *   mean |SHAP| = (1/n) sum_i |phi[i][j]|   (how much the feature moves predictions at all)
 *   mean SHAP   = (1/n) sum_i  phi[i][j]    (which way it moves them on balance)
 * and features are ranked by mean |SHAP|, largest first (rank 1), ties in column order.
 */
#ifndef CRA_SHAP_H
#define CRA_SHAP_H

#include <stddef.h>

struct shap_importance {
	size_t feature;   /* column index */
	double mean_abs;  /* mean |SHAP| */
	double mean;      /* mean SHAP */
	size_t rank;      /* 1 = most important */
};

/* Row i's value of feature j is phi[i * stride + j], j < nfeatures.  Fills out[0..nfeatures)
 * in rank order. */
void shap_summary(const double *phi, size_t nrows, size_t stride, size_t nfeatures,
		  struct shap_importance *out);

#endif
