/* bundle.h - model bundles: one self-describing file per trained model.
 *
 * Layout:
 *
 *   craipto-model FORMAT SHA256\n     FORMAT: this layout's version (1); SHA256: of all that follows
 *   {...JSON metadata, one line...}\n
 *   payload bytes, one after another, in the order and lengths the metadata lists
 *
 * The metadata (struct model_info below, plus free-form objects each trainer adds: "scaler",
 * "metrics", "params") says what the model is and how it was made; the payloads are the model
 * itself (XGBoost's own JSON model, our LSTM's binary weights).  Loading checks the magic, the
 * format (a newer one is refused with a clear message), the checksum (a flipped bit anywhere
 * is caught) and the length (a truncated file is caught), and fails with 65 (EX_DATAERR).
 * Saving is atomic.  The same model saved twice gives the same bytes (sorted keys, and
 * numbers written in shortest round-trip form).
 */
#ifndef CRA_BUNDLE_H
#define CRA_BUNDLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "candles.h"
#include "error.h"

#define BUNDLE_FORMAT 1
#define BUNDLE_MAX_HORIZONS 16

struct bundle_payload {
	char *name;
	unsigned char *data;
	size_t len;
};

struct bundle {
	json_t *meta;                    /* a JSON object; the trainer's to fill */
	struct bundle_payload *payload;
	size_t npayloads;
};

void bundle_init(struct bundle *b);
void bundle_free(struct bundle *b);

/* Adds a payload (copied).  0 or EX_OSERR. */
int bundle_add_payload(struct bundle *b, const char *name, const void *data, size_t len,
		       struct cra_error *err);
const struct bundle_payload *bundle_find_payload(const struct bundle *b, const char *name);

int bundle_save(const struct bundle *b, const char *path, struct cra_error *err);
/* 66 when the file is missing; 65, naming the file and what is wrong, when it is not a
 * bundle, is corrupted or truncated, or has a newer format. */
int bundle_load(struct bundle *b, const char *path, struct cra_error *err);

/* What every bundle says about its model (DESIGN.md, Models). */
struct model_info {
	char kind[16];          /* "xgb", "lstm", "cnn-lstm" */
	char task[16];          /* "return", "price", "direction", "regime" */
	char features[2048];    /* canonical feature specification (feature_spec_format) */
	char targets[512];      /* canonical target specification (target_spec_format) */
	int window;             /* candles per input window (1 for xgb) */
	int horizons[BUNDLE_MAX_HORIZONS];
	int nhorizons;
	char symbol[24];
	char interval[8];
	int64_t train_from, train_to; /* open_time of the first and last training candle */
	int64_t valid_from, valid_to; /* and of the validation candles */
	int64_t rows;                 /* training candles */
	char data_sha256[65];         /* of the candles trained and validated on */
	char library_version[16];     /* filled by bundle_set_info */
};

/* Writes info into b->meta (under the keys of the struct's fields). */
int bundle_set_info(struct bundle *b, const struct model_info *info, struct cra_error *err);
/* Reads them back; 65 naming the missing or malformed key. */
int bundle_get_info(const struct bundle *b, const char *path, struct model_info *info,
		    struct cra_error *err);

/* 65 unless the bundle was trained on this symbol and interval: a model for ETHUSDT 4h says
 * nothing about BTCUSDT 1h. */
int bundle_check_series(const struct model_info *info, const char *path, const char *symbol,
			const char *interval, struct cra_error *err);

/* Where a trainer writes a model by default: $CRA_MODELS (default ./models), the directory
 * created if missing (73 when it cannot be), then SYMBOL-INTERVAL-KIND.bundle. */
int bundle_default_path(const char *symbol, const char *interval, const char *kind, char *buf,
			size_t size, struct cra_error *err);

/* SHA-256 over candles [from, to) - open_time and the five required fields as little-endian
 * binary - so a bundle names exactly the data it learned from. */
void candles_sha256(const struct candles *c, size_t from, size_t to, char hex[65]);

#endif
