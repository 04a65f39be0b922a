/* conformal.c - split-conformal quantiles; see conformal.h. */
#include "conformal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

size_t conformal_rank(size_t n, double level)
{
	/* (n + 1) level is often a whole number (10 x 0.9) that binary floating point misses by
	 * an ulp (9.000000000000002): a ceil of that would ask for one residual too many.  The
	 * product is rounded to 1e-9 of a rank first; no real level sits that close above a
	 * whole rank. */
	double x = (double)(n + 1) * level;
	double k = ceil(x - 1e-9 * (x > 1 ? x : 1));
	if (k < 1)
		k = 1;
	return k > (double)n ? n + 1 : (size_t)k;
}

size_t conformal_min_residuals(double level)
{
	size_t n = 1;
	while (conformal_rank(n, level) > n)
		n++;
	return n;
}

static void swap(double *a, double *b)
{
	double t = *a;
	*a = *b;
	*b = t;
}

/* The k-th smallest (0-based) of v[0..n), v reordered: Hoare's quickselect with a
 * median-of-three pivot, which keeps sorted and reversed windows (common in residual
 * series that trend) linear. */
static double select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	while (lo < hi) {
		ptrdiff_t mid = lo + (hi - lo) / 2;
		if (v[mid] < v[lo])
			swap(&v[mid], &v[lo]);
		if (v[hi] < v[lo])
			swap(&v[hi], &v[lo]);
		if (v[hi] < v[mid])
			swap(&v[hi], &v[mid]);
		double pivot = v[mid];
		ptrdiff_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j)
				swap(&v[i++], &v[j--]);
		}
		/* Now v[lo..j] <= pivot <= v[i..hi], and v[j+1..i-1] (if any) equal the pivot. */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return v[kk];
	}
	return v[kk];
}

double conformal_quantile(const double *abs_resid, size_t n, double level, double *work)
{
	size_t k = conformal_rank(n, level);
	if (k > n)
		return INFINITY;
	memcpy(work, abs_resid, n * sizeof *work);
	return select_kth(work, n, k - 1);
}

int conformal_window_init(struct conformal_window *w, size_t cap)
{
	w->n = 0;
	w->cap = cap;
	w->sorted = malloc((cap ? cap : 1) * sizeof *w->sorted);
	return w->sorted ? 0 : -1;
}

void conformal_window_free(struct conformal_window *w)
{
	free(w->sorted);
	memset(w, 0, sizeof *w);
}

/* The first index whose value is not below v. */
static size_t lower_bound(const struct conformal_window *w, double v)
{
	size_t lo = 0, hi = w->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void conformal_window_add(struct conformal_window *w, double v)
{
	if (w->n == w->cap)
		return;
	size_t i = lower_bound(w, v);
	memmove(w->sorted + i + 1, w->sorted + i, (w->n - i) * sizeof *w->sorted);
	w->sorted[i] = v;
	w->n++;
}

void conformal_window_remove(struct conformal_window *w, double v)
{
	size_t i = lower_bound(w, v);
	if (i == w->n || w->sorted[i] != v)
		return;
	memmove(w->sorted + i, w->sorted + i + 1, (w->n - i - 1) * sizeof *w->sorted);
	w->n--;
}

double conformal_window_quantile(const struct conformal_window *w, double level)
{
	size_t k = conformal_rank(w->n, level);
	return k > w->n ? INFINITY : w->sorted[k - 1];
}
