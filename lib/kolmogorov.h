/* kolmogorov.h - null distributions of the Kolmogorov-Smirnov statistics: how likely a
 * deviation at least this large is when both samples come from one distribution.
 *
 * The algorithms, branches and cut-offs are those of SciPy 1.10 (scipy.stats.ks_2samp with
 * method='auto', scipy.stats.kstwo, scipy.special.smirnov), so that a p-value here is the one
 * a Python user would get from the same data:
 *
 *   two-sample, exact (max(m, n) <= 10000): the lattice-path count of Hodges (1958) - for
 *     m == n the reflection formula, otherwise Viehmann's (2021) recursion for 1 - p, which
 *     holds probabilities, never counts, so nothing overflows;
 *   two-sample, large samples: the exact one-sample distribution of D_k at the effective size
 *     k = round(m n / (m + n)), computed by Simard and L'Ecuyer's (2011) choice of method:
 *     Ruben-Gambino closed forms at the ends, Durbin's matrix (Marsaglia-Tsang-Wang), the
 *     Pomeranz recursion, the Pelz-Good expansion, or twice the one-sided Smirnov tail.
 */
#ifndef CRA_KOLMOGOROV_H
#define CRA_KOLMOGOROV_H

#include <stdint.h>

/* P(D+_n >= d): the one-sided statistic of n observations against a continuous distribution
 * (Smirnov 1944, Birnbaum-Tingey 1951), as scipy.special.smirnov(n, d). */
double smirnov_sf(int64_t n, double d);

/* P(D_n >= d): the two-sided one-sample statistic, as scipy.stats.kstwo.sf(d, n). */
double kolmogorov_n_sf(int64_t n, double d);

/* P(D_{m,n} >= h / lcm(m, n)) exactly, for samples of m and n values without ties between
 * them: the share of the lattice paths from (0,0) to (m,n) that touch |x/m - y/n| >= h/lcm. */
double ks2_exact_sf(int64_t m, int64_t n, int64_t h);

/* SciPy's switch: the exact distribution when max(m, n) <= this, else the large-sample one. */
#define KS2_EXACT_MAX_N 10000

/* The p-value of ks_2samp(method='auto'), two-sided, for sizes m, n and statistic
 * d = |diff| / (m n), where diff = i n_2 - j n_1 is the largest ECDF gap in integers (so the
 * exact branch needs no rounding).  *exact says which branch was taken. */
double ks2_pvalue(int64_t m, int64_t n, int64_t diff, int *exact);

#endif
