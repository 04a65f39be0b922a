/* market_fetch.c - downloads into the store or onto a table; see market_fetch.h. */
#include "market_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "candles_io.h"
#include "timefmt.h"

/* Writing may take this share of the time at most, before pages are grouped: 1 / (1 + 4). */
#define WRITE_TIME_RATIO 4

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fetch_range_resolve(struct fetch_range *rg, const char *since, long long days,
			const char *until, bool full, const struct interval *iv, int64_t now,
			const char **bad)
{
	rg->since_given = true;
	rg->full = full;
	rg->until = INT64_MAX;
	if (until && time_parse(until, now, &rg->until)) {
		*bad = "until";
		return -1;
	}
	if (since) {
		if (time_parse(since, now, &rg->since)) {
			*bad = "since";
			return -1;
		}
	} else if (days >= 0) {
		rg->since = interval_floor(iv, now - days * MS_PER_DAY);
	} else {
		rg->since = interval_floor(iv, now - FETCH_DEFAULT_DAYS * MS_PER_DAY);
		rg->since_given = false;
	}
	return 0;
}

int64_t fetch_start(const struct fetch_range *rg, const struct interval *iv, bool exists,
		    int64_t latest, int64_t *prev)
{
	*prev = INT64_MIN;
	if (!exists || rg->full)
		return rg->since;
	int64_t next = interval_next(iv, latest);
	if (rg->since_given && rg->since > next)
		return rg->since;
	*prev = latest;
	return next;
}

/* --- targets --------------------------------------------------------------------------- */

void fetch_target_store(struct fetch_target *t, struct store *s, const struct interval *iv)
{
	memset(t, 0, sizeof *t);
	t->store = s;
	t->iv = iv;
}

void fetch_target_table(struct fetch_target *t, struct table_writer *w, bool symbol_column,
			const struct interval *iv)
{
	memset(t, 0, sizeof *t);
	t->table = w;
	t->symbol_column = symbol_column;
	t->iv = iv;
	if (symbol_column)
		tw_str(w, "symbol");
	candles_write_header(w, CANDLE_OPTIONAL_ALL);
}

void fetch_target_free(struct fetch_target *t) { candles_free(&t->pending); }

int fetch_target_flush(struct fetch_target *t, struct cra_error *err)
{
	if (!t->store || t->pending.n == 0)
		return 0;
	int64_t t0 = monotonic_ms();
	struct merge_stats st;
	int r = store_merge(t->store, t->pending_symbol, t->iv, &t->pending, &st, err);
	t->flushed_at = monotonic_ms();
	t->flush_ms = t->flushed_at - t0;
	if (!r) {
		t->merged.added += st.added;
		t->merged.present += st.present;
		t->merged.enriched += st.enriched;
		t->merged.conflicts += st.conflicts;
		if (t->on_write)
			t->on_write(t->ctx, t->pending_symbol, &st, t->pending.open_time[t->pending.n - 1],
				    t->flush_ms);
	}
	candles_clear(&t->pending);
	return r;
}

static void write_rows(struct fetch_target *t, const char *symbol, const struct candles *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (t->symbol_column)
			tw_str(t->table, symbol);
		candles_write_row(t->table, c, i);
	}
}

/* One page of closed candles for symbol. */
static int target_page(struct fetch_target *t, const char *symbol, const struct candles *c,
		       bool flush_now, struct cra_error *err)
{
	t->received += c->n;
	if (t->on_progress)
		t->on_progress(t->ctx, t->received);
	if (!t->store) {
		write_rows(t, symbol, c);
		return 0;
	}
	int r;
	if (t->pending.n && strcmp(t->pending_symbol, symbol) && (r = fetch_target_flush(t, err)))
		return r;
	t->pending_symbol = symbol;
	if (candles_merge(&t->pending, c, NULL))
		return cra_fail(err, EX_OSERR, "out of memory");
	if (flush_now || monotonic_ms() - t->flushed_at >= WRITE_TIME_RATIO * t->flush_ms)
		return fetch_target_flush(t, err);
	return 0;
}

/* --- candles --------------------------------------------------------------------------- */

struct page_ctx {
	struct fetch_target *t;
	const char *symbol;
};

static int download_page(void *ctx, const struct candles *c, struct cra_error *err)
{
	struct page_ctx *p = ctx;
	return target_page(p->t, p->symbol, c, false, err);
}

int fetch_candles(struct binance *b, struct fetch_target *t, const char *symbol,
		  const struct fetch_range *rg, int64_t now, bool include_open,
		  struct fetch_report *rep, struct cra_error *err)
{
	memset(rep, 0, sizeof *rep);
	int64_t latest = 0, prev;
	bool exists = false;
	int r;
	if (t->store && (r = store_latest(t->store, symbol, t->iv, &latest, &exists, err)))
		return r;
	struct page_ctx pc = { t, symbol };
	struct kline_download d = {
		.symbol = symbol, .iv = t->iv, .start = fetch_start(rg, t->iv, exists, latest, &prev),
		.end = rg->until, .server_now = now, .prev_open_time = prev, .page = download_page,
		.ctx = &pc,
	};
	struct binance_stats before, after;
	binance_get_stats(b, &before);
	memset(&t->merged, 0, sizeof t->merged);
	t->received = 0;
	r = binance_download_klines(b, &d, &rep->dl, err);
	/* Complete pages are kept, even after a failure: that failure is the one reported. */
	struct cra_error flush_err = { 0 };
	int rf = fetch_target_flush(t, &flush_err);
	if (rf && !r) {
		r = rf;
		*err = flush_err;
	}
	binance_get_stats(b, &after);
	rep->requests = after.requests - before.requests;
	rep->merged = t->merged;
	if (!r && include_open && rep->dl.open_seen && t->table)
		write_rows(t, symbol, &rep->dl.open);
	candles_free(&rep->dl.open);
	return r;
}

