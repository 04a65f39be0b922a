/* feature_spec.c - parsing, canonical text, column names and warm-up of feature
 * specifications; see feature_spec.h. */
#include "feature_spec.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "timefmt.h"

#define PERIOD(def, min) { "period", def, min, 100000, true }

const struct feature_kind_info feature_kinds[FEATURE_NKINDS] = {
	[FK_SMA] = { "sma", "simple moving average of the close", 1, { PERIOD(20, 2) },
		     1, { { NULL, "sma" } } },
	[FK_EMA] = { "ema", "exponential moving average of the close (SMA seed)", 1,
		     { PERIOD(20, 2) }, 1, { { NULL, "ema" } } },
	[FK_RSI] = { "rsi", "relative strength index, Wilder's smoothing", 1, { PERIOD(14, 2) },
		     1, { { NULL, "rsi" } } },
	[FK_MACD] = { "macd", "MACD line, signal and histogram", 3,
		      { { "fast", 12, 2, 100000, true },
			{ "slow", 26, 2, 100000, true },
			{ "signal", 9, 1, 100000, true } },
		      3, { { "line", "macd" }, { "signal", "macd_signal" }, { "hist", "macd_hist" } } },
	[FK_BB] = { "bb", "Bollinger Bands, %B and bandwidth", 2,
		    { PERIOD(20, 2), { "k", 2, 1e-6, 100, false } },
		    5, { { "upper", "bb_upper" }, { "middle", "bb_middle" }, { "lower", "bb_lower" },
			 { "pctb", "bb_pctb" }, { "width", "bb_width" } } },
	[FK_ATR] = { "atr", "average true range, Wilder's smoothing", 1, { PERIOD(14, 1) },
		     1, { { NULL, "atr" } } },
	[FK_OBV] = { "obv", "on-balance volume", 0, { { 0 } }, 1, { { NULL, "obv" } } },
	[FK_STOCH] = { "stoch", "fast stochastic %K and %D", 2,
		       { { "k", 14, 1, 100000, true }, { "d", 3, 1, 100000, true } },
		       2, { { "k", "stoch_k" }, { "d", "stoch_d" } } },
	[FK_VWAP] = { "vwap", "rolling volume-weighted average price", 1, { PERIOD(20, 1) },
		      1, { { NULL, "vwap" } } },
	[FK_VWAPD] = { "vwapd", "VWAP anchored on UTC midnight", 0, { { 0 } },
		       1, { { NULL, "vwapd" } } },
	[FK_VOL] = { "vol", "rolling volatility of 1-candle log returns", 1, { PERIOD(20, 2) },
		     1, { { NULL, "vol" } } },
	[FK_RET] = { "ret", "simple return over H candles", 1,
		     { { "horizon", 1, 1, 100000, true } }, 1, { { NULL, "ret" } } },
	[FK_LOGRET] = { "logret", "log return over H candles", 1,
			{ { "horizon", 1, 1, 100000, true } }, 1, { { NULL, "logret" } } },
	[FK_FIB] = { "fib", "Fibonacci retracement levels of the N-candle range", 1,
		     { PERIOD(100, 1) },
		     6, { { "236", "fib_236" }, { "382", "fib_382" }, { "500", "fib_500" },
			  { "618", "fib_618" }, { "786", "fib_786" }, { "pos", "fib_pos" } } },
	[FK_VOLZ] = { "volz", "z-score of the volume", 1, { PERIOD(20, 2) },
		      1, { { NULL, "volz" } } },
};

static unsigned all_outputs(enum feature_kind kind)
{
	return (1u << feature_kinds[kind].noutputs) - 1;
}

void feature_spec_init(struct feature_spec *spec)
{
	spec->n = 0;
	spec->lags = 0;
}

int feature_kind_find(const char *name, size_t len)
{
	for (int k = 0; k < FEATURE_NKINDS; k++)
		if (strlen(feature_kinds[k].name) == len && !strncasecmp(feature_kinds[k].name, name, len))
			return k;
	return -1;
}

static void list_kinds(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int k = 0; k < FEATURE_NKINDS && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "", feature_kinds[k].name);
}

/* Parses one parameter of item `text` into *value. */
static int parse_param(const char *text, const struct feature_param *p, const char *s, size_t len,
		       double *value, struct cra_error *err)
{
	double v;
	if (number_parse_double(s, len, &v) || !isfinite(v))
		return cra_fail(err, EX_USAGE, "bad feature '%s': %s must be a number, got '%.*s'", text,
				p->name, (int)len, s);
	if (p->integer && v != floor(v))
		return cra_fail(err, EX_USAGE, "bad feature '%s': %s must be a whole number, got '%.*s'",
				text, p->name, (int)len, s);
	if (v < p->min || v > p->max) {
		char lo[NUMBER_BUF], hi[NUMBER_BUF];
		number_format_double(p->min, lo);
		number_format_double(p->max, hi);
		return cra_fail(err, EX_USAGE, "bad feature '%s': %s must be from %s to %s, got '%.*s'",
				text, p->name, lo, hi, (int)len, s);
	}
	*value = v;
	return 0;
}

