/* candles.c - the in-memory candle series: growth, validation, merging; see candles.h. */
#include "candles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

const char *const candle_field_name[CANDLE_NFIELDS] = {
	"open", "high", "low", "close", "volume",
	"close_time", "quote_volume", "trades", "taker_buy_base", "taker_buy_quote",
};

void candles_init(struct candles *c) { memset(c, 0, sizeof *c); }

void candles_free(struct candles *c)
{
	free(c->open_time);
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		free(c->v[f]);
	candles_init(c);
}

void candles_clear(struct candles *c)
{
	c->n = 0;
	c->optional_mask = 0;
}

int candles_reserve(struct candles *c, size_t n)
{
	if (n <= c->cap)
		return 0;
	size_t cap = c->cap ? c->cap : 1024;
	while (cap < n)
		cap *= 2;
	int64_t *t = realloc(c->open_time, cap * sizeof *t);
	if (!t)
		return -1;
	c->open_time = t;
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		double *v = realloc(c->v[f], cap * sizeof *v);
		if (!v)
			return -1;
		c->v[f] = v;
	}
	c->cap = cap;
	return 0;
}

int candles_push(struct candles *c, int64_t open_time, const double *values)
{
	if (c->n == c->cap && candles_reserve(c, c->n + 1))
		return -1;
	c->open_time[c->n] = open_time;
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		c->v[f][c->n] = values[f];
	c->n++;
	return 0;
}

const char *candle_row_problem(const double *v, unsigned optional_mask, const char **why)
{
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		bool required = f < CANDLE_NREQUIRED;
		if (!required && (!(optional_mask & (1u << f)) || isnan(v[f])))
			continue; /* an absent optional value is allowed */
		if (!isfinite(v[f])) {
			*why = "is not a finite number";
			return candle_field_name[f];
		}
		if (v[f] < 0) {
			*why = "is negative";
			return candle_field_name[f];
		}
	}
	if (v[CF_OPEN] <= 0 || v[CF_CLOSE] <= 0) {
		*why = "is not a positive price";
		return candle_field_name[v[CF_OPEN] <= 0 ? CF_OPEN : CF_CLOSE];
	}
	if (v[CF_HIGH] < v[CF_OPEN] || v[CF_HIGH] < v[CF_CLOSE]) {
		*why = "is below max(open, close)";
		return candle_field_name[CF_HIGH];
	}
	if (v[CF_LOW] > v[CF_OPEN] || v[CF_LOW] > v[CF_CLOSE]) {
		*why = "is above min(open, close)";
		return candle_field_name[CF_LOW];
	}
	return NULL;
}

int candles_validate(const struct candles *c, const char *name, struct cra_error *err)
{
	double row[CANDLE_NFIELDS];
	for (size_t i = 0; i < c->n; i++) {
		char when[TIME_BUF];
		time_format_iso(c->open_time[i], when);
		if (i > 0 && c->open_time[i] <= c->open_time[i - 1])
			return cra_fail(err, EX_DATAERR, "%s: row %zu (open_time %s): open_time %s",
					name, i + 1, when,
					c->open_time[i] == c->open_time[i - 1]
						? "duplicates the previous row's"
						: "is earlier than the previous row's (rows must be in time order)");
		for (int f = 0; f < CANDLE_NFIELDS; f++)
			row[f] = c->v[f][i];
		const char *why, *field = candle_row_problem(row, c->optional_mask, &why);
		if (field)
			return cra_fail(err, EX_DATAERR, "%s: row %zu (open_time %s): %s %s", name, i + 1,
					when, field, why);
	}
	return 0;
}

size_t candles_lower_bound(const struct candles *c, int64_t t)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->open_time[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int candles_slice(const struct candles *c, int64_t from, int64_t to, struct candles *out)
{
	size_t a = candles_lower_bound(c, from), b = candles_lower_bound(c, to);
	candles_clear(out);
	out->optional_mask = c->optional_mask;
	if (b <= a)
		return 0;
	if (candles_reserve(out, b - a))
		return -1;
	memcpy(out->open_time, c->open_time + a, (b - a) * sizeof *out->open_time);
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		memcpy(out->v[f], c->v[f] + a, (b - a) * sizeof *out->v[f]);
	out->n = b - a;
	return 0;
}

/* Same value, treating NaN as equal to NaN (an absent optional value). */
static bool same_value(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static void copy_row(struct candles *dst, size_t j, const struct candles *src, size_t i)
{
	dst->open_time[j] = src->open_time[i];
	for (int f = 0; f < CANDLE_NFIELDS; f++)
		dst->v[f][j] = (f >= CANDLE_NREQUIRED && !(src->optional_mask & (1u << f)))
				       ? NAN : src->v[f][i];
}

int candles_merge(struct candles *into, const struct candles *add, struct merge_stats *stats)
{
	struct merge_stats s = { 0 };
	struct candles out;
	candles_init(&out);
	if (candles_reserve(&out, into->n + add->n))
		return -1;
	out.optional_mask = into->optional_mask | add->optional_mask;
	size_t i = 0, j = 0, k = 0;
	while (i < into->n || j < add->n) {
		if (j == add->n || (i < into->n && into->open_time[i] < add->open_time[j])) {
			copy_row(&out, k++, into, i++);
		} else if (i == into->n || add->open_time[j] < into->open_time[i]) {
			copy_row(&out, k++, add, j++);
			s.added++;
		} else { /* the same candle in both: the stored values win */
			copy_row(&out, k, into, i);
			bool differs = false, enriched = false;
			for (int f = 0; f < CANDLE_NFIELDS; f++) {
				bool in_into = f < CANDLE_NREQUIRED || (into->optional_mask & (1u << f));
				bool in_add = f < CANDLE_NREQUIRED || (add->optional_mask & (1u << f));
				double a = in_into ? into->v[f][i] : NAN, b = in_add ? add->v[f][j] : NAN;
				if (isnan(a) && !isnan(b)) {
					out.v[f][k] = b;
					enriched = true;
				} else if (!isnan(b) && !same_value(a, b)) {
					differs = true;
				}
			}
			if (differs)
				s.conflicts++;
			else if (enriched)
				s.enriched++;
			else
				s.present++;
			i++, j++, k++;
		}
	}
	out.n = k;
	candles_free(into);
	*into = out;
	if (stats)
		*stats = s;
	return 0;
}

bool candles_equal(const struct candles *a, const struct candles *b)
{
	if (a->n != b->n || a->optional_mask != b->optional_mask)
		return false;
	if (a->n && memcmp(a->open_time, b->open_time, a->n * sizeof *a->open_time))
		return false;
	for (int f = 0; f < CANDLE_NFIELDS; f++) {
		if (f >= CANDLE_NREQUIRED && !(a->optional_mask & (1u << f)))
			continue;
		for (size_t i = 0; i < a->n; i++)
			if (!same_value(a->v[f][i], b->v[f][i]))
				return false;
	}
	return true;
}
