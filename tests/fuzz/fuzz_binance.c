/* fuzz_binance.c - the bodies Binance answers with (binance.h), from arbitrary bytes.
 *
 * The first byte chooses the parser: klines pages, server time, an API error, the price and
 * book tickers, funding rates, or how a body that is not JSON is described (a maintenance
 * page).  The rest is the body.  Whatever a parser accepts must be what it says it is.
 */
#include <math.h>

#include "binance.h"
#include "fuzz.h"

static void klines(const char *body, size_t len)
{
	struct candles c;
	struct cra_error err = { 0 };
	candles_init(&c);
	if (binance_parse_klines(body, len, &c, &err) == 0)
		FUZZ_CHECK(c.optional_mask == CANDLE_OPTIONAL_ALL);
	else
		FUZZ_CHECK(err.status && err.msg[0]);
	candles_free(&c);
}

static void server_time(const char *body, size_t len)
{
	int64_t t = 0;
	struct cra_error err = { 0 };
	if (binance_parse_server_time(body, len, &t, &err) == 0)
		FUZZ_CHECK(t > 0);
	else
		FUZZ_CHECK(err.status == EX_DATAERR && err.msg[0]);
}

static void api_error(const char *body, size_t len)
{
	struct cra_error err = { 0 };
	int r = binance_parse_api_error(body, len, &err);
	FUZZ_CHECK(r == 0 || ((r == EX_USAGE || r == EX_UNAVAILABLE) && r == err.status &&
			      !strncmp(err.msg, "Binance error ", 14)));
}

static void prices(const char *body, size_t len)
{
	struct price_tick *t = NULL;
	size_t n = 0;
	struct cra_error err = { 0 };
	if (binance_parse_prices(body, len, &t, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strlen(t[i].symbol) < sizeof t[i].symbol);
		free(t);
	} else {
		FUZZ_CHECK(t == NULL && err.msg[0]);
	}
}

static void book(const char *body, size_t len)
{
	struct book_tick *t = NULL;
	size_t n = 0;
	struct cra_error err = { 0 };
	if (binance_parse_book(body, len, &t, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strlen(t[i].symbol) < sizeof t[i].symbol);
		free(t);
	} else {
		FUZZ_CHECK(t == NULL && err.msg[0]);
	}
}

/* Funding rates come back finite and strictly increasing in time. */
static void funding(const char *body, size_t len)
{
	struct funding_rate *f = NULL;
	size_t n = 0;
	struct cra_error err = { 0 };
	if (binance_parse_funding(body, len, &f, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(isfinite(f[i].rate));
			FUZZ_CHECK(i == 0 || f[i].time > f[i - 1].time);
		}
		free(f);
	} else {
		FUZZ_CHECK(f == NULL && err.msg[0]);
	}
}

static void describe(const char *body, size_t len)
{
	char out[160];
	binance_describe_body(body, len, out, sizeof out);
	FUZZ_CHECK(strlen(out) < sizeof out && out[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static void (*const parser[])(const char *, size_t) = {
		klines, server_time, api_error, prices, book, funding, describe,
	};
	/* A copy of exactly the body with a NUL after it, as http.h delivers bodies. */
	char *body = fuzz_string(data + 1, size - 1);
	parser[data[0] % (sizeof parser / sizeof parser[0])](body, size - 1);
	free(body);
	return 0;
}
