/* forecast_pg.h - forecasts and leaderboard rows in PostgreSQL, beside the candle store:
 *
 *   forecasts(symbol, interval, model, open_time, step, method, pred, lower, upper, level,
 *             weights, regime, p_bull, p_neutral, p_bear, written_at,
 *             PRIMARY KEY (symbol, interval, model, open_time, step))
 *   leaderboard(symbol, interval, model, horizon, period, steps, rmse, mae, mape,
 *             directional_accuracy, coverage, level, band_width, theil_u, naive_rmse,
 *             naive_mae, accuracy, macro_f1, weights, written_at,
 *             PRIMARY KEY (symbol, interval, model, horizon, period))
 *
 * created when missing (under an advisory lock: two first runs at once do not collide).
 * Rows are written as the programs' own CSV tables (the same writers as their output): COPY
 * into a temporary table, then INSERT ... ON CONFLICT (key) DO UPDATE, in one transaction,
 * so writing the same rows again changes nothing and a rerun with a retrained model replaces
 * its forecasts.  Values travel only through COPY, never spliced into SQL.  A lost connection
 * is reset and the transaction tried again a few times; then, or when the server cannot be
 * reached, 69.
 */
#ifndef CRA_FORECAST_PG_H
#define CRA_FORECAST_PG_H

#include <stddef.h>

#include "error.h"
#include "leaderboard.h"
#include "walkforward.h"

struct forecast_db;

/* 64 for a URI libpq cannot parse; 69 when the server cannot be reached or the tables cannot
 * be created. */
int forecast_db_open(struct forecast_db **db, const char *uri, struct cra_error *err);
void forecast_db_close(struct forecast_db *db);
const char *forecast_db_describe(const struct forecast_db *db); /* never a password */

int forecast_db_put_leaderboard(struct forecast_db *db, const struct leaderboard_row *rows,
				size_t n, struct cra_error *err);

/* Every track of a forecast-mode walk (walkforward_write_forecasts' rows). */
int forecast_db_put_forecasts(struct forecast_db *db, const struct walkforward *wf,
			      const char *symbol, const char *interval, double level,
			      struct cra_error *err);

#endif
