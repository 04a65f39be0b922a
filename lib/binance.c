/* binance.c - Binance REST market data: one request path that governs the rate, retries
 * what is transient and explains what is not; klines, tickers and funding rates on top of
 * it; see binance.h. */
#include "binance.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "number.h"
#include "symbol.h"
#include "timefmt.h"

/* Request weights as Binance documents them. */
#define WEIGHT_TIME 1
#define WEIGHT_KLINES 2
#define WEIGHT_TICKER_ONE 2
#define WEIGHT_TICKER_MANY 4
#define WEIGHT_FUNDING 1

/* The governor keeps the used weight below this share of the limit, leaving room for other
 * programs on the same IP address. */
#define WEIGHT_HEADROOM_PERCENT 90
/* Margin past the exchange's minute boundary before the weight counter is trusted reset:
 * our estimate of the exchange's clock is good to a round trip. */
#define WINDOW_MARGIN_MS 500
/* A Retry-After that cannot be read is taken as this many seconds. */
#define RETRY_AFTER_DEFAULT_S 60
/* --follow: fetch this long after a candle's close, so that the exchange has finished it. */
#define FOLLOW_GRACE_MS 1000
/* --follow: when the expected candle is not there yet, look again after this long. */
#define FOLLOW_RECHECK_MS 2000

struct endpoint {
	const char *label;       /* "spot", "futures" */
	char *base;              /* "https://api.binance.us", no trailing slash */
	char host[128];          /* for messages */
	struct http_client *http;
	int used_weight;         /* last X-MBX-USED-WEIGHT-1M, -1 before any */
	int64_t used_at;         /* monotonic ms when it was read */
	int64_t not_before;      /* monotonic ms: Retry-After */
};

struct binance {
	struct binance_options o;
	struct endpoint spot, futures;
	bool have_offset;
	int64_t offset;          /* exchange clock minus our monotonic clock, ms */
	struct binance_stats st;
	uint64_t seed;
};

/* --- small helpers ------------------------------------------------------------------- */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopped(const struct binance *b) { return b->o.stop && *b->o.stop; }

static int interrupted(struct cra_error *err)
{
	return cra_fail(err, EX_TEMPFAIL, "interrupted");
}

/* Sleeps ms, in slices so that a stop request is seen quickly; -1 when stopped. */
static int pause_ms(const struct binance *b, int64_t ms)
{
	int64_t until = mono_ms() + ms;
	for (;;) {
		if (stopped(b))
			return -1;
		int64_t left = until - mono_ms();
		if (left <= 0)
			return 0;
		if (left > 100)
			left = 100;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
		nanosleep(&ts, NULL); /* EINTR: a signal; the loop looks at stop */
	}
}

static void say(const struct binance *b, enum binance_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const struct binance *b, enum binance_log_level level, const char *fmt, ...)
{
	if (!b->o.log)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	b->o.log(b->o.log_ctx, level, msg);
}

