/* cra-features - technical indicators, feature matrices, exogenous joins and training targets.
 *
 * Reads candles (a file, standard input or the store), computes the features of a feature
 * specification (lib/feature_spec.h), joins exogenous series as of each candle's close
 * (lib/asof_join.h), adds targets (lib/targets.h) and writes one table. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asof_join.h"
#include "atomic_file.h"
#include "candles_io.h"
#include "diag.h"
#include "feature_matrix.h"
#include "gaps.h"
#include "feature_spec.h"
#include "options.h"
#include "store.h"
#include "table_writer.h"
#include "targets.h"
#include "timefmt.h"

static const struct program_info info = {
	"cra-features",
	"cra-features [-f SPEC,...] [-a] [-l N] [-t KIND:H,...] [-j FILE]... [options] [FILE]\n"
	"       cra-features -s SYMBOL -i INTERVAL [--from T] [--to T] [options]",
	"Writes the candles of FILE (default: standard input) or of the store with one column per\n"
	"feature: technical indicators (TA-Lib's conventions), lagged copies, exogenous series\n"
	"joined as of each candle's close, and forward-looking targets for supervised learning.\n"
	"Undefined values (an indicator's first rows, the last rows of a target) are empty cells.\n"
	"Without -f or -a: " FEATURE_SPEC_DEFAULT ".\n"
	"Indicators: sma ema rsi macd bb atr obv stoch vwap vwapd vol ret logret fib volz (--list).",
	"  cra-features -f rsi:14,bb:20:2 < BTCUSDT-1h.csv\n"
	"  cra-features -s BTCUSDT -i 1h -a -t regime:4h --from 2023-01-01 > train.csv\n"
	"  cra-features -f sma:50 -j funding.csv --tsv < candles.csv | gnuplot -p plot.gp",
};

struct settings {
	struct str_list ind, targets, joins, operands;
	bool all, tsv, drop_warmup, quiet, verbose, list, print_spec;
	long long lags;
	const char *symbol, *interval, *from, *to, *db, *output, *join_delay;
};

static void free_settings(struct settings *s)
{
	str_list_free(&s->ind);
	str_list_free(&s->targets);
	str_list_free(&s->joins);
	str_list_free(&s->operands);
}

static void list_indicators(void)
{
	printf("%-14s %-28s %s\n", "DEFAULT", "SYNTAX", "WHAT, AND ITS COLUMNS");
	for (int k = 0; k < FEATURE_NKINDS; k++) {
		const struct feature_kind_info *ki = &feature_kinds[k];
		struct feature_item item = { (enum feature_kind)k, { 0 }, (1u << ki->noutputs) - 1 };
		char spec[64], syntax[96], cols[256] = "";
		size_t slen = (size_t)snprintf(syntax, sizeof syntax, "%s", ki->name), clen = 0;
		if (ki->noutputs > 1)
			slen += (size_t)snprintf(syntax + slen, sizeof syntax - slen, "[.OUT]");
		for (int j = 0; j < ki->nparams; j++) {
			item.param[j] = ki->param[j].def;
			slen += (size_t)snprintf(syntax + slen, sizeof syntax - slen, ":%s", ki->param[j].name);
		}
		feature_item_format(&item, spec, sizeof spec);
		for (int j = 0; j < ki->noutputs; j++) {
			char name[FEATURE_NAME_MAX];
			feature_item_column(&item, j, name);
			clen += (size_t)snprintf(cols + clen, sizeof cols - clen, "%s%s", j ? " " : "", name);
		}
		printf("%-14s %-28s %s\n%-43s %s\n", spec, syntax, ki->summary, "", cols);
	}
}

/* The interval: -i, else guessed from the candles' smallest step (NULL when unknown). */
static const struct interval *choose_interval(const struct settings *s, const struct candles *c,
					      struct interval *iv)
{
	struct interval guessed;
	bool have_guess = candles_guess_interval(c, &guessed) == 0;
	if (s->interval) {
		if (interval_parse(s->interval, iv))
			opt_usage_error("unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d "
					"1w 1M)", s->interval);
		if (have_guess && guessed.ms < iv->ms)
			diag_die(EX_DATAERR, "the candles are %s apart, not %s (-i %s)", guessed.name,
				 iv->name, s->interval);
		return iv;
	}
	if (!have_guess)
		return NULL;
	*iv = guessed;
	diag_debug("interval %s, guessed from the candles", iv->name);
	return iv;
}

/* Dies of an error about the candles as a whole ("too few candles"), naming where they came
 * from: with several files in a pipeline, "too few candles" alone does not say which. */
static void die_on_candles(const struct settings *s, struct cra_error *err)
{
	if (s->symbol)
		cra_error_prefix(err, "%s %s: ", s->symbol, s->interval);
	else
		cra_error_prefix(err, "%s: ", s->operands.n && strcmp(s->operands.items[0], "-")
						    ? s->operands.items[0] : "<stdin>");
	diag_die_error(err);
}

