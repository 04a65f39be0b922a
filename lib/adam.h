/* adam.h - the optimiser: Adam with bias correction over one flat array of weights, and
 * gradient clipping by global norm.
 *
 * Adam (Kingma and Ba, 2015), step t = 1, 2, ... with gradient g:
 *   m = b1 m + (1 - b1) g           v = b2 v + (1 - b2) g^2
 *   w -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * with b1 = 0.9, b2 = 0.999, eps = 1e-8 (PyTorch's and Keras's defaults and arithmetic).
 * Clipping: when ||g|| (over every weight at once) exceeds c, g *= c / ||g||.
 */
#ifndef CRA_ADAM_H
#define CRA_ADAM_H

#include <stddef.h>

#include "error.h"

struct adam {
	size_t n;
	float *m, *v;   /* first and second moment estimates, one per weight */
	long long t;    /* steps taken */
	double beta1, beta2, eps;
};

/* 0, or 71 (EX_OSERR) out of memory. */
int adam_init(struct adam *a, size_t n, struct cra_error *err);
void adam_free(struct adam *a);

/* One step of Adam on w[0..n) with gradient g and learning rate lr. */
void adam_step(struct adam *a, float *w, const float *g, double lr);

/* Returns ||g||, the Euclidean norm over all n values, and when it exceeds max_norm > 0
 * scales g down to that norm (max_norm <= 0: no clipping). */
double clip_global_norm(float *g, size_t n, double max_norm);

#endif
