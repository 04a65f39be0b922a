/* test_snapshot_store.c - price, book and funding series in the CSV data directory: exact file
 * contents, idempotent appends and merges, loading with ranges, damaged files refused.  (The
 * PostgreSQL tables are exercised by tests/cli/fetch_pg.sh.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "snapshot_store.h"

static char dir[512];

static char *slurp(const char *name)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("(missing)");
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static void put(const char *name, const char *text)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static struct snapshot_store *open_dir(void)
{
	struct store_options so = { dir, NULL };
	struct snapshot_store *s;
	struct cra_error err = { 0 };
	if (snapshot_store_open(&s, &so, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	return s;
}

static void test_prices(void)
{
	struct snapshot_store *s = open_dir();
	struct cra_error err = { 0 };
	struct price_tick t[2] = { { "BTCUSDT", 42411.11 }, { "ETHUSDT", 2299.87 } };
	size_t added;
	CHECK_INT(snapshot_add_prices(s, 1703970000000LL, t, 2, &added, &err), 0);
	CHECK_INT(added, 2);
	char *text = slurp("tickers.csv");
	CHECK_STR(text, "time,symbol,price\n1703970000000,BTCUSDT,42411.11\n1703970000000,ETHUSDT,2299.87\n");
	free(text);
	/* The same snapshot again: nothing added, the file untouched. */
	CHECK_INT(snapshot_add_prices(s, 1703970000000LL, t, 2, &added, &err), 0);
	CHECK_INT(added, 0);
	t[0].price = 42500;
	CHECK_INT(snapshot_add_prices(s, 1703970060000LL, t, 1, &added, &err), 0);
	CHECK_INT(added, 1);
	text = slurp("tickers.csv");
	CHECK_STR(text, "time,symbol,price\n1703970000000,BTCUSDT,42411.11\n1703970000000,ETHUSDT,2299.87\n"
			"1703970060000,BTCUSDT,42500\n");
	free(text);
	struct price_snapshot *p;
	size_t n;
	CHECK_INT(snapshot_load_prices(s, "BTCUSDT", INT64_MIN, INT64_MAX, &p, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK(p[1].price == 42500 && p[1].time == 1703970060000LL);
	free(p);
	CHECK_INT(snapshot_load_prices(s, NULL, 1703970000001LL, INT64_MAX, &p, &n, &err), 0);
	CHECK_INT(n, 1);
	free(p);
	/* A file someone edited by hand, without its last newline: the next append ends the line. */
	put("tickers.csv", "time,symbol,price\n1,BTCUSDT,1.5");
	t[0].price = 2;
	CHECK_INT(snapshot_add_prices(s, 2, t, 1, &added, &err), 0);
	text = slurp("tickers.csv");
	CHECK_STR(text, "time,symbol,price\n1,BTCUSDT,1.5\n2,BTCUSDT,2\n");
	free(text);
	/* Invalid symbols never reach a file. */
	struct price_tick bad = { "../x", 1 };
	CHECK_INT(snapshot_add_prices(s, 3, &bad, 1, &added, &err), EX_USAGE);
	/* A damaged file is refused when read. */
	put("tickers.csv", "time,symbol,price\n1,BTCUSDT,abc\n");
	CHECK_INT(snapshot_load_prices(s, NULL, INT64_MIN, INT64_MAX, &p, &n, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "tickers.csv:2") != NULL);
	snapshot_store_close(s);
}

static void test_book(void)
{
	struct snapshot_store *s = open_dir();
	struct cra_error err = { 0 };
	struct book_tick b[2] = { { "BTCUSDT", 100.5, 2, 101, 3 }, { "ETHUSDT", 10, 1, 10.25, 4 } };
	size_t added;
	CHECK_INT(snapshot_add_book(s, 5000, b, 2, &added, &err), 0);
	CHECK_INT(added, 2);
	char *text = slurp("book-BTCUSDT.csv");
	CHECK_STR(text, "time,bid_price,bid_qty,ask_price,ask_qty,spread\n5000,100.5,2,101,3,0.5\n");
	free(text);
	CHECK_INT(snapshot_add_book(s, 6000, b + 1, 1, &added, &err), 0);
	struct book_snapshot *p;
	size_t n;
	CHECK_INT(snapshot_load_book(s, "ETHUSDT", INT64_MIN, INT64_MAX, &p, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK(p[1].time == 6000 && p[1].ask_price == 10.25);
	CHECK_STR(p[0].symbol, "ETHUSDT");
	free(p);
	snapshot_store_close(s);
}

static void test_funding(void)
{
	struct snapshot_store *s = open_dir();
	struct cra_error err = { 0 };
	struct funding_rate f[3] = { { 100, 0.0001, NAN }, { 200, -0.00005, 42000.5 }, { 300, 0, 42001 } };
	size_t added;
	int64_t latest;
	bool exists;
	CHECK_INT(snapshot_latest_funding(s, "BTCUSDT", &latest, &exists, &err), 0);
	CHECK(!exists);
	CHECK_INT(snapshot_add_funding(s, "BTCUSDT", f, 2, &added, &err), 0);
	CHECK_INT(added, 2);
	char *text = slurp("funding-BTCUSDT.csv");
	CHECK_STR(text, "time,funding_rate,mark_price\n100,0.0001,\n200,-0.00005,42000.5\n");
	free(text);
	/* Overlapping: the stored rows win, the new one is merged in. */
	struct funding_rate g[2] = { { 200, 9, 9 }, { 300, 0, 42001 } };
	CHECK_INT(snapshot_add_funding(s, "BTCUSDT", g, 2, &added, &err), 0);
	CHECK_INT(added, 1);
	CHECK_INT(snapshot_add_funding(s, "BTCUSDT", g, 2, &added, &err), 0);
	CHECK_INT(added, 0);
	CHECK_INT(snapshot_latest_funding(s, "BTCUSDT", &latest, &exists, &err), 0);
	CHECK(exists && latest == 300);
	struct funding_rate *p;
	size_t n;
	CHECK_INT(snapshot_load_funding(s, "BTCUSDT", 100, 300, &p, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK(isnan(p[0].mark_price));
	CHECK(p[1].rate == -0.00005 && p[1].mark_price == 42000.5);
	free(p);
	/* Rates must increase in time. */
	struct funding_rate back[2] = { { 500, 0, 1 }, { 400, 0, 1 } };
	CHECK_INT(snapshot_add_funding(s, "BTCUSDT", back, 2, &added, &err), EX_DATAERR);
	/* No temporary files left behind. */
	char cmd[700];
	snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q tmp", dir);
	CHECK(system(cmd) != 0);
	snapshot_store_close(s);
}

int main(void)
{
	const char *tmp = getenv("CRA_TEST_TMP");
	if (!tmp)
		tmp = "/tmp";
	mkdir(tmp, 0777);
	snprintf(dir, sizeof dir, "%s/snapshot-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	test_prices();
	test_book();
	test_funding();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_finish();
}
