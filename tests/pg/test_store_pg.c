/* test_store_pg.c - the PostgreSQL store against a live server (tests/cli/store_pg.sh starts
 * a throwaway cluster and sets CRA_TEST_DB).  Every test works in a schema of its own, made
 * here and named by the URI's search_path, so the tests do not see each other's series.
 * Most merges are also done on a CSV store: both backends must report the same counts and
 * give back the same series.
 *
 * Exit status: 0 passed, 1 failed, 77 when everything ran and passed but the shared market
 * data ($CRA_SHARED/data/binance-1h) is absent, so its round trip was skipped.
 */
#include <errno.h>
#include <float.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "candles_io.h"
#include "check.h"
#include "store.h"

#define HOUR 3600000LL
#define T0 (472222 * HOUR) /* 2023-11-14T22:00Z, on an hour boundary */

static const char *base_uri; /* $CRA_TEST_DB: the cluster's postgres database */
static PGconn *admin;        /* makes schemas and a database, ends sessions */
static char csv_root[512];   /* CSV stores live in directories under here */
static struct interval h1;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void admin_sql(const char *sql)
{
	PGresult *res = PQexec(admin, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "test_store_pg: %s: %s", sql, PQerrorMessage(admin));
		exit(1);
	}
	PQclear(res);
}

/* base_uri with ?query appended; one of a few buffers that are reused in turn. */
static const char *uri_with(const char *query)
{
	static char uri[8][512];
	static int next;
	char *u = uri[next++ % 8];
	snprintf(u, 512, "%s?%s", base_uri, query);
	return u;
}

/* A fresh schema (much cheaper than a database); returns a URI whose search_path names it,
 * so the store creates and uses its tables there. */
static const char *fresh_schema(const char *name)
{
	char sql[256], query[128];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", name);
	admin_sql(sql);
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", name);
	admin_sql(sql);
	snprintf(query, sizeof query, "options=-csearch_path%%3D%s", name);
	return uri_with(query);
}

static struct store *open_store(const char *uri)
{
	struct store_options o = { .db_uri = uri };
	struct store *s = NULL;
	struct cra_error err = { 0 };
	if (store_open(&s, &o, &err)) {
		fprintf(stderr, "test_store_pg: %s\n", err.msg);
		exit(1);
	}
	return s;
}

/* A CSV store in a fresh directory, the reference for the PostgreSQL one. */
static struct store *open_csv(const char *name)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/%s", csv_root, name);
	struct store_options o = { .data_dir = dir, .db_uri = "" };
	struct store *s = NULL;
	struct cra_error err = { 0 };
	unsetenv("CRA_DB");
	if (store_open(&s, &o, &err)) {
		fprintf(stderr, "test_store_pg: %s\n", err.msg);
		exit(1);
	}
	return s;
}

/* n hourly candles from start, plausible and valid, with the optional columns of mask (the
 * others NaN).  Values depend on the open time only, so overlapping series agree; seed
 * shifts the prices when they should not. */
static void make_series(struct candles *c, int64_t start, size_t n, unsigned mask, double seed)
{
	candles_init(c);
	c->optional_mask = mask;
	for (size_t i = 0; i < n; i++) {
		int64_t t = start + (int64_t)i * HOUR;
		double k = (double)((t - T0) / HOUR), open = 1000 + seed + 0.5 * k, close = open + 0.25;
		double v[CANDLE_NFIELDS] = {
			open, close + 1, open - 1, close, 10 + k,
			(double)(t + HOUR - 1), (10 + k) * close, 100 + k, (10 + k) / 2,
			(10 + k) * close / 2,
		};
		for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
			if (!(mask & (1u << f)))
				v[f] = NAN;
		candles_push(c, t, v);
	}
}

static struct merge_stats merge_ok(struct store *s, const char *symbol, const struct candles *c)
{
	struct merge_stats st = { 0 };
	struct cra_error err = { 0 };
	int r = store_merge(s, symbol, &h1, c, &st, &err);
	if (r)
		fprintf(stderr, "merge %s: %s\n", symbol, err.msg);
	CHECK_INT(r, 0);
	return st;
}