static uint64_t next_random(uint64_t *s)
{
	/* xorshift64*: plenty for jitter */
	uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

long binance_backoff_ms(long base_ms, long max_ms, int attempt, uint64_t *seed)
{
	double d = (double)base_ms;
	for (int i = 1; i < attempt && d < (double)max_ms; i++)
		d *= 2;
	if (d > (double)max_ms)
		d = (double)max_ms;
	/* "Equal jitter": half fixed, half random, so that clients that failed together do not
	 * come back together, and the wait still grows. */
	double u = (double)(next_random(seed) >> 11) / 9007199254740992.0; /* [0, 1) */
	return (long)(d * (0.5 + 0.5 * u));
}

static int64_t floor_mod(int64_t a, int64_t m)
{
	int64_t r = a % m;
	return r < 0 ? r + m : r;
}

/* --- setup ----------------------------------------------------------------------------- */

static int endpoint_init(struct endpoint *ep, const char *label, const char *url,
			 const struct binance_options *o, struct cra_error *err)
{
	ep->label = label;
	ep->used_weight = -1;
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return cra_fail(err, EX_USAGE, "%s: the exchange's URL must start with http:// or https://",
				url);
	ep->base = strndup(url, n);
	if (!ep->base)
		return cra_fail(err, EX_OSERR, "out of memory");
	const char *h = strstr(ep->base, "://") + 3;
	snprintf(ep->host, sizeof ep->host, "%s", h);
	char *slash = strchr(ep->host, '/');
	if (slash)
		*slash = '\0';
	struct http_options ho = { o->connect_timeout_ms, o->timeout_ms, NULL, o->stop };
	return http_client_new(&ep->http, &ho, err);
}

static const char *env_or(const char *value, const char *env, const char *fallback)
{
	if (value && *value)
		return value;
	const char *e = getenv(env);
	return e && *e ? e : fallback;
}

int binance_open(struct binance **out, const struct binance_options *options,
		 struct cra_error *err)
{
	struct binance *b = calloc(1, sizeof *b);
	if (!b)
		return cra_fail(err, EX_OSERR, "out of memory");
	if (options)
		b->o = *options;
	if (b->o.retries < 0)
		b->o.retries = 4;
	if (b->o.retry_base_ms <= 0) {
		const char *e = getenv("CRA_RETRY_BASE_MS");
		long v = e ? strtol(e, NULL, 10) : 0;
		b->o.retry_base_ms = v > 0 ? v : 500;
	}
	if (b->o.retry_max_ms <= 0)
		b->o.retry_max_ms = 30000;
	if (b->o.retry_max_ms < b->o.retry_base_ms)
		b->o.retry_max_ms = b->o.retry_base_ms;
	if (b->o.weight_limit <= 0)
		b->o.weight_limit = 1200;
	b->seed = (uint64_t)time_now_ms() * 6364136223846793005ull ^ (uint64_t)getpid();
	const char *spot = env_or(b->o.spot_url, "CRA_BINANCE_URL", BINANCE_DEFAULT_URL);
	const char *fut = env_or(b->o.futures_url, "CRA_BINANCE_FUTURES_URL",
				 BINANCE_DEFAULT_FUTURES_URL);
	int r = endpoint_init(&b->spot, "spot", spot, &b->o, err);
	if (!r)
		r = endpoint_init(&b->futures, "futures", fut, &b->o, err);
	if (r) {
		binance_close(b);
		return r;
	}
	*out = b;
	return 0;
}

void binance_close(struct binance *b)
{
	if (!b)
		return;
	http_client_free(b->spot.http);
	http_client_free(b->futures.http);
	free(b->spot.base);
	free(b->futures.base);
	free(b);
}

void binance_get_stats(const struct binance *b, struct binance_stats *stats)
{
	*stats = b->st;
	stats->connections = (b->spot.http ? http_connections(b->spot.http) : 0) +
			     (b->futures.http ? http_connections(b->futures.http) : 0);
	stats->used_weight = b->spot.used_weight;
}

const char *binance_spot_url(const struct binance *b) { return b->spot.base; }

/* --- the rate governor ------------------------------------------------------------------ */

/* Waits until a request of this weight may go: after any Retry-After, and, when the weight
 * used in the exchange's current minute leaves no room under the headroom, until the next
 * minute.  -1 when stopped. */
static int governor_wait(struct binance *b, struct endpoint *ep, int weight)
{
	int64_t now = mono_ms();
	if (ep->not_before > now) {
		if (pause_ms(b, ep->not_before - now))
			return -1;
		now = mono_ms();
	}
	if (ep->used_weight < 0)
		return 0;
	/* The minute the last reading belongs to ends at the exchange's next whole minute; without
	 * its clock, a minute after the reading is the safe guess. */
	int64_t window_end = b->have_offset
				     ? ep->used_at + MS_PER_MINUTE -
					       floor_mod(ep->used_at + b->offset, MS_PER_MINUTE)
				     : ep->used_at + MS_PER_MINUTE;
	if (now >= window_end + WINDOW_MARGIN_MS) {
		ep->used_weight = 0;
		return 0;
	}
	int64_t allowed = (int64_t)b->o.weight_limit * WEIGHT_HEADROOM_PERCENT / 100;
	if (ep->used_weight + weight <= allowed)
		return 0;
	int64_t wait = window_end + WINDOW_MARGIN_MS - now;
	b->st.rate_waits++;
	say(b, BINANCE_LOG_NOTICE, "%s: request weight %d of %d used this minute: waiting %.1f s "
	    "for the next minute", ep->host, ep->used_weight, b->o.weight_limit, (double)wait / 1000);
	if (pause_ms(b, wait))
		return -1;
	ep->used_weight = 0;
	return 0;
}

static void read_weight(struct endpoint *ep, const struct http_response *r)
{
	const char *h = http_header(r, "X-MBX-USED-WEIGHT-1M");
	if (!h)
		return;
	int64_t v;
	if (number_parse_int64(h, strlen(h), &v) == 0 && v >= 0 && v < 1000000000) {
		ep->used_weight = (int)v;
		ep->used_at = mono_ms();
	}
}

/* Retry-After in seconds (Binance sends an integer); -1 when absent. */
static long retry_after_s(const struct http_response *r)
{
	const char *h = http_header(r, "Retry-After");
	if (!h)
		return -1;
	int64_t v;
	if (number_parse_int64(h, strlen(h), &v) == 0 && v >= 0 && v < 100000000)
		return (long)v;
	return RETRY_AFTER_DEFAULT_S;
}

/* --- the one request path ----------------------------------------------------------- */

void binance_describe_body(const char *body, size_t len, char *out, size_t size)
{
	if (len == 0) {
		snprintf(out, size, "an empty body");
		return;
	}
	const char *title = strcasestr(body, "<title>");
	if (title) {
		title += 7;
		const char *end = strcasestr(title, "</title>");
		int n = end ? (int)(end - title) : 60;
		if (n > 80)
			n = 80;
		snprintf(out, size, "an HTML page \"%.*s\"", n, title);
		return;
	}
	if (strcasestr(body, "<html") || strcasestr(body, "<!doctype")) {
		snprintf(out, size, "an HTML page");
		return;
	}
	snprintf(out, size, "%zu bytes that are not complete JSON", len);
}

/* What a body that is not the JSON we wanted looks like, for messages. */
static void describe_body(const struct http_response *r, char *out, size_t size)
{
	binance_describe_body(r->body, r->len, out, size);
}

/* {"code": -1121, "msg": "Invalid symbol."} -> true with code and msg. */
static bool api_error(const json_t *j, long *code, const char **msg)
{
	if (!json_is_object(j))
		return false;
	json_t *c = json_object_get(j, "code"), *m = json_object_get(j, "msg");
	if (!json_is_integer(c))
		return false;
	*code = (long)json_integer_value(c);
	*msg = json_is_string(m) ? json_string_value(m) : "(no message)";
	return true;
}

static int api_error_status(long code)
{
	/* -11xx: something in the request (unknown symbol, bad interval, bad parameter) - the
	 * user's to fix.  Anything else is the exchange's business. */
	return code <= -1100 && code > -1200 ? EX_USAGE : EX_UNAVAILABLE;
}

int binance_parse_api_error(const char *json, size_t len, struct cra_error *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(json, len, 0, &jerr);
	long code = 0;
	const char *msg = NULL;
	int status = api_error(j, &code, &msg)
		? cra_fail(err, api_error_status(code), "Binance error %ld: %s", code, msg) : 0;
	json_decref(j);
	return status;
}

/* GET base + path_query; on success *out holds JSON of the wanted type (JSON_ARRAY or
 * JSON_OBJECT).  Retries what is transient. */
static int request(struct binance *b, struct endpoint *ep, const char *path_query, int weight,
		   json_type want, json_t **out, struct cra_error *err)
{
	*out = NULL;
	char *url;
	if (asprintf(&url, "%s%s", ep->base, path_query) < 0)
		return cra_fail(err, EX_OSERR, "out of memory");
	int tries = 1 + b->o.retries, status = 0;
	char last[CRA_ERROR_MAX + 64] = "";
	bool last_rate_limited = false;
	for (int attempt = 0; attempt < tries; attempt++) {
		if (attempt > 0) {
			/* After a 429 the Retry-After wait (governor_wait) is the backoff. */
			long delay = last_rate_limited ? 0
				: binance_backoff_ms(b->o.retry_base_ms, b->o.retry_max_ms, attempt, &b->seed);
			if (last_rate_limited)
				say(b, BINANCE_LOG_NOTICE, "%s: %s; trying again after it (try %d of %d)",
				    ep->host, last, attempt + 1, tries);
			else
				say(b, BINANCE_LOG_NOTICE, "%s: %s; trying again in %.*f %s (try %d of %d)",
				    ep->host, last, delay < 1000 ? 0 : 1,
				    delay < 1000 ? (double)delay : (double)delay / 1000,
				    delay < 1000 ? "ms" : "s", attempt + 1, tries);
			b->st.retries++;
			if (pause_ms(b, delay)) {
				status = interrupted(err);
				goto done;
			}
		}
		if (governor_wait(b, ep, weight)) {
			status = interrupted(err);
			goto done;
		}
		struct http_response r;
		enum http_failure f;
		struct cra_error e = { 0 };
		b->st.requests++;
		last_rate_limited = false;
		if (http_get(ep->http, url, &r, &f, &e)) {
			http_response_free(&r);
			if (f == HTTP_CANCELLED || stopped(b)) {
				status = interrupted(err);
				goto done;
			}
			say(b, BINANCE_LOG_REQUEST, "GET %s -> %s", path_query, e.msg);
			snprintf(last, sizeof last, "%s", e.msg);
			if (f == HTTP_OTHER) {
				status = cra_fail(err, e.status, "%s: %s", ep->host, e.msg);
				goto done;
			}
			continue;
		}
		read_weight(ep, &r);
		char used[48] = "";
		if (ep->used_weight >= 0)
			snprintf(used, sizeof used, " (used %d/%d)", ep->used_weight, b->o.weight_limit);
		say(b, BINANCE_LOG_REQUEST, "GET %s -> %ld, %zu bytes, weight %d%s, %.0f ms", path_query,
		    r.status, r.len, weight, used, r.elapsed_s * 1000);
		json_error_t jerr;
		json_t *j = json_loadb(r.body, r.len, 0, &jerr);
		long code = 0, ra = retry_after_s(&r);
		const char *msg = NULL;
		char what[160];
		bool is_api_error = api_error(j, &code, &msg);
		if (r.status == 429) {
			long wait_s = ra >= 0 ? ra : RETRY_AFTER_DEFAULT_S;
			ep->not_before = mono_ms() + wait_s * 1000;
			b->st.rate_waits++;
			last_rate_limited = true;
			snprintf(last, sizeof last, "rate limited (HTTP 429%s%s), Retry-After %ld s",
				 is_api_error ? ": " : "", is_api_error ? msg : "", wait_s);
		} else if (r.status == 418) {
			long ban_s = ra >= 0 ? ra : 0;
			char until[TIME_BUF];
			time_format_iso(time_now_ms() + ban_s * 1000, until);
			status = cra_fail(err, EX_TEMPFAIL,
					  "%s: this IP address is banned by the exchange for %ld s (until %s), "
					  "for sending requests after a 429%s%s; try again after that",
					  ep->host, ban_s, until, is_api_error ? ": " : "",
					  is_api_error ? msg : "");
		} else if (r.status >= 200 && r.status < 300 && j && json_typeof(j) == want) {
			*out = j;
			j = NULL;
		} else if (r.status >= 200 && r.status < 300 && is_api_error) {
			status = cra_fail(err, api_error_status(code), "%s: Binance error %ld: %s",
					  ep->host, code, msg);
		} else if (r.status >= 200 && r.status < 300) {
			describe_body(&r, what, sizeof what);
			snprintf(last, sizeof last, "HTTP %ld with %s", r.status,
				 j ? "JSON of the wrong shape" : what);
		} else if (r.status >= 500) {
			if (ra > 0)
				ep->not_before = mono_ms() + ra * 1000;
			if (is_api_error)
				snprintf(last, sizeof last, "HTTP %ld: Binance error %ld: %s", r.status, code, msg);
			else {
				describe_body(&r, what, sizeof what);
				snprintf(last, sizeof last, "HTTP %ld with %s", r.status, what);
			}
		} else if (r.status == 403) {
			status = cra_fail(err, EX_UNAVAILABLE, "%s: HTTP 403: the exchange's firewall refuses "
					  "this request (rate limit or blocked address)", ep->host);
		} else if (is_api_error) {
			status = cra_fail(err, api_error_status(code), "%s: Binance error %ld: %s", ep->host,
					  code, msg);
		} else {
			describe_body(&r, what, sizeof what);
			status = cra_fail(err, EX_UNAVAILABLE, "%s: GET %s: HTTP %ld with %s (is the URL "
					  "right?)", ep->host, path_query, r.status, what);
		}
		json_decref(j);
		http_response_free(&r);
		if (*out || status)
			goto done;
	}
	status = cra_fail(err, last_rate_limited ? EX_TEMPFAIL : EX_UNAVAILABLE,
			  "%s: GET %s: gave up after %d tries; the last: %s", ep->host, path_query,
			  tries, last);
done:
	free(url);
	return status;
}

/* --- JSON values ---------------------------------------------------------------------- */

/* A price or quantity: Binance sends decimal strings; numbers are accepted too. */
static bool json_decimal(const json_t *v, double *out)
{
	if (json_is_string(v))
		return number_parse_double(json_string_value(v), json_string_length(v), out) == 0;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return true;
	}
	return false;
}

