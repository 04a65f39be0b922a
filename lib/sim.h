/* sim.h - a trading simulation on candles: what an account would have done with a signal.
 *
 * Candle i's signal was decided at its open time, when the last price known was the previous
 * candle's close.  It moves the position at candle i's open - the first price after the
 * decision, never one known only in hindsight:
 *
 *   bull   go long (from flat, or covering a short first);
 *   bear   go short with allow_short, else go flat;
 *   hold   keep whatever is held.
 *
 * A position already on the signal's side is kept as it is (no resizing).  Fills are worse
 * than the open by the slippage, a buy at open (1 + s) and a sell at open (1 - s), and every
 * fill pays the fee f on its notional (quantity x fill price), in cash.  Closing a position
 * and opening the other side is one order (one row of the trade log).  The new position's
 * size, from the cash E the account holds once flat:
 *
 *   all          quantity q with q p (1 + f) = E: all of it, fee included;
 *   fraction:F   q p (1 + f) = F E;
 *   fixed:Q      Q units, or as many as E covers (q p (1 + f) <= E).
 *
 * The same sizes apply to a short (no leverage beyond the account's value).  A position is
 * never opened with E <= 0.  After the order the account is marked at the candle's close:
 * equity = cash + position x close.  Buy-and-hold, for comparison: all the cash into the
 * asset at the first candle's open, with the same slippage and fee, held to the end.
 */
#ifndef CRA_SIM_H
#define CRA_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"

enum sim_signal { SIM_BEAR = -1, SIM_HOLD = 0, SIM_BULL = 1 };

enum sim_sizing { SIM_SIZE_ALL, SIM_SIZE_FRACTION, SIM_SIZE_FIXED };

struct sim_config {
	double cash;          /* starting cash, > 0 */
	double fee_bps;       /* per fill, on its notional, in basis points (1e-4) */
	double slippage_bps;  /* each fill this much worse than the open */
	enum sim_sizing sizing;
	double size;          /* F for fraction, Q for fixed */
	bool allow_short;
};

/* "all", "fraction:F" (0 < F <= 1) or "fixed:Q" (Q > 0) into cfg; 64 otherwise. */
int sim_parse_size(const char *text, struct sim_config *cfg, struct cra_error *err);

struct sim_trade {
	int64_t time;        /* open time of the candle whose open it filled at */
	int side;            /* +1 buy, -1 sell */
	double price;        /* fill price, slippage included */
	double quantity;     /* > 0 */
	double fee;
	double cash, position;  /* after the fill */
	double equity;       /* after the fill, the position valued at the open */
	double pnl;          /* realised P&L of the position the order closed (entry and exit
			      * fees included); NaN when it closed none */
};

struct sim_point {       /* one per candle, at its close */
	int64_t open_time;
	int signal;
	double close, position, cash, equity;
	double drawdown;     /* equity / running peak - 1, the starting cash included */
	double buy_hold_equity;
};

struct sim_result {
	size_t n;
	struct sim_point *curve;
	size_t ntrades;
	struct sim_trade *trades;
	size_t nclosed;      /* positions closed (round trips) and their P&L */
	double *closed_pnl;
	double fees;         /* paid in all */
	size_t exposed;      /* candles with a position held through them */
	double buy_hold_quantity;
	double buy_hold_fees;
};

/* Runs over candles [from, to) of c (to > from) with signal[i - from] for candle i.
 * 71 when out of memory. */
int sim_run(const struct sim_config *cfg, const struct candles *c, size_t from, size_t to,
	    const signed char *signal, struct sim_result *out, struct cra_error *err);
void sim_result_free(struct sim_result *r);

/* The equity curve for perf_stats: the starting cash, then each candle's (n + 1 values). */
void sim_equity(const struct sim_config *cfg, const struct sim_result *r, double *e);
/* Buy-and-hold's, likewise. */
void sim_buy_hold_equity(const struct sim_config *cfg, const struct sim_result *r, double *e);

#endif
