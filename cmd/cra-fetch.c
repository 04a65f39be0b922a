/* cra-fetch - candles into the store: imported from files, listed, dumped.
 *
 * Modes: --import FILE... (Binance dumps, candle tables, exchange exports), --list (what the
 * store holds), --dump SYMBOL... (a stored series as a candle table).  The logic lives in
 * libcra (candle_import.c, store.c, resample.c, gaps.c); this file parses options, calls it
 * and reports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candle_import.h"
#include "candles_io.h"
#include "diag.h"
#include "gaps.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "resample.h"
#include "store.h"
#include "timefmt.h"

static struct {
	bool import, list, dump, skip_bad, tsv, quiet, verbose;
	const char *symbol, *interval, *output, *db, *from, *to, *resample;
} opt;

static const struct program_info info = {
	.name = "cra-fetch",
	.synopsis = "cra-fetch --import FILE... [--symbol SYMBOL] [-i INTERVAL] [--skip-bad] [-o -]\n"
		    "       cra-fetch --list\n"
		    "       cra-fetch --dump SYMBOL... [-i INTERVAL] [--from TIME] [--to TIME] "
		    "[--resample INTERVAL] [-o FILE]",
	.description = "Puts candles into the store (the CSV data directory $CRA_DATA, default "
		       "./data, or PostgreSQL with --db or $CRA_DB) and takes them out again.\n"
		       "Importing merges: re-importing a file changes nothing, overlapping files "
		       "give their union, and a bad row stops the import before anything is "
		       "written.",
	.examples = "  cra-fetch --import BTCUSDT-1h-2023-*.csv\n"
		    "  cra-fetch --import export.csv --symbol ETHUSDT -i 1d --skip-bad\n"
		    "  cra-fetch --dump BTCUSDT -i 1h --resample 4h --from 2023-01-01 -o btc-4h.csv\n"
		    "  cra-fetch --list",
};

static const struct opt options[] = {
	{ "import", 0, OPT_FLAG, &opt.import, NULL, "import the candle files given as operands", 0, 0 },
	{ "list", 'l', OPT_FLAG, &opt.list, NULL, "list the stored series: rows, first, last, gaps", 0, 0 },
	{ "dump", 0, OPT_FLAG, &opt.dump, NULL, "write the stored series named as operands", 0, 0 },
	{ "symbol", 's', OPT_STRING, &opt.symbol, "SYMBOL", "what the imported files hold, when their names do not say", 0, 0 },
	{ "interval", 'i', OPT_STRING, &opt.interval, "INTERVAL", "candle interval (1m ... 1h ... 1d 1w 1M)", 0, 0 },
	{ "skip-bad", 0, OPT_FLAG, &opt.skip_bad, NULL, "import the good rows of a file, report the bad ones", 0, 0 },
	{ "output", 'o', OPT_STRING, &opt.output, "FILE", "write a candle table here ('-': stdout) instead of the store", 0, 0 },
	{ "tsv", 0, OPT_FLAG, &opt.tsv, NULL, "write tab-separated values", 0, 0 },
	{ "from", 0, OPT_STRING, &opt.from, "TIME", "dump candles opening at or after TIME (ms, ISO 8601, 90d)", 0, 0 },
	{ "to", 0, OPT_STRING, &opt.to, "TIME", "dump candles opening before TIME", 0, 0 },
	{ "resample", 0, OPT_STRING, &opt.resample, "INTERVAL", "dump at a coarser interval (1h -> 4h, 1d)", 0, 0 },
	{ "db", 0, OPT_STRING, &opt.db, "URI", "PostgreSQL store (default $CRA_DB; unset: CSV directory)", 0, 0 },
	{ "quiet", 'q', OPT_FLAG, &opt.quiet, NULL, "no summary lines, no progress bar", 0, 0 },
	{ "verbose", 'v', OPT_FLAG, &opt.verbose, NULL, "say more", 0, 0 },
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

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct str_list operands = { 0 };
	opt_parse(&info, options, argc, argv, &operands);
	diag_set_quiet(opt.quiet);
	diag_set_verbose(opt.verbose);
	if (opt.import + opt.list + opt.dump > 1)
		opt_usage_error("--import, --list and --dump are different jobs: give one");
	int status;
	if (opt.import)
		status = run_import(&operands);
	else if (opt.list)
		status = run_list();
	else if (opt.dump)
		status = run_dump(&operands);
	else
		opt_usage_error("say what to do: --import FILE..., --list or --dump SYMBOL");
	str_list_free(&operands);
	return status;
}
