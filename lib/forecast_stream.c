/* forecast_stream.c - a live candle stream in bounded memory; see forecast_stream.h. */
#include "forecast_stream.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "feature_spec.h"
#include "timefmt.h"

size_t forecast_stream_keep(struct forecast_model *const *m, size_t n, const struct interval *iv,
			    size_t calibration, int steps)
{
	size_t most = 0;
	for (size_t i = 0; i < n; i++) {
		size_t h = feature_spec_history(m[i]->spec, iv);
		if (h == SIZE_MAX)
			return SIZE_MAX;
		h += forecast_model_history(m[i], iv);
		most = h > most ? h : most;
	}
	/* the walk: calibration origins, and the longest horizon's lag behind them */
	return most + calibration + (size_t)steps + 1;
}

int forecast_stream_open(struct forecast_stream *s, const char *path, const char *symbol,
			 const struct interval *iv, size_t keep, struct cra_error *err)
{
	memset(s, 0, sizeof *s);
	candles_init(&s->c);
	snprintf(s->symbol, sizeof s->symbol, "%s", symbol);
	s->iv = *iv;
	s->keep = keep;
	int r = table_open(&s->tr, path, NULL, err);
	if (r)
		return r;
	if ((r = candles_columns_from_header(s->tr, &s->map, err))) {
		forecast_stream_close(s);
		return r;
	}
	s->symbol_col = table_find(s->tr, "symbol");
	for (int f = CANDLE_NREQUIRED; f < CANDLE_NFIELDS; f++)
		if (s->map.col[f] >= 0)
			s->c.optional_mask |= 1u << f;
	return 0;
}

/* Keeps the newest `keep` candles once 2 keep are held. */
static int trim(struct forecast_stream *s, struct cra_error *err)
{
	if (s->c.n < 2 * s->keep)
		return 0;
	struct candles newest;
	candles_init(&newest);
	if (candles_slice(&s->c, s->c.open_time[s->c.n - s->keep], INT64_MAX, &newest)) {
		candles_free(&newest);
		return cra_fail(err, EX_OSERR, "out of memory");
	}
	candles_free(&s->c);
	s->c = newest;
	return 0;
}

static bool other_symbol(const struct forecast_stream *s)
{
	size_t len;
	const char *v = s->symbol_col >= 0 ? table_field(s->tr, (size_t)s->symbol_col, &len) : NULL;
	return v && (len != strlen(s->symbol) || memcmp(v, s->symbol, len));
}

int forecast_stream_next(struct forecast_stream *s, bool *added, struct cra_error *err)
{
	*added = false;
	int r;
	while ((r = table_next(s->tr, err)) == 1) {
		if (other_symbol(s))
			continue;
		int64_t t;
		double v[CANDLE_NFIELDS];
		if ((r = candles_parse_record(s->tr, &s->map, s->c.optional_mask, &t, v, err)))
			return r;
		char when[TIME_BUF];
		time_format_iso(t, when);
		if (!interval_aligned(&s->iv, t))
			return cra_fail(err, EX_DATAERR, "%s:%zu: field 'open_time': %s is not the open "
					"time of a %s candle (the models' interval)", table_name(s->tr),
					table_line(s->tr), when, s->iv.name);
		if (s->c.n && t <= s->c.open_time[s->c.n - 1]) {
			if (t == s->c.open_time[s->c.n - 1])
				continue; /* the newest candle again */
			return cra_fail(err, EX_DATAERR, "%s:%zu: field 'open_time': %s is before the "
					"candle before it (rows must be in time order)",
					table_name(s->tr), table_line(s->tr), when);
		}
		if (candles_push(&s->c, t, v))
			return cra_fail(err, EX_OSERR, "out of memory");
		*added = true;
		return trim(s, err);
	}
	return r < 0 ? -r : 0;
}

void forecast_stream_close(struct forecast_stream *s)
{
	if (s->tr)
		table_close(s->tr);
	candles_free(&s->c);
	memset(s, 0, sizeof *s);
}
