/* snapshot_store.h - the series that sit beside the candles: price snapshots, best bid/ask
 * snapshots and perpetual-futures funding rates.
 *
 * Each is a table with a time column (ms since the epoch, UTC) and numbers, so that
 * cra-features can join it onto candles as of each candle's close (asof_join.h):
 *
 *   tickers.csv          time,symbol,price                                  (every symbol)
 *   book-SYMBOL.csv      time,bid_price,bid_qty,ask_price,ask_qty,spread   (spread = ask - bid)
 *   funding-SYMBOL.csv   time,funding_rate,mark_price                      (mark_price may be empty)
 *
 * in the data directory ($CRA_DATA, default ./data), or, with --db / $CRA_DB, the PostgreSQL
 * tables ticker_prices, book_tickers and funding_rates, keyed by (symbol, time) and created
 * when missing.
 *
 * Writes are idempotent and all-or-nothing.  Snapshot files only grow, so a snapshot is
 * appended (under an flock on .NAME.lock, in time order: rows not newer than the file's last
 * are already there and skipped); a line a killed writer left half-written is cut off by the
 * next writer.  Funding files are small and are merged and rewritten atomically (temporary
 * file, fsync, rename), like the candle store.  In PostgreSQL a write is one transaction (COPY
 * into a temporary table, then INSERT ... ON CONFLICT DO NOTHING).
 */
#ifndef CRA_SNAPSHOT_STORE_H
#define CRA_SNAPSHOT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binance.h"
#include "error.h"
#include "store.h"
#include "table_writer.h"

struct price_snapshot {
	int64_t time;
	char symbol[24];
	double price;
};

struct book_snapshot {
	int64_t time;
	char symbol[24];
	double bid_price, bid_qty, ask_price, ask_qty;
};

struct snapshot_store;

/* Opens the CSV directory or the database that the options (or $CRA_DB, $CRA_DATA) name,
 * like store_open; 73 when the directory cannot be created, 69 when the database cannot be
 * reached. */
int snapshot_store_open(struct snapshot_store **out, const struct store_options *options,
			struct cra_error *err);
void snapshot_store_close(struct snapshot_store *s);
const char *snapshot_store_describe(const struct snapshot_store *s);

/* Records one snapshot taken at `time` (the exchange's clock); *added counts new rows. */
int snapshot_add_prices(struct snapshot_store *s, int64_t time, const struct price_tick *t,
			size_t n, size_t *added, struct cra_error *err);
int snapshot_add_book(struct snapshot_store *s, int64_t time, const struct book_tick *t,
		      size_t n, size_t *added, struct cra_error *err);

/* Merges funding rates (strictly increasing in time) into SYMBOL's series. */
int snapshot_add_funding(struct snapshot_store *s, const char *symbol,
			 const struct funding_rate *r, size_t n, size_t *added,
			 struct cra_error *err);
int snapshot_latest_funding(struct snapshot_store *s, const char *symbol, int64_t *time,
			    bool *exists, struct cra_error *err);

/* Loads rows with from <= time < to, oldest first (symbol NULL: every symbol, for prices).
 * Free *out with free(). */
int snapshot_load_prices(struct snapshot_store *s, const char *symbol, int64_t from,
			 int64_t to, struct price_snapshot **out, size_t *n,
			 struct cra_error *err);
int snapshot_load_book(struct snapshot_store *s, const char *symbol, int64_t from, int64_t to,
		       struct book_snapshot **out, size_t *n, struct cra_error *err);
int snapshot_load_funding(struct snapshot_store *s, const char *symbol, int64_t from,
			  int64_t to, struct funding_rate **out, size_t *n, struct cra_error *err);

/* The same tables on an output (prices and book always with a symbol column, funding with
 * one when symbol is not NULL / symbol_column is set): a header, then rows. */
enum snapshot_kind { SNAPSHOT_PRICES, SNAPSHOT_BOOK, SNAPSHOT_FUNDING };
void snapshot_write_header(struct table_writer *w, enum snapshot_kind kind, bool symbol_column);
void snapshot_write_prices(struct table_writer *w, int64_t time, const struct price_tick *t,
			   size_t n);
void snapshot_write_book(struct table_writer *w, int64_t time, const struct book_tick *t,
			 size_t n);
void snapshot_write_funding(struct table_writer *w, const char *symbol,
			    const struct funding_rate *f, size_t n);

/* The stored rows of the symbols (for prices none means every symbol) with from <= time < to,
 * as one table with its header. */
int snapshot_dump(struct snapshot_store *s, enum snapshot_kind kind, const char *const *symbols,
		  size_t n, int64_t from, int64_t to, struct table_writer *w, struct cra_error *err);

#endif
