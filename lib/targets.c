/* targets.c - forward-looking training targets; see targets.h. */
#include "targets.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "indicators.h"
#include "number.h"

static const char *const kind_name[] = { "return", "price", "direction", "regime" };

void target_spec_init(struct target_spec *ts) { ts->n = 0; }

/* Horizon text: a count of candles ("4") or a duration ("4h"). */
static int parse_horizon(const char *item, const char *s, size_t len, const struct interval *iv,
			 int *h, struct cra_error *err)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf)
		return cra_fail(err, EX_USAGE, "bad target '%s': expected a horizon (candles or a "
				"duration such as 4h)", item);
	memcpy(buf, s, len);
	buf[len] = '\0';
	int64_t v, ms;
	if (number_parse_int64(buf, len, &v) == 0) {
		if (v < 1 || v > TARGET_MAX_HORIZON)
			return cra_fail(err, EX_USAGE, "bad target '%s': the horizon must be from 1 to %d "
					"candles", item, TARGET_MAX_HORIZON);
		*h = (int)v;
		return 0;
	}
	if (duration_parse_ms(buf, &ms))
		return cra_fail(err, EX_USAGE, "bad target '%s': horizon '%s' is neither a number of "
				"candles nor a duration (4h, 90m, 1d)", item, buf);
	if (!iv)
		return cra_fail(err, EX_USAGE, "bad target '%s': a horizon in time needs the candles' "
				"interval (give -i)", item);
	if (iv->months || ms % iv->ms)
		return cra_fail(err, EX_USAGE, "bad target '%s': %s is not a whole number of %s candles",
				item, buf, iv->name);
	if (ms / iv->ms > TARGET_MAX_HORIZON)
		return cra_fail(err, EX_USAGE, "bad target '%s': the horizon must be at most %d candles",
				item, TARGET_MAX_HORIZON);
	*h = (int)(ms / iv->ms);
	return 0;
}

static int parse_target(const char *item, const struct interval *iv, struct target *t,
			struct cra_error *err)
{
	const char *colon = strchr(item, ':');
	size_t name_len = colon ? (size_t)(colon - item) : strlen(item);
	int kind = -1;
	for (int k = 0; k < 4; k++)
		if (strlen(kind_name[k]) == name_len && !strncasecmp(kind_name[k], item, name_len))
			kind = k;
	if (kind < 0)
		return cra_fail(err, EX_USAGE, "unknown target '%.*s' in '%s' (known: return, price, "
				"direction, regime)", (int)name_len, item, item);
	if (!colon)
		return cra_fail(err, EX_USAGE, "bad target '%s': expected %s:H, H a horizon in candles "
				"or a duration", item, kind_name[kind]);
	t->kind = (enum target_kind)kind;
	t->k = TARGET_REGIME_K;
	t->window = TARGET_REGIME_WINDOW;
	const char *s = colon + 1, *next = strchr(s, ':');
	int r = parse_horizon(item, s, next ? (size_t)(next - s) : strlen(s), iv, &t->horizon, err);
	if (r)
		return r;
	if (next && kind != TARGET_REGIME)
		return cra_fail(err, EX_USAGE, "bad target '%s': %s takes only a horizon", item,
				kind_name[kind]);
	for (int np = 0; next; np++) {
		s = next + 1;
		next = strchr(s, ':');
		size_t len = next ? (size_t)(next - s) : strlen(s);
		double v;
		if (np >= 2)
			return cra_fail(err, EX_USAGE, "bad target '%s': regime takes H[:K[:W]]", item);
		if (number_parse_double(s, len, &v) || !isfinite(v))
			return cra_fail(err, EX_USAGE, "bad target '%s': expected a number, got '%.*s'",
					item, (int)len, s);
		if (np == 0) {
			if (v < 0 || v > 100)
				return cra_fail(err, EX_USAGE, "bad target '%s': K must be from 0 to 100",
						item);
			t->k = v;
		} else {
			if (v != floor(v) || v < 2 || v > 100000)
				return cra_fail(err, EX_USAGE, "bad target '%s': W must be a whole number "
						"from 2 to 100000", item);
			t->window = (int)v;
		}
	}
	return 0;
}

int target_spec_add(struct target_spec *ts, const char *text, const struct interval *iv,
		    struct cra_error *err)
{
	const char *p = text;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && isspace((unsigned char)*p))
			p++, len--;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len) {
			char item[128];
			if (len >= sizeof item)
				return cra_fail(err, EX_USAGE, "bad target '%.40s...': too long", p);
			memcpy(item, p, len);
			item[len] = '\0';
			struct target t;
			int r = parse_target(item, iv, &t, err);
			if (r)
				return r;
			size_t i = 0;
			while (i < ts->n && !(ts->item[i].kind == t.kind && ts->item[i].horizon == t.horizon))
				i++;
			if (i < ts->n) {
				if (ts->item[i].k != t.k || ts->item[i].window != t.window)
					return cra_fail(err, EX_USAGE, "bad target '%s': target_regime_%d is "
							"already asked for with other parameters", item, t.horizon);
			} else if (ts->n == TARGET_SPEC_MAX) {
				return cra_fail(err, EX_USAGE, "too many targets (at most %d)", TARGET_SPEC_MAX);
			} else {
				ts->item[ts->n++] = t;
			}
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

size_t target_spec_format(const struct target_spec *ts, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < ts->n; i++) {
		const struct target *t = &ts->item[i];
		char k[NUMBER_BUF], tmp[160];
		int n;
		if (t->kind == TARGET_REGIME) {
			number_format_double(t->k, k);
			n = snprintf(tmp, sizeof tmp, "%sregime:%d:%s:%d", i ? "," : "", t->horizon, k,
				     t->window);
		} else {
			n = snprintf(tmp, sizeof tmp, "%s%s:%d", i ? "," : "", kind_name[t->kind], t->horizon);
		}
		if (len < size)
			snprintf(buf + len, size - len, "%s", tmp);
		len += (size_t)n;
	}
	return len;
}

