/* fuzz_lstm_format.c - the LSTM weights' binary format (lstm_format.h) from arbitrary bytes.
 *
 * The format ends in a SHA-256 of everything before it, which random bytes never match: when
 * the first byte is odd the target writes the right checksum over the last 32 bytes first, so
 * that the fuzzer reaches the header and the weights.  What decodes must encode back to the
 * same bytes (the format has one spelling of each network, but for unused hidden sizes past
 * the layer count, which the encoder writes as 0).
 */
#include "fuzz.h"
#include "lstm_format.h"
#include "sha256.h"

#define CHECKSUM 32

static void reseal(uint8_t *p, size_t len)
{
	if (len < CHECKSUM)
		return;
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, p, len - CHECKSUM);
	sha256_final(&h, p + len - CHECKSUM);
}

/* Whether the words for hidden sizes past nlayers are zero, as the encoder writes them. */
static bool canonical_hidden(const uint8_t *p, int nlayers)
{
	for (int l = nlayers; l < LSTM_MAX_LAYERS; l++)
		for (int k = 0; k < 4; k++)
			if (p[28 + 4 * l + k])
				return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t len = size - 1;
	uint8_t *p = malloc(len ? len : 1);
	memcpy(p, data + 1, len);
	if (data[0] & 1)
		reseal(p, len);
	struct lstm net;
	struct cra_error err = { 0 };
	if (lstm_format_decode(p, len, "fuzz", &net, &err) == 0) {
		unsigned char *back;
		size_t back_len;
		FUZZ_CHECK(lstm_format_encode(&net, &back, &back_len, &err) == 0);
		FUZZ_CHECK(back_len == len);
		if (canonical_hidden(p, net.cfg.nlayers))
			FUZZ_CHECK(!memcmp(back, p, len));
		free(back);
		lstm_free(&net);
	} else {
		FUZZ_CHECK(err.status == EX_DATAERR && err.msg[0]);
	}
	free(p);
	return 0;
}
