/* leaderboard.h - the backtest leaderboard: one row per (symbol, interval, model, horizon,
 * period) with the walk-forward summary, so that backtests of several models over several
 * symbols line up in one table (the original application's multi-crypto leaderboard).
 *
 * Columns (CSV or TSV, header first; readers find them by name):
 *   symbol,interval,model,horizon,period     the key
 *   steps                                    reported steps with a known outcome
 *   rmse,mae,mape,directional_accuracy       of the forecast prices (metrics.h)
 *   coverage,level,band_width                share of steps inside the band, the band's
 *                                            nominal level, mean (upper - lower) / pred
 *   theil_u,naive_rmse,naive_mae             RMSE / naive RMSE, and the naive forecast's own
 *                                            errors on the same steps
 *   accuracy,macro_f1                        regime models (empty for the others, whose
 *                                            price columns are empty in turn)
 *   weights                                  hybrid: each component's mean weight,
 *                                            "lstm=0.51;xgb=0.49"
 * period is "FROM..TO", the open times of the first and last predicted candle in ISO 8601
 * UTC ("2022-08-22T09:00:00Z..2023-12-31T23:00:00Z").
 *
 * A leaderboard file is upserted: rows whose key is already there replace them in place,
 * new rows are appended, under an flock on .NAME.lock in the file's directory, and the file
 * is rewritten atomically - two backtests writing at once both land, and a failed one leaves
 * the file as it was.  PostgreSQL's table is written by forecast_pg.h.
 */
#ifndef CRA_LEADERBOARD_H
#define CRA_LEADERBOARD_H

#include <stddef.h>

#include "error.h"
#include "table_writer.h"
#include "timefmt.h"
#include "walkforward.h"

#define LEADERBOARD_PERIOD_MAX (2 * TIME_BUF + 3) /* "FROM..TO", ISO times */
#define LEADERBOARD_WEIGHTS_MAX 256

struct leaderboard_row {
	char symbol[24], interval[8], model[WF_NAME_MAX];
	int horizon;
	char period[LEADERBOARD_PERIOD_MAX];
	long long steps;
	double rmse, mae, mape, directional_accuracy;
	double coverage, level, band_width;
	double theil_u, naive_rmse, naive_mae;
	double accuracy, macro_f1;            /* NaN where undefined */
	char weights[LEADERBOARD_WEIGHTS_MAX];
};

/* One row per track of a walk-forward (malloc'ed array, free it). */
int leaderboard_from_walkforward(const struct walkforward *wf, const char *symbol,
				 const char *interval, double level, struct leaderboard_row **rows,
				 size_t *n, struct cra_error *err);

/* Header, then the rows. */
void leaderboard_write(struct table_writer *w, const struct leaderboard_row *rows, size_t n);

/* Reads a leaderboard file (66 missing; 65 naming file:line and the field for a missing key
 * column or a malformed cell). */
int leaderboard_read(const char *path, struct leaderboard_row **rows, size_t *n,
		     struct cra_error *err);

/* Upserts rows into the file at path (created when missing). */
int leaderboard_upsert_file(const char *path, const struct leaderboard_row *rows, size_t n,
			    struct cra_error *err);

#endif
