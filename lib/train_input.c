/* train_input.c - a trainer's candles, series name and targets; see train_input.h. */
#include "train_input.h"

#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candles_io.h"
#include "gaps.h"
#include "options.h"
#include "store.h"
#include "timefmt.h"

static int parse_time(const char *name, const char *text, int64_t none, int64_t *t,
		      struct cra_error *err)
{
	*t = none;
	if (text && time_parse(text, time_now_ms(), t))
		return cra_fail(err, EX_USAGE, "--%s: expected a time (2023-01-01, 2023-01-01T12:00, "
				"ms since the epoch, or 90d ago), got '%s'", name, text);
	return 0;
}

/* --symbol, else the file's name up to its first '.' or '-'. */
static int name_series(const struct train_input *in, char *symbol, struct cra_error *err)
{
	if (in->symbol) {
		if (!symbol_valid(in->symbol))
			return cra_fail(err, EX_USAGE, "--symbol: '%s' is not a symbol (2 to 20 of A-Z 0-9)",
					in->symbol);
		snprintf(symbol, SYMBOL_MAX + 1, "%s", in->symbol);
		return 0;
	}
	char copy[4096], *base;
	snprintf(copy, sizeof copy, "%s", in->file ? in->file : "-");
	base = basename(copy);
	base[strcspn(base, ".-")] = '\0';
	if (!in->file || !strcmp(in->file, "-") || !symbol_valid(base))
		return cra_fail(err, EX_USAGE, "name the series with --symbol: the bundle records "
				"what it was trained on");
	snprintf(symbol, SYMBOL_MAX + 1, "%s", base);
	return 0;
}

static int load_file(const struct train_input *in, int64_t from, int64_t to, struct candles *c,
		     struct interval *iv, struct cra_error *err)
{
	struct candles all;
	candles_init(&all);
	int r = candles_load(in->file, &all, err);
	if (!r && candles_slice(&all, from, to, c))
		r = cra_fail(err, EX_OSERR, "out of memory");
	size_t loaded = all.n;
	candles_free(&all);
	if (r)
		return r;
	if (c->n == 0) /* said here, where the file's name is known, not as "too few candles" */
		return cra_fail(err, EX_DATAERR, loaded ? "%s: no candles between --from and --to"
							: "%s: no candles, only a header",
				strcmp(in->file, "-") ? in->file : "<stdin>");
	struct interval guessed;
	if (candles_guess_interval(c, &guessed)) {
		if (!in->interval)
			return cra_fail(err, EX_DATAERR, "%s: cannot tell the candles' interval: give -i",
					in->file);
	} else if (!in->interval) {
		*iv = guessed;
	} else if (guessed.ms < iv->ms) {
		return cra_fail(err, EX_DATAERR, "the candles are %s apart, not %s (-i %s)",
				guessed.name, iv->name, in->interval);
	}
	return 0;
}

int train_input_load(const struct train_input *in, struct candles *c, struct interval *iv,
		     char *symbol, struct cra_error *err)
{
	candles_init(c);
	int64_t from, to;
	int r;
	if ((r = name_series(in, symbol, err)) || (r = parse_time("from", in->from, INT64_MIN, &from, err)) ||
	    (r = parse_time("to", in->to, INT64_MAX, &to, err)))
		return r;
	if (in->interval && interval_parse(in->interval, iv))
		return cra_fail(err, EX_USAGE, "unknown interval '%s' (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h "
				"12h 1d 3d 1w 1M)", in->interval);
	if (in->file) {
		if ((r = load_file(in, from, to, c, iv, err)))
			candles_free(c);
		return r;
	}
	if (!in->interval)
		return cra_fail(err, EX_USAGE, "--symbol needs the interval (-i 1h)");
	struct store *st;
	struct store_options so = { NULL, in->db };
	bool exists;
	if ((r = store_open(&st, &so, err)))
		return r;
	r = store_load(st, symbol, iv, from, to, c, &exists, err);
	if (!r && !exists)
		r = cra_fail(err, EX_NOINPUT, "no candles for %s %s in the %s", symbol, iv->name,
			     store_describe(st));
	else if (!r && c->n == 0)
		r = cra_fail(err, EX_NOINPUT, "no candles for %s %s between --from and --to in the %s",
			     symbol, iv->name, store_describe(st));
	store_close(st);
	if (r)
		candles_free(c);
	return r;
}

int train_targets(const char *target, const char *horizons, const struct interval *iv,
		  struct target_spec *ts, struct cra_error *err)
{
	target_spec_init(ts);
	if (!horizons) {
		char text[256];
		snprintf(text, sizeof text, "%s%s", target, strchr(target, ':') ? "" : ":1");
		return target_spec_add(ts, text, iv, err);
	}
	/* KIND[:H[:K[:W]]]: each horizon replaces H, the parameters after it are kept */
	const char *colon = strchr(target, ':'), *rest = colon ? strchr(colon + 1, ':') : NULL;
	int klen = (int)(colon ? colon - target : (long)strlen(target));
	struct str_list hs = { 0 };
	str_list_split(&hs, horizons);
	int r = hs.n ? 0 : cra_fail(err, EX_USAGE, "--horizons: give at least one horizon");
	for (size_t i = 0; !r && i < hs.n; i++) {
		char text[256];
		snprintf(text, sizeof text, "%.*s:%s%s", klen, target, hs.items[i], rest ? rest : "");
		r = target_spec_add(ts, text, iv, err);
	}
	str_list_free_items(&hs);
	return r;
}