/* --- follow ---------------------------------------------------------------------------- */

struct follow_ctx {
	struct fetch_target *t;
	const char *const *symbols;
	struct fetch_report *reports;
};

static int follow_page(void *ctx, size_t s, const struct candles *c, struct cra_error *err)
{
	struct follow_ctx *f = ctx;
	memset(&f->t->merged, 0, sizeof f->t->merged);
	/* A followed candle is written as soon as it closes. */
	int r = target_page(f->t, f->symbols[s], c, true, err);
	struct merge_stats *m = &f->reports[s].merged;
	m->added += f->t->merged.added;
	m->present += f->t->merged.present;
	m->enriched += f->t->merged.enriched;
	m->conflicts += f->t->merged.conflicts;
	return r;
}

int fetch_follow(struct binance *b, struct fetch_target *t, const char *const *symbols,
		 size_t n, const struct fetch_range *rg, long poll_ms, struct fetch_report *reports,
		 struct cra_error *err)
{
	int64_t *next = calloc(n ? n : 1, sizeof *next), *prev = calloc(n ? n : 1, sizeof *prev);
	struct kline_download_result *res = calloc(n ? n : 1, sizeof *res);
	int r = 0;
	if (!next || !prev || !res) {
		r = cra_fail(err, EX_OSERR, "out of memory");
		goto out;
	}
	for (size_t s = 0; s < n && !r; s++) {
		int64_t latest = 0;
		bool exists = false;
		memset(&reports[s], 0, sizeof reports[s]);
		if (t->store && (r = store_latest(t->store, symbols[s], t->iv, &latest, &exists, err)))
			break;
		next[s] = fetch_start(rg, t->iv, exists, latest, &prev[s]);
		res[s].last_open_time = prev[s];
	}
	if (r)
		goto out;
	struct follow_ctx fc = { t, symbols, reports };
	struct kline_follow f = {
		.nsymbols = n, .symbols = symbols, .iv = t->iv, .next_open = next,
		.prev_open_time = prev, .page = follow_page, .ctx = &fc, .poll_ms = poll_ms,
		.results = res,
	};
	r = binance_follow_klines(b, &f, err);
	for (size_t s = 0; s < n; s++) {
		reports[s].dl = res[s];
		reports[s].requests = (unsigned long)res[s].pages;
		memset(&reports[s].dl.open, 0, sizeof reports[s].dl.open);
	}
out:
	free(next);
	free(prev);
	free(res);
	return r;
}

void fetch_describe(const struct fetch_target *t, const char *symbol,
		    const struct fetch_report *rep, char *buf, size_t size)
{
	char gaps[200] = "no gaps", newest[TIME_BUF + 16] = "";
	const struct kline_download_result *dl = &rep->dl;
	if (dl->gaps.gaps) {
		char when[TIME_BUF];
		time_format_iso(dl->gaps.largest_after, when);
		snprintf(gaps, sizeof gaps, "%zu gap%s reported (%lld candle%s missing, largest %lld "
			 "after %s)", dl->gaps.gaps, dl->gaps.gaps == 1 ? "" : "s",
			 (long long)dl->gaps.missing, dl->gaps.missing == 1 ? "" : "s",
			 (long long)dl->gaps.largest, when);
	}
	if (dl->last_open_time != INT64_MIN) {
		char when[TIME_BUF];
		time_format_iso(dl->last_open_time, when);
		snprintf(newest, sizeof newest, ", newest %s", when);
	}
	char rejected[64] = "";
	if (dl->rejected)
		snprintf(rejected, sizeof rejected, ", %zu invalid candle%s skipped", dl->rejected,
			 dl->rejected == 1 ? "" : "s");
	size_t n = t->store ? rep->merged.added : dl->candles;
	snprintf(buf, size, "%s %s: %zu %scandle%s%s, %lu request%s, %s%s", symbol, t->iv->name, n,
		 t->store ? "new " : "", n == 1 ? "" : "s", newest, rep->requests,
		 rep->requests == 1 ? "" : "s", gaps, rejected);
}

/* --- funding rates ------------------------------------------------------------------------ */

struct funding_ctx {
	struct snapshot_store *s;
	struct table_writer *w;
	const char *symbol;
	bool symbol_column;
	size_t count;
};

static int funding_page(void *ctx, const struct funding_rate *f, size_t n, struct cra_error *err)
{
	struct funding_ctx *k = ctx;
	if (k->w) {
		snapshot_write_funding(k->w, k->symbol_column ? k->symbol : NULL, f, n);
		k->count += n;
		return 0;
	}
	size_t added;
	int r = snapshot_add_funding(k->s, k->symbol, f, n, &added, err);
	k->count += added;
	return r;
}

int fetch_funding(struct binance *b, struct snapshot_store *s, struct table_writer *w,
		  bool symbol_column, const char *symbol, const struct fetch_range *rg,
		  size_t *count, unsigned long *requests, struct cra_error *err)
{
	*count = 0;
	*requests = 0;
	int64_t start = rg->since, latest = 0;
	bool exists = false;
	int r;
	if (!w && (r = snapshot_latest_funding(s, symbol, &latest, &exists, err)))
		return r;
	if (exists && !rg->full && !(rg->since_given && rg->since > latest))
		start = latest + 1;
	struct funding_ctx k = { s, w, symbol, symbol_column, 0 };
	struct binance_stats before, after;
	binance_get_stats(b, &before);
	size_t total;
	r = binance_download_funding(b, symbol, start, rg->until, funding_page, &k, &total, err);
	binance_get_stats(b, &after);
	*count = k.count;
	*requests = after.requests - before.requests;
	return r;
}