static void load_ok(struct store *s, const char *symbol, int64_t from, int64_t to,
		    struct candles *out, bool *exists)
{
	struct cra_error err = { 0 };
	int r = store_load(s, symbol, &h1, from, to, out, exists, &err);
	if (r)
		fprintf(stderr, "load %s: %s\n", symbol, err.msg);
	CHECK_INT(r, 0);
}

#define CHECK_STATS(st, a, p, c, e)                                                      \
	do {                                                                             \
		CHECK_INT((st).added, a);                                                \
		CHECK_INT((st).present, p);                                              \
		CHECK_INT((st).conflicts, c);                                            \
		CHECK_INT((st).enriched, e);                                             \
	} while (0)

/* Merges into both stores; their counts must agree.  Returns PostgreSQL's. */
static struct merge_stats merge_both(struct store *pg, struct store *csv, const char *symbol,
				     const struct candles *c)
{
	struct merge_stats a = merge_ok(pg, symbol, c), b = merge_ok(csv, symbol, c);
	CHECK_STATS(a, b.added, b.present, b.conflicts, b.enriched);
	return a;
}

/* Both stores hold the same series, and it is expect. */
static void check_same(struct store *pg, struct store *csv, const char *symbol,
		       const struct candles *expect)
{
	struct candles a, b;
	candles_init(&a);
	candles_init(&b);
	bool ea = false, eb = false;
	load_ok(pg, symbol, INT64_MIN, INT64_MAX, &a, &ea);
	load_ok(csv, symbol, INT64_MIN, INT64_MAX, &b, &eb);
	CHECK(ea && eb);
	CHECK(candles_equal(&a, &b));
	CHECK(candles_equal(&a, expect));
	CHECK_INT(a.optional_mask, expect->optional_mask);
	CHECK_INT(a.n, expect->n);
	candles_free(&a);
	candles_free(&b);
}

static void test_open_twice(void)
{
	const char *uri = fresh_schema("cra_open");
	struct store *a = open_store(uri), *b = open_store(uri); /* the second finds the tables */
	CHECK(strncmp(store_describe(a), "PostgreSQL 127.0.0.1:", 21) == 0);
	CHECK(strstr(store_describe(a), "/postgres") != NULL);
	store_close(a);
	store_close(b);
}

