/* kolmogorov.c - Kolmogorov-Smirnov null distributions, following SciPy 1.10; see
 * kolmogorov.h.  Function by function the source is named: scipy/stats/_ksstats.py (kolmogn
 * and its methods), scipy/special/cephes/kolmogorov.c (smirnov), scipy/stats/_stats_py.py and
 * _stats_pythran.py (the two-sample exact counts). */
#include "kolmogorov.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double clip01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* ---- One-sided: Smirnov ---------------------------------------------------------------- */

/* P(D+_n >= d) = d * sum_{v=0}^{floor(n(1-d))} C(n,v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
 * (the term with 1 - d - v/n == 0 left out).  Each term is summed as exp of its logarithm in
 * long double (64-bit mantissa): log C(n,v) reaches n log 2, so its absolute error, about
 * n ulp, is ~1e-14 for n = 1e6.  SciPy sums in double-double; the two agree to ~1e-13. */
double smirnov_sf(int64_t n, double d)
{
	if (!(n > 0 && d >= 0 && d <= 1))
		return NAN;
	if (n == 1)
		return 1 - d;
	if (d == 0)
		return 1;
	if (d == 1)
		return 0;
	long double nx = (long double)n * d;
	int64_t nxfl = (int64_t)floorl(nx);
	long double alpha = nx - (long double)nxfl;
	int64_t last = n - nxfl - (alpha == 0 ? 0 : 1); /* floor(n (1 - d)) */
	if (alpha == 0)
		last -= 1; /* 1 - d - v/n is 0 there */
	/* d <= 1/n: only the v = 0 term - P = 1 - d (1 + d)^(n-1). */
	if (nxfl == 0 || (nxfl == 1 && alpha == 0))
		return clip01((double)(1 - d * powl(1 + (long double)d, (long double)(n - 1))));
	if (-2.0 * (double)n * d * d < -7.08396418532264106224E2) /* cephes MINLOG: underflows */
		return 0;
	if (nxfl >= n - 1) /* d >= 1 - 1/n: only v = 0 survives: (1 - d)^n */
		return (double)powl(1 - (long double)d, (long double)n);
	if (n > 1000000) { /* SciPy's approximation beyond n = 1e6: exp(-(6nd+1)^2 / 18n) */
		double logp = -pow(6.0 * (double)n * d + 1, 2) / 18.0 / (double)n;
		return logp < -M_LN2 ? exp(logp) : 1 + expm1(logp);
	}
	long double sum = 0, logc = 0, ld = d;
	int64_t nterms = last + 1;
	for (int64_t v = 0; v < nterms; v++) {
		long double a = ld + (long double)v / (long double)n;       /* d + v/n */
		long double b = ((long double)(n - v) - nx) / (long double)n; /* 1 - d - v/n */
		long double t = expl(logc + (long double)(v - 1) * logl(a) +
				     (long double)(n - v) * logl(b));
		sum += t;
		/* SciPy's stopping rule: the rest cannot change the sum in double precision. */
		if (t > 0 && v != nterms - 1 && 4 * (long double)(nterms - v) * t < DBL_EPSILON * sum)
			break;
		logc += logl((long double)(n - v) / (long double)(v + 1)); /* C(n,v+1) / C(n,v) */
	}
	return clip01((double)(ld * sum));
}

/* ---- Two-sided one-sample: kolmogn ----------------------------------------------------- */

/* log(n! / n^n) by Stirling's series, n log n taken out first to avoid cancellation. */
static double log_nfactorial_div_n_pow_n(double n)
{
	static const double stirling[] = {
		-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
		8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2,
	};
	double rn = 1.0 / n, z = rn / n, poly = 0;
	for (size_t i = 0; i < sizeof stirling / sizeof *stirling; i++)
		poly = poly * z + stirling[i];
	return log(n) / 2 - n + log(2 * M_PI) / 2 + rn * poly;
}

#define E128 128
static const double EP128 = 0x1p128, EM128 = 0x1p-128;

static void matmul(const double *a, const double *b, double *out, int m)
{
	for (int i = 0; i < m; i++)
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int k = 0; k < m; k++)
				s += a[i * m + k] * b[k * m + j];
			out[i * m + j] = s;
		}
}

/* P(D_n <= d) by Durbin's matrix: with d = (k - h)/n, the (k,k) entry of H^n times n!/n^n,
 * H the (2k-1)^2 matrix of Marsaglia, Tsang and Wang (2003), raised by repeated squaring with
 * the scale kept apart in a power of two. */
