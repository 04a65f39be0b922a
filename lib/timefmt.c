/* timefmt.c - UTC calendar arithmetic and time text; see timefmt.h. */
#include "timefmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: shift the year to start in March so the leap day is last,
 * then count 400-year eras (146097 days), years of the era, and days of the year. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int time_format_iso(int64_t t, char *buf)
{
	int64_t days = floor_div(t, MS_PER_DAY);
	int64_t ms_of_day = t - days * MS_PER_DAY;
	int64_t y;
	unsigned mo, d;
	civil_from_days(days, &y, &mo, &d);
	int hh = (int)(ms_of_day / MS_PER_HOUR), mi = (int)(ms_of_day / MS_PER_MINUTE % 60),
	    ss = (int)(ms_of_day / 1000 % 60), ms = (int)(ms_of_day % 1000);
	if (ms)
		return snprintf(buf, TIME_BUF, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, mo,
				d, hh, mi, ss, ms);
	return snprintf(buf, TIME_BUF, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, mo, d, hh,
			mi, ss);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static const unsigned days_in_month[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int time_parse_absolute(const char *s, int64_t *t_ms)
{
	if (!*s)
		return -1;
	const char *p = s;
	bool all_digits = true;
	for (const char *q = s; *q; q++)
		all_digits &= isdigit((unsigned char)*q) != 0;
	if (all_digits && strlen(s) > 8) { /* ms since the epoch: 1617566400000 */
		long long v = 0;
		if (sscanf(s, "%lld", &v) != 1)
			return -1;
		*t_ms = v;
		return 0;
	}
	int y, mo, d, hh = 0, mi = 0, ss = 0, ms = 0;
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month[mo - 1] + (mo == 2 && leap(y)))
		return -1;
	int64_t offset_ms = 0;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &ss))
				return -1;
			if (*p == '.') {
				p++;
				int scale = 100, nd = 0;
				while (isdigit((unsigned char)*p)) {
					if (nd++ < 3) {
						ms += (*p - '0') * scale;
						scale /= 10;
					}
					p++;
				}
				if (nd == 0)
					return -1;
			}
		}
		if (hh > 23 || mi > 59 || ss > 60)
			return -1;
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (!digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p && !digits(&p, 2, &om))
				return -1;
			offset_ms = sign * (oh * MS_PER_HOUR + om * MS_PER_MINUTE);
		}
	}
	if (*p)
		return -1;
	*t_ms = days_from_civil(y, (unsigned)mo, (unsigned)d) * MS_PER_DAY + hh * MS_PER_HOUR +
		mi * MS_PER_MINUTE + ss * MS_PER_SECOND + ms - offset_ms;
	return 0;
}

int time_parse(const char *s, int64_t now_ms, int64_t *t_ms)
{
	if (time_parse_absolute(s, t_ms) == 0)
		return 0;
	/* Relative: a positive integer and a unit, meaning that long ago. */
	long long n;
	char unit, extra;
	if (sscanf(s, "%lld%c%c", &n, &unit, &extra) != 2 || n < 0 || !isdigit((unsigned char)*s))
		return -1;
	int64_t unit_ms;
	switch (unit) {
	case 's': unit_ms = MS_PER_SECOND; break;
	case 'm': unit_ms = MS_PER_MINUTE; break;
	case 'h': unit_ms = MS_PER_HOUR; break;
	case 'd': unit_ms = MS_PER_DAY; break;
	case 'w': unit_ms = 7 * MS_PER_DAY; break;
	default: return -1;
	}
	if (n > 100000LL * 365)
		return -1;
	*t_ms = now_ms - n * unit_ms;
	return 0;
}

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
