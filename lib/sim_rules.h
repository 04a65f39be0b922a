/* sim_rules.h - trading signals from forecasts: for each predicted candle, bull, bear or hold
 * (sim.h says what the account does with them).
 *
 * A prediction row names the candle it forecasts (open time T).  The decision for that candle
 * is made at T, when the last price known is c, the close of the candle before T (the latest
 * earlier candle of the series); the order fills at T's open.
 *
 *   band       bull when the whole interval lies above c (lower > c), bear when it lies
 *              below (upper < c), else hold.  "The forecast clears the band" read this way
 *              asks the model to be confident of the direction, not merely to lean: a band
 *              around a forecast a hair above c says nothing, one entirely above c does.
 *   threshold  bull when pred / c - 1 > threshold, bear when < -threshold, else hold.
 *   regime     bull when p_bull is the largest of the three and at least min_prob, bear when
 *              p_bear is, else hold (a tie for the largest holds).
 */
#ifndef CRA_SIM_RULES_H
#define CRA_SIM_RULES_H

#include <stddef.h>

#include "candles.h"
#include "error.h"
#include "forecast_table.h"

enum sim_rule_kind { SIM_RULE_BAND, SIM_RULE_THRESHOLD, SIM_RULE_REGIME };

struct sim_rule {
	enum sim_rule_kind kind;
	double threshold; /* threshold rule */
	double min_prob;  /* regime rule */
};

/* "band", "threshold" or "regime"; 64 otherwise. */
int sim_rule_parse(const char *name, enum sim_rule_kind *kind, struct cra_error *err);

/* The forecast columns the rule reads (enum forecast_need bits). */
unsigned sim_rule_needs(const struct sim_rule *rule);

/* The signal for prediction row i given the last close known before its candle. */
int sim_rule_decide(const struct sim_rule *rule, const struct forecast_rows *f, size_t i,
		    double last_close);

/* Signals for the candles of c from the first predicted one to the last, [*from, *to):
 * each predicted candle's from the rule, the others (no prediction) hold.  65 naming the
 * prediction's file:line when its candle is not in c, when no candle precedes it, or when its
 * actual differs from the candle's close (predictions of another series). */
int sim_signals(const struct sim_rule *rule, const struct forecast_rows *f,
		const struct candles *c, size_t *from, size_t *to, signed char **signal,
		struct cra_error *err);

#endif
