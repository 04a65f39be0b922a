/* adam.c - Adam and global-norm clipping; see adam.h. */
#include "adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int adam_init(struct adam *a, size_t n, struct cra_error *err)
{
	memset(a, 0, sizeof *a);
	a->m = calloc(n ? n : 1, sizeof *a->m);
	a->v = calloc(n ? n : 1, sizeof *a->v);
	if (!a->m || !a->v) {
		adam_free(a);
		return cra_fail(err, EX_OSERR, "out of memory for the optimiser's %zu moments", n);
	}
	a->n = n;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	return 0;
}

void adam_free(struct adam *a)
{
	free(a->m);
	free(a->v);
	memset(a, 0, sizeof *a);
}

void adam_step(struct adam *a, float *w, const float *g, double lr)
{
	a->t++;
	/* w -= step m / (sqrt(v) / sqrt(1 - b2^t) + eps), step = lr / (1 - b1^t) */
	float b1 = (float)a->beta1, b2 = (float)a->beta2, eps = (float)a->eps;
	float c1 = (float)(1 - a->beta1), c2 = (float)(1 - a->beta2); /* not 1 - (float)0.999 */
	float step = (float)(lr / (1 - pow(a->beta1, (double)a->t)));
	float root2 = (float)sqrt(1 - pow(a->beta2, (double)a->t));
	for (size_t i = 0; i < a->n; i++) {
		a->m[i] = b1 * a->m[i] + c1 * g[i];
		a->v[i] = b2 * a->v[i] + c2 * g[i] * g[i];
		w[i] -= step * a->m[i] / (sqrtf(a->v[i]) / root2 + eps);
	}
}

double clip_global_norm(float *g, size_t n, double max_norm)
{
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (double)g[i] * g[i];
	double norm = sqrt(ss);
	if (max_norm > 0 && norm > max_norm) {
		float k = (float)(max_norm / norm);
		for (size_t i = 0; i < n; i++)
			g[i] *= k;
	}
	return norm;
}