static bool json_ms(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return true;
	}
	if (json_is_string(v))
		return number_parse_int64(json_string_value(v), json_string_length(v), out) == 0;
	return false;
}

static int load_json(const char *text, size_t len, json_type want, json_t **out,
		     struct cra_error *err)
{
	json_error_t jerr;
	*out = json_loadb(text, len, 0, &jerr);
	if (!*out)
		return cra_fail(err, EX_DATAERR, "not JSON: %s at line %d", jerr.text, jerr.line);
	if (json_typeof(*out) != want) {
		json_decref(*out);
		*out = NULL;
		return cra_fail(err, EX_DATAERR, "expected a JSON %s", want == JSON_ARRAY ? "array" : "object");
	}
	return 0;
}

/* --- server time ------------------------------------------------------------------------ */

/* {"serverTime": 1499827319559} -> true with the time. */
static bool server_time_of(const json_t *j, int64_t *t)
{
	return json_ms(json_object_get(j, "serverTime"), t) && *t > 0;
}

int binance_parse_server_time(const char *json, size_t len, int64_t *server_ms,
			      struct cra_error *err)
{
	json_t *j;
	int r = load_json(json, len, JSON_OBJECT, &j, err);
	if (r)
		return r;
	bool ok = server_time_of(j, server_ms);
	json_decref(j);
	return ok ? 0 : cra_fail(err, EX_DATAERR, "no serverTime in the answer");
}