/* Several programs opening a new database at once all succeed: creation is serialised. */
static void test_open_concurrently(void)
{
	const char *uri = fresh_schema("cra_race");
	enum { N = 4 };
	pid_t pid[N];
	for (int k = 0; k < N; k++)
		if ((pid[k] = fork()) == 0) {
			struct store *s = NULL;
			struct store_options o = { .db_uri = uri };
			struct cra_error err = { 0 };
			int r = store_open(&s, &o, &err);
			if (r)
				fprintf(stderr, "child %d: %s\n", k, err.msg);
			else
				store_close(s);
			_exit(r);
		}
	for (int k = 0; k < N; k++) {
		int status = -1;
		waitpid(pid[k], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void test_round_trip(void)
{
	struct store *pg = open_store(fresh_schema("cra_rt")), *csv = open_csv("rt");
	struct candles c, got;
	make_series(&c, T0, 24, 0, 0);
	candles_init(&got);

	struct merge_stats st = merge_both(pg, csv, "BTCUSDT", &c);
	CHECK_STATS(st, 24, 0, 0, 0);
	check_same(pg, csv, "BTCUSDT", &c);
	st = merge_both(pg, csv, "BTCUSDT", &c); /* writing it again changes nothing */
	CHECK_STATS(st, 0, 24, 0, 0);
	check_same(pg, csv, "BTCUSDT", &c);

	/* A series that was never written. */
	bool exists = true;
	load_ok(pg, "NOSUCH", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(!exists);
	CHECK_INT(got.n, 0);

	/* A series merged from no candles exists, empty, as its CSV file would. */
	struct candles none;
	candles_init(&none);
	st = merge_both(pg, csv, "EMPTY", &none);
	CHECK_STATS(st, 0, 0, 0, 0);
	load_ok(pg, "EMPTY", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(exists);
	CHECK_INT(got.n, 0);

	candles_free(&c);
	candles_free(&got);
	store_close(pg);
	store_close(csv);
}

/* Which optional columns a series has comes back exactly, including a present column that
 * holds missing values. */
static void test_optional_columns(void)
{
	struct store *pg = open_store(fresh_schema("cra_cols")), *csv = open_csv("cols");
	struct candles six, all, some;
	make_series(&six, T0, 10, 0, 0);
	make_series(&all, T0, 10, CANDLE_OPTIONAL_ALL, 0);
	all.v[CF_TRADES][3] = NAN; /* a gap inside a present column */
	make_series(&some, T0, 10, (1u << CF_CLOSE_TIME) | (1u << CF_TAKER_BUY_QUOTE), 0);

	merge_both(pg, csv, "SIXCOL", &six);
	check_same(pg, csv, "SIXCOL", &six);
	merge_both(pg, csv, "ALLCOL", &all);
	check_same(pg, csv, "ALLCOL", &all);
	merge_both(pg, csv, "SOMECOL", &some);
	check_same(pg, csv, "SOMECOL", &some);

	/* A column that is present but holds nothing at all still comes back present. */
	struct candles hollow;
	make_series(&hollow, T0, 5, 1u << CF_QUOTE_VOLUME, 0);
	for (size_t i = 0; i < hollow.n; i++)
		hollow.v[CF_QUOTE_VOLUME][i] = NAN;
	merge_both(pg, csv, "HOLLOW", &hollow);
	check_same(pg, csv, "HOLLOW", &hollow);

	candles_free(&six);
	candles_free(&all);
	candles_free(&some);
	candles_free(&hollow);
	store_close(pg);
	store_close(csv);
}

/* Overlap, conflicts and enrichment follow candles_merge. */
static void test_merge_rules(void)
{
	struct store *pg = open_store(fresh_schema("cra_merge")), *csv = open_csv("merge");
	struct candles a, b, expect, bad, rich;
	make_series(&a, T0, 10, 0, 0);
	make_series(&b, T0 + 5 * HOUR, 10, 0, 0);

	/* Overlap: the union, the shared rows present. */
	merge_both(pg, csv, "ETHUSDT", &a);
	struct merge_stats st = merge_both(pg, csv, "ETHUSDT", &b);
	CHECK_STATS(st, 5, 5, 0, 0);
	candles_init(&expect);
	candles_merge(&expect, &a, NULL);
	candles_merge(&expect, &b, NULL);
	CHECK_INT(expect.n, 15);
	check_same(pg, csv, "ETHUSDT", &expect);

	/* Conflict: a different close for a stored candle; the stored one is kept. */
	make_series(&bad, T0 + 2 * HOUR, 2, 0, 0);
	bad.v[CF_CLOSE][0] += 0.125;
	bad.v[CF_HIGH][0] += 0.125;
	st = merge_both(pg, csv, "ETHUSDT", &bad);
	CHECK_STATS(st, 0, 1, 1, 0);
	check_same(pg, csv, "ETHUSDT", &expect);

	/* Enrichment: the stored 6-column rows gain optional values; the series gains the
	 * columns; a row that also conflicts is counted as a conflict but filled all the same. */
	make_series(&rich, T0 + 8 * HOUR, 10, (1u << CF_TRADES) | (1u << CF_CLOSE_TIME), 0);
	rich.v[CF_VOLUME][1] += 1; /* T0 + 9h conflicts */
	st = merge_both(pg, csv, "ETHUSDT", &rich);
	CHECK_STATS(st, 3, 0, 1, 6);
	candles_merge(&expect, &rich, NULL);
	CHECK_INT(expect.optional_mask, rich.optional_mask);
	check_same(pg, csv, "ETHUSDT", &expect);
	/* Merging the rich rows again: all present (the conflict stays a conflict). */
	st = merge_both(pg, csv, "ETHUSDT", &rich);
	CHECK_STATS(st, 0, 9, 1, 0);

	candles_free(&a);
	candles_free(&b);
	candles_free(&expect);
	candles_free(&bad);
	candles_free(&rich);
	store_close(pg);
	store_close(csv);
}

static void test_slice_latest(void)
{
	struct store *pg = open_store(fresh_schema("cra_slice"));
	struct candles c, got, want;
	make_series(&c, T0, 48, CANDLE_OPTIONAL_ALL, 0);
	candles_init(&got);
	candles_init(&want);
	merge_ok(pg, "SOLUSDT", &c);

	bool exists = false;
	load_ok(pg, "SOLUSDT", T0 + 10 * HOUR, T0 + 20 * HOUR, &got, &exists);
	candles_slice(&c, T0 + 10 * HOUR, T0 + 20 * HOUR, &want);
	CHECK(exists);
	CHECK_INT(got.n, 10);
	CHECK(candles_equal(&got, &want));
	load_ok(pg, "SOLUSDT", T0 + 10 * HOUR + 1, T0 + 11 * HOUR, &got, &exists); /* nothing */
	CHECK(exists);
	CHECK_INT(got.n, 0);
	CHECK_INT(got.optional_mask, CANDLE_OPTIONAL_ALL);
	load_ok(pg, "SOLUSDT", INT64_MIN, T0 + 1, &got, &exists);
	CHECK_INT(got.n, 1);
	load_ok(pg, "SOLUSDT", T0 + 47 * HOUR, INT64_MAX, &got, &exists);
	CHECK_INT(got.n, 1);

	struct cra_error err = { 0 };
	int64_t t = 0;
	CHECK_INT(store_latest(pg, "SOLUSDT", &h1, &t, &exists, &err), 0);
	CHECK(exists);
	CHECK_INT(t, T0 + 47 * HOUR);
	CHECK_INT(store_latest(pg, "NOSUCH", &h1, &t, &exists, &err), 0);
	CHECK(!exists);

	candles_free(&c);
	candles_free(&got);
	candles_free(&want);
	store_close(pg);
}

static void test_list(void)
{
	struct store *pg = open_store(fresh_schema("cra_list"));
	struct candles c, c4;
	make_series(&c, T0, 5, 0, 0);
	make_series(&c4, 472224 * HOUR, 1, 0, 0); /* one candle on a 4h boundary */
	struct interval m1, h4;
	interval_parse("1m", &m1);
	interval_parse("4h", &h4);
	struct cra_error err = { 0 };
	struct merge_stats st;
	CHECK_INT(store_merge(pg, "ETHUSDT", &h1, &c, &st, &err), 0);
	CHECK_INT(store_merge(pg, "BTCUSDT", &h4, &c4, &st, &err), 0);
	CHECK_INT(store_merge(pg, "BTCUSDT", &m1, &c, &st, &err), 0);
	CHECK_INT(store_merge(pg, "BTCUSDT", &h1, &c, &st, &err), 0);

	struct series_info *list = NULL;
	size_t n = 0;
	CHECK_INT(store_list(pg, &list, &n, &err), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(list[0].symbol, "BTCUSDT");
		CHECK_STR(list[0].interval, "1m");
		CHECK_STR(list[1].interval, "1h");
		CHECK_STR(list[2].interval, "4h");
		CHECK_INT(list[2].rows, 1);
		CHECK_STR(list[3].symbol, "ETHUSDT");
		CHECK_INT(list[3].rows, 5);
		CHECK_INT(list[3].first, T0);
		CHECK_INT(list[3].last, T0 + 4 * HOUR);
	}
	free(list);
	candles_free(&c);
	candles_free(&c4);
	store_close(pg);
}

/* Symbols are checked before any SQL is built; the tables survive the attempt. */
static void test_hostile_symbol(void)
{
	struct store *pg = open_store(fresh_schema("cra_sym"));
	struct candles c, got;
	make_series(&c, T0, 3, 0, 0);
	candles_init(&got);
	merge_ok(pg, "BTCUSDT", &c);
	struct cra_error err = { 0 };
	struct merge_stats st;
	const char *evil = "BTC'); DROP TABLE candles; --";
	CHECK_INT(store_merge(pg, evil, &h1, &c, &st, &err), EX_USAGE);
	CHECK(strstr(err.msg, "invalid symbol") != NULL);
	CHECK_INT(store_load(pg, "x' OR '1'='1", &h1, INT64_MIN, INT64_MAX, &got, NULL, &err),
		  EX_USAGE);
	bool exists = false;
	load_ok(pg, "BTCUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(exists && candles_equal(&got, &c));
	candles_free(&c);
	candles_free(&got);
	store_close(pg);
}

static bool same_bits(const double *a, const double *b, size_t n)
{
	return memcmp(a, b, n * sizeof *a) == 0;
}

/* Doubles come back bit for bit, including ones with no short decimal form. */
static void test_exact_values(void)
{
	struct store *pg = open_store(fresh_schema("cra_exact")), *csv = open_csv("exact");
	struct candles c, got;
	make_series(&c, T0, 4, CANDLE_OPTIONAL_ALL, 0);
	candles_init(&got);
	double tricky[] = { 0.1 + 0.2, 1e-300, 57953.86, 5e-324, DBL_MAX };
	c.v[CF_VOLUME][0] = tricky[0];
	c.v[CF_VOLUME][1] = tricky[1];
	c.v[CF_OPEN][2] = tricky[2];
	c.v[CF_HIGH][2] = tricky[2] + 1;
	c.v[CF_LOW][2] = 1.1;
	c.v[CF_QUOTE_VOLUME][0] = tricky[3];
	c.v[CF_QUOTE_VOLUME][1] = tricky[4];
	c.v[CF_TAKER_BUY_BASE][2] = 1.0 / 3;
	c.v[CF_TRADES][3] = 0x1p62;         /* a large whole number, bigint in the table */
	c.v[CF_CLOSE_TIME][3] = 0x1p63 - 1024; /* the largest double below 2^63 */
	merge_both(pg, csv, "EXACT", &c);
	bool exists;
	load_ok(pg, "EXACT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK_INT(got.n, 4);
	if (got.n == 4) {
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			CHECK(same_bits(got.v[f], c.v[f], 4));
		CHECK(got.v[CF_VOLUME][0] == 0.1 + 0.2);
		CHECK(got.v[CF_QUOTE_VOLUME][0] == 5e-324);
	}
	check_same(pg, csv, "EXACT", &c);

	/* A fraction in a bigint column cannot be stored as written: a data error, up front. */
	c.v[CF_TRADES][1] = 1.5;
	struct cra_error err = { 0 };
	struct merge_stats st;
	CHECK_INT(store_merge(pg, "EXACT2", &h1, &c, &st, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "trades") != NULL);
	load_ok(pg, "EXACT2", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(!exists);

	candles_free(&c);
	candles_free(&got);
	store_close(pg);
	store_close(csv);
}

/* A statement the server refuses (here a trigger's exception) fails the merge at once - no
 * retry - with the server's message, and rolls all of it back. */
static void test_sql_error(void)
{
	struct store *pg = open_store(fresh_schema("cra_sqlerr"));
	char sql[512];
	snprintf(sql, sizeof sql,
		 "CREATE FUNCTION cra_sqlerr.refuse() RETURNS trigger LANGUAGE plpgsql AS"
		 " $$BEGIN RAISE EXCEPTION 'refused by the test trigger'; END$$;"
		 " CREATE TRIGGER refuse BEFORE INSERT ON cra_sqlerr.candles FOR EACH ROW"
		 " WHEN (NEW.open_time = %lld) EXECUTE FUNCTION cra_sqlerr.refuse()",
		 (long long)(T0 + 3 * HOUR));
	admin_sql(sql);
	struct candles c, got;
	make_series(&c, T0, 6, 0, 0);
	candles_init(&got);
	struct cra_error err = { 0 };
	struct merge_stats st;
	double t = now_s();
	CHECK_INT(store_merge(pg, "BTCUSDT", &h1, &c, &st, &err), EX_UNAVAILABLE);
	CHECK(now_s() - t < 0.2);
	CHECK(strstr(err.msg, "refused by the test trigger") != NULL);
	CHECK(strstr(err.msg, "BTCUSDT 1h") != NULL);
	bool exists = true;
	load_ok(pg, "BTCUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(!exists); /* not even the series' row in series_columns */
	/* The session is usable afterwards. */
	c.n = 3;
	st = merge_ok(pg, "BTCUSDT", &c);
	CHECK_STATS(st, 3, 0, 0, 0);
	candles_free(&c);
	candles_free(&got);
	store_close(pg);
}

/* Candles written before series_columns existed (by hand, or by another program): opening
 * the store creates series_columns from them, their columns those that hold values. */
static void test_existing_candles(void)
{
	const char *uri = fresh_schema("cra_legacy");
	admin_sql("CREATE TABLE cra_legacy.candles (symbol text, \"interval\" text,"
		  " open_time bigint, open float8 NOT NULL, high float8 NOT NULL,"
		  " low float8 NOT NULL, close float8 NOT NULL, volume float8 NOT NULL,"
		  " close_time bigint, quote_volume float8, trades bigint, taker_buy_base float8,"
		  " taker_buy_quote float8, PRIMARY KEY (symbol, \"interval\", open_time))");
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO cra_legacy.candles VALUES"
		 " ('BTCUSDT', '1h', %lld, 1, 2, 0.5, 1.5, 10, %lld, NULL, NULL, NULL, NULL),"
		 " ('BTCUSDT', '1h', %lld, 1, 2, 0.5, 1.5, 10, NULL, NULL, 7, NULL, NULL),"
		 " ('ETHUSDT', '1h', %lld, 1, 2, 0.5, 1.5, 10, NULL, NULL, NULL, NULL, NULL)",
		 (long long)T0, (long long)(T0 + HOUR - 1), (long long)(T0 + HOUR), (long long)T0);
	admin_sql(sql);
	struct store *pg = open_store(uri);
	struct candles got;
	candles_init(&got);
	bool exists = false;
	load_ok(pg, "BTCUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(exists);
	CHECK_INT(got.n, 2);
	CHECK_INT(got.optional_mask, (1u << CF_CLOSE_TIME) | (1u << CF_TRADES));
	if (got.n == 2) {
		CHECK(isnan(got.v[CF_CLOSE_TIME][1]));
		CHECK(got.v[CF_TRADES][1] == 7);
	}
	load_ok(pg, "ETHUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK(exists);
	CHECK_INT(got.n, 1);
	CHECK_INT(got.optional_mask, 0);
	candles_free(&got);
	store_close(pg);
}

/* A port that nobody listens on: bound, noted, closed. */
static int closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return 1;
	close(fd);
	return ntohs(a.sin_port);
}

static void test_unreachable(void)
{
	char uri[256];
	int port = closed_port();
	snprintf(uri, sizeof uri, "postgresql://user:s3cr3tpw@127.0.0.1:%d/db", port);
	struct store_options o = { .db_uri = uri };
	struct store *s = NULL;
	struct cra_error err = { 0 };
	double t = now_s();
	CHECK_INT(store_open(&s, &o, &err), EX_UNAVAILABLE);
	t = now_s() - t;
	CHECK(t >= 0.5 && t < 5); /* it did retry, briefly */
	char where[64];
	snprintf(where, sizeof where, "PostgreSQL 127.0.0.1:%d/db", port);
	CHECK(strstr(err.msg, where) != NULL);
	CHECK(strstr(err.msg, "s3cr3tpw") == NULL);
	fprintf(stderr, "unreachable (%.2f s): %s\n", t, err.msg);

	o.db_uri = "postgresql://127.0.0.1/db?nosuchoption=1";
	CHECK_INT(store_open(&s, &o, &err), EX_USAGE);
	CHECK(strstr(err.msg, "invalid database URI") != NULL);
}

/* The server ends our session between operations: the next one reconnects and succeeds. */
static void test_reconnect(void)
{
	char uri[600];
	snprintf(uri, sizeof uri, "%s&application_name=cra_victim", fresh_schema("cra_reconnect"));
	struct store *pg = open_store(uri);
	struct candles c;
	make_series(&c, T0, 6, 0, 0);
	merge_ok(pg, "BTCUSDT", &c);
	admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		  " WHERE application_name = 'cra_victim'");
	struct candles more;
	make_series(&more, T0 + 6 * HOUR, 6, 0, 0);
	struct merge_stats st = merge_ok(pg, "BTCUSDT", &more);
	CHECK_STATS(st, 6, 0, 0, 0);
	admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		  " WHERE application_name = 'cra_victim'");
	struct candles got;
	candles_init(&got);
	bool exists;
	load_ok(pg, "BTCUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	CHECK_INT(got.n, 12);
	candles_free(&c);
	candles_free(&more);
	candles_free(&got);
	store_close(pg);
}

/* The database stops accepting us: a few quick retries, then 69 with the server's reason. */
static void test_persistent_failure(void)
{
	/* A database of its own, to refuse connections to. */
	admin_sql("DROP DATABASE IF EXISTS cra_gone WITH (FORCE)");
	admin_sql("CREATE DATABASE cra_gone");
	const char *slash = strrchr(base_uri, '/');
	char uri[512];
	snprintf(uri, sizeof uri, "%.*s/cra_gone", (int)(slash - base_uri), base_uri);
	struct store *pg = open_store(uri);
	admin_sql("ALTER DATABASE cra_gone WITH ALLOW_CONNECTIONS false");
	admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'cra_gone'");
	struct candles c;
	make_series(&c, T0, 3, 0, 0);
	struct cra_error err = { 0 };
	struct merge_stats st;
	double t = now_s();
	CHECK_INT(store_merge(pg, "BTCUSDT", &h1, &c, &st, &err), EX_UNAVAILABLE);
	t = now_s() - t;
	CHECK(t < 5);
	CHECK(strstr(err.msg, "not currently accepting connections") != NULL);
	fprintf(stderr, "gone (%.2f s): %s\n", t, err.msg);
	/* Back again: the same store recovers. */
	admin_sql("ALTER DATABASE cra_gone WITH ALLOW_CONNECTIONS true");
	st = merge_ok(pg, "BTCUSDT", &c);
	CHECK_STATS(st, 3, 0, 0, 0);
	candles_free(&c);
	store_close(pg);
}

/* Two processes merge overlapping series into one series at once: the union, no duplicates,
 * and between them each row added exactly once. */
static void test_concurrent_merge(void)
{
	const char *uri = fresh_schema("cra_concurrent");
	enum { ROUNDS = 4, N = 400, SHIFT = 150 };
	for (int round = 0; round < ROUNDS; round++) {
		char symbol[16];
		snprintf(symbol, sizeof symbol, "PAIR%d", round);
		int go[2], report[2];
		if (pipe(go) || pipe(report)) {
			CHECK(0);
			return;
		}
		pid_t pid[2];
		for (int k = 0; k < 2; k++)
			if ((pid[k] = fork()) == 0) {
				struct store *s = open_store(uri);
				struct candles c;
				make_series(&c, T0 + k * SHIFT * HOUR, N, k ? CANDLE_OPTIONAL_ALL : 0, 0);
				char byte;
				close(go[1]);
				if (read(go[0], &byte, 1) != 0) /* wait until the parent closes it */
					_exit(2);
				struct merge_stats st = { 0 };
				struct cra_error err = { 0 };
				int r = store_merge(s, symbol, &h1, &c, &st, &err);
				if (r)
					fprintf(stderr, "child %d: %s\n", k, err.msg);
				if (write(report[1], &st, sizeof st) != (ssize_t)sizeof st)
					r = 3;
				store_close(s);
				candles_free(&c);
				_exit(r);
			}
		close(go[0]);
		close(go[1]); /* both start now */
		close(report[1]);
		struct merge_stats st[2] = { { 0 }, { 0 } };
		for (int k = 0; k < 2; k++) {
			int status = -1;
			waitpid(pid[k], &status, 0);
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		}
		CHECK(read(report[0], &st[0], sizeof st[0]) == (ssize_t)sizeof st[0]);
		CHECK(read(report[0], &st[1], sizeof st[1]) == (ssize_t)sizeof st[1]);
		close(report[0]);
		/* Whichever went second found the overlap present (or enriched it). */
		CHECK_INT(st[0].added + st[1].added, N + SHIFT);
		CHECK_INT(st[0].present + st[1].present + st[0].enriched + st[1].enriched, N - SHIFT);
		CHECK_INT(st[0].conflicts + st[1].conflicts, 0);

		struct store *pg = open_store(uri);
		struct candles got, a, b;
		candles_init(&got);
		bool exists;
		load_ok(pg, symbol, INT64_MIN, INT64_MAX, &got, &exists);
		CHECK_INT(got.n, N + SHIFT);
		/* The union, as merged in memory in either order. */
		make_series(&a, T0, N, 0, 0);
		make_series(&b, T0 + SHIFT * HOUR, N, CANDLE_OPTIONAL_ALL, 0);
		candles_merge(&a, &b, NULL);
		CHECK(candles_equal(&got, &a));
		candles_free(&got);
		candles_free(&a);
		candles_free(&b);
		store_close(pg);
	}
}

/* Real market data: a CSV file into PostgreSQL and back unchanged.  Returns false when the
 * shared data is absent. */
static bool test_shared_data(void)
{
	const char *shared = getenv("CRA_SHARED");
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/data/binance-1h", shared ? shared : "../shared");
	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s is absent: real-data round trip skipped\n", dir);
		return false;
	}
	snprintf(path, sizeof path, "%s/BTCUSDT.csv", dir);
	struct candles c, got;
	candles_init(&c);
	candles_init(&got);
	struct cra_error err = { 0 };
	int r = candles_load(path, &c, &err);
	if (r)
		fprintf(stderr, "%s\n", err.msg);
	CHECK_INT(r, 0);
	struct store *pg = open_store(fresh_schema("cra_shared"));
	double t = now_s();
	struct merge_stats st = merge_ok(pg, "BTCUSDT", &c);
	double t_merge = now_s() - t;
	CHECK_STATS(st, c.n, 0, 0, 0);
	bool exists;
	t = now_s();
	load_ok(pg, "BTCUSDT", INT64_MIN, INT64_MAX, &got, &exists);
	double t_load = now_s() - t;
	CHECK(candles_equal(&got, &c));
	t = now_s();
	st = merge_ok(pg, "BTCUSDT", &c);
	double t_again = now_s() - t;
	CHECK_STATS(st, 0, c.n, 0, 0);
	fprintf(stderr, "BTCUSDT 1h, %zu rows: merge %.3f s, load %.3f s, merge again %.3f s\n", c.n,
		t_merge, t_load, t_again);
	candles_free(&c);
	candles_free(&got);
	store_close(pg);
	return true;
}

/* Runs one test and says how long it took. */
#define RUN(call)                                                                        \
	do {                                                                             \
		double run_t_ = now_s();                                                 \
		call;                                                                    \
		fprintf(stderr, "%-28s %.2f s\n", #call, now_s() - run_t_);            \
	} while (0)

int main(void)
{
	base_uri = getenv("CRA_TEST_DB");
	if (!base_uri || !*base_uri) {
		fprintf(stderr, "test_store_pg: CRA_TEST_DB is not set; run tests/cli/store_pg.sh\n");
		return 2;
	}
	admin = PQconnectdb(base_uri);
	if (PQstatus(admin) != CONNECTION_OK) {
		fprintf(stderr, "test_store_pg: %s", PQerrorMessage(admin));
		return 1;
	}
	PQclear(PQexec(admin, "SET client_min_messages = warning"));
	const char *tmp = getenv("CRA_TEST_TMP");
	snprintf(csv_root, sizeof csv_root, "%s/pgtest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (tmp && *tmp)
		mkdir(tmp, 0777);
	if (!mkdtemp(csv_root)) {
		fprintf(stderr, "test_store_pg: %s: %s\n", csv_root, strerror(errno));
		return 1;
	}
	interval_parse("1h", &h1);

	RUN(test_open_twice());
	RUN(test_open_concurrently());
	RUN(test_round_trip());
	RUN(test_optional_columns());
	RUN(test_merge_rules());
	RUN(test_slice_latest());
	RUN(test_list());
	RUN(test_hostile_symbol());
	RUN(test_exact_values());
	RUN(test_sql_error());
	RUN(test_existing_candles());
	RUN(test_unreachable());
	RUN(test_reconnect());
	RUN(test_persistent_failure());
	RUN(test_concurrent_merge());
	bool shared;
	RUN(shared = test_shared_data());

	PQfinish(admin);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", csv_root);
	if (system(cmd) != 0)
		fprintf(stderr, "test_store_pg: could not remove %s\n", csv_root);
	int r = check_finish();
	return r ? r : shared ? 0 : 77;
}