static void load_candles(const struct settings *s, const struct feature_spec *spec,
			 int64_t from, int64_t to, struct candles *c)
{
	struct cra_error err = { 0 };
	if (!s->symbol) {
		const char *path = s->operands.n ? s->operands.items[0] : "-";
		if (candles_load(path, c, &err))
			diag_die_error(&err);
		return;
	}
	struct interval iv;
	if (!s->interval)
		opt_usage_error("--symbol needs the interval (-i 1h)");
	if (interval_parse(s->interval, &iv))
		opt_usage_error("unknown interval '%s'", s->interval);
	/* Load enough history before --from for the indicators to be what a computation over the
	 * whole series gives, and enough after --to for the targets. */
	size_t history = feature_spec_history(spec, &iv);
	int64_t load_from = INT64_MIN, load_to = INT64_MAX;
	if (from != INT64_MIN && history != SIZE_MAX && history < (size_t)(INT64_MAX / 2 / iv.ms))
		load_from = from - (int64_t)(history + 1) * iv.ms;
	if (to != INT64_MAX)
		load_to = to + (int64_t)(TARGET_MAX_HORIZON + TARGET_REGIME_WINDOW) * iv.ms;
	struct store *st;
	struct store_options so = { NULL, s->db };
	bool exists;
	if (store_open(&st, &so, &err) ||
	    store_load(st, s->symbol, &iv, load_from, load_to, c, &exists, &err))
		diag_die_error(&err);
	if (!exists)
		diag_die(EX_NOINPUT, "no candles for %s %s in the %s", s->symbol, iv.name,
			 store_describe(st));
	store_close(st);
}

static void note_gaps(const struct candles *c, const struct interval *iv)
{
	struct gap_report g = gaps_find(c, iv);
	if (!g.gaps)
		return;
	char when[TIME_BUF];
	time_format_iso(g.largest_after, when);
	diag_note("%zu gap%s in the candles (%lld %s candles missing, the longest %lld after %s): "
		  "indicators run over the rows as given; targets across a gap are left empty",
		  g.gaps, g.gaps == 1 ? "" : "s", (long long)g.missing, iv->name, (long long)g.largest,
		  when);
}