int binance_server_time(struct binance *b, int64_t *server_ms, struct cra_error *err)
{
	json_t *j;
	int64_t t0 = mono_ms();
	int r = request(b, &b->spot, "/api/v3/time", WEIGHT_TIME, JSON_OBJECT, &j, err);
	if (r)
		return r;
	int64_t t1 = mono_ms(), t;
	bool ok = server_time_of(j, &t);
	json_decref(j);
	if (!ok)
		return cra_fail(err, EX_DATAERR, "%s: /api/v3/time: no serverTime in the answer",
				b->spot.host);
	/* The answer was made somewhere in the round trip: assume its middle. */
	b->offset = t - (t0 + t1) / 2;
	b->have_offset = true;
	*server_ms = t;
	return 0;
}

/* --- klines ----------------------------------------------------------------------------- */

static int parse_klines_json(const json_t *arr, struct candles *out, struct cra_error *err)
{
	candles_clear(out);
	out->optional_mask = CANDLE_OPTIONAL_ALL;
	if (candles_reserve(out, json_array_size(arr)))
		return cra_fail(err, EX_OSERR, "out of memory");
	/* Binance's kline: open_time, open, high, low, close, volume, close_time, quote_volume,
	 * trades, taker_buy_base, taker_buy_quote, ignore. */
	static const int field_of_element[11] = {
		-1, CF_OPEN, CF_HIGH, CF_LOW, CF_CLOSE, CF_VOLUME, CF_CLOSE_TIME, CF_QUOTE_VOLUME,
		CF_TRADES, CF_TAKER_BUY_BASE, CF_TAKER_BUY_QUOTE,
	};
	size_t i;
	json_t *k;
	json_array_foreach(arr, i, k) {
		if (!json_is_array(k) || json_array_size(k) < 11)
			return cra_fail(err, EX_DATAERR, "kline %zu: expected an array of 12 fields", i + 1);
		int64_t t;
		if (!json_ms(json_array_get(k, 0), &t))
			return cra_fail(err, EX_DATAERR, "kline %zu: open time is not an integer", i + 1);
		double v[CANDLE_NFIELDS];
		for (int e = 1; e < 11; e++) {
			const json_t *x = json_array_get(k, (size_t)e);
			int f = field_of_element[e];
			int64_t n;
			if (f == CF_CLOSE_TIME || f == CF_TRADES) {
				if (!json_ms(x, &n))
					return cra_fail(err, EX_DATAERR, "kline %zu: %s is not an integer", i + 1,
							candle_field_name[f]);
				v[f] = (double)n;
			} else if (!json_decimal(x, &v[f])) {
				return cra_fail(err, EX_DATAERR, "kline %zu: %s is not a decimal number", i + 1,
						candle_field_name[f]);
			}
		}
		candles_push(out, t, v); /* reserved above */
	}
	return 0;
}

