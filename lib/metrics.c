/* metrics.c - forecast accuracy and its report; see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void regression_metrics(const double *actual, const double *pred, const double *base, size_t n,
			struct regression_metrics *m)
{
	double se = 0, ae = 0, ape = 0;
	size_t moved = 0, right = 0, ape_n = 0;
	for (size_t i = 0; i < n; i++) {
		double e = pred[i] - actual[i];
		se += e * e;
		ae += fabs(e);
		if (actual[i] != 0) {
			ape += fabs(e) / fabs(actual[i]);
			ape_n++;
		}
		if (base && actual[i] != base[i]) {
			moved++;
			right += (pred[i] - base[i] > 0) == (actual[i] - base[i] > 0) && pred[i] != base[i];
		}
	}
	m->n = n;
	m->rmse = n ? sqrt(se / (double)n) : NAN;
	m->mae = n ? ae / (double)n : NAN;
	m->mape = ape_n ? 100 * ape / (double)ape_n : NAN;
	m->directional_accuracy = moved ? (double)right / (double)moved : NAN;
}

void class_metrics(const int *actual, const int *pred, size_t n, int nclass,
		   struct class_metrics *m)
{
	memset(m, 0, sizeof *m);
	m->n = n;
	m->nclass = nclass;
	size_t right = 0;
	for (size_t i = 0; i < n; i++) {
		if (actual[i] < 0 || actual[i] >= nclass || pred[i] < 0 || pred[i] >= nclass)
			continue;
		m->confusion[actual[i]][pred[i]]++;
		right += actual[i] == pred[i];
	}
	m->accuracy = n ? (double)right / (double)n : NAN;
	/* F1 of class k = 2 TP / (2 TP + FP + FN). */
	double f1_sum = 0;
	int counted = 0;
	for (int k = 0; k < nclass; k++) {
		size_t tp = m->confusion[k][k], fp = 0, fn = 0;
		for (int j = 0; j < nclass; j++)
			if (j != k) {
				fp += m->confusion[j][k];
				fn += m->confusion[k][j];
			}
		if (tp + fp + fn == 0)
			continue;
		f1_sum += 2.0 * (double)tp / (double)(2 * tp + fp + fn);
		counted++;
	}
	m->macro_f1 = counted ? f1_sum / counted : NAN;
}

int majority_class(const int *labels, size_t n, int nclass)
{
	size_t count[METRICS_MAX_CLASSES] = { 0 };
	for (size_t i = 0; i < n; i++)
		if (labels[i] >= 0 && labels[i] < nclass)
			count[labels[i]]++;
	int best = 0;
	for (int k = 1; k < nclass; k++)
		if (count[k] > count[best])
			best = k;
	return best;
}

void metrics_report_header(struct table_writer *w)
{
	tw_str(w, "horizon");
	tw_str(w, "metric");
	tw_str(w, "model");
	tw_str(w, "naive");
	tw_str(w, "ratio");
	tw_end_row(w);
}

static void row(struct table_writer *w, int horizon, const char *metric, double model, double naive)
{
	tw_int(w, horizon);
	tw_str(w, metric);
	tw_double(w, model);
	tw_double(w, naive);
	tw_double(w, naive != 0 && isfinite(naive) ? model / naive : NAN);
	tw_end_row(w);
}

void metrics_report_regression(struct table_writer *w, int horizon,
			       const struct regression_metrics *model,
			       const struct regression_metrics *naive)
{
	row(w, horizon, "rows", (double)model->n, (double)naive->n);
	row(w, horizon, "rmse", model->rmse, naive->rmse);
	row(w, horizon, "mae", model->mae, naive->mae);
	row(w, horizon, "mape", model->mape, naive->mape);
	row(w, horizon, "directional_accuracy", model->directional_accuracy,
	    naive->directional_accuracy);
}

void metrics_report_classes(struct table_writer *w, int horizon, const struct class_metrics *model,
			    const struct class_metrics *naive, const char *const *class_names)
{
	row(w, horizon, "rows", (double)model->n, (double)naive->n);
	row(w, horizon, "accuracy", model->accuracy, naive->accuracy);
	row(w, horizon, "macro_f1", model->macro_f1, naive->macro_f1);
	for (int a = 0; a < model->nclass; a++)
		for (int p = 0; p < model->nclass; p++) {
			char name[96];
			snprintf(name, sizeof name, "confusion_%s_as_%s", class_names[a], class_names[p]);
			row(w, horizon, name, (double)model->confusion[a][p], (double)naive->confusion[a][p]);
		}
}
