/* drift.c - KS, Jensen-Shannon and PSI between two samples; see drift.h. */
#include "drift.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kolmogorov.h"
#include "sort_doubles.h"

void ks_two_sample(const double *a, size_t n, const double *b, size_t m, struct ks_result *out)
{
	/* Merge the two sorted samples; after the last copy of each distinct value v,
	 * F_a(v) - F_b(v) = i/n - j/m = (i m - j n) / (n m), kept in integers, exact.  The body
	 * has no unpredictable branch: each step takes the smaller head (both on a tie across
	 * the samples) and records the gap only when the next value differs from v. */
	size_t i = 0, j = 0;
	int64_t best = 0;
	double v = 0;
	while (i < n && j < m) {
		double x = a[i], y = b[j];
		v = x < y ? x : y;
		i += x <= y;
		j += y <= x;
		bool more = (i < n && a[i < n ? i : n - 1] == v) || (j < m && b[j < m ? j : m - 1] == v);
		int64_t diff = (int64_t)i * (int64_t)m - (int64_t)j * (int64_t)n;
		diff = diff < 0 ? -diff : diff;
		best = !more && diff > best ? diff : best;
	}
	/* One sample is spent: take the other's remaining copies of v, then the gap only shrinks
	 * (to 0 at the end), so its value here is the tail's largest. */
	while (i < n && a[i] == v)
		i++;
	while (j < m && b[j] == v)
		j++;
	int64_t diff = (int64_t)i * (int64_t)m - (int64_t)j * (int64_t)n;
	diff = diff < 0 ? -diff : diff;
	best = diff > best ? diff : best;
	int exact = 0;
	out->d = (double)best / ((double)n * (double)m);
	out->p = ks2_pvalue((int64_t)n, (int64_t)m, best, &exact);
	out->exact = exact;
}

/* Values of a sorted sample below e: the index of the first value >= e. */
static size_t count_below(const double *x, size_t n, double e)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* numpy.histogram(x, bins=nbins, range=(lo, hi)) of a sorted sample: bin k holds
 * edge_k <= x < edge_{k+1} (the last bin also its right edge), the edges lo + k step as
 * numpy.linspace computes them - numpy's own rule once it has corrected its first guess
 * against the edges.  Sorted, the counts are differences of binary searches. */
static void histogram(const double *x, size_t n, int nbins, double lo, double hi,
		      size_t *count)
{
	double step = (hi - lo) / nbins;
	size_t prev = 0;
	for (int k = 0; k < nbins; k++) {
		size_t below = k == nbins - 1 ? n : count_below(x, n, (double)(k + 1) * step + lo);
		count[k] = below - prev;
		prev = below;
	}
}

double js_divergence(const double *a, size_t n, const double *b, size_t m, int nbins,
		     double *a_frac, double *b_frac, double *lo_out, double *hi_out)
{
	double lo = fmin(a[0], b[0]), hi = fmax(a[n - 1], b[m - 1]);
	if (lo == hi) { /* numpy widens an empty range by 1/2 each way */
		lo -= 0.5;
		hi += 0.5;
	}
	size_t *ca = calloc(2 * (size_t)nbins, sizeof *ca);
	if (!ca)
		return NAN;
	size_t *cb = ca + nbins;
	histogram(a, n, nbins, lo, hi, ca);
	histogram(b, m, nbins, lo, hi, cb);
	/* JS = 1/2 sum p log2(p/m) + 1/2 sum q log2(q/m), m = (p+q)/2; a zero share adds 0. */
	double js = 0;
	for (int k = 0; k < nbins; k++) {
		double p = (double)ca[k] / (double)n, q = (double)cb[k] / (double)m, mid = (p + q) / 2;
		if (p > 0)
			js += 0.5 * p * log2(p / mid);
		if (q > 0)
			js += 0.5 * q * log2(q / mid);
		if (a_frac)
			a_frac[k] = p;
		if (b_frac)
			b_frac[k] = q;
	}
	free(ca);
	if (lo_out)
		*lo_out = lo;
	if (hi_out)
		*hi_out = hi;
	return js < 0 ? 0 : js > 1 ? 1 : js; /* rounding can step a hair outside */
}

