/* test_market_fetch.c - where downloads start, the summary line, and table targets.  (The
 * downloads themselves run against the mock exchange in tests/cli/fetch_*.sh.) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "market_fetch.h"
#include "timefmt.h"

static const int64_t NOW = 1703971800000LL; /* 2023-12-30T21:30Z */

static void test_range(void)
{
	struct interval h1, h8;
	interval_parse("1h", &h1);
	interval_parse("8h", &h8);
	struct fetch_range rg;
	const char *bad = NULL;
	CHECK_INT(fetch_range_resolve(&rg, NULL, -1, NULL, false, &h1, NOW, &bad), 0);
	CHECK(!rg.since_given && !rg.full);
	CHECK_INT(rg.since, NOW - 30 * MS_PER_DAY - 30 * MS_PER_MINUTE); /* 30 days, aligned */
	CHECK_INT(rg.until, INT64_MAX);
	CHECK_INT(fetch_range_resolve(&rg, NULL, 2, "2023-12-30", true, &h8, NOW, &bad), 0);
	CHECK(rg.since_given && rg.full);
	CHECK_INT(rg.since, 1703779200000LL); /* 2023-12-28T21:30 down to 16:00 */
	CHECK_INT(rg.until, 1703894400000LL);
	CHECK_INT(fetch_range_resolve(&rg, "90d", -1, NULL, false, &h1, NOW, &bad), 0);
	CHECK_INT(rg.since, NOW - 90 * MS_PER_DAY); /* against the exchange's clock, not ours */
	CHECK_INT(fetch_range_resolve(&rg, "2023-01-01T00:00Z", -1, NULL, false, &h1, NOW, &bad), 0);
	CHECK_INT(rg.since, 1672531200000LL);
	CHECK_INT(fetch_range_resolve(&rg, "yesterday", -1, NULL, false, &h1, NOW, &bad), -1);
	CHECK_STR(bad, "since");
	CHECK_INT(fetch_range_resolve(&rg, NULL, -1, "soon", false, &h1, NOW, &bad), -1);
	CHECK_STR(bad, "until");
}

static void test_start(void)
{
	struct interval h1;
	interval_parse("1h", &h1);
	struct fetch_range rg = { 1000 * MS_PER_HOUR, INT64_MAX, false, false };
	int64_t prev;
	/* Nothing stored: from since. */
	CHECK_INT(fetch_start(&rg, &h1, false, 0, &prev), 1000 * MS_PER_HOUR);
	CHECK_INT(prev, INT64_MIN);
	/* Stored: after the newest candle, even when the default since is later. */
	CHECK_INT(fetch_start(&rg, &h1, true, 5 * MS_PER_HOUR, &prev), 6 * MS_PER_HOUR);
	CHECK_INT(prev, 5 * MS_PER_HOUR);
	/* A --since later than the newest stored candle wins (and no gap is counted to it). */
	rg.since_given = true;
	CHECK_INT(fetch_start(&rg, &h1, true, 5 * MS_PER_HOUR, &prev), 1000 * MS_PER_HOUR);
	CHECK_INT(prev, INT64_MIN);
	/* An earlier one does not: the series resumes. */
	CHECK_INT(fetch_start(&rg, &h1, true, 2000 * MS_PER_HOUR, &prev), 2001 * MS_PER_HOUR);
	/* --full: the range whatever is stored. */
	rg.full = true;
	CHECK_INT(fetch_start(&rg, &h1, true, 2000 * MS_PER_HOUR, &prev), 1000 * MS_PER_HOUR);
	CHECK_INT(prev, INT64_MIN);
}

static void test_describe(void)
{
	struct interval h1;
	interval_parse("1h", &h1);
	struct fetch_target t;
	struct table_writer w;
	int fds[2];
	if (pipe(fds))
		return;
	tw_init(&w, fds[1], ',');
	fetch_target_table(&t, &w, true, &h1);
	struct cra_error err = { 0 };
	CHECK_INT(tw_flush(&w, "pipe", &err), 0);
	char head[256] = "";
	ssize_t n = read(fds[0], head, sizeof head - 1);
	CHECK(n > 0);
	CHECK_STR(head, "symbol,open_time,open,high,low,close,volume,close_time,quote_volume,trades,"
			"taker_buy_base,taker_buy_quote\n");
	close(fds[0]);
	close(fds[1]);
	struct fetch_report rep = { 0 };
	rep.dl.candles = 1;
	rep.dl.last_open_time = 1703962800000LL;
	rep.dl.gaps = (struct gap_report){ 2, 5, 4, 1703000000000LL };
	rep.requests = 1;
	char line[512];
	fetch_describe(&t, "BTCUSDT", &rep, line, sizeof line);
	CHECK_STR(line, "BTCUSDT 1h: 1 candle, newest 2023-12-30T19:00:00Z, 1 request, 2 gaps reported "
			"(5 candles missing, largest 4 after 2023-12-19T15:33:20Z)");
	static char not_opened; /* describe only asks whether the target is a store */
	fetch_target_store(&t, (struct store *)&not_opened, &h1);
	rep.merged.added = 3;
	rep.dl.gaps.gaps = 0;
	rep.dl.rejected = 1;
	rep.requests = 2;
	fetch_describe(&t, "ETHUSDT", &rep, line, sizeof line);
	CHECK_STR(line, "ETHUSDT 1h: 3 new candles, newest 2023-12-30T19:00:00Z, 2 requests, no gaps, "
			"1 invalid candle skipped");
	CHECK_INT(fetch_target_flush(&t, &err), 0); /* nothing pending */
	fetch_target_free(&t);
}

int main(void)
{
	test_range();
	test_start();
	test_describe();
	return check_finish();
}
