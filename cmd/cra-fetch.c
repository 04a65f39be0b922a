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

#include "binance.h"
#include "candle_import.h"
#include "candles_io.h"
#include "diag.h"
#include "gaps.h"
#include "market_fetch.h"
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
	{ "days", 'd', OPT_INT, &opt.days, "N", "download the last N days (same as --since Nd)", 1, 100000 },
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

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* SIGINT and SIGTERM end --follow cleanly: the library sees the flag, finishes the write in
 * progress and returns.  No SA_RESTART, so that a sleep or a read is interrupted at once. */
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

/* Only a failure that concerns one symbol lets the others go on. */
static bool symbol_specific(int status) { return status == EX_USAGE || status == EX_DATAERR; }

/* Connects to the exchange and reads its clock, then the time options against it. */
static struct binance *open_exchange(const struct interval *align, int64_t *now,
				     struct fetch_range *rg)
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
	if (binance_server_time(b, now, &err)) {
		if (stop_requested)
			exit(0);
		diag_die_error(&err);
	}
	char when[TIME_BUF];
	time_format_iso(*now, when);
	diag_debug("%s: the exchange's clock says %s", binance_spot_url(b), when);
	const char *bad;
	if (fetch_range_resolve(rg, opt.since, opt.days, opt.until, opt.full, align, *now, &bad))
		diag_die(EX_USAGE, "--%s: cannot read the time", bad); /* checked before: cannot happen */
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

/* Where candles go, and how the run reports them. */
struct sink {
	struct fetch_target target;
	struct store *store;
	struct output out;
	struct progress bar;
};

static void on_write(void *ctx, const char *symbol, const struct merge_stats *st, int64_t newest,
		     int64_t ms)
{
	struct sink *k = ctx;
	char when[TIME_BUF];
	time_format_iso(newest, when);
	if (opt.follow)
		diag_note("%s %s: %zu new candle%s, the newest %s", symbol, k->target.iv->name,
			  st->added, st->added == 1 ? "" : "s", when);
	else
		diag_debug("%s %s: %zu new candles written in %lld ms, the newest %s", symbol,
			   k->target.iv->name, st->added, (long long)ms, when);
}

static void on_progress(void *ctx, uint64_t received)
{
	progress_update(&((struct sink *)ctx)->bar, received, NULL);
}

static void sink_open(struct sink *k, size_t nsymbols, const struct interval *iv)
{
	struct cra_error err = { 0 };
	memset(k, 0, sizeof *k);
	if (!opt.output) {
		k->store = open_store();
		fetch_target_store(&k->target, k->store, iv);
	} else {
		if (output_open(&k->out, opt.output, opt.tsv, &err))
			diag_die_error(&err);
		k->out.w.line_flush = opt.follow; /* a live pipeline sees each candle as it closes */
		fetch_target_table(&k->target, &k->out.w, nsymbols > 1, iv);
		if (opt.follow && tw_flush(&k->out.w, k->out.name, &err))
			diag_die_error(&err);
	}
	k->target.on_write = on_write;
	k->target.on_progress = on_progress;
	k->target.ctx = k;
}

/* Closes the output (a file is discarded after a failure) or the store; returns status, or
 * the output's write error. */
static int sink_close(struct sink *k, int status)
{
	struct cra_error err = { 0 };
	if (k->store) {
		store_close(k->store);
	} else if (status && k->out.to_file) {
		output_abort(&k->out);
	} else if (output_close(&k->out, &err)) {
		print_error(&err);
		status = status ? status : err.status;
	}
	fetch_target_free(&k->target);
	return status;
}

static void report(const struct sink *k, const char *symbol, const struct fetch_report *rep)
{
	char line[512];
	fetch_describe(&k->target, symbol, rep, line, sizeof line);
	diag_note("%s", line);
	if (rep->merged.conflicts)
		diag_warn("%s %s: %zu downloaded candles differ from the stored ones with the same "
			  "open_time; the stored values were kept", symbol, k->target.iv->name,
			  rep->merged.conflicts);
}

static int run_candles(const struct str_list *symbols, const struct interval *iv)
{
	int64_t now;
	struct fetch_range rg;
	struct binance *b = open_exchange(iv, &now, &rg);
	struct sink k;
	sink_open(&k, symbols->n, iv);
	int status = 0;
	for (size_t s = 0; s < symbols->n; s++) {
		struct fetch_report rep;
		struct cra_error err = { 0 };
		int64_t until = rg.until < now ? rg.until : now;
		progress_start(&k.bar, symbols->items[s],
			       until > rg.since ? (uint64_t)((until - rg.since) / iv->ms) : 1);
		int r = fetch_candles(b, &k.target, symbols->items[s], &rg, now, opt.include_open, &rep,
				      &err);
		progress_finish(&k.bar);
		report(&k, symbols->items[s], &rep);
		if (r) {
			print_error(&err);
			status = status ? status : r;
			if (!symbol_specific(r))
				break;
		}
	}
	status = sink_close(&k, status);
	close_exchange(b);
	return status;
}

