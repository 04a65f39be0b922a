/* fuzz_bundle.c - model bundles (bundle.h) and their payloads' loaders from arbitrary bytes:
 * bundle_load with bundle_get_info, lstm_model_load (the LSTM's binary weights,
 * lstm_format.h) and xgb_bundle_load (XGBoost's own model, loaded by libxgboost).
 *
 * The first byte chooses:
 *   bit 0     the rest is a whole bundle file, as is; else it is the bundle's body (the metadata
 *             line and the payloads) and the target writes the first line with the right
 *             SHA-256 in front of it - random bytes never match a checksum, and without this
 *             the fuzzer would never get past it to the metadata and the payload decoders;
 *   bit 1     also write the right checksum at the end of an LSTM payload (lstm_format.h),
 *             when the body's payloads start with one;
 *   bits 2-3  the loader: bundle_load and bundle_get_info, lstm_model_load, xgb_bundle_load.
 *
 * libxgboost's model decoder is not safe on a malformed model, and this target found it in
 * minutes: a UBJSON model read past the end of its buffer (heap-buffer-overflow in
 * xgboost::UBJReader::DecodeStr); a JSON model claiming more trees than it holds crashed
 * (SEGV in GBTreeModel::LoadModel; corpus/bundle/repro-xgb-num-trees).  xgb_load now checks
 * a JSON model's structure before XGBoost reads it (xgb_json_check.h), so JSON payloads that
 * pass go on to the real decoder here - the fuzzer tests that check.  UBJSON (older bundles,
 * not checked) is refused by the wrapper below, which this program is linked through
 * (-Wl,--wrap=XGBoosterLoadModelFromBuffer): that decoder's bugs are XGBoost's to fix, and a
 * bundle reaches it only with a valid checksum.
 */
#include "bundle.h"
#include "fuzz.h"
#include "lstm_format.h"
#include "lstm_model.h"
#include "sha256.h"
#include "xgb_bundle.h"

#include <xgboost/c_api.h>

#define LSTM_CHECKSUM 32

int __wrap_XGBoosterLoadModelFromBuffer(BoosterHandle handle, const void *buf, bst_ulong len);

int __real_XGBoosterLoadModelFromBuffer(BoosterHandle handle, const void *buf, bst_ulong len);
int __wrap_XGBoosterLoadModelFromBuffer(BoosterHandle handle, const void *buf, bst_ulong len)
{
	const unsigned char *b = buf;
	if (len >= 2 && b[0] == '{' && b[1] == '"')
		return __real_XGBoosterLoadModelFromBuffer(handle, buf, len);
	return -1;
}

/* The LSTM payload's own checksum: when the bytes after the metadata line start with the
 * format's magic, the last 32 of them become the SHA-256 of the rest. */
static void reseal_lstm(uint8_t *body, size_t len)
{
	uint8_t *nl = memchr(body, '\n', len);
	if (!nl)
		return;
	uint8_t *p = nl + 1;
	size_t n = len - (size_t)(p - body);
	if (n < LSTM_FORMAT_HEADER + LSTM_CHECKSUM || memcmp(p, LSTM_FORMAT_MAGIC, 8))
		return;
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, p, n - LSTM_CHECKSUM);
	sha256_final(&h, p + n - LSTM_CHECKSUM);
}

/* The bundle file for this input, in file 0. */
static struct fuzz_file *bundle_file(const uint8_t *data, size_t size)
{
	bool as_is = data[0] & 1;
	if (as_is)
		return fuzz_file_set(0, data + 1, size - 1);
	size_t len = size - 1, head_len;
	uint8_t *body = malloc(len ? len : 1);
	memcpy(body, data + 1, len);
	if (data[0] & 2)
		reseal_lstm(body, len);
	char hex[SHA256_HEX], head[128];
	sha256_hex(body, len, hex);
	head_len = (size_t)snprintf(head, sizeof head, "craipto-model %d %s\n", BUNDLE_FORMAT, hex);
	uint8_t *file = malloc(head_len + len);
	memcpy(file, head, head_len);
	memcpy(file + head_len, body, len);
	struct fuzz_file *f = fuzz_file_set(0, file, head_len + len);
	free(file);
	free(body);
	return f;
}

/* What a loaded bundle says about itself: its payloads are where it says they are. */
static void load_bundle(const char *path)
{
	struct bundle b;
	struct cra_error err = { 0 };
	if (bundle_load(&b, path, &err)) {
		FUZZ_CHECK(err.status == EX_DATAERR && err.msg[0]);
		return;
	}
	FUZZ_CHECK(json_is_object(b.meta));
	for (size_t i = 0; i < b.npayloads; i++)
		FUZZ_CHECK(bundle_find_payload(&b, b.payload[i].name) != NULL);
	struct model_info info;
	if (bundle_get_info(&b, path, &info, &err) == 0) {
		FUZZ_CHECK(info.nhorizons >= 1 && info.nhorizons <= BUNDLE_MAX_HORIZONS);
		bundle_check_series(&info, path, "BTCUSDT", "1h", &err);
	}
	bundle_free(&b);
}

static void load_lstm(const char *path)
{
	struct lstm_model m;
	struct cra_error err = { 0 };
	if (lstm_model_load(&m, path, &err) == 0) {
		FUZZ_CHECK((size_t)m.net.cfg.ninput == m.nfeat);
		FUZZ_CHECK(m.info.window >= 1);
	} else {
		FUZZ_CHECK(err.status && err.msg[0]);
	}
	lstm_model_free(&m);
}

static void load_xgb(const char *path)
{
	struct xgb_bundle xb;
	struct cra_error err = { 0 };
	if (xgb_bundle_load(&xb, path, 1, &err) == 0)
		FUZZ_CHECK(xb.ncols >= 1);
	else
		FUZZ_CHECK(err.status && err.msg[0]);
	xgb_bundle_free(&xb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct fuzz_file *f = bundle_file(data, size);
	switch ((data[0] >> 2) & 3) {
	case 0:
	case 3:
		load_bundle(f->path);
		break;
	case 1:
		load_lstm(f->path);
		break;
	case 2:
		load_xgb(f->path);
		break;
	}
	return 0;
}
