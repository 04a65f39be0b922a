/* sort_doubles.h - sorting arrays of doubles in ascending order, fast.
 *
 * A least-significant-digit radix sort on the bits of each double, mapped to an unsigned key
 * that orders like the number (flip every bit of a negative, the sign bit of a positive): 8
 * passes of 8 bits, each a counting pass plus a scatter, O(n) rather than O(n log n).  On a
 * million values it is several times faster than qsort(3).  Short arrays go to insertion
 * sort.  -0.0 is turned into +0.0 first, so that equal numbers are equal keys; NaN is not
 * allowed (callers drop undefined values first).
 */
#ifndef CRA_SORT_DOUBLES_H
#define CRA_SORT_DOUBLES_H

#include <stddef.h>

/* Sorts a[0..n) ascending.  Returns 0, or -1 when out of memory (a is then unchanged). */
int sort_doubles(double *a, size_t n);

#endif
