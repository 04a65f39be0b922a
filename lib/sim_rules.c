/* sim_rules.c - bull, bear or hold from each forecast; see sim_rules.h. */
#include "sim_rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "sim.h"
#include "timefmt.h"

int sim_rule_parse(const char *name, enum sim_rule_kind *kind, struct cra_error *err)
{
	static const char *const names[] = { "band", "threshold", "regime" };
	for (int k = 0; k < 3; k++)
		if (!strcmp(name, names[k])) {
			*kind = (enum sim_rule_kind)k;
			return 0;
		}
	return cra_fail(err, EX_USAGE, "--rule: expected band, threshold or regime, got '%s'", name);
}

unsigned sim_rule_needs(const struct sim_rule *rule)
{
	return rule->kind == SIM_RULE_BAND ? FORECAST_BAND
	       : rule->kind == SIM_RULE_THRESHOLD ? FORECAST_PRED : FORECAST_REGIME;
}

int sim_rule_decide(const struct sim_rule *rule, const struct forecast_rows *f, size_t i,
		    double last_close)
{
	switch (rule->kind) {
	case SIM_RULE_BAND:
		return f->lower[i] > last_close ? SIM_BULL : f->upper[i] < last_close ? SIM_BEAR : SIM_HOLD;
	case SIM_RULE_THRESHOLD: {
		double change = f->pred[i] / last_close - 1;
		return change > rule->threshold ? SIM_BULL : change < -rule->threshold ? SIM_BEAR : SIM_HOLD;
	}
	case SIM_RULE_REGIME: {
		double b = f->p_bull[i], n = f->p_neutral[i], s = f->p_bear[i];
		if (b > n && b > s && b >= rule->min_prob)
			return SIM_BULL;
		if (s > n && s > b && s >= rule->min_prob)
			return SIM_BEAR;
		return SIM_HOLD;
	}
	}
	return SIM_HOLD;
}

int sim_signals(const struct sim_rule *rule, const struct forecast_rows *f,
		const struct candles *c, size_t *from, size_t *to, signed char **signal,
		struct cra_error *err)
{
	*signal = NULL;
	char when[TIME_BUF];
	size_t first = 0, k = 0;
	for (size_t i = 0; i < f->n; i++) {
		/* Predictions are in time order: the search resumes where the last one stopped. */
		while (k < c->n && c->open_time[k] < f->open_time[i])
			k++;
		time_format_iso(f->open_time[i], when);
		if (k == c->n || c->open_time[k] != f->open_time[i])
			return cra_fail(err, EX_DATAERR, "%s:%zu: no candle opens at %s (%lld) in the "
					"candles: the prediction cannot be traded", f->name, f->line[i],
					when, (long long)f->open_time[i]);
		if (k == 0)
			return cra_fail(err, EX_DATAERR, "%s:%zu: no candle before %s: the decision needs "
					"the last close known then; give candles from earlier", f->name,
					f->line[i], when);
		double close = c->v[CF_CLOSE][k];
		if (!isnan(f->actual[i]) && fabs(f->actual[i] - close) > 1e-9 * fabs(close)) {
			char a[NUMBER_BUF], b[NUMBER_BUF];
			number_format_double(f->actual[i], a);
			number_format_double(close, b);
			return cra_fail(err, EX_DATAERR, "%s:%zu: actual %s, but the candle at %s closed "
					"at %s: are these predictions for another series?", f->name,
					f->line[i], a, when, b);
		}
		if (i == 0)
			first = k;
		*to = k + 1;
	}
	*from = first;
	signed char *s = calloc(*to - first, 1); /* SIM_HOLD is 0 */
	if (!s)
		return cra_fail(err, EX_OSERR, "out of memory");
	k = first;
	for (size_t i = 0; i < f->n; i++) {
		while (c->open_time[k] < f->open_time[i])
			k++;
		s[k - first] = (signed char)sim_rule_decide(rule, f, i, c->v[CF_CLOSE][k - 1]);
	}
	*signal = s;
	return 0;
}