static int run_follow(const struct str_list *symbols, const struct interval *iv)
{
	install_stop_handlers();
	int64_t now;
	struct fetch_range rg;
	struct binance *b = open_exchange(iv, &now, &rg);
	struct sink k;
	sink_open(&k, symbols->n, iv);
	k.target.on_progress = NULL;
	struct fetch_report *reps = calloc(symbols->n, sizeof *reps);
	if (!reps)
		diag_die(EX_OSERR, "out of memory");
	const char *poll = getenv("CRA_FOLLOW_POLL_MS");
	struct cra_error err = { 0 };
	int status = fetch_follow(b, &k.target, symbols->items, symbols->n, &rg,
				  poll ? strtol(poll, NULL, 10) : 0, reps, &err);
	if (status)
		print_error(&err);
	for (size_t s = 0; s < symbols->n; s++)
		report(&k, symbols->items[s], &reps[s]);
	free(reps);
	status = sink_close(&k, status);
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

/* One snapshot (prices or best bid/ask) of the symbols, stamped with the exchange's clock. */
static int take_snapshot(struct binance *b, enum snapshot_kind kind, const struct str_list *symbols,
			 int64_t now, struct snapshot_store *store, struct table_writer *w,
			 struct cra_error *err)
{
	size_t n, added = 0;
	int r;
	if (kind == SNAPSHOT_PRICES) {
		struct price_tick *p;
		if ((r = binance_ticker_price(b, symbols->items, symbols->n, &p, &n, err)))
			return r;
		if (store)
			r = snapshot_add_prices(store, now, p, n, &added, err);
		else
			snapshot_write_prices(w, now, p, n);
		free(p);
	} else {
		struct book_tick *p;
		if ((r = binance_book_ticker(b, symbols->items, symbols->n, &p, &n, err)))
			return r;
		if (store)
			r = snapshot_add_book(store, now, p, n, &added, err);
		else
			snapshot_write_book(w, now, p, n);
		free(p);
	}
	if (!r && store) {
		char when[TIME_BUF];
		time_format_iso(now, when);
		diag_note("%s of %zu symbol%s at %s: %zu recorded in the %s",
			  kind == SNAPSHOT_PRICES ? "prices" : "best bid/ask", n, n == 1 ? "" : "s", when,
			  added, snapshot_store_describe(store));
	}
	return r;
}

static int run_snapshots(const struct str_list *symbols)
{
	int64_t now;
	struct fetch_range rg;
	struct interval eight_hours; /* funding: every 8 hours */
	interval_parse("8h", &eight_hours);
	struct binance *b = open_exchange(&eight_hours, &now, &rg);
	struct cra_error err = { 0 };
	struct snapshot_store *store = NULL;
	struct output out;
	if (!opt.output)
		store = open_snapshots();
	else if (output_open(&out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	struct table_writer *w = store ? NULL : &out.w;
	int status = 0;
	if (opt.ticker || opt.book) {
		enum snapshot_kind kind = opt.ticker ? SNAPSHOT_PRICES : SNAPSHOT_BOOK;
		if (w)
			snapshot_write_header(w, kind, true);
		status = take_snapshot(b, kind, symbols, now, store, w, &err);
		if (!status && opt.ticker && opt.book) /* both: the store only (-o takes one table) */
			status = take_snapshot(b, SNAPSHOT_BOOK, symbols, now, store, w, &err);
		if (status)
			print_error(&err);
	}
	if (opt.funding && !status) {
		if (w)
			snapshot_write_header(w, SNAPSHOT_FUNDING, symbols->n > 1);
		for (size_t s = 0; s < symbols->n; s++) {
			size_t count;
			unsigned long requests;
			int r = fetch_funding(b, store, w, symbols->n > 1, symbols->items[s], &rg, &count,
					      &requests, &err);
			diag_note("%s funding rates: %zu %s, %lu request%s", symbols->items[s], count,
				  store ? "new" : "written", requests, requests == 1 ? "" : "s");
			if (r) {
				print_error(&err);
				status = status ? status : r;
				if (!symbol_specific(r))
					break;
			}
		}
	}
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
	for (size_t k = 0; k < symbols->n; k++)
		if (!symbol_valid(symbols->items[k]))
			opt_usage_error("invalid symbol '%.40s'", symbols->items[k]);
	int64_t from = parse_time_option("from", opt.from, INT64_MIN);
	int64_t to = parse_time_option("to", opt.to, INT64_MAX);
	struct snapshot_store *s = open_snapshots();
	struct output out;
	if (output_open(&out, opt.output, opt.tsv, &err))
		diag_die_error(&err);
	enum snapshot_kind kind = opt.ticker ? SNAPSHOT_PRICES : opt.book ? SNAPSHOT_BOOK
									  : SNAPSHOT_FUNDING;
	if (snapshot_dump(s, kind, symbols->items, symbols->n, from, to, &out.w, &err)) {
		output_abort(&out);
		diag_die_error(&err);
	}
	if (output_close(&out, &err))
		diag_die_error(&err);
	snapshot_store_close(s);
	return 0;
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
	if (opt.output && !to_stdout && !snapshots && symbols->n > 1)
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