static double kolmogn_dmtw_cdf(int64_t n, double d)
{
	if (d >= 1)
		return 1;
	double nd = (double)n * d;
	if (nd <= 0.5)
		return 0;
	int k = (int)ceil(nd);
	double h = k - nd;
	int m = 2 * k - 1;
	size_t mm = (size_t)m * (size_t)m;
	double *H = calloc(4 * mm + 2 * (size_t)m, sizeof *H);
	if (!H)
		return NAN;
	double *P = H + mm, *T = P + mm, *T2 = T + mm, *v = T2 + mm, *w = v + m;
	/* v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1/j!; the corner term adds (2h-1)^m when h > 1/2. */
	double fac = 1;
	for (int j = 1; j <= m; j++) {
		w[j - 1] = fac;
		fac /= j;
		v[j - 1] = (1 - pow(h, j)) * fac;
	}
	double tt = pow(fmax(2 * h - 1, 0), m) - 2 * pow(h, m);
	v[m - 1] = (1 + tt) * fac;
	for (int i = 1; i < m; i++)
		for (int r = i - 1; r < m; r++)
			H[r * m + i] = w[r - i + 1];
	for (int r = 0; r < m; r++)
		H[r * m] = v[r];
	for (int c = 0; c < m; c++)
		H[(m - 1) * m + c] = v[m - 1 - c];
	for (int i = 0; i < m; i++)
		P[i * m + i] = 1;
	int expnt = 0, hexpnt = 0;
	for (int64_t nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			matmul(P, H, T, m);
			memcpy(P, T, mm * sizeof *P);
			expnt += hexpnt;
		}
		matmul(H, H, T2, m);
		memcpy(H, T2, mm * sizeof *H);
		hexpnt *= 2;
		if (fabs(H[(k - 1) * m + k - 1]) > EP128) {
			for (size_t i = 0; i < mm; i++)
				H[i] /= EP128;
			hexpnt += E128;
		}
	}
	double p = P[(k - 1) * m + k - 1];
	free(H);
	for (int64_t i = 1; i <= n; i++) { /* times n!/n^n, kept in range */
		p = (double)i * p / (double)n;
		if (fabs(p) < EM128) {
			p *= EP128;
			expnt -= E128;
		}
	}
	return ldexp(p, expnt);
}

