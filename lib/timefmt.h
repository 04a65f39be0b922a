/* timefmt.h - UTC time as int64 milliseconds since the Unix epoch, and its text forms.
 *
 * Calendar arithmetic is done here, in the proleptic Gregorian calendar, without the C
 * library's time zone machinery: every time in craipto is UTC.
 */
#ifndef CRA_TIMEFMT_H
#define CRA_TIMEFMT_H

#include <stdint.h>

#define MS_PER_SECOND 1000LL
#define MS_PER_MINUTE (60 * MS_PER_SECOND)
#define MS_PER_HOUR (60 * MS_PER_MINUTE)
#define MS_PER_DAY (24 * MS_PER_HOUR)

/* Days since 1970-01-01 of a civil date (month 1..12), and back. */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* Formats t as "2021-04-04T20:00:00Z" (milliseconds shown only when not zero). */
#define TIME_BUF 32
int time_format_iso(int64_t t_ms, char *buf);

/* Parses an absolute time: ms since the epoch (all digits), or ISO 8601 "2021-04-04",
 * "2021-04-04T20:00", "2021-04-04 20:00:00", with optional fraction and "Z" or +hh:mm.
 * Returns 0, or -1 if the text is none of these. */
int time_parse_absolute(const char *s, int64_t *t_ms);

/* Parses a time that may also be relative to now_ms: "90d", "12h", "30m", "2w" mean that long
 * before now.  Returns 0 or -1. */
int time_parse(const char *s, int64_t now_ms, int64_t *t_ms);

/* The current time in ms (CLOCK_REALTIME). */
int64_t time_now_ms(void);

#endif
