/* Drift statistics: cases worked out by hand, the properties every drift measure must have
 * (identical samples give KS 0, p 1, JS 0, PSI 0; disjoint ones KS 1, JS 1), and values of
 * SciPy 1.10.1 / numpy 1.24.2 (Debian python3-scipy) computed outside this test on the same
 * deterministic samples:
 *   a_i = (i 7919 mod 10007) / 10007,  b_j = (j 104729 mod 10009) / 10009 + shift
 * with scipy.stats.ks_2samp(a, b) (method 'auto'),
 * scipy.spatial.distance.jensenshannon(ha/len(a), hb/len(b), base=2)**2 over
 * numpy.histogram(x, bins=20, range=(min, max) of both), and a numpy PSI:
 *   e = np.quantile(base, np.arange(1,10)/10)
 *   share(x) = np.maximum(np.bincount(np.searchsorted(e, x, side='right'), minlength=10)/len(x), 1e-4)
 *   psi = np.sum((share(rec) - share(base)) * np.log(share(rec) / share(base)))          */
#include <stdint.h>

#include "check.h"
#include "drift.h"
#include "sort_doubles.h"

#define CHECK_REL(a, b, rel) CHECK_NEAR((a), (b), (rel) * fabs(b) + 1e-300)

static double *sample_a(size_t n)
{
	double *x = malloc(n * sizeof *x);
	for (size_t i = 0; i < n; i++)
		x[i] = (double)((int64_t)i * 7919 % 10007) / 10007.0;
	return x;
}

static double *sample_b(size_t n, double shift)
{
	double *x = malloc(n * sizeof *x);
	for (size_t j = 0; j < n; j++)
		x[j] = (double)((int64_t)j * 104729 % 10009) / 10009.0 + shift;
	return x;
}

static const struct drift_thresholds th = { 0.2, 0.05, 0.2 };

static void check_ks_case(size_t n, size_t m, double shift, double d, double p, bool exact)
{
	double *a = sample_a(n), *b = sample_b(m, shift);
	sort_doubles(a, n);
	sort_doubles(b, m);
	struct ks_result r;
	ks_two_sample(a, n, b, m, &r);
	CHECK_REL(r.d, d, 1e-14);
	CHECK_REL(r.p, p, 1e-10);
	CHECK_INT(r.exact, exact);
	free(a);
	free(b);
}