static void write_table(const struct settings *s, const struct candles *c,
			struct feature_matrix *parts, size_t nparts, size_t first_row,
			int64_t from, int64_t to)
{
	struct cra_error err = { 0 };
	struct atomic_file af = { -1, NULL, NULL };
	int fd = STDOUT_FILENO;
	const char *what = "standard output";
	if (s->output && strcmp(s->output, "-")) {
		if (atomic_file_open(&af, s->output, &err))
			diag_die_error(&err);
		fd = af.fd;
		what = s->output;
	}
	static struct table_writer w;
	tw_init(&w, fd, s->tsv ? '\t' : ',');
	tw_str(&w, "open_time");
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		if (f < CANDLE_NREQUIRED || (c->optional_mask & (1u << f)))
			tw_str(&w, candle_field_name[f]);
	for (size_t p = 0; p < nparts; p++)
		for (size_t j = 0; j < parts[p].ncols; j++)
			tw_str(&w, parts[p].name[j]);
	tw_end_row(&w);
	for (size_t t = first_row; t < c->n; t++) {
		if (c->open_time[t] < from || c->open_time[t] >= to)
			continue;
		tw_int(&w, c->open_time[t]);
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			if (f < CANDLE_NREQUIRED || (c->optional_mask & (1u << f)))
				tw_double(&w, c->v[f][t]);
		for (size_t p = 0; p < nparts; p++)
			for (size_t j = 0; j < parts[p].ncols; j++)
				tw_double(&w, parts[p].col[j][t]);
		tw_end_row(&w);
	}
	if (tw_flush(&w, what, &err) || (af.path && atomic_file_commit(&af, &err))) {
		if (af.path)
			atomic_file_abort(&af);
		diag_die_error(&err);
	}
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	struct settings s = { .lags = -1 };
	const struct opt opts[] = {
		{ "ind", 'f', OPT_LIST, &s.ind, "SPEC,...", "features to compute: sma:20, rsi:14, macd:12:26:9, bb:20:2, fib:100 ...", 0, 0 },
		{ "all", 'a', OPT_FLAG, &s.all, NULL, "every indicator with its default parameters", 0, 0 },
		{ "lags", 'l', OPT_INT, &s.lags, "N", "add copies of every feature lagged 1..N rows", 0, FEATURE_MAX_LAGS },
		{ "target", 't', OPT_LIST, &s.targets, "KIND:H,...", "targets: return:H price:H direction:H regime:H[:K[:W]]; H in candles or a duration (4h)", 0, 0 },
		{ "join", 'j', OPT_LIST, &s.joins, "FILE", "join an exogenous series as of each candle's close (repeatable)", 0, 0 },
		{ "join-delay", 0, OPT_STRING, &s.join_delay, "DURATION", "treat joined values as known this long after their time stamp", 0, 0 },
		{ "symbol", 's', OPT_STRING, &s.symbol, "SYMBOL", "read the candles from the store", 0, 0 },
		{ "interval", 'i', OPT_STRING, &s.interval, "INTERVAL", "the candles' interval (default: guessed from the data)", 0, 0 },
		{ "from", 0, OPT_STRING, &s.from, "TIME", "write rows from this open time on (earlier ones still feed the indicators)", 0, 0 },
		{ "to", 0, OPT_STRING, &s.to, "TIME", "write rows before this open time", 0, 0 },
		{ "db", 0, OPT_STRING, &s.db, "URI", "PostgreSQL store (default: $CRA_DB, else $CRA_DATA or ./data)", 0, 0 },
		{ "drop-warmup", 'w', OPT_FLAG, &s.drop_warmup, NULL, "leave out the leading rows where some feature is undefined", 0, 0 },
		{ "tsv", 0, OPT_FLAG, &s.tsv, NULL, "write TSV instead of CSV", 0, 0 },
		{ "output", 'o', OPT_STRING, &s.output, "FILE", "write to FILE (whole or not at all) instead of standard output", 0, 0 },
		{ "list", 0, OPT_FLAG, &s.list, NULL, "list the indicators, their parameters and columns", 0, 0 },
		{ "print-spec", 0, OPT_FLAG, &s.print_spec, NULL, "print the canonical feature specification and exit", 0, 0 },
		{ "quiet", 'q', OPT_FLAG, &s.quiet, NULL, "no notes on standard error", 0, 0 },
		{ "verbose", 'v', OPT_FLAG, &s.verbose, NULL, "more notes on standard error", 0, 0 },
		OPT_END,
	};
	opt_parse(&info, opts, argc, argv, &s.operands);
	diag_set_quiet(s.quiet);
	diag_set_verbose(s.verbose);
	if (s.list) {
		list_indicators();
		free_settings(&s);
		return 0;
	}
	if (s.operands.n > 1)
		opt_usage_error("one candle file at most, got %zu", s.operands.n);
	if (s.symbol && s.operands.n)
		opt_usage_error("give either --symbol or a candle file, not both");

	struct cra_error err = { 0 };
	static struct feature_spec spec;
	feature_spec_init(&spec);
	if (s.all && feature_spec_add(&spec, FEATURE_SPEC_ALL, &err))
		diag_die_error(&err);
	for (size_t i = 0; i < s.ind.n; i++)
		if (feature_spec_add(&spec, s.ind.items[i], &err))
			diag_die_error(&err);
	if (!s.all && !s.ind.n && feature_spec_add(&spec, FEATURE_SPEC_DEFAULT, &err))
		diag_die_error(&err);
	if (s.lags >= 0)
		spec.lags = (int)s.lags;
	if (s.print_spec) {
		char text[8192];
		feature_spec_format(&spec, text, sizeof text);
		printf("%s\n", text);
		free_settings(&s);
		return 0;
	}
	int64_t from = opt_time("from", s.from, INT64_MIN);
	int64_t to = opt_time("to", s.to, INT64_MAX);
	int64_t delay = 0;
	if (s.join_delay && strcmp(s.join_delay, "0") && duration_parse_ms(s.join_delay, &delay))
		opt_usage_error("--join-delay: expected a duration (30m, 8h, 1d), got '%s'", s.join_delay);

	struct candles c;
	candles_init(&c);
	load_candles(&s, &spec, from, to, &c);
	struct interval ivbuf;
	const struct interval *iv = choose_interval(&s, &c, &ivbuf);

	struct target_spec ts;
	target_spec_init(&ts);
	for (size_t i = 0; i < s.targets.n; i++)
		if (target_spec_add(&ts, s.targets.items[i], iv, &err))
			diag_die_error(&err);
	if (s.joins.n && !iv)
		opt_usage_error("--join needs the candles' interval to know when each candle closes: "
				"give -i");
	if (iv)
		note_gaps(&c, iv);

	/* parts: features, then one matrix per joined file, then the targets. */
	size_t nparts = 0;
	struct feature_matrix *parts = calloc(s.joins.n + 2, sizeof *parts);
	if (!parts)
		diag_die(EX_OSERR, "out of memory");
	if (features_compute(&spec, &c, iv, &parts[nparts++], &err))
		die_on_candles(&s, &err);
	size_t first_row = s.drop_warmup ? parts[0].warmup : 0;
	for (size_t i = 0; i < s.joins.n; i++) {
		struct exo_series x;
		if (exo_load(s.joins.items[i], &x, &err) ||
		    asof_join(&x, &c, iv, delay, &parts[nparts++], &err))
			diag_die_error(&err);
		exo_free(&x);
	}
	if (ts.n && targets_compute(&ts, &c, iv, &parts[nparts++], &err))
		die_on_candles(&s, &err);

	write_table(&s, &c, parts, nparts, first_row, from, to);

	for (size_t p = 0; p < nparts; p++)
		feature_matrix_free(&parts[p]);
	free(parts);
	candles_free(&c);
	free_settings(&s);
	return 0;
}
