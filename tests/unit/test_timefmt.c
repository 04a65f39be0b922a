/* UTC calendar arithmetic and time text, against dates computed by hand and known epochs. */
#include "check.h"
#include "timefmt.h"

static int64_t parse(const char *s)
{
	int64_t t = -1;
	CHECK(time_parse_absolute(s, &t) == 0);
	return t;
}

int main(void)
{
	CHECK_INT(days_from_civil(1970, 1, 1), 0);
	CHECK_INT(days_from_civil(2000, 3, 1), 11017);  /* 30 years + 7 leap days + Jan, Feb */
	CHECK_INT(days_from_civil(1969, 12, 31), -1);
	CHECK_INT(days_from_civil(2021, 4, 4), 18721);
	int64_t y;
	unsigned m, d;
	civil_from_days(19722, &y, &m, &d); /* 2023-12-31 */
	CHECK(y == 2023 && m == 12 && d == 31);
	civil_from_days(11016, &y, &m, &d);
	CHECK(y == 2000 && m == 2 && d == 29);

	/* The first candle of the shared BTCUSDT data. */
	CHECK_INT(parse("2021-04-04T20:00:00Z"), 1617566400000LL);
	CHECK_INT(parse("2021-04-04 20:00"), 1617566400000LL);
	CHECK_INT(parse("2021-04-04T22:00:00+02:00"), 1617566400000LL);
	CHECK_INT(parse("2021-04-04T20:00:00.250Z"), 1617566400250LL);
	CHECK_INT(parse("2021-04-04"), 1617494400000LL);
	CHECK_INT(parse("1617566400000"), 1617566400000LL);
	int64_t t;
	CHECK(time_parse_absolute("2021-02-29", &t) == -1);
	CHECK(time_parse_absolute("2021-13-01", &t) == -1);
	CHECK(time_parse_absolute("2021-04-04T25:00", &t) == -1);
	CHECK(time_parse_absolute("yesterday", &t) == -1);
	CHECK(time_parse_absolute("2021-04-04Tjunk", &t) == -1);

	char buf[TIME_BUF];
	time_format_iso(1617566400000LL, buf);
	CHECK_STR(buf, "2021-04-04T20:00:00Z");
	time_format_iso(1617566400250LL, buf);
	CHECK_STR(buf, "2021-04-04T20:00:00.250Z");
	time_format_iso(-1, buf);
	CHECK_STR(buf, "1969-12-31T23:59:59.999Z");

	int64_t now = 1700000000000LL;
	CHECK(time_parse("90d", now, &t) == 0 && t == now - 90 * MS_PER_DAY);
	CHECK(time_parse("12h", now, &t) == 0 && t == now - 12 * MS_PER_HOUR);
	CHECK(time_parse("2w", now, &t) == 0 && t == now - 14 * MS_PER_DAY);
	CHECK(time_parse("90x", now, &t) == -1);
	CHECK(time_parse("-3d", now, &t) == -1);
	CHECK(time_parse("", now, &t) == -1);
	return check_finish();
}
