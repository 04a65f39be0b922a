/* market_fetch.h - downloads from the exchange into the store or onto a table.
 *
 * The policy between binance.h (the exchange) and store.h / snapshot_store.h (where data
 * lives), so that cra-fetch only reads options and prints:
 *   - where a series starts: after its newest stored candle (incremental), or at --since,
 *     or 30 days back;
 *   - how pages become store writes: each write is one atomic merge of complete, checked
 *     pages.  Pages are written as they arrive, unless writing takes longer than downloading
 *     (the CSV store rewrites a series' file on every merge, which for a long fresh series
 *     costs more than the request): then they are grouped so that writing takes about a
 *     fifth of the time.  What is pending is written when a symbol ends, however it ends, so
 *     a failed download keeps every complete page;
 *   - what a run reports: candles, requests, gaps.
 */
#ifndef CRA_MARKET_FETCH_H
#define CRA_MARKET_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "binance.h"
#include "snapshot_store.h"
#include "store.h"
#include "table_writer.h"

/* A series that is not stored yet starts this many days back unless told otherwise. */
#define FETCH_DEFAULT_DAYS 30

struct fetch_range {
	int64_t since, until; /* open times [since, until); until INT64_MAX: every closed one */
	bool since_given;     /* --since or --days; otherwise since is the default */
	bool full;            /* download the range whatever is stored */
};

/* Reads --since TEXT or --days N (N < 0: not given) and --until TEXT against the exchange's
 * clock `now` ("90d" is 90 days before it); --days and the default are aligned down to iv.
 * Returns 0, or -1 with *bad naming the option whose time cannot be read. */
int fetch_range_resolve(struct fetch_range *rg, const char *since, long long days,
			const char *until, bool full, const struct interval *iv, int64_t now,
			const char **bad);

/* Where a series' download starts: after the newest stored candle (exists, latest) unless
 * the range is full or since is later.  *prev is the stored candle the new ones follow, for
 * counting a gap between them, or INT64_MIN. */
int64_t fetch_start(const struct fetch_range *rg, const struct interval *iv, bool exists,
		    int64_t latest, int64_t *prev);

/* Where candles go: the store, or rows of a candle table (several symbols: a leading symbol
 * column). */
struct fetch_target {
	struct store *store;
	struct table_writer *table;
	bool symbol_column;
	const struct interval *iv;
	/* Called after each store write (stats of that write, its newest candle, how long it
	 * took) and as candles arrive (how many so far for the current symbol); may be NULL. */
	void (*on_write)(void *ctx, const char *symbol, const struct merge_stats *st,
			 int64_t newest, int64_t ms);
	void (*on_progress)(void *ctx, uint64_t received);
	void *ctx;
	/* private */
	struct candles pending;
	const char *pending_symbol;
	int64_t flushed_at, flush_ms;
	struct merge_stats merged;
	uint64_t received;
};

void fetch_target_store(struct fetch_target *t, struct store *s, const struct interval *iv);
/* Writes the table's header (every column Binance gives). */
void fetch_target_table(struct fetch_target *t, struct table_writer *w, bool symbol_column,
			const struct interval *iv);
/* Writes what is pending (store targets); 0 when there is nothing. */
int fetch_target_flush(struct fetch_target *t, struct cra_error *err);
void fetch_target_free(struct fetch_target *t);

struct fetch_report {
	struct kline_download_result dl; /* dl.open is freed by the call that filled it */
	struct merge_stats merged;       /* store targets: what the writes did */
	unsigned long requests;          /* HTTP requests sent for this symbol, retries included */
};

/* Downloads one symbol's closed candles from where fetch_start says (the store's newest
 * candle is looked up for store targets) to the range's end, into the target; with
 * include_open (table targets) the unfinished candle follows, last.  On failure what was
 * received is still written; rep says how far it got. */
int fetch_candles(struct binance *b, struct fetch_target *t, const char *symbol,
		  const struct fetch_range *rg, int64_t now, bool include_open,
		  struct fetch_report *rep, struct cra_error *err);

/* Follows symbols as their candles close (binance_follow_klines), writing each as it comes
 * (a table target should have line_flush set).  Returns 0 when binance's stop flag is set.
 * reports[i] accumulates symbol i's. */
int fetch_follow(struct binance *b, struct fetch_target *t, const char *const *symbols,
		 size_t n, const struct fetch_range *rg, long poll_ms, struct fetch_report *reports,
		 struct cra_error *err);

/* "BTCUSDT 1h: 23988 new candles, newest 2023-12-30T19:00:00Z, 24 requests, 5 gaps reported
 * (12 candles missing, largest 4 after 2021-08-13T01:00:00Z)" ("candles" without "new" for a
 * table target). */
void fetch_describe(const struct fetch_target *t, const char *symbol,
		    const struct fetch_report *rep, char *buf, size_t size);

/* Funding rates of one symbol, incremental like candles (after the newest stored rate), into
 * the snapshot store or onto a table (time,funding_rate,mark_price; symbol first with
 * symbol_column).  *count: rates new in the store, or written. */
int fetch_funding(struct binance *b, struct snapshot_store *s, struct table_writer *w,
		  bool symbol_column, const char *symbol, const struct fetch_range *rg,
		  size_t *count, unsigned long *requests, struct cra_error *err);

#endif
