/* test_binance.c - lib/http and lib/binance: parsers, backoff, and the request path against a
 * canned HTTP server on loopback (a thread that answers each request with the next scripted
 * response): keep-alive, failure kinds, retries, API errors, bans, Retry-After, the weight
 * governor and the unfinished candle. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "binance.h"
#include "check.h"
#include "http.h"
#include "timefmt.h"

/* --- the canned server -------------------------------------------------------------------- */

enum { CANNED_MAX = 16 };

struct canned {
	const char *raw[CANNED_MAX]; /* whole responses; NULL: hang up without answering */
	int delay_ms[CANNED_MAX];    /* before answering */
	bool close_after[CANNED_MAX];
	int n, next;
	int listen_fd, port;
	int requests, connections;
	char last_request[512];
	pthread_t thread;
	volatile int stop;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Reads one request's head (up to the blank line); false when the client hung up. */
static bool read_request(int fd, char *buf, size_t size)
{
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		buf[len] = '\0';
		if (len >= 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4))
			return true;
	}
	return false;
}

static void *canned_main(void *arg)
{
	struct canned *c = arg;
	while (!c->stop) {
		int fd = accept(c->listen_fd, NULL, NULL);
		if (fd < 0)
			break;
		c->connections++;
		char req[2048];
		while (!c->stop && read_request(fd, req, sizeof req)) {
			int i = c->next < c->n ? c->next++ : c->n - 1;
			c->requests++;
			snprintf(c->last_request, sizeof c->last_request, "%.*s", (int)strcspn(req, "\r"), req);
			for (int waited = 0; waited < c->delay_ms[i] && !c->stop; waited += 10)
				sleep_ms(10);
			if (!c->raw[i])
				break;
			if (write(fd, c->raw[i], strlen(c->raw[i])) < 0)
				break;
			if (c->close_after[i])
				break;
		}
		close(fd);
	}
	return NULL;
}

static void canned_start(struct canned *c)
{
	c->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int one = 1;
	setsockopt(c->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(c->listen_fd, (struct sockaddr *)&a, sizeof a) || listen(c->listen_fd, 8) ||
	    getsockname(c->listen_fd, (struct sockaddr *)&a, &len)) {
		perror("canned server");
		exit(1);
	}
	c->port = ntohs(a.sin_port);
	pthread_create(&c->thread, NULL, canned_main, c);
}

static void canned_stop(struct canned *c)
{
	c->stop = 1;
	shutdown(c->listen_fd, SHUT_RDWR);
	close(c->listen_fd);
	pthread_join(c->thread, NULL);
}

static void canned_add(struct canned *c, const char *raw, int delay_ms, bool close_after)
{
	c->raw[c->n] = raw;
	c->delay_ms[c->n] = delay_ms;
	c->close_after[c->n] = close_after;
	c->n++;
}

/* A response with a body and extra header lines ("Name: value\r\n...").  The strings live
 * until free_responses(). */
static char *responses[64];
static int nresponses;

static char *response(int status, const char *headers, const char *body)
{
	char *r;
	if (nresponses == 64 ||
	    asprintf(&r, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n%s", status, strlen(body),
		     headers ? headers : "", body) < 0)
		exit(1);
	return responses[nresponses++] = r;
}

static void free_responses(void)
{
	while (nresponses)
		free(responses[--nresponses]);
}

static void url_of(const struct canned *c, char *buf, size_t size)
{
	snprintf(buf, size, "http://127.0.0.1:%d", c->port);
}

/* --- pure functions ------------------------------------------------------------------------ */

static const char two_klines[] =
	"[[1617566400000,\"57953.86000000\",\"58051.25000000\",\"57826.16000000\",\"58025.11000000\","
	"\"1240.20901600\",1617569999999,\"71877458.78372040\",46003,\"620.10450800\","
	"\"35938729.39186020\",\"0\"],"
	"[1617570000000,58025.11,58184,57976.73,58116.69,987.374632,1617573599999,\"1.5\",7,"
	"\"0.5\",\"0.25\",\"0\"]]";