/* The row bounds of the Pomeranz recursion. */
static void pomeranz_j1j2(int64_t i, int64_t n, int64_t ll, int ceilf, int roundf, int64_t *j1,
			  int64_t *j2)
{
	int64_t a, b;
	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else {
		int64_t half = (i + 1) / 2;
		if ((i + 1) % 2 == 0) { /* i odd */
			if (half == n + 1) {
				a = n - ll - ceilf - 1;
				b = n + ll + ceilf - 1;
			} else {
				a = half - 1 - ll - roundf - 1;
				b = half + ll - 1 + ceilf - 1;
			}
		} else {
			a = half - 1 - ll - 1;
			b = half + ll + roundf - 1;
		}
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

/* P(D_n <= d) by the Pomeranz (1974) recursion: 2n+1 rows, each the convolution of the last
 * with Poisson-like weights (g/n)^k/k!, (2g/n)^k/k! or ((1-2g)/n)^k/k!; the answer is n!
 * times the final entry.  Only two rows and their nonzero stretch are kept. */
static double kolmogn_pomeranz_cdf(int64_t n, double d)
{
	double t = (double)n * d;
	int64_t ll = (int64_t)floor(t);
	double f = t - (double)ll, g = fmin(f, 1 - f);
	int ceilf = f > 0, roundf = f > 0.5;
	size_t np = (size_t)(2 * (ll + 1));
	double *buf = calloc(5 * np, sizeof *buf);
	if (!buf)
		return NAN;
	double *gp = buf, *g2p = gp + np, *g12p = g2p + np, *V0 = g12p + np, *V1 = V0 + np;
	gp[0] = g2p[0] = g12p[0] = 1;
	for (size_t k = 1; k < np; k++) {
		gp[k] = gp[k - 1] * (g / (double)n) / (double)k;
		g2p[k] = g2p[k - 1] * (2 * g / (double)n) / (double)k;
		g12p[k] = g12p[k - 1] * ((1 - 2 * g) / (double)n) / (double)k;
	}
	V1[0] = 1;
	int64_t V0s = 0, V1s = 0, j1, j2;
	int expnt = 0;
	pomeranz_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
	for (int64_t i = 1; i < 2 * n + 2; i++) {
		int64_t k1 = j1;
		double *sw = V0;
		V0 = V1;
		V1 = sw;
		int64_t ts = V0s;
		V0s = V1s;
		V1s = ts;
		memset(V1, 0, np * sizeof *V1);
		pomeranz_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
		const double *w = (i == 1 || i == 2 * n + 1) ? gp : (i % 2 ? g2p : g12p);
		int64_t ln2 = j2 - k1 + 1;
		if (ln2 <= 0)
			continue;
		/* conv = V0[k1 - V0s ...] (ln2 values, fewer at the row's end) convolved with
		 * w[0 .. ln2); entries j1 - k1 .. j2 - k1 of it become the new row. */
		int64_t off = k1 - V0s, lv = ln2;
		if (off + lv > (int64_t)np)
			lv = (int64_t)np - off;
		int64_t cstart = j1 - k1, clen = j2 - j1 + 1, full = lv + ln2 - 1;
		double vmax = 0;
		for (int64_t c = 0; c < clen; c++) {
			int64_t kk = cstart + c;
			double s = 0;
			if (kk < full)
				for (int64_t a = kk - ln2 + 1 > 0 ? kk - ln2 + 1 : 0; a < lv && a <= kk; a++)
					s += V0[off + a] * w[kk - a];
			V1[c] = s;
			vmax = fmax(vmax, s);
		}
		if (vmax > 0 && vmax < EM128) {
			for (int64_t c = 0; c < clen; c++)
				V1[c] *= EP128;
			expnt -= E128;
		}
		V1s = V0s + j1 - k1;
	}
	double ans = V1[n - V1s];
	free(buf);
	for (int64_t m = 1; m <= n; m++) {
		if (fabs(ans) > EP128) {
			ans *= EM128;
			expnt += E128;
		}
		ans *= (double)m;
	}
	return ldexp(ans, expnt);
}

/* P(D_n <= d) by Pelz and Good's (1976) expansion of Li-Chien and Korolyuk's series in
 * powers of 1/sqrt(n), rewritten with Jacobi theta identities so it converges for small d:
 *   K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^1.5,   z = d sqrt(n). */
static double kolmogn_pelzgood_cdf(int64_t n, double d)
{
	if (d <= 0)
		return 0;
	if (d >= 1)
		return 1;
	const double pi2 = M_PI * M_PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
	const double sqrt2pi = sqrt(2 * M_PI);
	double z = sqrt((double)n) * d;
	double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
	double qlog = -pi2 / 8 / z2;
	if (qlog < -708)
		return 0;
	double q = exp(qlog);
	double k1a = -z2, k1b = pi2 / 4;
	double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
	double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8);
	double K[4] = { 0, 0, 0, 0 };
	/* Horner over the odd terms: sum_k c_k q^((2k-1)^2). */
	int maxk = (int)ceil(16 * z / M_PI);
	for (int k = maxk; k > 0; k--) {
		double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
		double qp = pow(q, 8.0 * k);
		double c[4] = { 1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
				k3a + k3b * m2 + k3c * m4 + k3d * m6 };
		for (int j = 0; j < 4; j++)
			K[j] = K[j] * qp + c[j];
	}
	double denom[4] = { z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10) };
	for (int j = 0; j < 4; j++)
		K[j] = K[j] * q * sqrt2pi / denom[j];
	/* The terms over all integers k in K2 and K3. */
	double q2 = exp(-pi2 / 2 / z2), k2extra = 0, k3extra = 0, s3z = sqrt(3.0) * z;
	for (int k = maxk; k > 0; k--) {
		double ks = (double)k * k, qk = pow(q2, ks), kp = M_PI * k;
		k2extra += ks * qk;
		k3extra += (s3z + kp) * (s3z - kp) * ks * qk;
	}
	K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
	K[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
	double sum = 0;
	for (int j = 0; j < 4; j++)
		sum += K[j] / pow((double)n, j / 2.0);
	return sum;
}

/* Simard and L'Ecuyer's choice of method, as scipy.stats._ksstats._kolmogn(cdf=False). */
double kolmogorov_n_sf(int64_t n, double x)
{
	if (n <= 0 || isnan(x))
		return NAN;
	if (x >= 1)
		return 0;
	if (x <= 0)
		return 1;
	double t = (double)n * x;
	if (t <= 1) { /* Ruben-Gambino: 1/2n < d <= 1/n, P(D_n <= d) = n!/n^n (2nd - 1)^n */
		if (t <= 0.5)
			return 1;
		double cdf;
		if (n <= 140) {
			cdf = 1;
			for (int64_t i = 1; i <= n; i++)
				cdf *= (double)i * (1.0 / (double)n) * (2 * t - 1);
		} else {
			cdf = exp(log_nfactorial_div_n_pow_n((double)n) + (double)n * log(2 * t - 1));
		}
		return clip01(1 - cdf);
	}
	if (t >= (double)(n - 1)) /* Ruben-Gambino: P(D_n >= d) = 2 (1 - d)^n */
		return clip01(2 * pow(1 - x, (double)n));
	if (x >= 0.5) /* the one-sided events cannot both happen: exactly twice Smirnov's tail */
		return clip01(2 * smirnov_sf(n, x));
	double nxx = t * x;
	if (n <= 140) {
		if (nxx <= 0.754693)
			return clip01(1 - kolmogn_dmtw_cdf(n, x));
		if (nxx <= 4)
			return clip01(1 - kolmogn_pomeranz_cdf(n, x));
		return clip01(2 * smirnov_sf(n, x));
	}
	if (nxx >= 370)
		return 0;
	if (nxx >= 2.2)
		return clip01(2 * smirnov_sf(n, x));
	double cdf = (n <= 100000 && (double)n * pow(x, 1.5) <= 1.4) ? kolmogn_dmtw_cdf(n, x)
								       : kolmogn_pelzgood_cdf(n, x);
	return clip01(1 - cdf);
}

/* ---- Two-sample exact ------------------------------------------------------------------ */

/* m == n: by reflection, P(D_{n,n} >= h/n) = 2 sum_k (-1)^(k+1) C(2n, n-kh) / C(2n, n).
 * Each ratio A_k = C(2n, n-kh)/C(2n, n-(k-1)h)... is taken as a product of h factors and the
 * alternating sum nested Horner-style, P = 2 A1 (1 - A2 (1 - A3 (...))), so nothing cancels
 * (scipy's _compute_prob_outside_square). */
static double ks2_square_sf(int64_t n, int64_t h)
{
	double P = 0;
	for (int64_t k = n / h; k >= 0; k--) {
		double p1 = 1;
		for (int64_t j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 / (double)(n + k * h + j + 1);
		P = p1 * (1 - P);
	}
	return 2 * P;
}

static int64_t floor_div(int64_t a, int64_t b) /* b > 0 */
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t ceil_div(int64_t a, int64_t b) /* b > 0 */
{
	return -floor_div(-a, b);
}

/* m != n: walk the lattice column by column (x = 0..m), keeping for each y inside the band
 * |n x - m y| / g < h the probability A(x,y) that a random path to (x,y) has already left it:
 *   A(x,y) = x/(x+y) A(x-1,y) + y/(x+y) A(x,y-1),   A = 1 outside the band,
 * (the path reaches (x,y) from the left with probability x/(x+y)).  The answer is A(m,n).
 * Only the band's window of one column is kept (Viehmann 2021; scipy's
 * _compute_outer_prob_inside_method). */
static double ks2_lattice_sf(int64_t m, int64_t n, int64_t g, int64_t h)
{
	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t minj = 0, maxj = ceil_div(h, mg) < n + 1 ? ceil_div(h, mg) : n + 1;
	int64_t curlen = maxj - minj;
	int64_t lenA = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
	double *A = malloc((size_t)lenA * sizeof *A);
	if (!A)
		return NAN;
	for (int64_t j = 0; j < lenA; j++)
		A[j] = j < maxj ? 0 : 1;
	for (int64_t i = 1; i <= m; i++) {
		int64_t lastminj = minj, lastlen = curlen;
		minj = floor_div(ng * i - h, mg) + 1;
		if (minj < 0)
			minj = 0;
		if (minj > n)
			minj = n;
		maxj = ceil_div(ng * i + h, mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj) { /* the band closed: every path has left it */
			free(A);
			return 1;
		}
		double val = minj == 0 ? 0 : 1; /* A(i, minj - 1) is outside the band */
		for (int64_t jj = 0; jj < maxj - minj; jj++) {
			int64_t j = jj + minj;
			val = (A[jj + minj - lastminj] * (double)i + val * (double)j) / (double)(i + j);
			A[jj] = val;
		}
		curlen = maxj - minj;
		for (int64_t jj = curlen; jj < lastlen; jj++)
			A[jj] = 1; /* cells the window left behind are outside */
	}
	double p = A[maxj - minj - 1];
	free(A);
	return p;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

double ks2_exact_sf(int64_t m, int64_t n, int64_t h)
{
	if (m <= 0 || n <= 0 || h < 0)
		return NAN;
	if (h == 0)
		return 1;
	if (m == n)
		return ks2_square_sf(n, h);
	return ks2_lattice_sf(m, n, gcd64(m, n), h);
}

double ks2_pvalue(int64_t m, int64_t n, int64_t diff, int *exact)
{
	if (diff < 0)
		diff = -diff;
	if ((m > n ? m : n) <= KS2_EXACT_MAX_N) {
		/* d lcm(m,n) = diff / gcd(m,n), an integer: no rounding needed. */
		double p = ks2_exact_sf(m, n, diff / gcd64(m, n));
		if (p >= 0 && p <= 1) {
			if (exact)
				*exact = 1;
			return p;
		}
		/* SciPy falls back to the large-sample formula when the count fails. */
	}
	if (exact)
		*exact = 0;
	double big = (double)(m > n ? m : n), small = (double)(m > n ? n : m);
	double en = big * small / (big + small);
	double d = (double)diff / ((double)m * (double)n);
	return clip01(kolmogorov_n_sf((int64_t)rint(en), d));
}