/* Parses one item ("macd.hist:12:26:9"), already trimmed, into *item or spec->lags. */
static int parse_item(const char *text, struct feature_spec *spec, struct feature_item *item,
		      bool *is_lags, struct cra_error *err)
{
	const char *colon = strchr(text, ':');
	size_t head_len = colon ? (size_t)(colon - text) : strlen(text);
	const char *dot = memchr(text, '.', head_len);
	size_t name_len = dot ? (size_t)(dot - text) : head_len;
	*is_lags = false;

	if (name_len == 4 && !strncasecmp(text, "lags", 4) && !dot) {
		static const struct feature_param lags = { "lags", 0, 0, FEATURE_MAX_LAGS, true };
		double v;
		if (!colon)
			return cra_fail(err, EX_USAGE, "bad feature '%s': lags needs a count (lags:N)", text);
		if (strchr(colon + 1, ':'))
			return cra_fail(err, EX_USAGE, "bad feature '%s': lags takes one parameter", text);
		int r = parse_param(text, &lags, colon + 1, strlen(colon + 1), &v, err);
		if (r)
			return r;
		spec->lags = (int)v;
		*is_lags = true;
		return 0;
	}

	int kind = feature_kind_find(text, name_len);
	if (kind < 0) {
		char known[256];
		list_kinds(known, sizeof known);
		return cra_fail(err, EX_USAGE, "unknown indicator '%.*s' in feature '%s' (known: %s)",
				(int)name_len, text, text, known);
	}
	const struct feature_kind_info *info = &feature_kinds[kind];
	item->kind = (enum feature_kind)kind;
	item->outputs = all_outputs(item->kind);
	if (dot) {
		const char *sel = dot + 1;
		size_t sel_len = head_len - name_len - 1;
		int found = -1;
		for (int j = 0; j < info->noutputs; j++)
			if (info->output[j].selector && strlen(info->output[j].selector) == sel_len &&
			    !strncasecmp(info->output[j].selector, sel, sel_len))
				found = j;
		if (found < 0) {
			char known[128] = "";
			size_t len = 0;
			for (int j = 0; j < info->noutputs && info->output[j].selector; j++)
				len += (size_t)snprintf(known + len, sizeof known - len, "%s%s",
							j ? ", " : "", info->output[j].selector);
			if (!len)
				return cra_fail(err, EX_USAGE, "bad feature '%s': %s has one output, "
						"nothing to select", text, info->name);
			return cra_fail(err, EX_USAGE, "bad feature '%s': %s has the outputs %s", text,
					info->name, known);
		}
		item->outputs = 1u << found;
	}
	for (int j = 0; j < info->nparams; j++)
		item->param[j] = info->param[j].def;
	for (int j = FEATURE_MAX_PARAMS - 1; j >= info->nparams; j--)
		item->param[j] = 0;
	int np = 0;
	for (const char *p = colon; p; np++) {
		const char *s = p + 1, *next = strchr(s, ':');
		size_t len = next ? (size_t)(next - s) : strlen(s);
		if (np >= info->nparams) {
			if (info->nparams == 0)
				return cra_fail(err, EX_USAGE, "bad feature '%s': %s takes no parameters",
						text, info->name);
			char usage[96] = "";
			size_t ulen = 0;
			for (int k = 0; k < info->nparams; k++)
				ulen += (size_t)snprintf(usage + ulen, sizeof usage - ulen, ":%s",
							 info->param[k].name);
			return cra_fail(err, EX_USAGE, "bad feature '%s': %s takes at most %d parameter%s (%s%s)",
					text, info->name, info->nparams, info->nparams == 1 ? "" : "s",
					info->name, usage);
		}
		int r = parse_param(text, &info->param[np], s, len, &item->param[np], err);
		if (r)
			return r;
		p = next;
	}
	if (item->kind == FK_MACD && item->param[0] >= item->param[1])
		return cra_fail(err, EX_USAGE,
				"bad feature '%s': the fast period must be shorter than the slow one", text);
	return 0;
}

static bool same_params(const struct feature_item *a, const struct feature_item *b)
{
	return a->kind == b->kind && !memcmp(a->param, b->param, sizeof a->param);
}