static void test_parse_klines(void)
{
	struct candles c;
	struct cra_error err = { 0 };
	candles_init(&c);
	CHECK_INT(binance_parse_klines(two_klines, strlen(two_klines), &c, &err), 0);
	CHECK_INT(c.n, 2);
	CHECK_INT(c.optional_mask, CANDLE_OPTIONAL_ALL);
	CHECK_INT(c.open_time[0], 1617566400000LL);
	CHECK(c.v[CF_OPEN][0] == 57953.86);
	CHECK(c.v[CF_HIGH][0] == 58051.25);
	CHECK(c.v[CF_LOW][0] == 57826.16);
	CHECK(c.v[CF_CLOSE][0] == 58025.11);
	CHECK(c.v[CF_VOLUME][0] == 1240.209016);
	CHECK(c.v[CF_CLOSE_TIME][0] == 1617569999999.0);
	CHECK(c.v[CF_QUOTE_VOLUME][0] == 71877458.7837204);
	CHECK(c.v[CF_TRADES][0] == 46003);
	CHECK(c.v[CF_TAKER_BUY_QUOTE][0] == 35938729.3918602);
	CHECK(c.v[CF_CLOSE][1] == 58116.69); /* numbers instead of strings are read too */

	const char *bad[] = {
		"{\"code\":-1121,\"msg\":\"Invalid symbol.\"}",       /* an object */
		"[[1617566400000,\"1\",\"1\",\"1\",\"1\",\"1\"]]",   /* 6 fields */
		"[[1617566400000,\"1\",\"x\",\"1\",\"1\",\"1\",1617569999999,\"1\",1,\"1\",\"1\",\"0\"]]",
		"[[\"soon\",\"1\",\"1\",\"1\",\"1\",\"1\",1617569999999,\"1\",1,\"1\",\"1\",\"0\"]]",
		"[[1617566400000,\"1\",\"1\",\"1\",\"1\",\"1\",1617569999999,\"1\",1.5,\"1\",\"1\",\"0\"]]",
		"[[1617566400000,\"1\",\"1\",\"1\"", /* truncated */
		"<html><title>maintenance</title></html>",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct cra_error e = { 0 };
		CHECK_INT(binance_parse_klines(bad[i], strlen(bad[i]), &c, &e), EX_DATAERR);
		CHECK(e.msg[0] != '\0');
	}
	candles_free(&c);
}

