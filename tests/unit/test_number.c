/* Number parsing must agree with strtod bit for bit; formatting must be the shortest text
 * that reads back to the same double. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "number.h"

static double parse(const char *s)
{
	double v = -12345;
	CHECK(number_parse_double(s, strlen(s), &v) == 0);
	return v;
}

static void check_same_as_strtod(const char *s)
{
	double a = parse(s), b = strtod(s, NULL);
	if (memcmp(&a, &b, sizeof a) != 0)
		fprintf(stderr, "mismatch for %s: %.17g vs %.17g\n", s, a, b);
	CHECK(memcmp(&a, &b, sizeof a) == 0);
}

static void check_format(double v, const char *expected)
{
	char buf[NUMBER_BUF];
	int n = number_format_double(v, buf);
	CHECK_STR(buf, expected);
	CHECK_INT(n, (long long)strlen(expected));
}

/* Digits of the significand without leading or trailing zeros: "0.000120" -> 2. */
static int significant_digits(const char *text)
{
	char digits[NUMBER_BUF];
	int n = 0;
	for (const char *c = text; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9' && (n > 0 || *c != '0'))
			digits[n++] = *c;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	return n ? n : 1;
}

/* xorshift64*: a fixed pseudo-random stream so the test is repeatable. */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t next_random(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

int main(void)
{
	/* Hand-picked decimals, including the fast path's edges and the slow path. */
	const char *cases[] = { "0", "-0", "1", "57953.86000000", "0.1", "0.30000000000000004",
				"1240.20901600", "9007199254740993", "123456789012345678901234",
				"1e22", "1e23", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
				"0.000001", "1e-7", "+3.5", "-42.125", "7.", ".5", "1E5", "12345678901234567890" };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check_same_as_strtod(cases[i]);

	/* Garbage is refused whole, not parsed as a prefix. */
	const char *bad[] = { "", " 1", "1 ", "abc", "1.2.3", "0x10", "1e", "--1", "1,5", "12a" };
	double v;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(number_parse_double(bad[i], strlen(bad[i]), &v) == -1);
	/* nan and inf parse (so callers can say "not finite" rather than "not a number"). */
	CHECK(number_parse_double("nan", 3, &v) == 0 && isnan(v));
	CHECK(number_parse_double("-inf", 4, &v) == 0 && isinf(v) && v < 0);

	int64_t t;
	CHECK(number_parse_int64("1617566400000", 13, &t) == 0 && t == 1617566400000LL);
	CHECK(number_parse_int64("-7", 2, &t) == 0 && t == -7);
	CHECK(number_parse_int64("9223372036854775807", 19, &t) == 0 && t == INT64_MAX);
	CHECK(number_parse_int64("9223372036854775808", 19, &t) == -1);
	CHECK(number_parse_int64("1.6e12", 6, &t) == 0 && t == 1600000000000LL);
	CHECK(number_parse_int64("1.5", 3, &t) == -1);
	CHECK(number_parse_int64("", 0, &t) == -1);

	/* Shortest forms. */
	check_format(57953.86, "57953.86");
	check_format(0.1, "0.1");
	check_format(0.1 + 0.2, "0.30000000000000004");
	check_format(1240.209016, "1240.209016");
	check_format(1617566400000.0, "1617566400000");
	check_format(-2.5, "-2.5");
	check_format(0.0, "0");
	check_format(1e-7, "1e-07");
	check_format(1e300, "1e+300");
	check_format(123456789.123456789, "123456789.12345679");
	check_format(0.000123, "0.000123");
	check_format(NAN, "nan");

	/* Round trip over random doubles of every magnitude, and over random "prices". */
	char buf[NUMBER_BUF];
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = next_random();
		double d;
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		int n = number_format_double(d, buf);
		double back;
		CHECK(number_parse_double(buf, (size_t)n, &back) == 0);
		if (memcmp(&back, &d, sizeof d)) {
			fprintf(stderr, "round trip failed: %.17g -> %s\n", d, buf);
			CHECK(0);
			break;
		}
		/* Shortest: as many significant digits as the fewest that any %.*g form needs. */
		int fewest = 17;
		for (int p = 1; p < 17; p++) {
			char g[NUMBER_BUF];
			snprintf(g, sizeof g, "%.*g", p, d);
			if (strtod(g, NULL) == d) {
				fewest = p;
				break;
			}
		}
		CHECK_INT(significant_digits(buf), fewest);
	}
	for (int i = 0; i < 200000; i++) {
		double price = (double)(next_random() % 100000000000ULL) / 1e6; /* 6 decimals */
		int n = number_format_double(price, buf);
		double back;
		CHECK(number_parse_double(buf, (size_t)n, &back) == 0 && back == price);
		CHECK(strtod(buf, NULL) == price);
	}
	/* Random decimal texts of 1 to 24 digits with the point anywhere, with and without
	 * padding zeros and exponents: bit-identical to strtod. */
	for (int i = 0; i < 300000; i++) {
		char text[64];
		int n = 0, ndigits = 1 + (int)(next_random() % 24), point = (int)(next_random() % (ndigits + 1));
		if (next_random() % 4 == 0)
			text[n++] = '-';
		for (int k = 0; k < ndigits; k++) {
			if (k == point && k > 0)
				text[n++] = '.';
			text[n++] = (char)('0' + (next_random() % 3 == 0 ? 0 : next_random() % 10));
		}
		if (next_random() % 5 == 0)
			n += sprintf(text + n, "e%d", (int)(next_random() % 60) - 30);
		text[n] = '\0';
		double ours, theirs = strtod(text, NULL);
		CHECK(number_parse_double(text, (size_t)n, &ours) == 0);
		if (memcmp(&ours, &theirs, sizeof ours)) {
			fprintf(stderr, "parse mismatch for %s: %.17g vs %.17g\n", text, ours, theirs);
			CHECK(0);
			break;
		}
	}
	return check_finish();
}