int feature_spec_add(struct feature_spec *spec, const char *text, struct cra_error *err)
{
	const char *p = text;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && isspace((unsigned char)*p))
			p++, len--;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len > 0) {
			char buf[256];
			if (len >= sizeof buf)
				return cra_fail(err, EX_USAGE, "bad feature '%.40s...': too long", p);
			memcpy(buf, p, len);
			buf[len] = '\0';
			struct feature_item item;
			bool is_lags;
			int r = parse_item(buf, spec, &item, &is_lags, err);
			if (r)
				return r;
			if (!is_lags) {
				size_t i = 0;
				while (i < spec->n && !same_params(&spec->item[i], &item))
					i++;
				if (i < spec->n) {
					spec->item[i].outputs |= item.outputs;
				} else if (spec->n == FEATURE_SPEC_MAX) {
					return cra_fail(err, EX_USAGE, "too many features (at most %d)",
							FEATURE_SPEC_MAX);
				} else {
					spec->item[spec->n++] = item;
				}
			}
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

int feature_spec_parse(const char *text, struct feature_spec *spec, struct cra_error *err)
{
	feature_spec_init(spec);
	return feature_spec_add(spec, text, err);
}

/* snprintf that appends at *len and keeps counting past the end of buf. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, const char *s)
{
	int n = snprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0, fmt, s);
	if (n > 0)
		*len += (size_t)n;
}

static void append_params(const struct feature_item *item, char sep, char *buf, size_t size,
			  size_t *len)
{
	char fmt[4] = { sep, '%', 's', '\0' };
	for (int j = 0; j < feature_kinds[item->kind].nparams; j++) {
		char num[NUMBER_BUF];
		number_format_double(item->param[j], num);
		append(buf, size, len, fmt, num);
	}
}

size_t feature_item_format(const struct feature_item *item, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	append(buf, size, &len, "%s", feature_kinds[item->kind].name);
	append_params(item, ':', buf, size, &len);
	return len;
}

size_t feature_spec_format(const struct feature_spec *spec, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < spec->n; i++) {
		const struct feature_item *item = &spec->item[i];
		const struct feature_kind_info *info = &feature_kinds[item->kind];
		for (int j = 0; j < info->noutputs; j++) {
			bool whole = item->outputs == all_outputs(item->kind);
			if (!whole && !(item->outputs & (1u << j)))
				continue;
			append(buf, size, &len, len ? ",%s" : "%s", info->name);
			if (!whole)
				append(buf, size, &len, ".%s", info->output[j].selector);
			append_params(item, ':', buf, size, &len);
			if (whole)
				break;
		}
	}
	if (spec->lags > 0) {
		char num[NUMBER_BUF];
		number_format_int64(spec->lags, num);
		append(buf, size, &len, len ? ",lags:%s" : "lags:%s", num);
	}
	return len;
}

size_t feature_spec_ncols(const struct feature_spec *spec)
{
	size_t base = 0;
	for (size_t i = 0; i < spec->n; i++)
		base += (size_t)__builtin_popcount(spec->item[i].outputs);
	return base * ((size_t)spec->lags + 1);
}

void feature_item_column(const struct feature_item *item, int output, char *buf)
{
	size_t len = 0;
	buf[0] = '\0';
	append(buf, FEATURE_NAME_MAX, &len, "%s", feature_kinds[item->kind].output[output].column);
	append_params(item, '_', buf, FEATURE_NAME_MAX, &len);
}

/* Rows per UTC day for intraday intervals, else 1. */
static size_t rows_per_day(const struct interval *iv)
{
	if (!iv || iv->months || iv->ms >= MS_PER_DAY)
		return 1;
	return (size_t)(MS_PER_DAY / iv->ms);
}

size_t feature_item_lookback(const struct feature_item *item, const struct interval *iv)
{
	int p = (int)item->param[0];
	switch (item->kind) {
	case FK_SMA:
	case FK_EMA:
	case FK_BB:
	case FK_VWAP:
	case FK_FIB:
	case FK_VOLZ:
		return (size_t)p - 1;
	case FK_RSI:
	case FK_ATR:
	case FK_VOL:
	case FK_RET:
	case FK_LOGRET:
		return (size_t)p;
	case FK_MACD:
		return (size_t)item->param[1] + (size_t)item->param[2] - 2;
	case FK_STOCH:
		return (size_t)item->param[0] + (size_t)item->param[1] - 2;
	case FK_VWAPD:
		return rows_per_day(iv) - 1;
	case FK_OBV:
	case FEATURE_NKINDS:
		break;
	}
	return 0;
}

size_t feature_spec_lookback(const struct feature_spec *spec, const struct interval *iv)
{
	size_t lb = 0;
	for (size_t i = 0; i < spec->n; i++) {
		size_t l = feature_item_lookback(&spec->item[i], iv);
		if (l > lb)
			lb = l;
	}
	return lb + (size_t)spec->lags;
}

/* Steps m after which an exponential smoother's seed weighs (1-alpha)^m < 1e-12. */
static size_t decay_rows(double alpha)
{
	return (size_t)ceil(log(1e-12) / log1p(-alpha));
}

size_t feature_spec_history(const struct feature_spec *spec, const struct interval *iv)
{
	size_t need = 0;
	for (size_t i = 0; i < spec->n; i++) {
		const struct feature_item *item = &spec->item[i];
		size_t h = feature_item_lookback(item, iv);
		double p = item->param[0];
		switch (item->kind) {
		case FK_OBV:
			return SIZE_MAX;
		case FK_EMA:
			h += decay_rows(2 / (p + 1));
			break;
		case FK_RSI:
		case FK_ATR:
			h += decay_rows(1 / p);
			break;
		case FK_MACD:
			h += decay_rows(2 / (item->param[1] + 1)) + decay_rows(2 / (item->param[2] + 1));
			break;
		case FK_VWAPD:
			if (!iv)
				h = 1440 - 1; /* 1m candles, the worst case */
			break;
		default:
			break;
		}
		if (h > need)
			need = h;
	}
	return need + (size_t)spec->lags;
}
