/* number.c - exact, fast decimal parsing and shortest round-trip formatting; see number.h. */
#include "number.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Powers of ten that are exact in a double: 10^k for k <= 22 (5^22 < 2^53). */
static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define TWO_POW_53 9007199254740992ULL

/* Eight ASCII bytes at p as a little-endian word (memcpy: no alignment assumed). */
static inline uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Whether all eight bytes of w are '0'..'9': each byte must have high nibble 3, and adding 6
 * must not carry a digit above '9' out of that nibble. */
static inline bool all_digits8(uint64_t w)
{
	return (((w & 0xF0F0F0F0F0F0F0F0ULL) |
		 (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ==
		0x3333333333333333ULL);
}

/* The value of eight decimal digits (first digit in the lowest byte), by combining pairs,
 * then pairs of pairs, then the two halves: three multiplications instead of eight. */
static inline uint32_t digits8_value(uint64_t w)
{
	w -= 0x3030303030303030ULL;
	w = (w * 10) + (w >> 8); /* byte pairs -> 0..99 in every other byte */
	w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
	     (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >> 32;
	return (uint32_t)w;
}

/* Appends the run of digits at *p to m, counting them in *count; eight at a time where it
 * can.  Stops at the first non-digit. */
static inline void accumulate_digits(const char **p, const char *end, uint64_t *m, int *count)
{
	const char *q = *p;
	while (end - q >= 8 && *count <= 11) {
		uint64_t w = load8(q);
		if (!all_digits8(w))
			break;
		*m = *m * 100000000ULL + digits8_value(w);
		*count += 8;
		q += 8;
	}
	for (; q < end && *q >= '0' && *q <= '9'; q++, (*count)++)
		if (*count < 19)
			*m = *m * 10 + (uint64_t)(*q - '0');
	*p = q;
}

/* Clinger's fast path: when the decimal significand m fits in 53 bits and the decimal
 * exponent e has |e| <= 22, both m and 10^|e| are exact doubles, so the single IEEE
 * multiplication or division m * 10^e is correctly rounded - the same result strtod gives.
 * Returns false when the text is outside that case (strtod then decides). */
static bool parse_fast(const char *s, const char *end, double *out)
{
	bool negative = false;
	if (s < end && (*s == '-' || *s == '+'))
		negative = *s++ == '-';
	uint64_t m = 0;
	int digits = 0, frac_digits = 0; /* digits counts the fraction's too */
	accumulate_digits(&s, end, &m, &digits);
	if (s < end && *s == '.') {
		s++;
		int before = digits;
		accumulate_digits(&s, end, &m, &digits);
		frac_digits = digits - before;
	}
	if (digits == 0 || digits > 19)
		return false; /* no digits at all, or more than a uint64 holds: strtod's job */
	int exp10 = -frac_digits;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		bool eneg = false;
		if (s < end && (*s == '-' || *s == '+'))
			eneg = *s++ == '-';
		if (s == end || *s < '0' || *s > '9')
			return false;
		int e = 0;
		for (; s < end && *s >= '0' && *s <= '9'; s++) {
			if (e > 10000)
				return false;
			e = e * 10 + (*s - '0');
		}
		exp10 += eneg ? -e : e;
	}
	if (s != end)
		return false;
	if (m == 0) {
		*out = negative ? -0.0 : 0.0;
		return true;
	}
	/* Padding zeros ("58025.11000000") may push m or the exponent out of range: drop them. */
	while ((m > TWO_POW_53 || exp10 < -22) && m % 10 == 0) {
		m /= 10;
		exp10++;
	}
	if (m > TWO_POW_53 || exp10 < -22 || exp10 > 22)
		return false;
	double v = (double)m;
	v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
	*out = negative ? -v : v;
	return true;
}

int number_parse_double(const char *s, size_t len, double *out)
{
	if (len == 0)
		return -1;
	if (parse_fast(s, s + len, out))
		return 0;
	/* The slow path: strtod on a NUL-terminated copy.  Refuse what strtod would accept but a
	 * table cell must not hold: blanks and hexadecimal. */
	char buf[128];
	if (len >= sizeof buf)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == 'x' || s[i] == 'X' || s[i] == '\0')
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (end != buf + len)
		return -1;
	*out = v; /* overflow gives +-inf, which callers reject as non-finite */
	return 0;
}

int number_parse_int64(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	bool negative = false;
	if (p < end && (*p == '-' || *p == '+'))
		negative = *p++ == '-';
	if (p == end)
		return -1;
	uint64_t v = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == end) {
		if (v > (uint64_t)INT64_MAX + negative)
			return -1;
		*out = negative ? (int64_t)(0 - v) : (int64_t)v;
		return 0;
	}
	/* "1.6174944e12" or "1617494400000.0": accept when the value is an exact integer. */
	double d;
	if (number_parse_double(s, len, &d) || !isfinite(d) || d != floor(d) || fabs(d) > 9.0e15)
		return -1;
	*out = (int64_t)d;
	return 0;
}

int number_format_int64(int64_t v, char *buf)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	int len = 0;
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

/* Fixed-point fast path: the smallest d <= 12 such that m = round(|v| * 10^d) gives back v
 * exactly as m / 10^d.  That division is what parse_fast computes (m < 2^53, d <= 22), so the
 * text "m with d decimals" reads back to v; the smallest such d has the fewest digits. */
static int format_fixed(double v, char *buf)
{
	double a = fabs(v);
	if (!(a >= 1e-6 && a < 1e15))
		return -1;
	for (int d = 0; d <= 12; d++) {
		double scaled = nearbyint(a * exact_pow10[d]);
		if (scaled >= (double)TWO_POW_53)
			return -1;
		if (scaled / exact_pow10[d] != a)
			continue;
		char digits[24];
		int nd = number_format_int64((int64_t)scaled, digits);
		int len = 0;
		if (v < 0)
			buf[len++] = '-';
		if (nd <= d) { /* 0.000123 */
			buf[len++] = '0';
			buf[len++] = '.';
			for (int z = 0; z < d - nd; z++)
				buf[len++] = '0';
			memcpy(buf + len, digits, (size_t)nd);
			len += nd;
		} else {
			memcpy(buf + len, digits, (size_t)(nd - d));
			len += nd - d;
			if (d > 0) {
				buf[len++] = '.';
				memcpy(buf + len, digits + nd - d, (size_t)d);
				len += d;
			}
		}
		buf[len] = '\0';
		return len;
	}
	return -1;
}

int number_format_double(double v, char *buf)
{
	if (isnan(v))
		return snprintf(buf, NUMBER_BUF, "nan");
	if (isinf(v))
		return snprintf(buf, NUMBER_BUF, v < 0 ? "-inf" : "inf");
	if (v == 0)
		return snprintf(buf, NUMBER_BUF, signbit(v) ? "-0" : "0");
	int len = format_fixed(v, buf);
	if (len > 0)
		return len;
	/* General case: the first of %.15g, %.16g, %.17g that reads back exactly (17 always does).
	 * Any decimal of at most 15 digits survives a trip through a normal double (DBL_DIG), so
	 * %.15g already finds such a shortest form; subnormals hold fewer digits and start at 1. */
	for (int precision = fabs(v) < DBL_MIN ? 1 : 15; precision <= 17; precision++) {
		len = snprintf(buf, NUMBER_BUF, "%.*g", precision, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return len;
}
