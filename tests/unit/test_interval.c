/* Interval names and UTC alignment, with boundaries worked out by hand. */
#include "check.h"
#include "interval.h"
#include "timefmt.h"

static int64_t at(const char *iso)
{
	int64_t t;
	CHECK(time_parse_absolute(iso, &t) == 0);
	return t;
}

int main(void)
{
	struct interval h1, h4, d1, w1, mo;
	CHECK(interval_parse("1h", &h1) == 0 && h1.ms == 3600000);
	CHECK(interval_parse("4h", &h4) == 0 && h4.ms == 4 * 3600000);
	CHECK(interval_parse("1d", &d1) == 0);
	CHECK(interval_parse("1w", &w1) == 0);
	CHECK(interval_parse("1M", &mo) == 0 && mo.months == 1);
	struct interval bad;
	CHECK(interval_parse("1H", &bad) == -1);
	CHECK(interval_parse("2d", &bad) == -1);
	CHECK(interval_parse("", &bad) == -1);

	CHECK_INT(interval_floor(&h4, at("2023-05-17T07:59:59Z")), at("2023-05-17T04:00:00Z"));
	CHECK_INT(interval_floor(&d1, at("2023-05-17T07:00:00Z")), at("2023-05-17"));
	/* 2023-05-17 was a Wednesday: its week opened on Monday 2023-05-15. */
	CHECK_INT(interval_floor(&w1, at("2023-05-17T07:00:00Z")), at("2023-05-15"));
	CHECK_INT(interval_floor(&w1, at("2023-05-15")), at("2023-05-15"));
	CHECK_INT(interval_floor(&mo, at("2024-02-29T23:00:00Z")), at("2024-02-01"));
	CHECK_INT(interval_next(&mo, at("2024-02-01")), at("2024-03-01"));
	CHECK_INT(interval_next(&mo, at("2023-12-01")), at("2024-01-01"));
	CHECK_INT(interval_next(&h4, at("2023-05-17T20:00Z")), at("2023-05-18"));
	CHECK(interval_aligned(&h1, at("2023-05-17T07:00Z")));
	CHECK(!interval_aligned(&h1, at("2023-05-17T07:30Z")));
	CHECK(!interval_aligned(&h4, at("2023-05-17T07:00Z")));
	CHECK_INT(interval_count(&h1, at("2023-05-17"), at("2023-05-18")), 24);
	CHECK_INT(interval_count(&mo, at("2023-01-01"), at("2024-01-01")), 12);
	CHECK_INT(interval_count(&mo, at("2023-01-01"), at("2023-01-01")), 0);

	int64_t ms;
	CHECK(duration_parse_ms("4h", &ms) == 0 && ms == 4 * 3600000);
	CHECK(duration_parse_ms("90m", &ms) == 0 && ms == 90 * 60000);
	CHECK(duration_parse_ms("0h", &ms) == -1);
	CHECK(duration_parse_ms("4", &ms) == -1);
	CHECK(duration_parse_ms("4hh", &ms) == -1);
	return check_finish();
}
