/* interval.c - Binance interval names, lengths and UTC alignment; see interval.h. */
#include "interval.h"

#include <stdio.h>
#include <string.h>

#include "timefmt.h"

const struct interval interval_table[] = {
	{ "1m", MS_PER_MINUTE, 0 },       { "3m", 3 * MS_PER_MINUTE, 0 },
	{ "5m", 5 * MS_PER_MINUTE, 0 },   { "15m", 15 * MS_PER_MINUTE, 0 },
	{ "30m", 30 * MS_PER_MINUTE, 0 }, { "1h", MS_PER_HOUR, 0 },
	{ "2h", 2 * MS_PER_HOUR, 0 },     { "4h", 4 * MS_PER_HOUR, 0 },
	{ "6h", 6 * MS_PER_HOUR, 0 },     { "8h", 8 * MS_PER_HOUR, 0 },
	{ "12h", 12 * MS_PER_HOUR, 0 },   { "1d", MS_PER_DAY, 0 },
	{ "3d", 3 * MS_PER_DAY, 0 },      { "1w", 7 * MS_PER_DAY, 0 },
	{ "1M", 30 * MS_PER_DAY, 1 },     { NULL, 0, 0 },
};

/* 1970-01-05 was the first Monday after the epoch; weeks are counted from it. */
#define FIRST_MONDAY_MS (4 * MS_PER_DAY)

int interval_parse(const char *name, struct interval *iv)
{
	for (const struct interval *p = interval_table; p->name; p++)
		if (!strcmp(p->name, name)) {
			*iv = *p;
			return 0;
		}
	return -1;
}

int duration_parse_ms(const char *text, int64_t *ms)
{
	long long n;
	char unit[3] = { 0 }, extra;
	if (sscanf(text, "%lld%2[smhdw]%c", &n, unit, &extra) != 2 || n <= 0 || unit[1])
		return -1;
	int64_t unit_ms = 0;
	switch (unit[0]) {
	case 's': unit_ms = MS_PER_SECOND; break;
	case 'm': unit_ms = MS_PER_MINUTE; break;
	case 'h': unit_ms = MS_PER_HOUR; break;
	case 'd': unit_ms = MS_PER_DAY; break;
	case 'w': unit_ms = 7 * MS_PER_DAY; break;
	}
	if (n > 1000000000LL)
		return -1;
	*ms = n * unit_ms;
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Months since 1970-01 of the month containing t, and back. */
static int64_t month_index(int64_t t)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(floor_div(t, MS_PER_DAY), &y, &m, &d);
	return (y - 1970) * 12 + (m - 1);
}

static int64_t month_start(int64_t index)
{
	int64_t y = 1970 + floor_div(index, 12);
	unsigned m = (unsigned)(index - floor_div(index, 12) * 12) + 1;
	return days_from_civil(y, m, 1) * MS_PER_DAY;
}

int interval_of_step(int64_t step, struct interval *iv)
{
	for (const struct interval *p = interval_table; p->name; p++)
		if (p->months ? step >= 28 * MS_PER_DAY && step <= 31 * MS_PER_DAY : step == p->ms) {
			*iv = *p;
			return 0;
		}
	return -1;
}

int64_t interval_floor(const struct interval *iv, int64_t t)
{
	if (iv->months)
		return month_start(month_index(t));
	int64_t origin = iv->ms == 7 * MS_PER_DAY ? FIRST_MONDAY_MS : 0;
	return origin + floor_div(t - origin, iv->ms) * iv->ms;
}

int64_t interval_next(const struct interval *iv, int64_t t)
{
	return iv->months ? month_start(month_index(t) + 1) : t + iv->ms;
}

bool interval_aligned(const struct interval *iv, int64_t t) { return interval_floor(iv, t) == t; }

int64_t interval_count(const struct interval *iv, int64_t a, int64_t b)
{
	if (iv->months)
		return month_index(b - 1) - month_index(a) + 1;
	return (b - a) / iv->ms;
}
