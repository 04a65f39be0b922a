/* Kolmogorov-Smirnov null distributions: cases counted by hand, and values of SciPy 1.10.1
 * (Debian python3-scipy 1.10.1, numpy 1.24.2) computed outside this test with
 *   scipy.stats.kstwo.sf(x, n), scipy.special.smirnov(n, x), scipy.stats.ks_2samp(a, b)
 * one for each of the methods kolmogorov_n_sf chooses between. */
#include <stdint.h>

#include "check.h"
#include "kolmogorov.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

/* Relative tolerance: SciPy sums some series in double-double, we in long double. */
#define CHECK_REL(a, b, rel) CHECK_NEAR((a), (b), (rel) * fabs(b) + 1e-300)

/* The tolerance for smirnov_sf at n: its sum for large n needs long double's 64-bit mantissa
 * (kolmogorov.c).  Valgrind computes x87 long double in double precision (a documented
 * limitation of its emulation), which leaves about 1e-8 there; everywhere else, 1e-11. */
static double smirnov_tolerance(int64_t n)
{
	return n >= 10000 && RUNNING_ON_VALGRIND ? 1e-7 : 1e-11;
}

static int64_t binom(int n, int k)
{
	int64_t r = 1;
	for (int i = 1; i <= k; i++)
		r = r * (n - k + i) / i;
	return r;
}

