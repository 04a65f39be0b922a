/* binance.h - Binance's public market data over REST: klines, server time, price and book
 * tickers (spot, https://api.binance.us by default) and perpetual-futures funding rates
 * (https://fapi.binance.com by default).
 *
 * Every request goes through one place that
 *   - keeps one HTTP connection per exchange host open (keep-alive, http.h);
 *   - governs the request rate: it reads X-MBX-USED-WEIGHT-1M from every response and, when
 *     the next request would take the used weight above 90% of the limit (1200 per minute),
 *     waits for the exchange's next minute; after a 429 it sends nothing before Retry-After
 *     has passed;
 *   - classifies failures: 5xx, timeouts, resets, truncated or non-JSON bodies (a maintenance
 *     page) are retried with exponential backoff and jitter, a bounded number of times, then
 *     fail with 69 (EX_UNAVAILABLE); an error the API explains ({"code":-1121,"msg":...}) is
 *     reported with Binance's message and never retried (64 for a bad request parameter such
 *     as an unknown symbol, 69 otherwise); 418 (the IP address is banned) stops at once with
 *     75 (EX_TEMPFAIL) and the ban's duration.
 *
 * Downloads are paginated (limit 1000, startTime) and hand each page of closed, checked
 * candles to a callback - the caller stores each page atomically, so a download that fails
 * half-way keeps every complete page and a later run resumes after it.  A candle is closed
 * when its close_time is before the exchange's clock (GET /api/v3/time), never the local one.
 *
 * The library prints nothing: messages about requests, retries and waits go to a log
 * callback.  It reads CRA_BINANCE_URL, CRA_BINANCE_FUTURES_URL and CRA_RETRY_BASE_MS when
 * the options leave them unset.
 */
#ifndef CRA_BINANCE_H
#define CRA_BINANCE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"
#include "gaps.h"
#include "interval.h"

#define BINANCE_DEFAULT_URL "https://api.binance.us"
#define BINANCE_DEFAULT_FUTURES_URL "https://fapi.binance.com"
#define BINANCE_KLINES_LIMIT 1000  /* the most klines one request returns */
#define BINANCE_FUNDING_LIMIT 1000

enum binance_log_level {
	BINANCE_LOG_REQUEST, /* one line per request: URL, status, weight, time (--verbose) */
	BINANCE_LOG_NOTICE,  /* retries, waits for the rate limit, rejected candles */
};

struct binance_options {
	const char *spot_url;     /* NULL: $CRA_BINANCE_URL, else BINANCE_DEFAULT_URL */
	const char *futures_url;  /* NULL: $CRA_BINANCE_FUTURES_URL, else the default */
	long connect_timeout_ms;  /* 0: 10 s */
	long timeout_ms;          /* whole request; 0: 30 s */
	int retries;              /* further tries after a transient failure; < 0: 4 */
	long retry_base_ms;       /* first backoff; 0: $CRA_RETRY_BASE_MS, else 500 ms */
	long retry_max_ms;        /* longest backoff; 0: 30 s */
	int weight_limit;         /* request weight allowed per minute; 0: 1200 */
	void (*log)(void *ctx, enum binance_log_level level, const char *message);
	void *log_ctx;
	/* Set by a signal handler to stop: waits end early, a request in flight is abandoned,
	 * and the call returns 75 with "interrupted" (binance_follow_klines returns 0). */
	const volatile sig_atomic_t *stop;
};

struct binance_stats {
	unsigned long requests;     /* HTTP requests sent, retries included */
	unsigned long retries;      /* requests repeated after a transient failure */
	unsigned long rate_waits;   /* pauses for the weight limit or Retry-After */
	long connections;           /* TCP connections opened */
	int used_weight;            /* last X-MBX-USED-WEIGHT-1M seen from the spot API */
};

struct binance;

int binance_open(struct binance **out, const struct binance_options *options,
		 struct cra_error *err);
void binance_close(struct binance *b);
void binance_get_stats(const struct binance *b, struct binance_stats *stats);
const char *binance_spot_url(const struct binance *b);

/* GET /api/v3/time: the exchange's clock in ms.  Also calibrates the rate governor. */
int binance_server_time(struct binance *b, int64_t *server_ms, struct cra_error *err);

/* One page: GET /api/v3/klines with startTime = start and endTime = end (both inclusive, as
 * Binance defines them; INT64_MIN / INT64_MAX to leave them out) and limit.  out receives
 * every kline returned, the unfinished one included, with all optional columns. */
int binance_klines(struct binance *b, const char *symbol, const struct interval *iv,
		   int64_t start, int64_t end, int limit, struct candles *out,
		   struct cra_error *err);

/* Parses a klines response body (an array of 12-element arrays, prices as strings) into out.
 * 65 (EX_DATAERR) with the reason when it is not one.  Exposed for tests and benchmarks. */
int binance_parse_klines(const char *json, size_t len, struct candles *out,
			 struct cra_error *err);

