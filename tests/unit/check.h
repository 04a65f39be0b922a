/* check.h - the unit tests' few assertion macros.  A failed check prints file:line and the
 * values, counts the failure and carries on; main returns check_finish(). */
#ifndef CRA_CHECK_H
#define CRA_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		check_count++;                                                           \
		if (!(cond)) {                                                           \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		}                                                                        \
	} while (0)

#define CHECK_INT(a, b)                                                                  \
	do {                                                                             \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);          \
		check_count++;                                                           \
		if (check_a_ != check_b_) {                                              \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,  \
				__LINE__, #a, check_a_, #b, check_b_);                   \
		}                                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *check_a_ = (a), *check_b_ = (b);                             \
		check_count++;                                                           \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) {              \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,    \
				__LINE__, #a, check_a_ ? check_a_ : "(null)",            \
				check_b_ ? check_b_ : "(null)");                         \
		}                                                                        \
	} while (0)

/* |a - b| <= tol, or both NaN. */
#define CHECK_NEAR(a, b, tol)                                                            \
	do {                                                                             \
		double check_a_ = (a), check_b_ = (b);                                   \
		check_count++;                                                           \
		if (!((isnan(check_a_) && isnan(check_b_)) ||                            \
		      fabs(check_a_ - check_b_) <= (tol))) {                             \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g (tol %g)\n",       \
				__FILE__, __LINE__, #a, check_a_, check_b_, (double)(tol));  \
		}                                                                        \
	} while (0)

static inline int check_finish(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