int main(void)
{
	/* ---- two-sample exact, by hand ---- */
	/* m = n = 3, D = 1: of the C(6,3) = 20 lattice paths only the two along the edges
	 * reach |x - y| = 3. */
	CHECK_REL(ks2_exact_sf(3, 3, 3), 2.0 / 20, 1e-15);
	/* D = 2/3: by reflection 2 C(6,1) of the paths touch |x - y| = 2 (none both sides). */
	CHECK_REL(ks2_exact_sf(3, 3, 2), 2.0 * 6 / 20, 1e-15);
	CHECK_NEAR(ks2_exact_sf(3, 3, 0), 1, 0);
	/* m = 2, n = 1, D = 1/2 (h = 1 of lcm 2): every one of the 3 paths touches the band. */
	CHECK_NEAR(ks2_exact_sf(2, 1, 1), 1, 1e-15);
	/* m = 2, n = 1, D = 1 (h = 2): only the 2 paths (x,x,y) and (y,x,x) reach it. */
	CHECK_REL(ks2_exact_sf(2, 1, 2), 2.0 / 3, 1e-15);
	/* m = 4, n = 2, D = 1: the extreme orders aaaabb and bbaaaa, 2 of C(6,2) = 15. */
	CHECK_REL(ks2_exact_sf(4, 2, 4), 2.0 / 15, 1e-15);
	/* Symmetric in m and n. */
	CHECK_REL(ks2_exact_sf(2, 4, 4), 2.0 / 15, 1e-15);
	/* m = n = 10, D = 1: 2 of C(20,10). */
	CHECK_REL(ks2_exact_sf(10, 10, 10), 2.0 / (double)binom(20, 10), 1e-14);
	/* m = 7, n = 3, D = 1 (h = lcm = 21): 2 of C(10,3) = 120 - the lattice method. */
	CHECK_REL(ks2_exact_sf(7, 3, 21), 2.0 / 120, 1e-14);

	/* ---- one-sample, by hand ---- */
	/* Ruben-Gambino, 1/2n < d <= 1/n: P(D_n <= d) = n!/n^n (2nd - 1)^n;
	 * n = 5, d = 0.15: 120/3125 * 0.5^5 = 0.0012. */
	CHECK_REL(kolmogorov_n_sf(5, 0.15), 1 - 0.0012, 1e-14);
	CHECK_NEAR(kolmogorov_n_sf(5, 0.05), 1, 0); /* d <= 1/2n: always exceeded */
	CHECK_NEAR(kolmogorov_n_sf(5, 0), 1, 0);
	CHECK_NEAR(kolmogorov_n_sf(5, 1), 0, 0);
	/* d >= 1 - 1/n: 2 (1 - d)^n. */
	CHECK_REL(kolmogorov_n_sf(10, 0.95), 2 * pow(0.05, 10), 1e-12);
	/* Smirnov n = 1: P(D+ >= d) = 1 - d. n = 5, d = 0.5: the sum has v = 0..2:
	 * 0.5 [0.5^-1 0.5^5 + 5 (0.7)^0 0.3^4 + 10 (0.9) 0.1^3] = 0.5 [0.0625 + 0.0405 + 0.009]. */
	CHECK_REL(smirnov_sf(1, 0.3), 0.7, 1e-15);
	CHECK_REL(smirnov_sf(5, 0.5), 0.5 * (0.0625 + 0.0405 + 0.009), 1e-14);

	/* ---- one-sample, against SciPy, one row per method ---- */
	static const struct {
		const char *method;
		int64_t n;
		double x, sf;
	} kstwo[] = {
		{ "t >= n-1", 10, 0.95, 1.9531250000000172e-13 },
		{ "x >= 0.5", 20, 0.6, 2.0483011649719853e-07 },
		{ "n<=140 DMTW", 100, 0.05, 0.9532159710635725 },
		{ "n<=140 Pomeranz", 100, 0.15, 0.019839242125641813 },
		{ "n<=140 Pomeranz frac>0.5", 37, 0.2, 0.08979521784208933 },
		{ "n<=140 Smirnov", 100, 0.25, 5.408871776434847e-06 },
		{ "n>140 DMTW", 1000, 0.012, 0.9984464668620097 },
		{ "n>140 PelzGood", 1000, 0.03, 0.3226902143914636 },
		{ "n>1e5 PelzGood", 200000, 0.002, 0.39995085369038097 },
		{ "n>140 Smirnov", 1000, 0.06, 0.001428597887952891 },
		{ "n>140 Smirnov deep tail", 5000, 0.1, 5.590495886396459e-44 },
		{ "nx^2 >= 370", 1000, 0.7, 0.0 },
	};
	for (size_t i = 0; i < sizeof kstwo / sizeof *kstwo; i++) {
		double got = kolmogorov_n_sf(kstwo[i].n, kstwo[i].x);
		if (fabs(got - kstwo[i].sf) > 1e-11 * kstwo[i].sf + 1e-300)
			fprintf(stderr, "kstwo %s\n", kstwo[i].method);
		CHECK_REL(got, kstwo[i].sf, 1e-11);
	}
	static const struct {
		int64_t n;
		double x, sf;
	} smirnov[] = {
		{ 5, 0.1, 0.85359 },
		{ 10, 0.05, 0.9224335892010742 },
		{ 100, 0.1, 0.1265906584562817 },
		{ 1000, 0.03, 0.16203171395455085 },
		{ 1000, 0.3, 1.2953578528684224e-80 },
		{ 50000, 0.005, 0.0818116087310516 },
		{ 1000000, 0.001, 0.1352450897649141 },
		{ 2000000, 0.001, 0.018303432023617325 }, /* beyond 1e6: SciPy's approximation */
	};
	for (size_t i = 0; i < sizeof smirnov / sizeof *smirnov; i++)
		CHECK_REL(smirnov_sf(smirnov[i].n, smirnov[i].x), smirnov[i].sf,
			  smirnov_tolerance(smirnov[i].n));

	/* ---- ks2_pvalue: the branch switch at 10000 ---- */
	int exact = -1;
	/* 10000 vs 9000, d = 0.020444...: diff = d m n = 1840000; SciPy p = 0.03752110954346493 */
	CHECK_REL(ks2_pvalue(10000, 9000, 1840000, &exact), 0.03752110954346493, 1e-10);
	CHECK_INT(exact, 1);
	/* 20000 vs 15000, d = 0.010616666...: diff = 3185000; SciPy p = 0.2867790783116787 */
	CHECK_REL(ks2_pvalue(20000, 15000, 3185000, &exact), 0.2867790783116787, 1e-10);
	CHECK_INT(exact, 0);
	return check_finish();
}
