/* metrics.h - how good a forecast is, always beside the naive forecast on the same rows.
 *
 * Regression (prices, for horizon H): with actual a_i, prediction p_i and the last price
 * known when predicting, b_i (the naive "no change" forecast),
 *   RMSE = sqrt(mean (p - a)^2)    MAE = mean |p - a|    MAPE = 100 mean |p - a| / |a|
 *   directional accuracy = share of rows where sign(p - b) == sign(a - b), rows with a == b
 *   left out (a move of exactly zero has no direction to get right)
 *   Theil's U = RMSE(model) / RMSE(naive): below 1 beats "tomorrow equals today".
 * Classification (regimes, 3 classes): accuracy, macro-F1 (the unweighted mean of the
 * classes' F1, a class with no true and no predicted rows left out), confusion matrix
 * (rows: actual, columns: predicted).
 */
#ifndef CRA_METRICS_H
#define CRA_METRICS_H

#include <stddef.h>

#include "table_writer.h"

struct regression_metrics {
	size_t n;
	double rmse, mae, mape;
	double directional_accuracy; /* NaN when no row moved */
};

/* base may be NULL (no directional accuracy then). */
void regression_metrics(const double *actual, const double *pred, const double *base, size_t n,
			struct regression_metrics *m);

#define METRICS_MAX_CLASSES 3
struct class_metrics {
	size_t n;
	int nclass;
	size_t confusion[METRICS_MAX_CLASSES][METRICS_MAX_CLASSES];
	double accuracy, macro_f1;
};

/* Classes are 0 .. nclass-1. */
void class_metrics(const int *actual, const int *pred, size_t n, int nclass,
		   struct class_metrics *m);

/* The index of the most frequent class in labels (ties: the lowest). */
int majority_class(const int *labels, size_t n, int nclass);

/* The validation report tables, written as rows of
 *   horizon,metric,model,naive,ratio
 * (ratio = model / naive; for accuracy-like metrics, higher is better).  A header is written
 * by metrics_report_header. */
void metrics_report_header(struct table_writer *w);
void metrics_report_regression(struct table_writer *w, int horizon,
			       const struct regression_metrics *model,
			       const struct regression_metrics *naive);
/* The naive classifier is "always the training majority class". */
void metrics_report_classes(struct table_writer *w, int horizon, const struct class_metrics *model,
			    const struct class_metrics *naive, const char *const *class_names);

#endif