int binance_parse_klines(const char *json, size_t len, struct candles *out,
			 struct cra_error *err)
{
	json_t *j;
	int r = load_json(json, len, JSON_ARRAY, &j, err);
	if (r)
		return r;
	r = parse_klines_json(j, out, err);
	json_decref(j);
	return r;
}

static void append_range(char *buf, size_t size, const char *name, int64_t t)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "&%s=%lld", name, (long long)t);
}

int binance_klines(struct binance *b, const char *symbol, const struct interval *iv,
		   int64_t start, int64_t end, int limit, struct candles *out,
		   struct cra_error *err)
{
	if (!symbol_valid(symbol))
		return cra_fail(err, EX_USAGE, "invalid symbol '%.40s'", symbol);
	char path[256];
	snprintf(path, sizeof path, "/api/v3/klines?symbol=%s&interval=%s", symbol, iv->name);
	if (start != INT64_MIN)
		append_range(path, sizeof path, "startTime", start);
	if (end != INT64_MAX)
		append_range(path, sizeof path, "endTime", end);
	size_t n = strlen(path);
	snprintf(path + n, sizeof path - n, "&limit=%d", limit);
	json_t *j;
	int r = request(b, &b->spot, path, WEIGHT_KLINES, JSON_ARRAY, &j, err);
	if (r)
		return r;
	r = parse_klines_json(j, out, err);
	json_decref(j);
	if (r)
		cra_error_prefix(err, "%s: klines for %s %s: ", b->spot.host, symbol, iv->name);
	return r;
}

/* Adds the candles missing between prev and t (both open times) to a gap report. */
static void count_gap(struct gap_report *g, const struct interval *iv, int64_t prev, int64_t t)
{
	if (prev == INT64_MIN)
		return;
	int64_t missing = interval_count(iv, interval_next(iv, prev), interval_floor(iv, t));
	if (missing <= 0)
		return;
	g->gaps++;
	g->missing += missing;
	if (missing > g->largest) {
		g->largest = missing;
		g->largest_after = prev;
	}
}

/* Checks the page's shape: on the interval's boundaries, strictly increasing, inside the
 * range asked for, close_time where Binance puts it.  A page that fails is not market data
 * we can trust at all. */
static int check_page(const struct kline_download *d, const struct candles *page, int64_t from,
		      int64_t to, struct cra_error *err)
{
	for (size_t i = 0; i < page->n; i++) {
		int64_t t = page->open_time[i];
		char when[TIME_BUF];
		time_format_iso(t, when);
		const char *why = NULL;
		if (t < from || t > to)
			why = "is outside the range asked for";
		else if (!interval_aligned(d->iv, t))
			why = "is not on an interval boundary";
		else if (i > 0 && t <= page->open_time[i - 1])
			why = "is not after the previous candle's";
		else if (page->v[CF_CLOSE_TIME][i] != (double)(interval_next(d->iv, t) - 1))
			why = "does not match its close_time";
		if (why)
			return cra_fail(err, EX_DATAERR,
					"%s %s: the exchange sent a malformed page: candle %zu's open time %s %s",
					d->symbol, d->iv->name, i + 1, when, why);
	}
	return 0;
}

