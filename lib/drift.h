/* drift.h - has a feature's distribution moved?  A baseline sample (what a model learned
 * from) against a recent one, compared three ways:
 *
 *   Kolmogorov-Smirnov: D = sup_x |F_b(x) - F_r(x)|, the largest gap between the two
 *     empirical CDFs (evaluated after each distinct value, so ties are handled), and its
 *     two-sided p-value exactly as scipy.stats.ks_2samp(method='auto') gives it (exact for
 *     max(n, m) <= 10000, else the large-sample distribution; kolmogorov.h).
 *   Jensen-Shannon divergence, base 2 so it lies in [0, 1]: with P, Q the two samples'
 *     shares in B equal-width bins spanning both samples (numpy.histogram's bins, the last one
 *     closed) and M = (P + Q)/2,  JS = 1/2 sum P log2(P/M) + 1/2 sum Q log2(Q/M).
 *     scipy.spatial.distance.jensenshannon returns its square root, the JS distance.
 *     0 for identical histograms, 1 when no bin holds values of both samples.
 *   Population Stability Index: ten bins cut at the baseline's deciles (numpy.quantile's
 *     linear interpolation; a value equal to a cut goes to the bin above), b_i and r_i the two
 *     samples' shares, each floored at DRIFT_PSI_FLOOR so an empty bin does not divide by 0:
 *     PSI = sum (r_i - b_i) ln(r_i / b_i).  Rules of thumb: < 0.1 stable, > 0.2 shifted.
 *
 * Undefined values (NaN: an indicator's first rows) are left out; n_baseline and n_recent
 * count the values compared.  Sorting both samples once (sort_doubles.h) makes every statistic
 * a linear pass: a million values against a million take a few tens of milliseconds.
 */
#ifndef CRA_DRIFT_H
#define CRA_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define DRIFT_JS_BINS 20        /* default number of equal-width bins for JS */
#define DRIFT_PSI_BINS 10       /* deciles */
#define DRIFT_PSI_FLOOR 1e-4    /* an empty PSI bin counts as this share */
#define DRIFT_JS_MAX_DEFAULT 0.2
#define DRIFT_KS_P_MIN_DEFAULT 0.05
#define DRIFT_PSI_MAX_DEFAULT 0.2

struct ks_result {
	double d;   /* the statistic, in [0, 1] */
	double p;   /* two-sided p-value */
	bool exact; /* the exact distribution was used */
};

/* The two-sample KS test on finite samples sorted ascending (n, m >= 1). */
void ks_two_sample(const double *a, size_t n, const double *b, size_t m, struct ks_result *out);

/* The JS divergence of sorted samples over nbins equal-width bins spanning both.  When the
 * arrays are given, fills the shares (nbins each) and the outer edges [*lo, *hi]. */
double js_divergence(const double *a, size_t n, const double *b, size_t m, int nbins,
		     double *a_frac, double *b_frac, double *lo, double *hi);

/* The PSI of sorted samples, bins at the baseline's deciles. */
double psi_deciles(const double *baseline, size_t n, const double *recent, size_t m);

/* q-quantile of a sorted sample with numpy's default (linear) interpolation. */
double quantile_sorted(const double *a, size_t n, double q);

struct drift_thresholds {
	double js_max;   /* drift when JS > this */
	double ks_p_min; /* drift when the KS p-value < this */
	double psi_max;  /* drift when PSI > this */
};

enum drift_test { DRIFT_JS = 1, DRIFT_KS = 2, DRIFT_PSI = 4 };

struct drift_result {
	size_t n_baseline, n_recent;
	struct ks_result ks;
	double js, psi;
	unsigned fired;      /* enum drift_test bits whose threshold was crossed */
	int nbins;           /* the JS histogram: */
	double lo, hi;       /*   bin k spans lo + k (hi - lo)/nbins .. the next edge */
	double *baseline_frac, *recent_frac; /* nbins shares each; free with drift_result_free */
};

/* Compares the finite values of baseline[0..nb) and recent[0..nr) (neither is changed).
 * Fails with 65 naming `which` ("baseline" or "recent") when a sample has no finite value,
 * 71 when out of memory. */
int drift_compare(const double *baseline, size_t nb, const double *recent, size_t nr,
		  int js_bins, const struct drift_thresholds *th, struct drift_result *out,
		  struct cra_error *err);
void drift_result_free(struct drift_result *r);

/* Which tests' thresholds the statistics cross. */
unsigned drift_fired(const struct drift_result *r, const struct drift_thresholds *th);

#endif
