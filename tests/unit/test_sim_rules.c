/* Trading rules decided by hand, and predictions aligned with their candles. */
#include "check.h"
#include "sim.h"
#include "sim_rules.h"

int main(void)
{
	/* Four predictions against a last close of 100. */
	double lower[] = { 100.5, 99, 95, 100 }, upper[] = { 103, 101, 99.9, 102 };
	double pred[] = { 101.2, 100, 98.9, 100.9 };
	double bull[] = { 0.6, 0.4, 0.2, 0.45 }, neutral[] = { 0.3, 0.2, 0.3, 0.1 };
	double bear[] = { 0.1, 0.4, 0.5, 0.45 };
	double actual[] = { NAN, NAN, NAN, NAN };
	struct forecast_rows f = { .n = 4, .lower = lower, .upper = upper, .pred = pred,
				   .p_bull = bull, .p_neutral = neutral, .p_bear = bear,
				   .actual = actual };
	struct sim_rule band = { SIM_RULE_BAND, 0, 0 };
	CHECK_INT(sim_rule_decide(&band, &f, 0, 100), SIM_BULL);  /* 100.5 .. 103 above 100 */
	CHECK_INT(sim_rule_decide(&band, &f, 1, 100), SIM_HOLD);  /* 99 .. 101 straddles it */
	CHECK_INT(sim_rule_decide(&band, &f, 2, 100), SIM_BEAR);  /* 95 .. 99.9 below */
	CHECK_INT(sim_rule_decide(&band, &f, 3, 100), SIM_HOLD);  /* lower == close is not above */
	struct sim_rule thr = { SIM_RULE_THRESHOLD, 0.01, 0 };
	CHECK_INT(sim_rule_decide(&thr, &f, 0, 100), SIM_BULL);   /* +1.2% */
	CHECK_INT(sim_rule_decide(&thr, &f, 1, 100), SIM_HOLD);
	CHECK_INT(sim_rule_decide(&thr, &f, 2, 100), SIM_BEAR);   /* -1.1% */
	CHECK_INT(sim_rule_decide(&thr, &f, 3, 100), SIM_HOLD);   /* +0.9% */
	struct sim_rule reg = { SIM_RULE_REGIME, 0, 0.5 };
	CHECK_INT(sim_rule_decide(&reg, &f, 0, 100), SIM_BULL);   /* 0.6 largest, >= 0.5 */
	CHECK_INT(sim_rule_decide(&reg, &f, 1, 100), SIM_HOLD);   /* a tie for the largest */
	CHECK_INT(sim_rule_decide(&reg, &f, 2, 100), SIM_BEAR);   /* 0.5 largest, at the level */
	CHECK_INT(sim_rule_decide(&reg, &f, 3, 100), SIM_HOLD);
	reg.min_prob = 0.55;
	CHECK_INT(sim_rule_decide(&reg, &f, 2, 100), SIM_HOLD);   /* largest but below the level */
	CHECK_INT(sim_rule_needs(&band), FORECAST_BAND);
	CHECK_INT(sim_rule_needs(&thr), FORECAST_PRED);
	CHECK_INT(sim_rule_needs(&reg), FORECAST_REGIME);
	enum sim_rule_kind k;
	struct cra_error err = { 0 };
	CHECK_INT(sim_rule_parse("threshold", &k, &err), 0);
	CHECK_INT(k, SIM_RULE_THRESHOLD);
	CHECK_INT(sim_rule_parse("bands", &k, &err), EX_USAGE);

	/* Alignment: candles at t = 0..5 (hours), closes 100..105; predictions for candles 2, 3
	 * and 5 (none for 4: it holds).  Each decides against the close before its candle. */
	struct candles c;
	candles_init(&c);
	for (int i = 0; i < 6; i++) {
		double v[CANDLE_NFIELDS] = { 100 + i, 100 + i, 100 + i, 100 + i, 1, NAN, NAN, NAN, NAN, NAN };
		candles_push(&c, i * 3600000LL, v);
	}
	int64_t t[] = { 2 * 3600000LL, 3 * 3600000LL, 5 * 3600000LL };
	size_t line[] = { 2, 3, 4 };
	double pl[] = { 101.5, 100, 103 }, pu[] = { 103, 101, 103.5 }, act[] = { 102, NAN, 105 };
	struct forecast_rows p = { .n = 3, .open_time = t, .lower = pl, .upper = pu, .actual = act,
				   .line = line, .name = "p.csv" };
	size_t from, to;
	signed char *sig;
	CHECK_INT(sim_signals(&band, &p, &c, &from, &to, &sig, &err), 0);
	CHECK_INT(from, 2);
	CHECK_INT(to, 6);
	CHECK_INT(sig[0], SIM_BULL); /* candle 2: 101.5 .. 103 above candle 1's close 101 */
	CHECK_INT(sig[1], SIM_BEAR); /* candle 3: 100 .. 101 below 102 */
	CHECK_INT(sig[2], SIM_HOLD); /* candle 4: no prediction */
	CHECK_INT(sig[3], SIM_BEAR); /* candle 5: 103 .. 103.5 below candle 4's close 104 */
	free(sig);
	/* A prediction whose candle is missing, one with no candle before it, a wrong actual. */
	t[2] = 7 * 3600000LL;
	CHECK_INT(sim_signals(&band, &p, &c, &from, &to, &sig, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "p.csv:4: no candle opens at 1970-01-01T07:00:00Z (25200000)") != NULL);
	t[2] = 5 * 3600000LL;
	act[2] = 104;
	CHECK_INT(sim_signals(&band, &p, &c, &from, &to, &sig, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "p.csv:4: actual 104, but the candle at 1970-01-01T05:00:00Z closed at 105") != NULL);
	act[2] = 105;
	t[0] = 0;
	CHECK_INT(sim_signals(&band, &p, &c, &from, &to, &sig, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "p.csv:2: no candle before 1970-01-01T00:00:00Z") != NULL);
	candles_free(&c);
	return check_finish();
}
