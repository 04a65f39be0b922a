/* hybrid.h - blending several models' forecasts with inverse-error weights.
 *
 * Each model k has a recent root-mean-square error rmse_k (of its walk-forward residuals over
 * a trailing window); its weight is
 *
 *   w_k = (1 / rmse_k) / sum_j (1 / rmse_j)
 *
 * so the weights add up to 1 and a model twice as accurate weighs twice as much.  For two
 * models this is the original application's alpha = 1 - rmse_a / (rmse_a + rmse_b) given to
 * model a (= rmse_b / (rmse_a + rmse_b) = w_a).  Models with a zero error share all the
 * weight; when any error is unknown (NaN: no residuals yet) every model weighs the same.
 */
#ifndef CRA_HYBRID_H
#define CRA_HYBRID_H

#include <stddef.h>

/* w[0..n) from rmse[0..n). */
void hybrid_weights(const double *rmse, size_t n, double *w);

/* sqrt(mean e^2) over e[0..n); NaN when n is 0. */
double hybrid_rmse(const double *e, size_t n);

/* sum_k w_k x_k. */
double hybrid_blend(const double *w, const double *x, size_t n);

#endif
