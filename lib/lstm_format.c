/* lstm_format.c - the weights' binary format; see lstm_format.h. */
#include "lstm_format.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

int lstm_format_encode(const struct lstm *net, unsigned char **data, size_t *len,
		       struct cra_error *err)
{
	const struct lstm_config *cfg = &net->cfg;
	size_t n = net->nparams, total = LSTM_FORMAT_HEADER + 4 * n + 32;
	unsigned char *p = calloc(total, 1);
	if (!p)
		return cra_fail(err, EX_OSERR, "out of memory for %zu bytes of weights", total);
	memcpy(p, LSTM_FORMAT_MAGIC, 8);
	put_u32(p + 8, LSTM_FORMAT_VERSION);
	put_u32(p + 12, (uint32_t)cfg->ninput);
	put_u32(p + 16, (uint32_t)cfg->conv_kernel);
	put_u32(p + 20, (uint32_t)cfg->conv_filters);
	put_u32(p + 24, (uint32_t)cfg->nlayers);
	for (int l = 0; l < LSTM_MAX_LAYERS; l++)
		put_u32(p + 28 + 4 * l, l < cfg->nlayers ? (uint32_t)cfg->hidden[l] : 0);
	put_u32(p + 44, (uint32_t)cfg->noutput);
	put_u32(p + 48, (uint32_t)cfg->nclass);
	put_u64(p + 52, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t bits;
		memcpy(&bits, &net->params[i], 4);
		put_u32(p + LSTM_FORMAT_HEADER + 4 * i, bits);
	}
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, p, total - 32);
	sha256_final(&h, p + total - 32);
	*data = p;
	*len = total;
	return 0;
}

int lstm_format_decode(const unsigned char *data, size_t len, const char *what, struct lstm *net,
		       struct cra_error *err)
{
	memset(net, 0, sizeof *net);
	if (len < LSTM_FORMAT_HEADER + 32 || memcmp(data, LSTM_FORMAT_MAGIC, 8))
		return cra_fail(err, EX_DATAERR, "%s: the weights are not in craipto's LSTM format", what);
	uint32_t version = get_u32(data + 8);
	if (version > LSTM_FORMAT_VERSION)
		return cra_fail(err, EX_DATAERR, "%s: LSTM weights format %u is newer than this "
				"craipto reads (%d): upgrade craipto", what, version, LSTM_FORMAT_VERSION);
	if (version < 1)
		return cra_fail(err, EX_DATAERR, "%s: LSTM weights format %u is unknown", what, version);
	unsigned char digest[32];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len - 32);
	sha256_final(&h, digest);
	if (memcmp(digest, data + len - 32, 32))
		return cra_fail(err, EX_DATAERR, "%s: the LSTM weights are corrupted or truncated "
				"(checksum mismatch)", what);
	struct lstm_config cfg = { 0 };
	uint32_t v[10];
	for (int i = 0; i < 10; i++) {
		v[i] = get_u32(data + 12 + 4 * i);
		if (v[i] > 1000000)
			return cra_fail(err, EX_DATAERR, "%s: the LSTM's architecture is malformed", what);
	}
	cfg.ninput = (int)v[0];
	cfg.conv_kernel = (int)v[1];
	cfg.conv_filters = (int)v[2];
	cfg.nlayers = (int)v[3];
	for (int l = 0; l < LSTM_MAX_LAYERS; l++)
		cfg.hidden[l] = (int)v[4 + l];
	cfg.noutput = (int)v[8];
	cfg.nclass = (int)v[9];
	struct cra_error why = { 0 };
	if (lstm_config_check(&cfg, &why))
		return cra_fail(err, EX_DATAERR, "%s: the LSTM's architecture is malformed: %s", what,
				why.msg);
	struct lstm_tensor_info list[LSTM_MAX_TENSORS];
	int ntensors;
	size_t need = lstm_tensor_list(&cfg, list, &ntensors);
	uint64_t n = get_u64(data + 52);
	if (n != need || len != LSTM_FORMAT_HEADER + 4 * need + 32)
		return cra_fail(err, EX_DATAERR, "%s: %zu bytes hold %llu LSTM weights, the "
				"architecture needs %zu", what, len, (unsigned long long)n, need);
	int r = lstm_init(net, &cfg, err);
	if (r)
		return r;
	for (size_t i = 0; i < need; i++) {
		uint32_t bits = get_u32(data + LSTM_FORMAT_HEADER + 4 * i);
		memcpy(&net->params[i], &bits, 4);
		if (!isfinite(net->params[i])) {
			lstm_free(net);
			return cra_fail(err, EX_DATAERR, "%s: LSTM weight %zu is not a finite number", what, i);
		}
	}
	return 0;
}