int main(void)
{
	/* ---- KS by hand ---- */
	struct ks_result r;
	double a1[] = { 1, 2, 4 }, b1[] = { 3, 5, 6 };
	/* ECDF gaps after 1,2,3,4,5,6: 1/3, 2/3, 1/3, 2/3, 1/3, 0 -> D = 2/3, p = 2 C(6,1)/C(6,3) */
	ks_two_sample(a1, 3, b1, 3, &r);
	CHECK_REL(r.d, 2.0 / 3, 1e-15);
	CHECK_REL(r.p, 0.6, 1e-15);
	CHECK(r.exact);
	/* Ties across the samples: gaps after 1 and 2 are 2/3 - 1/3 and 0, so D = 1/3 (a walk
	 * that stepped through tied values one by one would see 2/3 - 0 after the first 1). */
	double a2[] = { 1, 1, 2 }, b2[] = { 1, 2, 2 };
	ks_two_sample(a2, 3, b2, 3, &r);
	CHECK_REL(r.d, 1.0 / 3, 1e-15);
	CHECK_NEAR(r.p, 1, 1e-15); /* SciPy: 1.0 */
	/* Identical samples: D 0, p 1. */
	double same[] = { -3, -1, 0, 0, 2, 7.5 };
	ks_two_sample(same, 6, same, 6, &r);
	CHECK_NEAR(r.d, 0, 0);
	CHECK_NEAR(r.p, 1, 0);
	/* Disjoint samples: D 1. */
	double lo3[] = { 1, 2, 3 }, hi3[] = { 4, 5, 6 };
	ks_two_sample(lo3, 3, hi3, 3, &r);
	CHECK_NEAR(r.d, 1, 0);
	CHECK_REL(r.p, 0.1, 1e-15); /* 2 of the C(6,3) = 20 orders; SciPy 0.09999999999999999 */

	/* Heavy ties within and across samples: D against the definition, both ECDFs counted
	 * at every value that occurs. */
	uint64_t seed = 12345;
	for (int t = 0; t < 2000; t++) {
		double x[40], y[40];
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		size_t n = 1 + (seed >> 33) % 40, m = 1 + (seed >> 45) % 40;
		int range = 1 + (int)((seed >> 20) % 6);
		for (size_t i = 0; i < n + m; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double v = (double)((seed >> 33) % (uint64_t)range);
			if (i < n)
				x[i] = v;
			else
				y[i - n] = v;
		}
		sort_doubles(x, n);
		sort_doubles(y, m);
		double want = 0;
		for (size_t k = 0; k < n + m; k++) {
			double v = k < n ? x[k] : y[k - n];
			size_t cx = 0, cy = 0;
			for (size_t i = 0; i < n; i++)
				cx += x[i] <= v;
			for (size_t i = 0; i < m; i++)
				cy += y[i] <= v;
			want = fmax(want, fabs((double)cx / (double)n - (double)cy / (double)m));
		}
		ks_two_sample(x, n, y, m, &r);
		CHECK_NEAR(r.d, want, 1e-15);
	}

	/* ---- KS against SciPy: exact (equal and unequal sizes), and the large-sample branch
	 * at effective sizes 119 (Durbin matrix, Pomeranz, Smirnov), 8571 and 120000. ---- */
	check_ks_case(500, 500, 0.03, 0.036, 0.9026912216773312, true);
	check_ks_case(500, 500, 0.1, 0.104, 0.008922221390371415, true);
	check_ks_case(300, 470, 0.02, 0.02773049645390071, 0.9980903140747319, true);
	check_ks_case(300, 470, 0.08, 0.08886524822695036, 0.10299636211358022, true);
	check_ks_case(7, 13, 0.3, 0.3516483516483517, 0.4833849329205366, true);
	check_ks_case(10000, 9000, 0.005, 0.0054444444444444445, 0.9988429407275886, true);
	check_ks_case(10000, 9000, 0.02, 0.020444444444444446, 0.03752110954346493, true);
	check_ks_case(10000, 10000, 0.01, 0.0101, 0.6875487335121528, true);
	check_ks_case(20000, 120, 0.05, 0.060349999999999904, 0.7557774153513188, false);
	check_ks_case(20000, 120, 0.1, 0.11044999999999994, 0.10160219482118783, false);
	check_ks_case(20000, 120, 0.25, 0.26039999999999996, 1.316130479479916e-07, false);
	check_ks_case(20000, 15000, 0.005, 0.005616666666666714, 0.948287584351813, false);
	check_ks_case(20000, 15000, 0.01, 0.010616666666666719, 0.2867790783116787, false);
	check_ks_case(20000, 15000, 0.03, 0.0306333333333334, 2.0173887969024274e-07, false);
	check_ks_case(300000, 200000, 0.003, 0.0030966666666666673, 0.19961630134055575, false);
	check_ks_case(300000, 200000, 0.01, 0.010099999999999998, 4.6271446692324814e-11, false);

	/* ---- JS by hand: 2 bins over [0, 1]; P = (1/2, 1/2), Q = (3/4, 1/4), M = (5/8, 3/8) ---- */
	double pa[] = { 0, 0.1, 0.9, 1.0 }, pb[] = { 0, 0.1, 0.2, 1.0 };
	double fa[2], fb[2], lo, hi;
	double js = js_divergence(pa, 4, pb, 4, 2, fa, fb, &lo, &hi);
	double hand = 0.5 * (0.5 * log2(0.5 / 0.625) + 0.5 * log2(0.5 / 0.375)) +
		      0.5 * (0.75 * log2(0.75 / 0.625) + 0.25 * log2(0.25 / 0.375));
	CHECK_REL(js, hand, 1e-14);
	CHECK_REL(js, 0.048794940695398505, 1e-12); /* jensenshannon([.5,.5],[.75,.25],base=2)**2 */
	CHECK_NEAR(fa[0], 0.5, 0);
	CHECK_NEAR(fb[0], 0.75, 0); /* 0.2 < 0.5; the right edge 1.0 belongs to the last bin */
	CHECK_NEAR(lo, 0, 0);
	CHECK_NEAR(hi, 1, 0);
	/* Identical: 0.  Disjoint and far apart: 1.  One value everywhere: 0. */
	CHECK_NEAR(js_divergence(same, 6, same, 6, 20, NULL, NULL, NULL, NULL), 0, 0);
	CHECK_NEAR(js_divergence(lo3, 3, hi3, 3, 20, NULL, NULL, NULL, NULL), 1, 1e-15);
	double ones[] = { 4, 4, 4 };
	CHECK_NEAR(js_divergence(ones, 3, ones, 2, 20, NULL, NULL, &lo, &hi), 0, 0);
	CHECK_NEAR(lo, 3.5, 0); /* numpy widens an empty range by 1/2 each way */

	/* ---- JS and PSI against numpy/SciPy ---- */
	double *a = sample_a(1000), *b = sample_b(800, 0.05);
	sort_doubles(a, 1000);
	sort_doubles(b, 800);
	double ha[20], hb[20];
	CHECK_REL(js_divergence(a, 1000, b, 800, 20, ha, hb, NULL, NULL), 0.04359141704295379, 1e-12);
	CHECK_REL(ha[0], 52 / 1000.0, 1e-15); /* numpy counts: first bins 52 53 52, last 43 43 42 */
	CHECK_REL(ha[1], 53 / 1000.0, 1e-15);
	CHECK_REL(hb[19], 42 / 800.0, 1e-15);
	CHECK_REL(hb[17], 43 / 800.0, 1e-15);
	CHECK_REL(psi_deciles(a, 1000, b, 800), 0.05295075710210157, 1e-12);
	/* np.quantile(a, [0.1, 0.25, 0.5, 0.9]) */
	CHECK_NEAR(quantile_sorted(a, 1000, 0.1), 0.10082941940641552, 0);
	CHECK_NEAR(quantile_sorted(a, 1000, 0.25), 0.24970020985310282, 0);
	CHECK_NEAR(quantile_sorted(a, 1000, 0.5), 0.5004496852203457, 0);
	CHECK_NEAR(quantile_sorted(a, 1000, 0.9), 0.9000599580293794, 0);

	/* ---- PSI by hand ---- */
	/* Baseline 0..99: deciles 9.9, 19.8, ..., so each bin holds 10 values.  Recent: 50
	 * values in [0, 5) - all in bin 0.  PSI = (1 - .1) ln(1/.1) + 9 (1e-4 - .1) ln(1e-4/.1). */
	double base100[100], rec50[50];
	for (int i = 0; i < 100; i++)
		base100[i] = i;
	for (int i = 0; i < 50; i++)
		rec50[i] = i * 0.1;
	CHECK_REL(psi_deciles(base100, 100, rec50, 50),
		  0.9 * log(10) + 9 * (1e-4 - 0.1) * log(1e-4 / 0.1), 1e-13);
	CHECK_NEAR(psi_deciles(base100, 100, base100, 100), 0, 1e-15);
	/* Ties: baseline 50 ones, 30 twos, 20 threes has deciles 1,1,1,1,1.5,2,2,2.2,3, so a 1
	 * lands in bin 4, a 2 in bin 7, a 3 in bin 9; the other bins are empty on both sides
	 * (floored alike, adding 0).  Recent 20/30/50: PSI = 2 (0.3 ln 2.5) = 0.6 ln 2.5; numpy
	 * gives 0.549774439124493. */
	double tb[100], tr[100];
	for (int i = 0; i < 100; i++) {
		tb[i] = i < 50 ? 1 : i < 80 ? 2 : 3;
		tr[i] = i < 20 ? 1 : i < 50 ? 2 : 3;
	}
	CHECK_REL(psi_deciles(tb, 100, tr, 100), 0.6 * log(2.5), 1e-14);
	CHECK_REL(psi_deciles(tb, 100, tr, 100), 0.549774439124493, 1e-14);

	/* ---- drift_compare: undefined values dropped, thresholds, verdict ---- */
	double nb[] = { NAN, 1, 2, 3, NAN }, nr[] = { 10, NAN, 11, 12 };
	struct drift_result dr;
	struct cra_error err = { 0 };
	CHECK_INT(drift_compare(nb, 5, nr, 4, 20, &th, &dr, &err), 0);
	CHECK_INT(dr.n_baseline, 3);
	CHECK_INT(dr.n_recent, 3);
	CHECK_NEAR(dr.ks.d, 1, 0);
	CHECK_NEAR(dr.js, 1, 1e-15);
	CHECK_INT(dr.fired, DRIFT_JS | DRIFT_PSI); /* p = 0.1 is not below 0.05 */
	/* bins of width 11/20 from 1: 1, 2, 3 fall in bins 0, 1, 3; 10, 11, 12 in 16, 18, 19 */
	CHECK_NEAR(dr.baseline_frac[0] + dr.baseline_frac[1] + dr.baseline_frac[3], 1, 1e-15);
	CHECK_NEAR(dr.recent_frac[19], 1.0 / 3, 1e-15);
	CHECK_NEAR(dr.lo, 1, 0);
	CHECK_NEAR(dr.hi, 12, 0);
	drift_result_free(&dr);
	/* Inputs are not reordered. */
	CHECK(isnan(nb[0]) && nb[1] == 1 && nr[0] == 10);
	struct drift_thresholds loose = { 1.1, 0.01, 100 };
	CHECK_INT(drift_compare(nb, 5, nr, 4, 20, &loose, &dr, &err), 0);
	CHECK_INT(dr.fired, 0);
	drift_result_free(&dr);
	/* Identical large samples: nothing fires. */
	CHECK_INT(drift_compare(a, 1000, a, 1000, 20, &th, &dr, &err), 0);
	CHECK_NEAR(dr.ks.d, 0, 0);
	CHECK_NEAR(dr.ks.p, 1, 0);
	CHECK_NEAR(dr.js, 0, 0);
	CHECK_NEAR(dr.psi, 0, 0);
	CHECK_INT(dr.fired, 0);
	drift_result_free(&dr);
	/* A sample with no value at all. */
	double allnan[] = { NAN, NAN };
	CHECK_INT(drift_compare(allnan, 2, nr, 4, 20, &th, &dr, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "baseline") != NULL);
	CHECK_INT(drift_compare(nr, 4, allnan, 2, 20, &th, &dr, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "recent") != NULL);
	CHECK_INT(drift_compare(nr, 0, nr, 4, 20, &th, &dr, &err), EX_DATAERR);
	CHECK_STR(err.msg, "the baseline sample is empty");
	free(a);
	free(b);
	return check_finish();
}
