/* fuzz_number.c - number parsing and formatting (number.h) from arbitrary text.
 *
 * The promises checked: number_parse_double gives exactly what strtod gives (correctly
 * rounded) for every text it accepts, and refuses blanks and hexadecimal; number_parse_int64
 * agrees with strtoll on plain integers; the shortest form number_format_double writes parses
 * back to the same double, bit for bit; integers format back to their text.  The first byte
 * chooses nothing: the whole input is the text (a double's 8 bytes, for the formatting).
 */
#include <errno.h>
#include <math.h>

#include "fuzz.h"
#include "number.h"

static bool same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a);
}

/* Formats v and parses it back. */
static void check_format(double v)
{
	char buf[NUMBER_BUF];
	int n = number_format_double(v, buf);
	FUZZ_CHECK(n > 0 && n < NUMBER_BUF && (size_t)n == strlen(buf));
	double back;
	FUZZ_CHECK(number_parse_double(buf, (size_t)n, &back) == 0);
	if (!same_double(v, back))
		fprintf(stderr, "%.17g formatted as '%s' reads back as %.17g\n", v, buf, back);
	FUZZ_CHECK(same_double(v, back));
}

static void check_parse_double(const char *text, size_t len)
{
	double v;
	if (number_parse_double(text, len, &v) != 0)
		return;
	FUZZ_CHECK(strlen(text) == len); /* a NUL inside is refused */
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(text[i] != ' ' && text[i] != '\t' && text[i] != 'x' && text[i] != 'X');
	char *end;
	double want = strtod(text, &end);
	FUZZ_CHECK(end == text + len);
	if (!same_double(v, want))
		fprintf(stderr, "'%s' parses as %.17g, strtod says %.17g\n", text, v, want);
	FUZZ_CHECK(same_double(v, want));
	check_format(v);
}

static void check_parse_int64(const char *text, size_t len)
{
	int64_t v;
	if (number_parse_int64(text, len, &v) != 0)
		return;
	char buf[NUMBER_BUF];
	int n = number_format_int64(v, buf);
	int64_t back;
	FUZZ_CHECK(number_parse_int64(buf, (size_t)n, &back) == 0 && back == v);
	/* A plain integer (sign and digits only) must be what strtoll reads. */
	bool plain = len > 0;
	for (size_t i = 0; i < len; i++)
		plain &= (text[i] >= '0' && text[i] <= '9') || (i == 0 && (text[i] == '-' || text[i] == '+'));
	if (plain) {
		errno = 0;
		long long want = strtoll(text, NULL, 10);
		FUZZ_CHECK(errno == 0 && want == v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	check_parse_double(text, size);
	check_parse_int64(text, size);
	if (size == sizeof(double)) {
		double v;
		memcpy(&v, data, sizeof v);
		check_format(v);
	}
	free(text);
	return 0;
}