size_t target_min_rows(const struct target *t)
{
	return (size_t)t->horizon + 1 + (t->kind == TARGET_REGIME ? (size_t)t->window : 0);
}

/* Whether the candle H rows after t opened exactly H intervals after t. */
static bool no_gap(const struct candles *c, const struct interval *iv, size_t t, size_t h)
{
	if (!iv)
		return true;
	int64_t a = c->open_time[t], b = c->open_time[t + h];
	if (iv->months)
		return interval_count(iv, a, b) == (int64_t)h && interval_aligned(iv, b);
	return b - a == (int64_t)h * iv->ms;
}

int targets_compute(const struct target_spec *ts, const struct candles *c,
		    const struct interval *iv, struct feature_matrix *out, struct cra_error *err)
{
	feature_matrix_init(out);
	size_t n = c->n;
	for (size_t i = 0; i < ts->n; i++)
		if (n < target_min_rows(&ts->item[i])) {
			char spec[64];
			struct target_spec one = { 1, { ts->item[i] } };
			target_spec_format(&one, spec, sizeof spec);
			return cra_fail(err, EX_DATAERR, "too few candles: %zu row%s, but target %s needs "
					"at least %zu", n, n == 1 ? "" : "s", spec,
					target_min_rows(&ts->item[i]));
		}
	int r = feature_matrix_alloc(out, n, ts->n, err);
	if (r)
		return r;
	const double *close = c->v[CF_CLOSE];
	for (size_t j = 0; j < ts->n && !r; j++) {
		const struct target *t = &ts->item[j];
		size_t h = (size_t)t->horizon;
		double *y = out->col[j];
		char name[64];
		snprintf(name, sizeof name, "target_%s_%d", kind_name[t->kind], t->horizon);
		if ((r = feature_matrix_set_name(out, j, name, err)))
			break;
		if (t->kind == TARGET_REGIME && ind_volatility(close, n, t->window, y)) {
			r = cra_fail(err, EX_OSERR, "out of memory");
			break;
		}
		/* For regime, y[t] holds sigma_t until it is replaced by the class. */
		double root_h = sqrt((double)h);
		for (size_t i = 0; i < n; i++) {
			if (i + h >= n || !no_gap(c, iv, i, h)) {
				y[i] = NAN;
				continue;
			}
			double now = close[i], later = close[i + h];
			switch (t->kind) {
			case TARGET_RETURN:
				y[i] = log(later / now);
				break;
			case TARGET_PRICE:
				y[i] = later;
				break;
			case TARGET_DIRECTION:
				y[i] = later > now ? 1 : 0;
				break;
			case TARGET_REGIME: {
				double band = t->k * y[i] * root_h, ret = log(later / now);
				if (isnan(band))
					break; /* sigma_t undefined: y[i] stays NaN */
				y[i] = ret > band ? REGIME_BULL : ret < -band ? REGIME_BEAR : REGIME_NEUTRAL;
				break;
			}
			}
		}
	}
	if (r) {
		feature_matrix_free(out);
		return r;
	}
	feature_matrix_count_undefined(out);
	return 0;
}

const char *target_task_name(enum target_kind kind)
{
	switch (kind) {
	case TARGET_RETURN: return "return";
	case TARGET_PRICE: return "price";
	case TARGET_DIRECTION: return "direction";
	case TARGET_REGIME: return "regime";
	}
	return "?";
}

int target_spec_check_model(const struct target_spec *ts, const char *model, struct cra_error *err)
{
	if (ts->n == 0 || ts->n > BUNDLE_MAX_HORIZONS)
		return cra_fail(err, EX_USAGE, "give 1 to %d horizons, not %zu", BUNDLE_MAX_HORIZONS, ts->n);
	for (size_t k = 0; k < ts->n; k++) {
		if (ts->item[k].kind == TARGET_DIRECTION)
			return cra_fail(err, EX_USAGE, "%s models here forecast return:H, price:H or "
					"regime:H, not direction:H (its sign is the return's)", model);
		if (ts->item[k].kind != ts->item[0].kind)
			return cra_fail(err, EX_USAGE, "one target kind per model, not %s and %s",
					target_task_name(ts->item[0].kind),
					target_task_name(ts->item[k].kind));
	}
	return 0;
}

const char *const regime_class_name[3] = { "bear", "neutral", "bull" };
