/* A live candle stream in bounded memory: 50000 candles of two symbols through a window of
 * 100 - never more than 200 held, the newest always there, the other symbol's rows and
 * repeated candles skipped; out-of-order and off-interval candles refused with file:line. */
#include <stdint.h>

#include "check.h"
#include "forecast_stream.h"
#include "testfiles.h"

#define N 50000
#define HOUR 3600000LL
#define T0 1672531200000LL /* 2023-01-01T00:00Z */

static char *feed(const char *dir, const char *name, const char *tail)
{
	size_t cap = (size_t)N * 160 + 1000, len = 0;
	char *text = malloc(cap);
	len += (size_t)sprintf(text + len, "symbol,open_time,open,high,low,close,volume\n");
	for (int i = 0; i < N; i++) {
		double c = 100 + i % 7;
		len += (size_t)sprintf(text + len, "BTCUSDT,%lld,%g,%g,%g,%g,1\n", T0 + i * HOUR, c, c + 1,
				       c - 1, c);
		len += (size_t)sprintf(text + len, "ETHUSDT,%lld,5,6,4,5,1\n", T0 + i * HOUR);
		if (i == 10) /* the newest candle again */
			len += (size_t)sprintf(text + len, "BTCUSDT,%lld,%g,%g,%g,%g,1\n",
					       T0 + i * HOUR, c, c + 1, c - 1, c);
	}
	len += (size_t)sprintf(text + len, "%s", tail);
	char *path = write_file(dir, name, text, len);
	free(text);
	return path;
}

static int read_all(const char *path, size_t *most, int64_t *newest, size_t *count,
		    struct cra_error *err)
{
	struct forecast_stream s;
	struct interval iv;
	interval_parse("1h", &iv);
	int r = forecast_stream_open(&s, path, "BTCUSDT", &iv, 100, err);
	bool added;
	*most = *count = 0;
	while (!r && !(r = forecast_stream_next(&s, &added, err)) && added) {
		++*count;
		*most = s.c.n > *most ? s.c.n : *most;
		*newest = s.c.open_time[s.c.n - 1];
		if (s.c.v[CF_CLOSE][s.c.n - 1] != 100 + (double)((*newest - T0) / HOUR % 7))
			r = -1; /* another symbol's row taken */
	}
	forecast_stream_close(&s);
	return r;
}

int main(void)
{
	const char *dir = test_dir("forecast_stream");
	struct cra_error err = { 0 };
	size_t most, count;
	int64_t newest = 0;
	char *good = feed(dir, "good.csv", "");
	CHECK_INT(read_all(good, &most, &newest, &count, &err), 0);
	CHECK_INT(count, N);
	CHECK(most <= 200 && most >= 100);
	CHECK_INT(newest, T0 + (N - 1) * HOUR);

	char *late = feed(dir, "late.csv", "BTCUSDT,1672531200000,1,1,1,1,1\n");
	CHECK_INT(read_all(late, &most, &newest, &count, &err), 65);
	CHECK(strstr(err.msg, "late.csv:100003: field 'open_time': 2023-01-01T00:00:00Z is before "
			      "the candle before it") != NULL);
	char *odd = feed(dir, "odd.csv", "BTCUSDT,2000000000000,1,1,1,1,1\n");
	CHECK_INT(read_all(odd, &most, &newest, &count, &err), 65);
	CHECK(strstr(err.msg, "odd.csv:100003: field 'open_time': 2033-05-18T03:33:20Z is not the "
			      "open time of a 1h candle") != NULL);
	char *bad = feed(dir, "bad.csv", "BTCUSDT,2023-12-31,1,1,1,1,1\n");
	CHECK_INT(read_all(bad, &most, &newest, &count, &err), 65);
	CHECK(strstr(err.msg, "bad.csv:100003: field 'open_time'") != NULL);
	free(good);
	free(late);
	free(odd);
	free(bad);
	return check_finish();
}