int binance_download_klines(struct binance *b, const struct kline_download *d,
			    struct kline_download_result *res, struct cra_error *err)
{
	struct candles page, closed;
	candles_init(&page);
	candles_init(&closed);
	res->last_open_time = d->prev_open_time;
	int64_t start = d->start;
	int r = 0;
	while (start < d->end) {
		int64_t last_wanted = d->end == INT64_MAX ? INT64_MAX : d->end - 1;
		if ((r = binance_klines(b, d->symbol, d->iv, start, last_wanted, BINANCE_KLINES_LIMIT,
					&page, err)))
			break;
		res->pages++;
		if (page.n == 0)
			break;
		if ((r = check_page(d, &page, start, last_wanted, err)))
			break;
		candles_clear(&closed);
		closed.optional_mask = page.optional_mask;
		double row[CANDLE_NFIELDS];
		size_t i;
		for (i = 0; i < page.n; i++) {
			for (int f = 0; f < CANDLE_NFIELDS; f++)
				row[f] = page.v[f][i];
			if (row[CF_CLOSE_TIME] >= (double)d->server_now) {
				/* Unfinished: everything from here on is the present, not history. */
				res->open_seen = true;
				candles_clear(&res->open);
				res->open.optional_mask = page.optional_mask;
				if (candles_push(&res->open, page.open_time[i], row))
					r = cra_fail(err, EX_OSERR, "out of memory");
				break;
			}
			const char *why, *field = candle_row_problem(row, page.optional_mask, &why);
			if (field) {
				char when[TIME_BUF];
				time_format_iso(page.open_time[i], when);
				say(b, BINANCE_LOG_NOTICE, "%s %s: the exchange's candle at %s is invalid (%s %s): "
				    "skipped, it will show as a gap", d->symbol, d->iv->name, when, field, why);
				res->rejected++;
				continue;
			}
			if (candles_push(&closed, page.open_time[i], row)) {
				r = cra_fail(err, EX_OSERR, "out of memory");
				break;
			}
		}
		if (r)
			break;
		for (size_t k = 0; k < closed.n; k++) {
			count_gap(&res->gaps, d->iv, res->last_open_time, closed.open_time[k]);
			res->last_open_time = closed.open_time[k];
		}
		if (closed.n) {
			if ((r = d->page(d->ctx, &closed, err)))
				break;
			res->candles += closed.n;
		}
		if (res->open_seen || page.n < BINANCE_KLINES_LIMIT)
			break;
		start = interval_next(d->iv, page.open_time[page.n - 1]);
	}
	candles_free(&page);
	candles_free(&closed);
	return r;
}

/* --- follow ----------------------------------------------------------------------------- */

struct follow_ctx {
	const struct kline_follow *f;
	size_t symbol_index;
};

static int follow_page(void *ctx, const struct candles *closed, struct cra_error *err)
{
	const struct follow_ctx *fc = ctx;
	return fc->f->page(fc->f->ctx, fc->symbol_index, closed, err);
}

/* One round for symbol s: fetch what has closed since next_open[s]; returns when to look
 * again (exchange clock), or fails. */
static int follow_one(struct binance *b, const struct kline_follow *f, size_t s, int64_t now,
		      int64_t *due, struct cra_error *err)
{
	struct follow_ctx fc = { f, s };
	struct kline_download d = {
		.symbol = f->symbols[s], .iv = f->iv, .start = f->next_open[s], .end = INT64_MAX,
		.server_now = now, .prev_open_time = f->prev_open_time[s], .page = follow_page,
		.ctx = &fc,
	};
	struct kline_download_result *res = &f->results[s], one = { 0 };
	one.gaps = res->gaps;
	int r = binance_download_klines(b, &d, &one, err);
	res->candles += one.candles;
	res->pages += one.pages;
	res->rejected += one.rejected;
	res->gaps = one.gaps;
	if (one.candles) {
		f->prev_open_time[s] = one.last_open_time;
		f->next_open[s] = interval_next(f->iv, one.last_open_time);
	}
	res->last_open_time = f->prev_open_time[s];
	if (!r && one.open_seen) {
		/* The unfinished candle closes at its close_time: ask a little after that. */
		*due = (int64_t)one.open.v[CF_CLOSE_TIME][0] + 1 + FOLLOW_GRACE_MS;
		/* Candles before it that never came were skipped by the exchange (an outage). */
		if (one.open.open_time[0] > f->next_open[s])
			f->next_open[s] = one.open.open_time[0];
	} else if (!r) {
		/* No unfinished candle in the answer: the exchange lags; look again soon. */
		*due = now + FOLLOW_RECHECK_MS;
	}
	candles_free(&one.open);
	return r;
}

int binance_follow_klines(struct binance *b, const struct kline_follow *f,
			  struct cra_error *err)
{
	long poll = f->poll_ms > 0 ? f->poll_ms : 60000;
	int64_t *due = calloc(f->nsymbols ? f->nsymbols : 1, sizeof *due); /* exchange clock */
	if (!due)
		return cra_fail(err, EX_OSERR, "out of memory");
	int r = 0;
	while (!stopped(b)) {
		int64_t now;
		int64_t soonest = INT64_MAX;
		r = binance_server_time(b, &now, err);
		for (size_t s = 0; !r && s < f->nsymbols && !stopped(b); s++) {
			if (now >= due[s])
				r = follow_one(b, f, s, now, &due[s], err);
			if (!r && due[s] < soonest)
				soonest = due[s];
		}
		if (stopped(b))
			break;
		int64_t wait = soonest == INT64_MAX ? poll : soonest - now;
		if (r == EX_UNAVAILABLE) {
			/* The exchange is unreachable even after retries: keep following. */
			say(b, BINANCE_LOG_NOTICE, "%s; following on, next try in %.0f s", err->msg,
			    (double)poll / 1000);
			cra_error_clear(err);
			r = 0;
			wait = poll;
		}
		if (r)
			break;
		if (wait > poll)
			wait = poll;
		if (wait < 50)
			wait = 50;
		if (pause_ms(b, wait))
			break;
	}
	free(due);
	if (stopped(b)) {
		cra_error_clear(err);
		return 0;
	}
	return r;
}

