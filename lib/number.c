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

/* Writes n / 10^places: in fixed notation ("0.000123", "57953.86") down to 1e-6, below that
 * in printf's exponent notation ("1.5e-08") where it is shorter; returns the length. */
static int write_scaled(uint64_t n, int places, bool negative, char *buf)
{
	char digits[24];
	int nd = number_format_int64((int64_t)n, digits), len = 0;
	if (negative)
		buf[len++] = '-';
	int exponent = nd - 1 - places; /* of the leading digit */
	int fixed_len = nd > places ? nd + (places > 0) : places + 2;
	int sci_len = nd + (nd > 1) + 4 + (exponent <= -100 || exponent >= 100);
	if (exponent < -6 && sci_len < fixed_len) {
		buf[len++] = digits[0];
		if (nd > 1) {
			buf[len++] = '.';
			memcpy(buf + len, digits + 1, (size_t)(nd - 1));
			len += nd - 1;
		}
		return len + snprintf(buf + len, NUMBER_BUF - (size_t)len, "e%c%02d",
				      exponent < 0 ? '-' : '+', abs(exponent));
	}
	if (nd <= places) {
		buf[len++] = '0';
		buf[len++] = '.';
		for (int z = 0; z < places - nd; z++)
			buf[len++] = '0';
		memcpy(buf + len, digits, (size_t)nd);
		len += nd;
	} else {
		memcpy(buf + len, digits, (size_t)(nd - places));
		len += nd - places;
		if (places > 0) {
			buf[len++] = '.';
			memcpy(buf + len, digits + nd - places, (size_t)places);
			len += places;
		}
	}
	buf[len] = '\0';
	return len;
}

/* 5^s for s <= 27 (5^27 < 2^63). */
static const uint64_t pow5[28] = {
	1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL, 1953125ULL,
	9765625ULL, 48828125ULL, 244140625ULL, 1220703125ULL, 6103515625ULL, 30517578125ULL,
	152587890625ULL, 762939453125ULL, 3814697265625ULL, 19073486328125ULL, 95367431640625ULL,
	476837158203125ULL, 2384185791015625ULL, 11920928955078125ULL, 59604644775390625ULL,
	298023223876953125ULL, 1490116119384765625ULL, 7450580596923828125ULL,
};

/* The shortest decimal for |v| in [1e-10, 2^53), found exactly in 128-bit integers.
 *
 * Write |v| = m 2^e (m a 53-bit integer, e <= 0).  The reals that round to v lie within half
 * an ulp of it: in units of 2^(e-2), between lo = 4m - 2 (4m - 1 when m = 2^52, where the ulp
 * below is half as wide) and hi = 4m + 2, ends included when m is even (round-half-even).  A
 * decimal with s places, N / 10^s, reads back to v exactly when lo < N 10^s / 2^(e-2) < hi,
 * that is lo 5^s / 2^(2-e-s) < N < hi 5^s / 2^(2-e-s).  The fewest places s for which such an
 * N exists gives the fewest digits; among those N, the one nearest v is written.  Some s <= 27
 * works for |v| >= 1e-10 (17 significant digits always suffice), and s = -e always does (v
 * is then exact), so s stays within min(27, -e), keeping every product below 2^118. */
static int format_exact(double v, char *buf)
{
	double a = fabs(v);
	if (!(a >= 1e-10 && a < 9007199254740992.0))
		return -1;
	int e;
	uint64_t m = (uint64_t)ldexp(frexp(a, &e), 53);
	e -= 53;
	typedef unsigned __int128 u128;
	u128 center = (u128)m * 4, lo = center - (m == (1ULL << 52) ? 1 : 2), hi = center + 2;
	bool inclusive = m % 2 == 0;
	int max_places = -e < 27 ? -e : 27;

	/* Whether some N fits at s places; the answer only turns from no to yes as s grows, so
	 * the fewest places are found by bisection. */
	int low = 0, high = max_places;
	while (low < high) {
		int s = (low + high) / 2, shift = 2 - e - s;
		u128 p = pow5[s], mask = ((u128)1 << shift) - 1;
		u128 l = lo * p, h = hi * p;
		u128 nlo = (l >> shift) + ((l & mask) == 0 && inclusive ? 0 : 1);
		u128 nhi = (h >> shift) - ((h & mask) == 0 && !inclusive ? 1 : 0);
		if (nlo <= nhi)
			high = s;
		else
			low = s + 1;
	}
	int s = low, shift = 2 - e - s;
	u128 p = pow5[s], mask = ((u128)1 << shift) - 1, half = (u128)1 << (shift - 1);
	u128 l = lo * p, h = hi * p, c = center * p;
	u128 nlo = (l >> shift) + ((l & mask) == 0 && inclusive ? 0 : 1);
	u128 nhi = (h >> shift) - ((h & mask) == 0 && !inclusive ? 1 : 0);
	u128 n = c >> shift, rem = c & mask;
	if (rem > half || (rem == half && (n & 1)))
		n++; /* v 10^s rounded to nearest, ties to even */
	if (n < nlo)
		n = nlo;
	if (n > nhi)
		n = nhi;
	return write_scaled((uint64_t)n, s, v < 0, buf);
}

int number_format_double(double v, char *buf)
{
	if (isnan(v))
		return snprintf(buf, NUMBER_BUF, "nan");
	if (isinf(v))
		return snprintf(buf, NUMBER_BUF, v < 0 ? "-inf" : "inf");
	if (v == 0)
		return snprintf(buf, NUMBER_BUF, signbit(v) ? "-0" : "0");
	int len = format_exact(v, buf);
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
