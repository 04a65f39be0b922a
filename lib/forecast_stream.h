/* forecast_stream.h - the newest candles of a live stream (cra-fetch --follow -o -), read one
 * line at a time, in bounded memory.
 *
 * The stream is a candle table, CSV or TSV with a header, possibly with a symbol column
 * (cra-fetch following several symbols): rows of other symbols are skipped.  A row repeating
 * the newest candle is skipped too (a feed restarted from a little earlier); an older one, a
 * candle off the interval's boundaries or a malformed row is an error naming file:line.
 *
 * Only the newest `keep` candles are needed (forecast_stream_keep): at most 2 keep are held,
 * the oldest dropped keep at a time, so memory stays bounded however long the stream runs and
 * each candle costs O(1) amortised.  Dropping history changes nothing a model sees:
 * feature_spec_history() rows before a row give it the value a computation over the whole
 * history gives (to 1e-12 for exponential smoothers).
 */
#ifndef CRA_FORECAST_STREAM_H
#define CRA_FORECAST_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "candles.h"
#include "candles_io.h"
#include "forecast.h"
#include "symbol.h"
#include "table_reader.h"

struct forecast_stream {
	struct table_reader *tr;
	struct candle_columns map;
	int symbol_col;              /* -1 when the stream has none */
	char symbol[SYMBOL_MAX + 1];
	struct interval iv;
	size_t keep;
	struct candles c;            /* the newest candles, oldest first */
};

/* Candles kept for models m[0..n) to forecast `steps` ahead with a calibration walk of
 * `calibration` origins: each model's feature history and window, plus the walk.  SIZE_MAX
 * when a model's features depend on the whole history (obv). */
size_t forecast_stream_keep(struct forecast_model *const *m, size_t n, const struct interval *iv,
			    size_t calibration, int steps);

/* Opens path ("-": standard input) for the series symbol, interval iv.  66, or 65 for a
 * header without the candle columns. */
int forecast_stream_open(struct forecast_stream *s, const char *path, const char *symbol,
			 const struct interval *iv, size_t keep, struct cra_error *err);

/* Reads on to the next new candle of the series and appends it to s->c (*added true), or to
 * the end of the stream (*added false).  0, or 65 naming file:line and field, 74. */
int forecast_stream_next(struct forecast_stream *s, bool *added, struct cra_error *err);

void forecast_stream_close(struct forecast_stream *s);

#endif
