/* The weights' binary format: exact bytes of a tiny network, a bit-exact round trip, and every
 * kind of damage refused with 65. */
#include <stdint.h>

#include "check.h"
#include "lstm_format.h"
#include "sha256.h"

static int decode(const unsigned char *p, size_t len, struct cra_error *err)
{
	struct lstm net;
	int r = lstm_format_decode(p, len, "x.bundle", &net, err);
	if (!r)
		lstm_free(&net);
	return r;
}

int main(void)
{
	struct cra_error err = { 0 };
	/* one input, one unit, one output: wx 1x4, wh 1x4, b 4, dense.w 1, dense.b 1 = 14 weights */
	struct lstm_config tiny = { .ninput = 1, .nlayers = 1, .hidden = { 1 }, .noutput = 1 };
	struct lstm net;
	CHECK_INT(lstm_init(&net, &tiny, &err), 0);
	CHECK_INT(net.nparams, 14);
	net.params[0] = 1.0f;   /* 0x3f800000 */
	net.params[13] = -2.5f; /* 0xc0200000 */
	unsigned char *p;
	size_t len;
	CHECK_INT(lstm_format_encode(&net, &p, &len, &err), 0);
	CHECK_INT(len, 60 + 4 * 14 + 32);
	static const unsigned char head[] = {
		'C', 'R', 'A', 'L', 'S', 'T', 'M', 0, 1, 0, 0, 0, /* magic, version 1 */
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   /* ninput 1, no conv, 1 layer */
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* hidden 1, 0, 0, 0 */
		1, 0, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0,  /* noutput 1, nclass 0, n 14 */
		0x00, 0x00, 0x80, 0x3f,                           /* 1.0f little-endian */
	};
	CHECK(!memcmp(p, head, sizeof head));
	static const unsigned char last[] = { 0x00, 0x00, 0x20, 0xc0 };
	CHECK(!memcmp(p + 60 + 4 * 13, last, 4));
	unsigned char digest[32];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, p, len - 32);
	sha256_final(&h, digest);
	CHECK(!memcmp(p + len - 32, digest, 32));
	free(p);
	lstm_free(&net);

	/* round trip of a CNN-LSTM with classes: same architecture, same bits */
	struct lstm_config cfg = { .ninput = 5, .conv_kernel = 3, .conv_filters = 6, .nlayers = 3,
				   .hidden = { 7, 5, 4 }, .noutput = 6, .nclass = 3 };
	CHECK_INT(lstm_init(&net, &cfg, &err), 0);
	lstm_randomize(&net, 42);
	CHECK_INT(lstm_format_encode(&net, &p, &len, &err), 0);
	struct lstm back;
	CHECK_INT(lstm_format_decode(p, len, "x.bundle", &back, &err), 0);
	CHECK(!memcmp(&back.cfg, &net.cfg, sizeof cfg));
	CHECK_INT(back.nparams, net.nparams);
	CHECK(!memcmp(back.params, net.params, net.nparams * sizeof(float)));
	lstm_free(&back);

	/* a flipped bit anywhere: header, shapes, weights or checksum */
	size_t places[] = { 0, 9, 13, 30, 53, 60, len / 2, len - 33, len - 1 };
	for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
		p[places[i]] ^= 0x10;
		CHECK_INT(decode(p, len, &err), EX_DATAERR);
		CHECK(strstr(err.msg, "x.bundle: "));
		p[places[i]] ^= 0x10;
	}
	CHECK_INT(decode(p, len, &err), 0);
	/* truncated, and too short for a header */
	CHECK_INT(decode(p, len - 4, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "checksum"));
	CHECK_INT(decode(p, 40, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "not in craipto's LSTM format"));
	/* a newer version, even with a right checksum, is refused as such */
	p[8] = 2;
	sha256_init(&h);
	sha256_update(&h, p, len - 32);
	sha256_final(&h, p + len - 32);
	CHECK_INT(decode(p, len, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "format 2 is newer"));
	/* a consistent checksum over an impossible architecture or a NaN weight */
	p[8] = 1;
	p[24] = 9; /* nine layers */
	sha256_init(&h);
	sha256_update(&h, p, len - 32);
	sha256_final(&h, p + len - 32);
	CHECK_INT(decode(p, len, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "architecture is malformed"));
	p[24] = 3;
	memcpy(p + 60 + 4 * 5, (unsigned char[]){ 0x00, 0x00, 0xc0, 0x7f }, 4); /* NaN */
	sha256_init(&h);
	sha256_update(&h, p, len - 32);
	sha256_final(&h, p + len - 32);
	CHECK_INT(decode(p, len, &err), EX_DATAERR);
	CHECK(strstr(err.msg, "weight 5 is not a finite number"));
	free(p);
	lstm_free(&net);
	return check_finish();
}
