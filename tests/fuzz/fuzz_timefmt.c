/* fuzz_timefmt.c - time and interval option values from arbitrary text: time_parse_absolute
 * and time_parse (timefmt.h), interval_parse and duration_parse_ms (interval.h), and the
 * interval arithmetic on the times parsed.
 *
 * The promises checked: a time in the years ISO 8601 writes with four digits formats and
 * parses back to itself; a relative time is before now; an interval parses only under its own
 * name; a duration is a positive whole number of seconds; the candle holding a time starts at
 * or before it, is aligned, and the next one starts after it.
 */
#include "fuzz.h"
#include "interval.h"
#include "timefmt.h"

#define NOW_MS 1700000000000LL /* 2023-11-14T22:13:20Z */

/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years "%04lld" writes in four digits. */
static int64_t first_ms(void) { return days_from_civil(0, 1, 1) * MS_PER_DAY; }
static int64_t end_ms(void) { return days_from_civil(10000, 1, 1) * MS_PER_DAY; }

static void check_round_trip(int64_t t)
{
	char buf[TIME_BUF];
	int n = time_format_iso(t, buf);
	FUZZ_CHECK(n > 0 && n < TIME_BUF);
	int64_t back;
	FUZZ_CHECK(time_parse_absolute(buf, &back) == 0);
	if (back != t)
		fprintf(stderr, "%lld formats as %s, parses as %lld\n", (long long)t, buf,
			(long long)back);
	FUZZ_CHECK(back == t);
}

/* Every interval's candle around t; t within the four-digit years. */
static void check_intervals(int64_t t)
{
	for (const struct interval *iv = interval_table; iv->name; iv++) {
		int64_t start = interval_floor(iv, t), next = interval_next(iv, start);
		FUZZ_CHECK(start <= t && t < next);
		FUZZ_CHECK(interval_aligned(iv, start) && interval_aligned(iv, next));
		FUZZ_CHECK(interval_count(iv, start, next) == 1);
		FUZZ_CHECK(iv->months || next - start == iv->ms);
	}
}

static void check_times(const char *text)
{
	int64_t t;
	if (time_parse_absolute(text, &t) == 0) {
		if (t >= first_ms() && t < end_ms()) {
			check_round_trip(t);
			check_intervals(t);
		}
		int64_t same;
		FUZZ_CHECK(time_parse(text, NOW_MS, &same) == 0 && same == t);
	} else if (time_parse(text, NOW_MS, &t) == 0) {
		FUZZ_CHECK(t <= NOW_MS);
	}
}

static void check_interval_names(const char *text)
{
	struct interval iv;
	if (interval_parse(text, &iv) == 0) {
		FUZZ_CHECK(!strcmp(iv.name, text) && iv.ms > 0);
		struct interval again;
		FUZZ_CHECK(interval_of_step(iv.ms, &again) == 0 && !strcmp(again.name, iv.name));
	}
	int64_t ms;
	if (duration_parse_ms(text, &ms) == 0)
		FUZZ_CHECK(ms > 0 && ms % 1000 == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	check_times(text);
	check_interval_names(text);
	free(text);
	return 0;
}
