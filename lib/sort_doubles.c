/* sort_doubles.c - LSD radix sort of doubles; see sort_doubles.h. */
#include "sort_doubles.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RADIX_BITS 8
#define RADIX (1 << RADIX_BITS)
#define PASSES (64 / RADIX_BITS)
#define SMALL 64 /* below this, insertion sort beats counting */

/* An unsigned key that orders like the double: a positive number's bits already order
 * correctly once the sign bit is set (above every negative); a negative's bits order
 * backwards, so all of them are flipped. */
static inline uint64_t key_of(double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline double double_of(uint64_t k)
{
	uint64_t u = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static void insertion_sort(double *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double v = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

int sort_doubles(double *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		a[i] += 0.0; /* -0.0 + 0.0 is +0.0: equal numbers get equal keys */
	if (n < SMALL) {
		insertion_sort(a, n);
		return 0;
	}
	uint64_t *key = malloc(2 * n * sizeof *key);
	if (!key)
		return -1;
	uint64_t *src = key, *dst = key + n;
	/* One read pass fills the histograms of all eight digits. */
	size_t count[PASSES][RADIX] = { { 0 } }; /* 16 KiB */
	for (size_t i = 0; i < n; i++) {
		uint64_t k = key_of(a[i]);
		src[i] = k;
		for (int p = 0; p < PASSES; p++)
			count[p][(k >> (p * RADIX_BITS)) & (RADIX - 1)]++;
	}
	for (int p = 0; p < PASSES; p++) {
		/* A digit that every key shares (the exponent bits of data of one magnitude, say)
		 * would move nothing: skip its pass. */
		uint64_t d0 = (src[0] >> (p * RADIX_BITS)) & (RADIX - 1);
		if (count[p][d0] == n)
			continue;
		size_t offset[RADIX], sum = 0;
		for (int d = 0; d < RADIX; d++) {
			offset[d] = sum;
			sum += count[p][d];
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k = src[i];
			dst[offset[(k >> (p * RADIX_BITS)) & (RADIX - 1)]++] = k;
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = double_of(src[i]);
	free(key);
	return 0;
}