static void test_parse_tickers(void)
{
	struct cra_error err = { 0 };
	struct price_tick *p;
	size_t n;
	const char *many = "[{\"symbol\":\"BTCUSDT\",\"price\":\"42411.11000000\"},"
			   "{\"symbol\":\"ETHUSDT\",\"price\":\"2299.87000000\"}]";
	CHECK_INT(binance_parse_prices(many, strlen(many), &p, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_STR(p[1].symbol, "ETHUSDT");
	CHECK(p[0].price == 42411.11);
	free(p);
	const char *one = "{\"symbol\":\"BNBUSDT\",\"price\":\"316.6\"}";
	CHECK_INT(binance_parse_prices(one, strlen(one), &p, &n, &err), 0);
	CHECK_INT(n, 1);
	CHECK_STR(p[0].symbol, "BNBUSDT");
	free(p);
	const char *no_price = "[{\"symbol\":\"BTCUSDT\"}]";
	CHECK_INT(binance_parse_prices(no_price, strlen(no_price), &p, &n, &err), EX_DATAERR);

	struct book_tick *b;
	const char *book = "[{\"symbol\":\"BTCUSDT\",\"bidPrice\":\"42411.10\",\"bidQty\":\"0.5\","
			   "\"askPrice\":\"42411.12\",\"askQty\":\"1.25\"}]";
	CHECK_INT(binance_parse_book(book, strlen(book), &b, &n, &err), 0);
	CHECK_INT(n, 1);
	CHECK(b[0].bid_price == 42411.10 && b[0].ask_qty == 1.25);
	free(b);

	struct funding_rate *f;
	const char *funding = "[{\"symbol\":\"BTCUSDT\",\"fundingTime\":1570608000000,"
			      "\"fundingRate\":\"-0.03750000\",\"markPrice\":\"\"},"
			      "{\"symbol\":\"BTCUSDT\",\"fundingTime\":1570636800000,"
			      "\"fundingRate\":\"0.00010000\",\"markPrice\":\"34287.54619963\"}]";
	CHECK_INT(binance_parse_funding(funding, strlen(funding), &f, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK(isnan(f[0].mark_price)); /* old records have no mark price */
	CHECK(f[0].rate == -0.0375);
	CHECK(f[1].mark_price == 34287.54619963);
	free(f);
	const char *backwards = "[{\"fundingTime\":2,\"fundingRate\":\"0\"},{\"fundingTime\":1,\"fundingRate\":\"0\"}]";
	CHECK_INT(binance_parse_funding(backwards, strlen(backwards), &f, &n, &err), EX_DATAERR);
}

/* The bodies the request path judges: the server's clock, an explained error, a page that is
 * not JSON. */
static void test_parse_answers(void)
{
	struct cra_error err = { 0 };
	int64_t t = 0;
	const char *time_ok = "{\"serverTime\":1499827319559}";
	CHECK_INT(binance_parse_server_time(time_ok, strlen(time_ok), &t, &err), 0);
	CHECK_INT(t, 1499827319559LL);
	const char *time_str = "{\"serverTime\":\"1499827319559\"}";
	CHECK_INT(binance_parse_server_time(time_str, strlen(time_str), &t, &err), 0);
	const char *time_zero = "{\"serverTime\":0}", *time_none = "{\"time\":1}", *time_arr = "[1]";
	CHECK_INT(binance_parse_server_time(time_zero, strlen(time_zero), &t, &err), EX_DATAERR);
	CHECK_INT(binance_parse_server_time(time_none, strlen(time_none), &t, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "no serverTime"));
	CHECK_INT(binance_parse_server_time(time_arr, strlen(time_arr), &t, &err), EX_DATAERR);

	const char *symbol = "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}";
	CHECK_INT(binance_parse_api_error(symbol, strlen(symbol), &err), EX_USAGE);
	CHECK_STR(err.msg, "Binance error -1121: Invalid symbol.");
	const char *internal = "{\"code\":-1001,\"msg\":\"Internal error.\"}", *no_msg = "{\"code\":-1003}";
	CHECK_INT(binance_parse_api_error(internal, strlen(internal), &err), EX_UNAVAILABLE);
	CHECK_INT(binance_parse_api_error(no_msg, strlen(no_msg), &err), EX_UNAVAILABLE);
	CHECK_STR(err.msg, "Binance error -1003: (no message)");
	const char *not_error = "{\"code\":\"-1121\"}", *klines = "[[1,\"2\"]]";
	CHECK_INT(binance_parse_api_error(not_error, strlen(not_error), &err), 0);
	CHECK_INT(binance_parse_api_error(klines, strlen(klines), &err), 0);

	char what[160];
	const char *page = "<html><head><TITLE>503 Service Unavailable</TITLE></head></html>";
	binance_describe_body(page, strlen(page), what, sizeof what);
	CHECK_STR(what, "an HTML page \"503 Service Unavailable\"");
	binance_describe_body("<!DOCTYPE html><p>down", 22, what, sizeof what);
	CHECK_STR(what, "an HTML page");
	binance_describe_body("[[1,", 4, what, sizeof what);
	CHECK_STR(what, "4 bytes that are not complete JSON");
	binance_describe_body("", 0, what, sizeof what);
	CHECK_STR(what, "an empty body");
}

static void test_backoff(void)
{
	uint64_t seed = 42;
	for (int i = 0; i < 200; i++) {
		long d1 = binance_backoff_ms(500, 30000, 1, &seed);
		long d3 = binance_backoff_ms(500, 30000, 3, &seed);
		long d20 = binance_backoff_ms(500, 30000, 20, &seed);
		CHECK(d1 >= 250 && d1 < 500);
		CHECK(d3 >= 1000 && d3 < 2000);
		CHECK(d20 >= 15000 && d20 < 30000); /* capped */
	}
	/* Jitter: not the same every time. */
	long a = binance_backoff_ms(1000, 30000, 2, &seed), b = binance_backoff_ms(1000, 30000, 2, &seed);
	long c = binance_backoff_ms(1000, 30000, 2, &seed);
	CHECK(a != b || b != c);
}

static void test_escape(void)
{
	char *e = http_escape("[\"BTCUSDT\",\"ETHUSDT\"]");
	CHECK_STR(e, "%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D");
	free(e);
	e = http_escape("a-b_c.d~e f");
	CHECK_STR(e, "a-b_c.d~e%20f");
	free(e);
}

/* --- http against the canned server -------------------------------------------------------- */

static void test_http(void)
{
	struct canned srv = { 0 };
	canned_add(&srv, response(200, "X-Mbx-Used-Weight-1m: 7\r\n", "{\"serverTime\":1}"), 0, false);
	canned_add(&srv, response(503, NULL, "{}"), 0, false);
	canned_add(&srv, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2,", 0, true); /* cut */
	canned_add(&srv, NULL, 0, false);       /* hang up */
	canned_add(&srv, response(200, NULL, "[]"), 1500, false); /* too slow */
	canned_start(&srv);
	char url[64];
	url_of(&srv, url, sizeof url);
	struct http_options o = { 2000, 400, NULL, NULL };
	struct http_client *h;
	struct cra_error err = { 0 };
	CHECK_INT(http_client_new(&h, &o, &err), 0);
	struct http_response r;
	enum http_failure f;
	CHECK_INT(http_get(h, url, &r, &f, &err), 0);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "{\"serverTime\":1}");
	CHECK_STR(http_header(&r, "X-MBX-USED-WEIGHT-1M"), "7"); /* names compare without case */
	CHECK(http_header(&r, "Retry-After") == NULL);
	http_response_free(&r);
	CHECK_INT(http_get(h, url, &r, &f, &err), 0);
	CHECK_INT(r.status, 503);
	http_response_free(&r);
	CHECK_INT(http_connections(h), 1); /* keep-alive */
	CHECK_INT(http_get(h, url, &r, &f, &err), EX_UNAVAILABLE);
	CHECK_INT(f, HTTP_TRANSFER);
	http_response_free(&r);
	CHECK_INT(http_get(h, url, &r, &f, &err), EX_UNAVAILABLE);
	CHECK_INT(f, HTTP_TRANSFER);
	http_response_free(&r);
	int64_t t0 = now_ms();
	CHECK_INT(http_get(h, url, &r, &f, &err), EX_UNAVAILABLE);
	CHECK_INT(f, HTTP_TIMEOUT);
	CHECK(now_ms() - t0 < 1400);
	http_response_free(&r);
	http_client_free(h);
	canned_stop(&srv);

	/* Nobody listening: a connection failure. */
	CHECK_INT(http_client_new(&h, &o, &err), 0);
	CHECK_INT(http_get(h, url, &r, &f, &err), EX_UNAVAILABLE);
	CHECK_INT(f, HTTP_CONNECT);
	http_response_free(&r);
	http_client_free(h);
}

static volatile sig_atomic_t cancel_flag;

static void *set_cancel_later(void *arg)
{
	(void)arg;
	sleep_ms(200);
	cancel_flag = 1;
	return NULL;
}

static void test_http_cancel(void)
{
	struct canned srv = { 0 };
	canned_add(&srv, response(200, NULL, "[]"), 5000, false);
	canned_start(&srv);
	char url[64];
	url_of(&srv, url, sizeof url);
	struct http_options o = { 1000, 10000, NULL, &cancel_flag };
	struct http_client *h;
	struct cra_error err = { 0 };
	http_client_new(&h, &o, &err);
	pthread_t t;
	pthread_create(&t, NULL, set_cancel_later, NULL);
	struct http_response r;
	enum http_failure f;
	int64_t t0 = now_ms();
	CHECK(http_get(h, url, &r, &f, &err) != 0);
	CHECK_INT(f, HTTP_CANCELLED);
	CHECK(now_ms() - t0 < 2500); /* libcurl looks at the flag about once a second when idle */
	http_response_free(&r);
	pthread_join(t, NULL);
	http_client_free(h);
	canned_stop(&srv);
	cancel_flag = 0;
}

/* --- binance against the canned server ------------------------------------------------------ */

static char log_text[8192];

static void collect_log(void *ctx, enum binance_log_level level, const char *msg)
{
	(void)ctx, (void)level;
	size_t n = strlen(log_text);
	snprintf(log_text + n, sizeof log_text - n, "%s\n", msg);
}

static struct binance *open_on(const struct canned *srv, int retries)
{
	char url[64];
	url_of(srv, url, sizeof url);
	struct binance_options o = {
		.spot_url = url, .futures_url = url, .connect_timeout_ms = 1000, .timeout_ms = 2000,
		.retries = retries, .retry_base_ms = 10, .retry_max_ms = 50, .log = collect_log,
	};
	struct binance *b;
	struct cra_error err = { 0 };
	if (binance_open(&b, &o, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	log_text[0] = '\0';
	return b;
}

static const char time_body[] = "{\"serverTime\":1703971800000}";

static void test_retries_and_errors(void)
{
	/* 503, a maintenance page, then the answer: two retries, success. */
	struct canned srv = { 0 };
	canned_add(&srv, response(503, NULL, "{\"code\":-1001,\"msg\":\"Internal error\"}"), 0, false);
	canned_add(&srv, response(503, "Content-Type: text/html\r\n",
				  "<html><head><title>Down for maintenance</title></head></html>"), 0, false);
	canned_add(&srv, response(200, NULL, time_body), 0, false);
	canned_start(&srv);
	struct binance *b = open_on(&srv, 4);
	struct cra_error err = { 0 };
	int64_t t;
	CHECK_INT(binance_server_time(b, &t, &err), 0);
	CHECK_INT(t, 1703971800000LL);
	struct binance_stats st;
	binance_get_stats(b, &st);
	CHECK_INT(st.requests, 3);
	CHECK_INT(st.retries, 2);
	CHECK(strstr(log_text, "Binance error -1001: Internal error") != NULL);
	CHECK(strstr(log_text, "an HTML page \"Down for maintenance\"") != NULL);
	binance_close(b);
	canned_stop(&srv);

	/* Always failing: gives up after 1 + retries tries with 69. */
	struct canned down = { 0 };
	canned_add(&down, response(502, NULL, "bad gateway"), 0, false);
	canned_start(&down);
	b = open_on(&down, 2);
	CHECK_INT(binance_server_time(b, &t, &err), EX_UNAVAILABLE);
	CHECK(strstr(err.msg, "gave up after 3 tries") != NULL);
	CHECK_INT(down.requests, 3);
	binance_close(b);
	canned_stop(&down);

	/* An API error: Binance's message, 64, never retried. */
	struct canned api = { 0 };
	canned_add(&api, response(400, NULL, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"), 0, false);
	canned_start(&api);
	b = open_on(&api, 4);
	struct interval iv;
	interval_parse("1h", &iv);
	struct candles c;
	candles_init(&c);
	CHECK_INT(binance_klines(b, "NOSUCH", &iv, 0, INT64_MAX, 1000, &c, &err), EX_USAGE);
	CHECK(strstr(err.msg, "Binance error -1121: Invalid symbol.") != NULL);
	CHECK_INT(api.requests, 1);
	CHECK(strstr(api.last_request, "GET /api/v3/klines?symbol=NOSUCH&interval=1h&startTime=0&limit=1000 ") != NULL);
	/* An invalid symbol never reaches a URL. */
	CHECK_INT(binance_klines(b, "BTC/USDT", &iv, 0, INT64_MAX, 1000, &c, &err), EX_USAGE);
	CHECK_INT(api.requests, 1);
	binance_close(b);
	canned_stop(&api);

	/* 418: stop at once with 75 and the ban's duration. */
	struct canned ban = { 0 };
	canned_add(&ban, response(418, "Retry-After: 120\r\n",
				  "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until 1.\"}"),
		   0, false);
	canned_start(&ban);
	b = open_on(&ban, 4);
	CHECK_INT(binance_server_time(b, &t, &err), EX_TEMPFAIL);
	CHECK(strstr(err.msg, "banned by the exchange for 120 s") != NULL);
	CHECK_INT(ban.requests, 1);
	binance_close(b);
	canned_stop(&ban);
	candles_free(&c);
}

static void test_retry_after(void)
{
	struct canned srv = { 0 };
	canned_add(&srv, response(429, "Retry-After: 1\r\n", "{\"code\":-1003,\"msg\":\"Too many\"}"), 0, false);
	canned_add(&srv, response(200, NULL, time_body), 0, false);
	canned_start(&srv);
	struct binance *b = open_on(&srv, 4);
	struct cra_error err = { 0 };
	int64_t t, t0 = now_ms();
	CHECK_INT(binance_server_time(b, &t, &err), 0);
	CHECK(now_ms() - t0 >= 1000); /* never before Retry-After */
	CHECK(strstr(log_text, "rate limited (HTTP 429: Too many), Retry-After 1 s") != NULL);
	binance_close(b);
	canned_stop(&srv);
}

static void test_governor(void)
{
	/* The exchange's clock is 300 ms before a whole minute; the next answer says 1100 of 1200
	 * are used: the request after it waits for the next minute (+ 500 ms margin). */
	struct canned srv = { 0 };
	canned_add(&srv, response(200, "X-MBX-USED-WEIGHT-1M: 10\r\n",
				  "{\"serverTime\":1703971799700}"), 0, false);
	canned_add(&srv, response(200, "X-MBX-USED-WEIGHT-1M: 1100\r\n", "[]"), 0, false);
	canned_add(&srv, response(200, "X-MBX-USED-WEIGHT-1M: 2\r\n", "[]"), 0, false);
	canned_start(&srv);
	struct binance *b = open_on(&srv, 0);
	struct cra_error err = { 0 };
	int64_t t;
	CHECK_INT(binance_server_time(b, &t, &err), 0);
	struct interval iv;
	interval_parse("1h", &iv);
	struct candles c;
	candles_init(&c);
	int64_t t0 = now_ms();
	CHECK_INT(binance_klines(b, "BTCUSDT", &iv, 0, INT64_MAX, 1000, &c, &err), 0);
	CHECK(now_ms() - t0 < 300); /* 10 used: no wait */
	t0 = now_ms();
	CHECK_INT(binance_klines(b, "BTCUSDT", &iv, 0, INT64_MAX, 1000, &c, &err), 0);
	int64_t waited = now_ms() - t0;
	CHECK(waited >= 500 && waited < 2500);
	CHECK(strstr(log_text, "request weight 1100 of 1200 used this minute: waiting") != NULL);
	struct binance_stats st;
	binance_get_stats(b, &st);
	CHECK_INT(st.rate_waits, 1);
	CHECK_INT(st.used_weight, 2);
	candles_free(&c);
	binance_close(b);
	canned_stop(&srv);
}

static int count_page(void *ctx, const struct candles *c, struct cra_error *err)
{
	(void)err;
	*(size_t *)ctx += c->n;
	return 0;
}

static void test_download(void)
{
	/* Two candles; at server_now 1617570000000 + 30 min the second is unfinished. */
	struct canned srv = { 0 };
	canned_add(&srv, response(200, NULL, two_klines), 0, false);
	canned_start(&srv);
	struct binance *b = open_on(&srv, 0);
	struct interval iv;
	interval_parse("1h", &iv);
	size_t got = 0;
	struct kline_download d = {
		.symbol = "BTCUSDT", .iv = &iv, .start = 1617566400000LL, .end = INT64_MAX,
		.server_now = 1617570000000LL + 30 * MS_PER_MINUTE, .prev_open_time = 1617559200000LL,
		.page = count_page, .ctx = &got,
	};
	struct kline_download_result res = { 0 };
	struct cra_error err = { 0 };
	CHECK_INT(binance_download_klines(b, &d, &res, &err), 0);
	CHECK_INT(got, 1);
	CHECK_INT(res.candles, 1);
	CHECK_INT(res.pages, 1);
	CHECK(res.open_seen);
	CHECK_INT(res.open.n, 1);
	CHECK_INT(res.open.open_time[0], 1617570000000LL);
	CHECK_INT(res.last_open_time, 1617566400000LL);
	/* prev 18:00, first new 20:00: the 19:00 candle is missing. */
	CHECK_INT(res.gaps.gaps, 1);
	CHECK_INT(res.gaps.missing, 1);
	candles_free(&res.open);
	binance_close(b);
	canned_stop(&srv);

	/* A page outside the range asked for is malformed: 65, nothing handed over. */
	struct canned odd = { 0 };
	canned_add(&odd, response(200, NULL, two_klines), 0, false);
	canned_start(&odd);
	b = open_on(&odd, 0);
	got = 0;
	d.start = 1617570000000LL; /* the answer starts an hour earlier */
	struct kline_download_result res2 = { 0 };
	CHECK_INT(binance_download_klines(b, &d, &res2, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "malformed page") != NULL);
	CHECK_INT(got, 0);
	candles_free(&res2.open);
	binance_close(b);
	canned_stop(&odd);
}

static void test_options(void)
{
	struct binance *b;
	struct cra_error err = { 0 };
	struct binance_options o = { .spot_url = "ftp://example.com", .retries = -1 };
	CHECK_INT(binance_open(&b, &o, &err), EX_USAGE);
	setenv("CRA_BINANCE_URL", "http://127.0.0.1:9/base/", 1);
	o.spot_url = NULL;
	CHECK_INT(binance_open(&b, &o, &err), 0);
	CHECK_STR(binance_spot_url(b), "http://127.0.0.1:9/base"); /* trailing slash dropped */
	binance_close(b);
	unsetenv("CRA_BINANCE_URL");
	CHECK_INT(binance_open(&b, NULL, &err), 0);
	CHECK_STR(binance_spot_url(b), BINANCE_DEFAULT_URL);
	binance_close(b);
}

int main(void)
{
	unsetenv("CRA_BINANCE_URL");
	unsetenv("CRA_RETRY_BASE_MS");
	test_parse_klines();
	test_parse_tickers();
	test_parse_answers();
	test_backoff();
	test_escape();
	test_http();
	test_http_cancel();
	test_retries_and_errors();
	test_retry_after();
	test_governor();
	test_download();
	test_options();
	free_responses();
	return check_finish();
}
