/* cra-fetch - candles into the store: downloaded from Binance, imported from files, listed,
 * dumped.
 *
 * Modes: SYMBOL... (download closed candles from the exchange, incrementally; --follow keeps
 * going as candles close), --ticker / --book / --funding (price and best bid/ask snapshots,
 * perpetual funding rates), --import FILE... (Binance dumps, candle tables, exchange exports),
 * --list (what the store holds), --dump SYMBOL... (a stored series as a table).  The logic
 * lives in libcra (binance.c, snapshot_store.c, candle_import.c, store.c, resample.c,
 * gaps.c); this file parses options, calls it and reports.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binance.h"
#include "candle_import.h"
#include "candles_io.h"
#include "diag.h"
#include "gaps.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "resample.h"
#include "snapshot_store.h"
#include "store.h"
#include "symbol.h"
#include "timefmt.h"

static struct {
	bool import, list, dump, skip_bad, tsv, quiet, verbose;
	bool full, include_open, follow, ticker, book, funding;
	const char *symbol, *interval, *output, *db, *from, *to, *resample;
	const char *since, *until;
	long long days, retries, weight_limit;
	double connect_timeout, timeout;
} opt = { .days = -1, .retries = -1, .connect_timeout = 10, .timeout = 30 };

static const struct program_info info = {
	.name = "cra-fetch",
	.synopsis = "cra-fetch SYMBOL... [-i INTERVAL] [--since TIME | --days N] [--until TIME] "
		    "[--full] [-o -]\n"
		    "       cra-fetch --follow SYMBOL... [-i INTERVAL] [-o -]\n"
		    "       cra-fetch --ticker [SYMBOL...] | --book SYMBOL... | --funding SYMBOL...\n"
		    "       cra-fetch --import FILE... [--symbol SYMBOL] [-i INTERVAL] [--skip-bad] [-o -]\n"
		    "       cra-fetch --list\n"
		    "       cra-fetch --dump SYMBOL... [-i INTERVAL] [--from TIME] [--to TIME] "
		    "[--resample INTERVAL] [-o FILE]",
	.description = "Puts candles into the store (the CSV data directory $CRA_DATA, default "
		       "./data, or PostgreSQL with --db or $CRA_DB) and takes them out again.\n"
		       "Downloading (Binance's REST API, $CRA_BINANCE_URL, default "
		       "https://api.binance.us) stores closed candles only, resumes after the newest "
		       "stored one, obeys the exchange's rate limits and retries what is transient.\n"
		       "Importing merges: re-importing a file changes nothing, overlapping files "
		       "give their union, and a bad row stops the import before anything is "
		       "written.",
	.examples = "  cra-fetch BTCUSDT ETHUSDT BNBUSDT --since 2021-01-01\n"
		    "  cra-fetch BTCUSDT -i 4h --days 90 -o - | cra-features ...\n"
		    "  cra-fetch --follow BTCUSDT -o - | cra-predict --stream ...\n"
		    "  cra-fetch --ticker --book BTCUSDT ETHUSDT\n"
		    "  cra-fetch --import BTCUSDT-1h-2023-*.csv\n"
		    "  cra-fetch --dump BTCUSDT -i 1h --resample 4h --from 2023-01-01 -o btc-4h.csv\n"
		    "  cra-fetch --list",
};

static const struct opt options[] = {
	{ "interval", 'i', OPT_STRING, &opt.interval, "INTERVAL", "candle interval (1m ... 1h ... 1d 1w 1M; default 1h)", 0, 0 },
	{ "since", 0, OPT_STRING, &opt.since, "TIME", "download from TIME (ms, ISO 8601, 90d; default: after the newest stored candle, else 30d)", 0, 0 },
	{ "days", 'd', OPT_INT, &opt.days, "N", "download the last N days (same as --since Nd)", 0, 100000 },
	{ "until", 0, OPT_STRING, &opt.until, "TIME", "download candles opening before TIME (default: all closed ones)", 0, 0 },
	{ "full", 0, OPT_FLAG, &opt.full, NULL, "download the whole range again, whatever is stored", 0, 0 },
	{ "include-open", 0, OPT_FLAG, &opt.include_open, NULL, "with -o -: also show the unfinished candle, last", 0, 0 },
	{ "follow", 'f', OPT_FLAG, &opt.follow, NULL, "keep running: fetch each candle as it closes (stop with SIGINT/SIGTERM)", 0, 0 },
	{ "ticker", 0, OPT_FLAG, &opt.ticker, NULL, "record a price snapshot of the SYMBOLs (none: every symbol)", 0, 0 },
	{ "book", 0, OPT_FLAG, &opt.book, NULL, "record a best bid/ask snapshot of the SYMBOLs (none: every symbol)", 0, 0 },
	{ "funding", 0, OPT_FLAG, &opt.funding, NULL, "download perpetual-futures funding rates ($CRA_BINANCE_FUTURES_URL)", 0, 0 },
	{ "connect-timeout", 0, OPT_DOUBLE, &opt.connect_timeout, "SECONDS", "give up connecting after this long (default 10)", 0.001, 3600 },
	{ "timeout", 0, OPT_DOUBLE, &opt.timeout, "SECONDS", "give up on one request after this long (default 30)", 0.001, 86400 },
	{ "retries", 0, OPT_INT, &opt.retries, "N", "tries after a transient failure before giving up (default 4)", 0, 100 },
	{ "weight-limit", 0, OPT_INT, &opt.weight_limit, "N", "the exchange's request weight limit per minute (default 1200)", 1, 1000000 },
	{ "import", 0, OPT_FLAG, &opt.import, NULL, "import the candle files given as operands", 0, 0 },
	{ "list", 'l', OPT_FLAG, &opt.list, NULL, "list the stored series: rows, first, last, gaps", 0, 0 },
	{ "dump", 0, OPT_FLAG, &opt.dump, NULL, "write the stored series named as operands", 0, 0 },
	{ "symbol", 's', OPT_STRING, &opt.symbol, "SYMBOL", "what the imported files hold, when their names do not say", 0, 0 },
	{ "skip-bad", 0, OPT_FLAG, &opt.skip_bad, NULL, "import the good rows of a file, report the bad ones", 0, 0 },
	{ "output", 'o', OPT_STRING, &opt.output, "FILE", "write a table here ('-': stdout) instead of the store", 0, 0 },
	{ "tsv", 0, OPT_FLAG, &opt.tsv, NULL, "write tab-separated values", 0, 0 },
	{ "from", 0, OPT_STRING, &opt.from, "TIME", "dump candles opening at or after TIME (ms, ISO 8601, 90d)", 0, 0 },
	{ "to", 0, OPT_STRING, &opt.to, "TIME", "dump candles opening before TIME", 0, 0 },
	{ "resample", 0, OPT_STRING, &opt.resample, "INTERVAL", "dump at a coarser interval (1h -> 4h, 1d)", 0, 0 },
	{ "db", 0, OPT_STRING, &opt.db, "URI", "PostgreSQL store (default $CRA_DB; unset: CSV directory)", 0, 0 },
	{ "quiet", 'q', OPT_FLAG, &opt.quiet, NULL, "no summary lines, no progress bar", 0, 0 },
	{ "verbose", 'v', OPT_FLAG, &opt.verbose, NULL, "say more: every request, its status and weight", 0, 0 },
	OPT_END,
};

static struct store *open_store(void)
{
	struct cra_error err = { 0 };
	struct store_options so = { .data_dir = NULL, .db_uri = opt.db };
	struct store *s;
	if (store_open(&s, &so, &err))
		diag_die_error(&err);
	diag_debug("using the %s", store_describe(s));
	return s;
}

static void gap_text(const struct gap_report *g, char *buf, size_t size)
{
	if (!g->gaps) {
		snprintf(buf, size, "no gaps");
		return;
	}
	char when[TIME_BUF];
	time_format_iso(g->largest_after, when);
	snprintf(buf, size, "%zu gap%s (%lld candles missing, largest %lld after %s)", g->gaps,
		 g->gaps == 1 ? "" : "s", (long long)g->missing, (long long)g->largest, when);
}

static void report_skips(const char *path, const struct candle_read_report *rep)
{
	if (!rep->skipped)
		return;
	diag_warn("%s: skipped %zu bad row%s of %zu; the first:", path, rep->skipped,
		  rep->skipped == 1 ? "" : "s", rep->rows);
	for (size_t k = 0; k < rep->nreasons; k++)
		diag_warn("  %s", rep->first_skip[k]);
}

/* Reads every file first, so that a bad row in any of them writes nothing at all. */
static int run_import(struct str_list *files)
{
	struct cra_error err = { 0 };
	if (files->n == 0)
		opt_usage_error("--import needs at least one FILE ('-' for standard input)");
	struct import_options io = { opt.symbol, opt.interval, opt.skip_bad };
	struct import_result *res = calloc(files->n, sizeof *res);
	if (!res)
		diag_die(EX_OSERR, "out of memory");
	struct progress bar;
	progress_start(&bar, "reading", files->n);
	for (size_t k = 0; k < files->n; k++) {
		if (candle_import(files->items[k], &io, &res[k], &err))
			diag_die_error(&err);
		progress_update(&bar, k + 1, NULL);
	}
	progress_finish(&bar);

	if (opt.output) { /* one series out as a table: every file must hold the same one */
		struct candles all;
		candles_init(&all);
		for (size_t k = 0; k < files->n; k++) {
			if (strcmp(res[k].symbol, res[0].symbol) || res[k].iv.ms != res[0].iv.ms)
				diag_die(EX_USAGE, "-o writes one series, but %s holds %s %s and %s holds %s %s",
					 files->items[0], res[0].symbol, res[0].iv.name, files->items[k],
					 res[k].symbol, res[k].iv.name);
			struct merge_stats st;
			if (candles_merge(&all, &res[k].candles, &st))
				diag_die(EX_OSERR, "out of memory");
			report_skips(files->items[k], &res[k].report);
		}
		struct output out;
		if (output_open(&out, opt.output, opt.tsv, &err))
			diag_die_error(&err);
		candles_write(&out.w, &all);
		if (output_close(&out, &err))
			diag_die_error(&err);
		candles_free(&all);
	} else {
		struct store *s = open_store();
		for (size_t k = 0; k < files->n; k++) {
			struct import_result *r = &res[k];
			struct merge_stats st;
			if (store_merge(s, r->symbol, &r->iv, &r->candles, &st, &err)) {
				cra_error_prefix(&err, "%s: ", files->items[k]);
				diag_die_error(&err);
			}
			report_skips(files->items[k], &r->report);
			struct gap_report g = gaps_find(&r->candles, &r->iv);
			char gaps[160];
			gap_text(&g, gaps, sizeof gaps);
			diag_note("%s: %s %s (%s%s): %zu rows read, %zu new, %zu already present, %s",
				  files->items[k], r->symbol, r->iv.name, import_format_name(r->format),
				  r->interval_from_data ? "; interval read from the data" : "",
				  r->report.rows, st.added,
				  st.present + st.enriched + st.conflicts, gaps);
			if (st.conflicts)
				diag_warn("%s: %zu rows differ from the stored candles with the same "
					  "open_time; the stored values were kept", files->items[k],
					  st.conflicts);
		}
		store_close(s);
	}
	for (size_t k = 0; k < files->n; k++)
		candles_free(&res[k].candles);
	free(res);
	return 0;
}