/* A paginated download of one series. */
struct kline_download {
	const char *symbol;
	const struct interval *iv;
	int64_t start, end;       /* candles with start <= open_time < end (end INT64_MAX: now) */
	int64_t server_now;       /* the exchange's clock: later close_times are unfinished */
	int64_t prev_open_time;   /* newest candle already held before start, or INT64_MIN:
				   * a gap between it and the first new candle is counted */
	/* Called with each page's closed, checked candles (strictly increasing, all fields);
	 * a non-zero return stops the download with that status. */
	int (*page)(void *ctx, const struct candles *closed, struct cra_error *err);
	void *ctx;
};

struct kline_download_result {
	size_t candles;           /* closed candles handed to page() */
	size_t pages;             /* klines requests answered */
	size_t rejected;          /* candles the exchange sent that fail validation (skipped) */
	struct gap_report gaps;   /* holes between consecutive closed candles */
	int64_t last_open_time;   /* newest closed candle (prev_open_time when none) */
	bool open_seen;           /* the unfinished candle was in the answer */
	struct candles open;      /* that candle (0 or 1 row); candles_free it */
};

/* Downloads [start, end) page by page.  On failure the pages already handed over stay handed
 * over (res says how far it got).  res must be zeroed (or freed) by the caller beforehand. */
int binance_download_klines(struct binance *b, const struct kline_download *d,
			    struct kline_download_result *res, struct cra_error *err);

/* Follows several series as they grow: for each symbol i, downloads from next_open[i] the
 * candles that have closed, hands them to page(), then sleeps until the exchange's clock
 * passes the close of the unfinished candle (checking the clock at least every poll_ms) and
 * does it again.  Transient failures are logged and tried again at the next check; a ban
 * (418), an API error or a failing page() ends it with that status.  Returns 0 when *stop is
 * set.  results[i] accumulates what download_klines reports for symbol i. */
struct kline_follow {
	size_t nsymbols;
	const char *const *symbols;
	const struct interval *iv;
	int64_t *next_open;       /* per symbol: open_time of the next candle wanted */
	int64_t *prev_open_time;  /* per symbol: newest candle held, or INT64_MIN */
	int (*page)(void *ctx, size_t symbol_index, const struct candles *closed,
		    struct cra_error *err);
	void *ctx;
	long poll_ms;             /* longest sleep between clock checks; 0: 60 s */
	struct kline_download_result *results;
};

int binance_follow_klines(struct binance *b, const struct kline_follow *f,
			  struct cra_error *err);

/* Latest prices: GET /api/v3/ticker/price for the given symbols (n = 0: every symbol). */
struct price_tick {
	char symbol[24];
	double price;
};
int binance_ticker_price(struct binance *b, const char *const *symbols, size_t n,
			 struct price_tick **out, size_t *nout, struct cra_error *err);

/* Best bid and ask: GET /api/v3/ticker/bookTicker for the given symbols (n = 0: all). */
struct book_tick {
	char symbol[24];
	double bid_price, bid_qty, ask_price, ask_qty;
};
int binance_book_ticker(struct binance *b, const char *const *symbols, size_t n,
			struct book_tick **out, size_t *nout, struct cra_error *err);

/* Perpetual-futures funding: GET /fapi/v1/fundingRate, paginated from start (inclusive) to
 * end (exclusive; INT64_MAX: now).  Each page (ascending funding_time) goes to page(). */
struct funding_rate {
	int64_t time;       /* fundingTime, ms */
	double rate;        /* fundingRate */
	double mark_price;  /* markPrice; NaN when the exchange gives none (old records) */
};
int binance_download_funding(struct binance *b, const char *symbol, int64_t start, int64_t end,
			     int (*page)(void *ctx, const struct funding_rate *rates, size_t n,
					 struct cra_error *err),
			     void *ctx, size_t *total, struct cra_error *err);

/* Parsers of the bodies the exchange answers with, exposed for tests: the serverTime of
 * GET /api/v3/time (65 when it has none); an error the API explains ({"code": -1121,
 * "msg": "Invalid symbol."}: 0 when the body is not one, else the status it is reported with,
 * 64 or 69, and Binance's message in err); what a body that is not JSON looks like, for
 * messages ("an HTML page \"503 Service Temporarily Unavailable\"", body NUL-terminated). */
int binance_parse_server_time(const char *json, size_t len, int64_t *server_ms,
			      struct cra_error *err);
int binance_parse_api_error(const char *json, size_t len, struct cra_error *err);
void binance_describe_body(const char *body, size_t len, char *out, size_t size);

/* Parsers for the three ticker/funding bodies, exposed for tests. */
int binance_parse_prices(const char *json, size_t len, struct price_tick **out, size_t *n,
			 struct cra_error *err);
int binance_parse_book(const char *json, size_t len, struct book_tick **out, size_t *n,
		       struct cra_error *err);
int binance_parse_funding(const char *json, size_t len, struct funding_rate **out, size_t *n,
			  struct cra_error *err);

/* The backoff before try number `attempt` (1 = the first retry): base * 2^(attempt-1),
 * capped at max, then scaled by a factor in [0.5, 1) drawn from *seed (jitter). */
long binance_backoff_ms(long base_ms, long max_ms, int attempt, uint64_t *seed);

#endif