/* --- tickers ---------------------------------------------------------------------------- */

/* "?symbol=X" for one symbol, "?symbols=[...]" (escaped) for several, "" for all. */
static int symbols_query(const char *const *symbols, size_t n, char **out, int *weight,
			 struct cra_error *err)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (!symbol_valid(symbols[i]))
			return cra_fail(err, EX_USAGE, "invalid symbol '%.40s'", symbols[i]);
	*weight = n == 1 ? WEIGHT_TICKER_ONE : WEIGHT_TICKER_MANY;
	if (n == 0) {
		*out = strdup("");
	} else if (n == 1) {
		if (asprintf(out, "?symbol=%s", symbols[0]) < 0)
			*out = NULL;
	} else {
		size_t len = 3;
		for (size_t i = 0; i < n; i++)
			len += strlen(symbols[i]) + 3;
		char *list = malloc(len), *p = list;
		if (list) {
			*p++ = '[';
			for (size_t i = 0; i < n; i++)
				p += sprintf(p, "%s\"%s\"", i ? "," : "", symbols[i]);
			*p++ = ']';
			*p = '\0';
			char *esc = http_escape(list);
			if (!esc || asprintf(out, "?symbols=%s", esc) < 0)
				*out = NULL;
			free(esc);
		}
		free(list);
	}
	return *out ? 0 : cra_fail(err, EX_OSERR, "out of memory");
}

static bool copy_symbol(const json_t *o, char *dst, size_t size)
{
	const json_t *s = json_object_get(o, "symbol");
	if (!json_is_string(s) || json_string_length(s) >= size)
		return false;
	memcpy(dst, json_string_value(s), json_string_length(s) + 1);
	return true;
}

/* Ticker answers are one object (one symbol asked) or an array of them. */
static int parse_prices_json(const json_t *j, struct price_tick **out, size_t *n,
			     struct cra_error *err)
{
	size_t count = json_is_array(j) ? json_array_size(j) : 1;
	struct price_tick *t = calloc(count ? count : 1, sizeof *t);
	if (!t)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const json_t *o = json_is_array(j) ? json_array_get(j, i) : j;
		if (!json_is_object(o) || !copy_symbol(o, t[i].symbol, sizeof t[i].symbol) ||
		    !json_decimal(json_object_get(o, "price"), &t[i].price)) {
			free(t);
			return cra_fail(err, EX_DATAERR, "price %zu: expected {\"symbol\", \"price\"}", i + 1);
		}
	}
	*out = t;
	*n = count;
	return 0;
}

static int parse_book_json(const json_t *j, struct book_tick **out, size_t *n,
			   struct cra_error *err)
{
	size_t count = json_is_array(j) ? json_array_size(j) : 1;
	struct book_tick *t = calloc(count ? count : 1, sizeof *t);
	if (!t)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const json_t *o = json_is_array(j) ? json_array_get(j, i) : j;
		if (!json_is_object(o) || !copy_symbol(o, t[i].symbol, sizeof t[i].symbol) ||
		    !json_decimal(json_object_get(o, "bidPrice"), &t[i].bid_price) ||
		    !json_decimal(json_object_get(o, "bidQty"), &t[i].bid_qty) ||
		    !json_decimal(json_object_get(o, "askPrice"), &t[i].ask_price) ||
		    !json_decimal(json_object_get(o, "askQty"), &t[i].ask_qty)) {
			free(t);
			return cra_fail(err, EX_DATAERR, "book ticker %zu: expected {\"symbol\", "
					"\"bidPrice\", \"bidQty\", \"askPrice\", \"askQty\"}", i + 1);
		}
	}
	*out = t;
	*n = count;
	return 0;
}

int binance_parse_prices(const char *json, size_t len, struct price_tick **out, size_t *n,
			 struct cra_error *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(json, len, 0, &jerr);
	if (!j)
		return cra_fail(err, EX_DATAERR, "not JSON: %s", jerr.text);
	int r = parse_prices_json(j, out, n, err);
	json_decref(j);
	return r;
}

int binance_parse_book(const char *json, size_t len, struct book_tick **out, size_t *n,
		       struct cra_error *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(json, len, 0, &jerr);
	if (!j)
		return cra_fail(err, EX_DATAERR, "not JSON: %s", jerr.text);
	int r = parse_book_json(j, out, n, err);
	json_decref(j);
	return r;
}