double quantile_sorted(const double *a, size_t n, double q)
{
	/* numpy 'linear': virtual index (n-1) q, interpolated between its neighbours from
	 * whichever end is nearer (numpy's _lerp), which is exact at both ends. */
	double vi = (double)(n - 1) * q;
	double fl = floor(vi);
	size_t i = (size_t)fl;
	if (i >= n - 1)
		return a[n - 1];
	double g = vi - fl, lo = a[i], hi = a[i + 1], d = hi - lo;
	return g >= 0.5 ? hi - d * (1 - g) : lo + d * g;
}

double psi_deciles(const double *baseline, size_t n, const double *recent, size_t m)
{
	/* Bin k (0..9) holds the values with edge_k <= x < edge_{k+1}, edge_0 = -inf,
	 * edge_10 = +inf, edge_k the baseline's k/10 quantile (bin = numpy.searchsorted(edges,
	 * x, side='right')): the values in bins below k are those below edge_k. */
	size_t prev_b = 0, prev_r = 0;
	double psi = 0;
	for (int k = 1; k <= DRIFT_PSI_BINS; k++) {
		size_t cb = n, cr = m;
		if (k < DRIFT_PSI_BINS) {
			double e = quantile_sorted(baseline, n, k / 10.0);
			cb = count_below(baseline, n, e);
			cr = count_below(recent, m, e);
		}
		double bf = fmax((double)(cb - prev_b) / (double)n, DRIFT_PSI_FLOOR);
		double rf = fmax((double)(cr - prev_r) / (double)m, DRIFT_PSI_FLOOR);
		psi += (rf - bf) * log(rf / bf);
		prev_b = cb;
		prev_r = cr;
	}
	return psi;
}

unsigned drift_fired(const struct drift_result *r, const struct drift_thresholds *th)
{
	unsigned f = 0;
	if (r->js > th->js_max)
		f |= DRIFT_JS;
	if (r->ks.p < th->ks_p_min)
		f |= DRIFT_KS;
	if (r->psi > th->psi_max)
		f |= DRIFT_PSI;
	return f;
}

/* The finite values of x, sorted, in a new array (*out NULL when there is none). */
static int finite_sorted(const double *x, size_t n, double **out, size_t *nout)
{
	double *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]))
			v[k++] = x[i];
	if (sort_doubles(v, k)) {
		free(v);
		return -1;
	}
	*out = v;
	*nout = k;
	return 0;
}

int drift_compare(const double *baseline, size_t nb, const double *recent, size_t nr,
		  int js_bins, const struct drift_thresholds *th, struct drift_result *out,
		  struct cra_error *err)
{
	memset(out, 0, sizeof *out);
	double *b = NULL, *r = NULL;
	int status = 0;
	if (finite_sorted(baseline, nb, &b, &out->n_baseline) ||
	    finite_sorted(recent, nr, &r, &out->n_recent)) {
		status = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	if (!out->n_baseline || !out->n_recent) {
		const char *which = out->n_baseline ? "recent" : "baseline";
		size_t rows = out->n_baseline ? nr : nb;
		if (rows)
			status = cra_fail(err, EX_DATAERR, "no value in the %s sample (%zu rows, all "
					  "undefined)", which, rows);
		else
			status = cra_fail(err, EX_DATAERR, "the %s sample is empty", which);
		goto done;
	}
	out->nbins = js_bins;
	out->baseline_frac = malloc(2 * (size_t)js_bins * sizeof *out->baseline_frac);
	if (!out->baseline_frac) {
		status = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	out->recent_frac = out->baseline_frac + js_bins;
	ks_two_sample(b, out->n_baseline, r, out->n_recent, &out->ks);
	out->js = js_divergence(b, out->n_baseline, r, out->n_recent, js_bins, out->baseline_frac,
				out->recent_frac, &out->lo, &out->hi);
	out->psi = psi_deciles(b, out->n_baseline, r, out->n_recent);
	if (isnan(out->ks.p) || isnan(out->js)) {
		status = cra_fail(err, EX_OSERR, "out of memory");
		goto done;
	}
	out->fired = drift_fired(out, th);
done:
	free(b);
	free(r);
	if (status)
		drift_result_free(out);
	return status;
}

void drift_result_free(struct drift_result *r)
{
	free(r->baseline_frac);
	r->baseline_frac = r->recent_frac = NULL;
}
