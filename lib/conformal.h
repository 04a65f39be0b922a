/* conformal.h - split-conformal prediction bands: how wide a band around a forecast must be
 * for it to hold the truth a given share of the time, learnt from the forecaster's own
 * errors on earlier points (Vovk et al. 2005; Lei et al. 2018, "Distribution-free predictive
 * inference for regression").
 *
 * Given the absolute residuals |e_1| .. |e_n| of a model on n calibration points, and a new
 * point whose residual is exchangeable with them, the band forecast +/- q with
 *
 *   q = the k-th smallest |e_i|,   k = ceil((n + 1) level)
 *
 * holds the new point with probability at least `level`, and (without ties) less than
 * level + 1/(n + 1).  When k > n (fewer than level / (1 - level) residuals: 9 for 90%) no
 * finite q can promise `level`, and q is +infinity.
 *
 * craipto's models forecast log returns, so residuals are taken in log-return space
 * (e = ln(actual / last close) - forecast) and a band maps to prices as
 * last close * exp(forecast -/+ q): multiplicative, never below zero.
 */
#ifndef CRA_CONFORMAL_H
#define CRA_CONFORMAL_H

#include <stddef.h>

/* k = ceil((n + 1) level), the rank of q among n residuals; n + 1 when no finite q exists.
 * level in (0, 1). */
size_t conformal_rank(size_t n, double level);

/* The fewest residuals that give a finite q at this level. */
size_t conformal_min_residuals(double level);

/* q over abs_resid[0..n) (left unchanged); work holds n doubles.  +INFINITY when n is too
 * small (conformal_rank > n).  O(n) on average (quickselect). */
double conformal_quantile(const double *abs_resid, size_t n, double level, double *work);

/* A sliding window of absolute residuals, kept sorted, for a walk forward that adds the
 * newest residual and drops the oldest at each step: each change is a binary search and one
 * memmove of at most the window, and q is then one lookup (instead of a selection over the
 * whole window at every step). */
struct conformal_window {
	double *sorted;
	size_t n, cap;
};

/* cap: the most values held at once.  0 or -1 (out of memory). */
int conformal_window_init(struct conformal_window *w, size_t cap);
void conformal_window_free(struct conformal_window *w);
/* Adds v (finite; at most cap held), or removes one value equal to v (that was added). */
void conformal_window_add(struct conformal_window *w, double v);
void conformal_window_remove(struct conformal_window *w, double v);
/* conformal_quantile of the values held. */
double conformal_window_quantile(const struct conformal_window *w, double level);

#endif