static int ticker_request(struct binance *b, const char *path, const char *const *symbols,
			  size_t n, json_t **j, struct cra_error *err)
{
	char *query, *full;
	int weight = WEIGHT_TICKER_MANY, r = symbols_query(symbols, n, &query, &weight, err);
	if (r)
		return r;
	if (asprintf(&full, "%s%s", path, query) < 0) {
		free(query);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	free(query);
	r = request(b, &b->spot, full, weight, n == 1 ? JSON_OBJECT : JSON_ARRAY, j, err);
	free(full);
	return r;
}

int binance_ticker_price(struct binance *b, const char *const *symbols, size_t n,
			 struct price_tick **out, size_t *nout, struct cra_error *err)
{
	json_t *j;
	int r = ticker_request(b, "/api/v3/ticker/price", symbols, n, &j, err);
	if (r)
		return r;
	r = parse_prices_json(j, out, nout, err);
	json_decref(j);
	if (r)
		cra_error_prefix(err, "%s: /api/v3/ticker/price: ", b->spot.host);
	return r;
}

int binance_book_ticker(struct binance *b, const char *const *symbols, size_t n,
			struct book_tick **out, size_t *nout, struct cra_error *err)
{
	json_t *j;
	int r = ticker_request(b, "/api/v3/ticker/bookTicker", symbols, n, &j, err);
	if (r)
		return r;
	r = parse_book_json(j, out, nout, err);
	json_decref(j);
	if (r)
		cra_error_prefix(err, "%s: /api/v3/ticker/bookTicker: ", b->spot.host);
	return r;
}

/* --- funding rates ---------------------------------------------------------------------- */

static int parse_funding_json(const json_t *j, struct funding_rate **out, size_t *n,
			      struct cra_error *err)
{
	size_t count = json_array_size(j);
	struct funding_rate *f = calloc(count ? count : 1, sizeof *f);
	if (!f)
		return cra_fail(err, EX_OSERR, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const json_t *o = json_array_get(j, i), *mark = json_object_get(o, "markPrice");
		bool ok = json_is_object(o) && json_ms(json_object_get(o, "fundingTime"), &f[i].time) &&
			  json_decimal(json_object_get(o, "fundingRate"), &f[i].rate);
		f[i].mark_price = NAN;
		/* Old records carry "markPrice": "" or none at all. */
		if (ok && mark && !(json_is_string(mark) && json_string_length(mark) == 0))
			ok = json_decimal(mark, &f[i].mark_price);
		if (ok && i > 0 && f[i].time <= f[i - 1].time) {
			free(f);
			return cra_fail(err, EX_DATAERR, "funding rate %zu: not after the previous one", i + 1);
		}
		if (!ok || !isfinite(f[i].rate)) {
			free(f);
			return cra_fail(err, EX_DATAERR, "funding rate %zu: expected {\"fundingTime\", "
					"\"fundingRate\", \"markPrice\"}", i + 1);
		}
	}
	*out = f;
	*n = count;
	return 0;
}

int binance_parse_funding(const char *json, size_t len, struct funding_rate **out, size_t *n,
			  struct cra_error *err)
{
	json_t *j;
	int r = load_json(json, len, JSON_ARRAY, &j, err);
	if (r)
		return r;
	r = parse_funding_json(j, out, n, err);
	json_decref(j);
	return r;
}

int binance_download_funding(struct binance *b, const char *symbol, int64_t start, int64_t end,
			     int (*page)(void *ctx, const struct funding_rate *rates, size_t n,
					 struct cra_error *err),
			     void *ctx, size_t *total, struct cra_error *err)
{
	if (!symbol_valid(symbol))
		return cra_fail(err, EX_USAGE, "invalid symbol '%.40s'", symbol);
	*total = 0;
	while (start < end) {
		char path[256];
		snprintf(path, sizeof path, "/fapi/v1/fundingRate?symbol=%s", symbol);
		if (start != INT64_MIN)
			append_range(path, sizeof path, "startTime", start);
		if (end != INT64_MAX)
			append_range(path, sizeof path, "endTime", end - 1);
		size_t len = strlen(path);
		snprintf(path + len, sizeof path - len, "&limit=%d", BINANCE_FUNDING_LIMIT);
		json_t *j;
		int r = request(b, &b->futures, path, WEIGHT_FUNDING, JSON_ARRAY, &j, err);
		if (r)
			return r;
		struct funding_rate *rates;
		size_t n;
		r = parse_funding_json(j, &rates, &n, err);
		json_decref(j);
		if (r) {
			cra_error_prefix(err, "%s: funding rates for %s: ", b->futures.host, symbol);
			return r;
		}
		if (n && (rates[0].time < start || rates[n - 1].time >= end)) {
			free(rates);
			return cra_fail(err, EX_DATAERR, "%s: funding rates for %s: the exchange sent rates "
					"outside the range asked for", b->futures.host, symbol);
		}
		if (n)
			r = page(ctx, rates, n, err);
		int64_t last = n ? rates[n - 1].time : 0;
		free(rates);
		if (r)
			return r;
		*total += n;
		if (n < BINANCE_FUNDING_LIMIT)
			break;
		start = last + 1;
	}
	return 0;
}