static int run_list(void)
{
	struct cra_error err = { 0 };
	struct store *s = open_store();
	struct series_info *list;
	size_t n;
	if (store_list(s, &list, &n, &err))
		diag_die_error(&err);
	struct output out;
	if (output_open(&out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	const char *head[] = { "symbol", "interval", "rows", "first", "last", "gaps", "missing" };
	for (size_t c = 0; c < sizeof head / sizeof *head; c++)
		tw_str(&out.w, head[c]);
	tw_end_row(&out.w);
	for (size_t k = 0; k < n; k++) {
		struct interval iv;
		struct candles c;
		candles_init(&c);
		interval_parse(list[k].interval, &iv);
		if (store_load(s, list[k].symbol, &iv, INT64_MIN, INT64_MAX, &c, NULL, &err))
			diag_die_error(&err);
		struct gap_report g = gaps_find(&c, &iv);
		char first[TIME_BUF], last[TIME_BUF];
		time_format_iso(list[k].first, first);
		time_format_iso(list[k].last, last);
		tw_str(&out.w, list[k].symbol);
		tw_str(&out.w, list[k].interval);
		tw_int(&out.w, (int64_t)list[k].rows);
		tw_str(&out.w, first);
		tw_str(&out.w, last);
		tw_int(&out.w, (int64_t)g.gaps);
		tw_int(&out.w, g.missing);
		tw_end_row(&out.w);
		candles_free(&c);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	free(list);
	store_close(s);
	return 0;
}

static int64_t parse_time_option(const char *name, const char *text, int64_t fallback)
{
	if (!text)
		return fallback;
	int64_t t;
	if (time_parse(text, time_now_ms(), &t))
		opt_usage_error("--%s: cannot read '%s' as a time (ms since the epoch, 2023-01-31, "
				"2023-01-31T12:00Z, or 90d for 90 days ago)", name, text);
	return t;
}

static int run_dump(struct str_list *symbols)
{
	struct cra_error err = { 0 };
	if (symbols->n == 0)
		opt_usage_error("--dump needs a SYMBOL");
	if (symbols->n > 1 && opt.output && strcmp(opt.output, "-"))
		opt_usage_error("-o FILE takes one series; dump several to standard output");
	struct interval iv, coarse;
	if (interval_parse(opt.interval ? opt.interval : "1h", &iv))
		opt_usage_error("--interval: unknown interval '%s'", opt.interval);
	if (opt.resample && interval_parse(opt.resample, &coarse))
		opt_usage_error("--resample: unknown interval '%s'", opt.resample);
	int64_t from = parse_time_option("from", opt.from, INT64_MIN);
	int64_t to = parse_time_option("to", opt.to, INT64_MAX);
	struct store *s = open_store();
	struct output out;
	if (output_open(&out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	bool header_written = false;
	for (size_t k = 0; k < symbols->n; k++) {
		struct candles c, r;
		candles_init(&c);
		candles_init(&r);
		bool exists;
		if (store_load(s, symbols->items[k], &iv, from, to, &c, &exists, &err)) {
			output_abort(&out);
			diag_die_error(&err);
		}
		if (!exists) {
			output_abort(&out);
			diag_die(EX_NOINPUT, "no stored series %s %s in the %s", symbols->items[k],
				 iv.name, store_describe(s));
		}
		struct candles *shown = &c;
		if (opt.resample) {
			struct resample_report rep;
			if (candles_resample(&c, &iv, &coarse, &r, &rep, &err)) {
				output_abort(&out);
				diag_die_error(&err);
			}
			diag_debug("%s: %zu %s candles, %zu partial edge buckets dropped, %zu with gaps",
				   symbols->items[k], rep.buckets, coarse.name, rep.partial_dropped,
				   rep.with_gaps);
			shown = &r;
		}
		/* Several symbols share one table, told apart by a leading symbol column. */
		if (symbols->n == 1) {
			candles_write(&out.w, shown);
		} else {
			if (!header_written) {
				tw_str(&out.w, "symbol");
				candles_write_header(&out.w, shown->optional_mask);
				header_written = true;
			}
			for (size_t i = 0; i < shown->n; i++) {
				tw_str(&out.w, symbols->items[k]);
				candles_write_row(&out.w, shown, i);
			}
		}
		candles_free(&c);
		candles_free(&r);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	store_close(s);
	return 0;
}

/* --- downloading ----------------------------------------------------------------------- */

/* A fresh series starts this many days back unless --since or --days says otherwise. */
#define DEFAULT_DAYS 30

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* SIGINT and SIGTERM end --follow cleanly: the library sees the flag, finishes nothing half
 * and returns.  No SA_RESTART, so that a sleep or a read is interrupted at once. */
static void install_stop_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void log_exchange(void *ctx, enum binance_log_level level, const char *msg)
{
	(void)ctx;
	if (level == BINANCE_LOG_REQUEST)
		diag_debug("%s", msg);
	else
		diag_note("%s", msg);
}

static void print_error(const struct cra_error *err)
{
	fprintf(stderr, "%s: %s\n", diag_program(), err->msg[0] ? err->msg : "unknown error");
}

static struct binance *open_exchange(int64_t *server_now)
{
	struct cra_error err = { 0 };
	struct binance_options bo = {
		.connect_timeout_ms = (long)(opt.connect_timeout * 1000),
		.timeout_ms = (long)(opt.timeout * 1000),
		.retries = (int)opt.retries,
		.weight_limit = opt.weight_limit > 0 ? (int)opt.weight_limit : 0,
		.log = log_exchange,
		.stop = &stop_requested,
	};
	struct binance *b;
	if (binance_open(&b, &bo, &err))
		diag_die_error(&err);
	if (binance_server_time(b, server_now, &err)) {
		if (stop_requested)
			exit(0);
		diag_die_error(&err);
	}
	char when[TIME_BUF];
	time_format_iso(*server_now, when);
	diag_debug("%s: the exchange's clock says %s", binance_spot_url(b), when);
	return b;
}

static void close_exchange(struct binance *b)
{
	struct binance_stats st;
	binance_get_stats(b, &st);
	diag_debug("%lu requests (%lu retried, %lu waits for the rate limit) over %ld connection%s",
		   st.requests, st.retries, st.rate_waits, st.connections,
		   st.connections == 1 ? "" : "s");
	binance_close(b);
}

/* Times are checked before any request, then read against the exchange's clock, so that
 * "90d" means 90 days before the exchange's now. */
static void check_time_syntax(const char *name, const char *text)
{
	int64_t t;
	if (text && time_parse(text, time_now_ms(), &t))
		opt_usage_error("--%s: cannot read '%s' as a time (ms since the epoch, 2023-01-31, "
				"2023-01-31T12:00Z, or 90d for 90 days ago)", name, text);
}

struct range {
	int64_t since, until; /* [since, until) in open_time */
	bool since_given;     /* --since or --days */
};

static struct range resolve_range(const struct interval *iv, int64_t now)
{
	struct range r = { 0, INT64_MAX, true };
	if (opt.until)
		time_parse(opt.until, now, &r.until);
	if (opt.since)
		time_parse(opt.since, now, &r.since);
	else if (opt.days >= 0)
		r.since = interval_floor(iv, now - opt.days * MS_PER_DAY);
	else {
		r.since = interval_floor(iv, now - DEFAULT_DAYS * MS_PER_DAY);
		r.since_given = false;
	}
	return r;
}

/* Incremental: after the newest stored candle (unless --full), or from --since when that is
 * later.  *prev is the stored candle the new ones follow, for gap counting. */
static int64_t start_after(bool exists, int64_t latest, const struct interval *iv,
			   const struct range *rg, int64_t *prev)
{
	*prev = INT64_MIN;
	if (!exists || opt.full)
		return rg->since;
	int64_t next = interval_next(iv, latest);
	if (rg->since_given && rg->since > next)
		return rg->since;
	*prev = latest;
	return next;
}

/* Where candles go: the store or a table on an output.
 *
 * Into the store, every write is one atomic merge of complete, checked pages.  Pages are
 * written as they arrive, unless writing takes longer than downloading (the CSV store
 * rewrites a series' file on every merge, which for a long fresh series costs more than the
 * request): then they are grouped so that writing takes about a fifth of the time.  Whatever
 * is pending is written when a symbol ends, successfully or not. */
struct sink {
	struct store *store;
	struct output out;
	bool to_output, several;
	const struct interval *iv;
	const char *const *symbols;
	size_t symbol_index;
	struct merge_stats merged;  /* of the current symbol */
	struct candles pending;     /* downloaded, not yet written */
	size_t pending_symbol;
	int64_t flushed_at, flush_ms;
	struct progress bar;        /* on a terminal: candles received of those expected */
	uint64_t received;
};

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sink_header(struct sink *k)
{
	if (k->several)
		tw_str(&k->out.w, "symbol");
	candles_write_header(&k->out.w, CANDLE_OPTIONAL_ALL);
}

static int sink_flush(struct sink *k, struct cra_error *err)
{
	if (k->to_output || k->pending.n == 0)
		return 0;
	int64_t t0 = monotonic_ms();
	struct merge_stats st;
	int r = store_merge(k->store, k->symbols[k->pending_symbol], k->iv, &k->pending, &st, err);
	k->flushed_at = monotonic_ms();
	k->flush_ms = k->flushed_at - t0;
	diag_debug("%s %s: %zu candles written in %lld ms", k->symbols[k->pending_symbol], k->iv->name,
		   k->pending.n, (long long)k->flush_ms);
	candles_clear(&k->pending);
	if (r)
		return r;
	k->merged.added += st.added;
	k->merged.present += st.present;
	k->merged.enriched += st.enriched;
	k->merged.conflicts += st.conflicts;
	return 0;
}

static int sink_page(struct sink *k, size_t s, const struct candles *c, struct cra_error *err)
{
	if (!k->to_output) {
		int r = 0;
		if (k->pending.n && k->pending_symbol != s && (r = sink_flush(k, err)))
			return r;
		k->pending_symbol = s;
		if (candles_merge(&k->pending, c, NULL))
			return cra_fail(err, EX_OSERR, "out of memory");
		if (monotonic_ms() - k->flushed_at >= 4 * k->flush_ms)
			r = sink_flush(k, err);
		return r;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (k->several)
			tw_str(&k->out.w, k->symbols[s]);
		candles_write_row(&k->out.w, c, i);
	}
	return 0;
}

static int download_page(void *ctx, const struct candles *c, struct cra_error *err)
{
	struct sink *k = ctx;
	k->received += c->n;
	progress_update(&k->bar, k->received, NULL);
	return sink_page(k, k->symbol_index, c, err);
}

static int follow_page(void *ctx, size_t s, const struct candles *c, struct cra_error *err)
{
	struct sink *k = ctx;
	memset(&k->merged, 0, sizeof k->merged);
	int r = sink_page(k, s, c, err);
	if (!r)
		r = sink_flush(k, err); /* a followed candle is stored as soon as it closes */
	if (!r && !k->to_output) {
		char when[TIME_BUF];
		time_format_iso(c->open_time[c->n - 1], when);
		diag_note("%s %s: %zu new candle%s, the newest %s", k->symbols[s], k->iv->name,
			  k->merged.added, k->merged.added == 1 ? "" : "s", when);
	}
	return r;
}

static void sink_open(struct sink *k, const struct str_list *symbols, const struct interval *iv)
{
	struct cra_error err = { 0 };
	memset(k, 0, sizeof *k);
	k->iv = iv;
	k->symbols = symbols->items;
	k->several = symbols->n > 1;
	k->to_output = opt.output != NULL;
	if (!k->to_output) {
		k->store = open_store();
		return;
	}
	if (output_open(&k->out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	k->out.w.line_flush = opt.follow; /* a live pipeline sees each candle as it closes */
	sink_header(k);
	if (opt.follow && tw_flush(&k->out.w, k->out.name, &err))
		diag_die_error(&err);
}

/* Stored newest candle of a series, for the incremental start. */
static void stored_latest(struct sink *k, const char *symbol, int64_t *latest, bool *exists)
{
	struct cra_error err = { 0 };
	*exists = false;
	if (k->to_output)
		return;
	if (store_latest(k->store, symbol, k->iv, latest, exists, &err))
		diag_die_error(&err);
}

static void summarise(const struct sink *k, const char *symbol,
		      const struct kline_download_result *res, unsigned long requests)
{
	char gaps[200] = "no gaps", newest[TIME_BUF + 16] = "";
	if (res->gaps.gaps) {
		char when[TIME_BUF];
		time_format_iso(res->gaps.largest_after, when);
		snprintf(gaps, sizeof gaps, "%zu gap%s reported (%lld candles missing, largest %lld "
			 "after %s)", res->gaps.gaps, res->gaps.gaps == 1 ? "" : "s",
			 (long long)res->gaps.missing, (long long)res->gaps.largest, when);
	}
	if (res->last_open_time != INT64_MIN) {
		char when[TIME_BUF];
		time_format_iso(res->last_open_time, when);
		snprintf(newest, sizeof newest, ", newest %s", when);
	}
	size_t n = k->to_output ? res->candles : k->merged.added;
	diag_note("%s %s: %zu %scandle%s%s, %lu request%s, %s%s", symbol, k->iv->name, n,
		  k->to_output ? "" : "new ", n == 1 ? "" : "s", newest, requests,
		  requests == 1 ? "" : "s", gaps,
		  res->rejected ? " (and invalid candles skipped)" : "");
	if (k->merged.conflicts)
		diag_warn("%s %s: %zu downloaded candles differ from the stored ones with the same "
			  "open_time; the stored values were kept", symbol, k->iv->name,
			  k->merged.conflicts);
}

/* Only a failure that concerns one symbol lets the others go on. */
static bool symbol_specific(int status) { return status == EX_USAGE || status == EX_DATAERR; }

static int run_candles(const struct str_list *symbols, const struct interval *iv)
{
	int64_t now;
	struct binance *b = open_exchange(&now);
	struct range rg = resolve_range(iv, now);
	struct sink k;
	sink_open(&k, symbols, iv);
	int status = 0;
	for (size_t s = 0; s < symbols->n; s++) {
		const char *symbol = symbols->items[s];
		int64_t latest = 0, prev;
		bool exists;
		stored_latest(&k, symbol, &latest, &exists);
		struct kline_download d = {
			.symbol = symbol, .iv = iv, .start = start_after(exists, latest, iv, &rg, &prev),
			.end = rg.until, .server_now = now, .prev_open_time = prev,
			.page = download_page, .ctx = &k,
		};
		struct kline_download_result res = { 0 };
		struct binance_stats before, after;
		struct cra_error err = { 0 };
		k.symbol_index = s;
		memset(&k.merged, 0, sizeof k.merged);
		binance_get_stats(b, &before);
		int64_t until = rg.until < now ? rg.until : now;
		k.received = 0;
		progress_start(&k.bar, symbol, d.start < until ? (uint64_t)((until - d.start) / iv->ms) : 1);
		int r = binance_download_klines(b, &d, &res, &err);
		progress_finish(&k.bar);
		struct cra_error flush_err = { 0 };
		int rf = sink_flush(&k, &flush_err); /* complete pages are kept, even after a failure */
		if (rf && r)
			print_error(&flush_err);
		else if (rf)
			r = rf, err = flush_err;
		binance_get_stats(b, &after);
		if (!r && opt.include_open && res.open_seen) {
			if (k.several)
				tw_str(&k.out.w, symbol);
			candles_write_row(&k.out.w, &res.open, 0);
		}
		summarise(&k, symbol, &res, after.requests - before.requests);
		candles_free(&res.open);
		if (r) {
			print_error(&err);
			if (!status)
				status = r;
			if (!symbol_specific(r))
				break;
		}
	}
	if (k.to_output) {
		struct cra_error err = { 0 };
		if (status && k.out.to_file)
			output_abort(&k.out);
		else if (output_close(&k.out, &err))
			diag_die_error(&err);
	} else {
		store_close(k.store);
	}
	candles_free(&k.pending);
	close_exchange(b);
	return status;
}

static int run_follow(const struct str_list *symbols, const struct interval *iv)
{
	install_stop_handlers();
	int64_t now;
	struct binance *b = open_exchange(&now);
	struct range rg = resolve_range(iv, now);
	struct sink k;
	sink_open(&k, symbols, iv);
	size_t n = symbols->n;
	int64_t *next = calloc(n, sizeof *next), *prev = calloc(n, sizeof *prev);
	struct kline_download_result *res = calloc(n, sizeof *res);
	if (!next || !prev || !res)
		diag_die(EX_OSERR, "out of memory");
	for (size_t s = 0; s < n; s++) {
		int64_t latest = 0;
		bool exists;
		stored_latest(&k, symbols->items[s], &latest, &exists);
		next[s] = start_after(exists, latest, iv, &rg, &prev[s]);
		res[s].last_open_time = prev[s];
	}
	const char *poll = getenv("CRA_FOLLOW_POLL_MS");
	struct kline_follow f = {
		.nsymbols = n, .symbols = symbols->items, .iv = iv, .next_open = next,
		.prev_open_time = prev, .page = follow_page, .ctx = &k,
		.poll_ms = poll ? strtol(poll, NULL, 10) : 0, .results = res,
	};
	struct cra_error err = { 0 };
	int status = binance_follow_klines(b, &f, &err);
	if (status)
		print_error(&err);
	for (size_t s = 0; s < n; s++) {
		memset(&k.merged, 0, sizeof k.merged);
		k.merged.added = res[s].candles;
		summarise(&k, symbols->items[s], &res[s], (unsigned long)res[s].pages);
	}
	if (k.to_output) {
		struct cra_error e = { 0 };
		if (output_close(&k.out, &e) && !status) {
			print_error(&e);
			status = e.status;
		}
	} else {
		store_close(k.store);
	}
	candles_free(&k.pending);
	free(next);
	free(prev);
	free(res);
	close_exchange(b);
	if (!status && stop_requested)
		diag_debug("stopped by a signal");
	return status;
}

/* --- snapshots and funding rates ------------------------------------------------------ */

static struct snapshot_store *open_snapshots(void)
{
	struct cra_error err = { 0 };
	struct store_options so = { .data_dir = NULL, .db_uri = opt.db };
	struct snapshot_store *s;
	if (snapshot_store_open(&s, &so, &err))
		diag_die_error(&err);
	return s;
}

static void write_prices(struct table_writer *w, int64_t t, const struct price_tick *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tw_int(w, t);
		tw_str(w, p[i].symbol);
		tw_double(w, p[i].price);
		tw_end_row(w);
	}
}

static void write_book(struct table_writer *w, int64_t t, const struct book_tick *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tw_int(w, t);
		tw_str(w, p[i].symbol);
		tw_double(w, p[i].bid_price);
		tw_double(w, p[i].bid_qty);
		tw_double(w, p[i].ask_price);
		tw_double(w, p[i].ask_qty);
		tw_double(w, p[i].ask_price - p[i].bid_price);
		tw_end_row(w);
	}
}

static void write_header_cells(struct table_writer *w, const char *const *cols)
{
	for (; *cols; cols++)
		tw_str(w, *cols);
	tw_end_row(w);
}

static const char *const price_cols[] = { "time", "symbol", "price", NULL };
static const char *const book_cols[] = { "time", "symbol", "bid_price", "bid_qty", "ask_price",
					 "ask_qty", "spread", NULL };

struct funding_sink {
	struct snapshot_store *store;
	struct output *out;
	const char *symbol;
	bool several;
	size_t added;
};

static void write_funding(struct table_writer *w, const char *symbol, const struct funding_rate *f,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (symbol)
			tw_str(w, symbol);
		tw_int(w, f[i].time);
		tw_double(w, f[i].rate);
		tw_double(w, f[i].mark_price);
		tw_end_row(w);
	}
}

static int funding_page(void *ctx, const struct funding_rate *f, size_t n, struct cra_error *err)
{
	struct funding_sink *k = ctx;
	if (k->out) {
		write_funding(&k->out->w, k->several ? k->symbol : NULL, f, n);
		k->added += n;
		return 0;
	}
	size_t added;
	int r = snapshot_add_funding(k->store, k->symbol, f, n, &added, err);
	k->added += added;
	return r;
}

static int run_snapshots(const struct str_list *symbols)
{
	int64_t now;
	struct binance *b = open_exchange(&now);
	struct cra_error err = { 0 };
	struct snapshot_store *store = NULL;
	struct output out;
	if (opt.output) {
		if (output_open(&out, opt.output, opt.tsv, &err))
			diag_die_error(&err);
	} else {
		store = open_snapshots();
	}
	char when[TIME_BUF];
	time_format_iso(now, when);
	int status = 0;
	if (opt.ticker) {
		struct price_tick *p;
		size_t n, added = 0;
		if ((status = binance_ticker_price(b, symbols->items, symbols->n, &p, &n, &err)))
			goto done;
		if (store) {
			status = snapshot_add_prices(store, now, p, n, &added, &err);
		} else {
			write_header_cells(&out.w, price_cols);
			write_prices(&out.w, now, p, n);
		}
		free(p);
		if (status)
			goto done;
		if (store)
			diag_note("prices of %zu symbol%s at %s: %zu recorded in the %s", n, n == 1 ? "" : "s",
				  when, added, snapshot_store_describe(store));
	}
	if (opt.book) {
		struct book_tick *p;
		size_t n, added = 0;
		if ((status = binance_book_ticker(b, symbols->items, symbols->n, &p, &n, &err)))
			goto done;
		if (store) {
			status = snapshot_add_book(store, now, p, n, &added, &err);
		} else {
			write_header_cells(&out.w, book_cols);
			write_book(&out.w, now, p, n);
		}
		free(p);
		if (status)
			goto done;
		if (store)
			diag_note("best bid/ask of %zu symbol%s at %s: %zu recorded in the %s", n,
				  n == 1 ? "" : "s", when, added, snapshot_store_describe(store));
	}
	if (opt.funding) {
		struct interval eight_hours;
		interval_parse("8h", &eight_hours);
		struct range rg = resolve_range(&eight_hours, now);
		struct funding_sink k = { store, store ? NULL : &out, NULL, symbols->n > 1, 0 };
		if (!store) {
			if (k.several)
				tw_str(&out.w, "symbol");
			write_header_cells(&out.w, (const char *const[]){ "time", "funding_rate",
									  "mark_price", NULL });
		}
		for (size_t s = 0; s < symbols->n; s++) {
			int64_t start = rg.since, latest = 0;
			bool exists = false;
			k.symbol = symbols->items[s];
			k.added = 0;
			if (store && (status = snapshot_latest_funding(store, k.symbol, &latest, &exists, &err)))
				goto done;
			if (exists && !opt.full && !(rg.since_given && rg.since > latest))
				start = latest + 1;
			size_t total = 0;
			struct binance_stats before, after;
			binance_get_stats(b, &before);
			int r = binance_download_funding(b, k.symbol, start, rg.until, funding_page, &k,
							 &total, &err);
			binance_get_stats(b, &after);
			diag_note("%s funding rates: %zu %s, %lu request%s", k.symbol, k.added,
				  store ? "new" : "written", after.requests - before.requests,
				  after.requests - before.requests == 1 ? "" : "s");
			if (r) {
				print_error(&err);
				if (!status)
					status = r;
				if (!symbol_specific(r))
					break;
			}
		}
		cra_error_clear(&err);
	}
done:
	if (status && err.msg[0])
		print_error(&err);
	if (store) {
		snapshot_store_close(store);
	} else if (status && out.to_file) {
		output_abort(&out);
	} else if (output_close(&out, &err)) {
		diag_die_error(&err);
	}
	close_exchange(b);
	return status;
}

/* --dump --ticker / --book / --funding: the stored snapshots as a table. */
static int run_dump_snapshots(const struct str_list *symbols)
{
	struct cra_error err = { 0 };
	if (opt.ticker + opt.book + opt.funding != 1)
		opt_usage_error("--dump shows one table: give one of --ticker, --book, --funding");
	if ((opt.book || opt.funding) && symbols->n == 0)
		opt_usage_error("--dump --%s needs a SYMBOL", opt.book ? "book" : "funding");
	int64_t from = parse_time_option("from", opt.from, INT64_MIN);
	int64_t to = parse_time_option("to", opt.to, INT64_MAX);
	struct snapshot_store *s = open_snapshots();
	struct output out;
	if (output_open(&out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	int r = 0;
	if (opt.ticker) {
		write_header_cells(&out.w, price_cols);
		for (size_t k = 0; k < (symbols->n ? symbols->n : 1) && !r; k++) {
			struct price_snapshot *p;
			size_t n;
			r = snapshot_load_prices(s, symbols->n ? symbols->items[k] : NULL, from, to, &p, &n,
						 &err);
			for (size_t i = 0; !r && i < n; i++) {
				struct price_tick t;
				memcpy(t.symbol, p[i].symbol, sizeof t.symbol);
				t.price = p[i].price;
				write_prices(&out.w, p[i].time, &t, 1);
			}
			if (!r)
				free(p);
		}
	} else if (opt.book) {
		write_header_cells(&out.w, book_cols);
		for (size_t k = 0; k < symbols->n && !r; k++) {
			struct book_snapshot *p;
			size_t n;
			r = snapshot_load_book(s, symbols->items[k], from, to, &p, &n, &err);
			for (size_t i = 0; !r && i < n; i++) {
				struct book_tick t;
				memcpy(t.symbol, p[i].symbol, sizeof t.symbol);
				t.bid_price = p[i].bid_price, t.bid_qty = p[i].bid_qty;
				t.ask_price = p[i].ask_price, t.ask_qty = p[i].ask_qty;
				write_book(&out.w, p[i].time, &t, 1);
			}
			if (!r)
				free(p);
		}
	} else {
		if (symbols->n > 1)
			tw_str(&out.w, "symbol");
		write_header_cells(&out.w, (const char *const[]){ "time", "funding_rate", "mark_price", NULL });
		for (size_t k = 0; k < symbols->n && !r; k++) {
			struct funding_rate *f;
			size_t n;
			r = snapshot_load_funding(s, symbols->items[k], from, to, &f, &n, &err);
			if (!r) {
				write_funding(&out.w, symbols->n > 1 ? symbols->items[k] : NULL, f, n);
				free(f);
			}
		}
	}
	if (r) {
		output_abort(&out);
		diag_die_error(&err);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	snapshot_store_close(s);
	return 0;
}

/* Everything about a download's options that can be wrong is found before any request. */
static void check_network_options(const struct str_list *symbols, struct interval *iv)
{
	for (size_t k = 0; k < symbols->n; k++)
		if (!symbol_valid(symbols->items[k]))
			opt_usage_error("invalid symbol '%.40s': symbols are 2 to 20 capital letters or "
					"digits (BTCUSDT)", symbols->items[k]);
	const char *dump_only = opt.from ? "--from" : opt.to ? "--to" : opt.resample ? "--resample"
			      : opt.skip_bad ? "--skip-bad" : opt.symbol ? "--symbol" : NULL;
	if (dump_only)
		opt_usage_error("%s belongs to --dump or --import; downloads take --since, --days, "
				"--until", dump_only);
	if (interval_parse(opt.interval ? opt.interval : "1h", iv))
		opt_usage_error("--interval: unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h "
				"12h 1d 3d 1w 1M)", opt.interval);
	if (opt.since && opt.days >= 0)
		opt_usage_error("--since and --days both say where to start: give one");
	check_time_syntax("since", opt.since);
	check_time_syntax("until", opt.until);
	bool snapshots = opt.ticker || opt.book || opt.funding;
	if (snapshots && opt.follow)
		opt_usage_error("--follow follows candles; record snapshots from cron instead "
				"(see cra-fetch(1))");
	if (snapshots && opt.include_open)
		opt_usage_error("--include-open is about candles");
	if (opt.output && opt.ticker + opt.book + opt.funding > 1)
		opt_usage_error("-o writes one table: give one of --ticker, --book, --funding");
	if (opt.funding && symbols->n == 0)
		opt_usage_error("--funding needs a SYMBOL (BTCUSDT)");
	if (!snapshots && symbols->n == 0)
		opt_usage_error("say what to do: SYMBOL... to download, --import FILE..., --list or "
				"--dump SYMBOL");
	bool to_stdout = opt.output && !strcmp(opt.output, "-");
	if (opt.include_open && (!to_stdout || opt.follow))
		opt_usage_error("--include-open shows the unfinished candle on standard output only "
				"(-o -, without --follow): it is never stored");
	if (opt.follow && opt.output && !to_stdout)
		opt_usage_error("--follow writes to the store or to standard output (-o -), not to a file");
	if (opt.follow && opt.until)
		opt_usage_error("--follow has no end: leave out --until");
	if (opt.output && !to_stdout && (symbols->n > 1 || (opt.book && symbols->n == 0)) &&
	    !opt.ticker)
		opt_usage_error("-o FILE takes one series; write several to standard output");
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct str_list operands = { 0 };
	opt_parse(&info, options, argc, argv, &operands);
	diag_set_quiet(opt.quiet);
	diag_set_verbose(opt.verbose);
	if (opt.import + opt.list + opt.dump > 1)
		opt_usage_error("--import, --list and --dump are different jobs: give one");
	bool network_flags = opt.follow || opt.full || opt.include_open || opt.since || opt.until ||
			     opt.days >= 0;
	if ((opt.import || opt.list || opt.dump) && (network_flags ||
	    ((opt.import || opt.list) && (opt.ticker || opt.book || opt.funding))))
		opt_usage_error("--since, --days, --until, --full, --follow, --include-open, --ticker, "
				"--book and --funding are for downloads%s",
				opt.dump ? " (--dump takes --from and --to)" : "");
	int status;
	if (opt.import) {
		status = run_import(&operands);
	} else if (opt.list) {
		status = run_list();
	} else if (opt.dump) {
		status = (opt.ticker || opt.book || opt.funding) ? run_dump_snapshots(&operands)
								  : run_dump(&operands);
	} else {
		struct interval iv;
		check_network_options(&operands, &iv);
		if (opt.ticker || opt.book || opt.funding)
			status = run_snapshots(&operands);
		else if (opt.follow)
			status = run_follow(&operands, &iv);
		else
			status = run_candles(&operands, &iv);
	}
	str_list_free(&operands);
	return status;
}
