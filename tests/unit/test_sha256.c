/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include "check.h"
#include "sha256.h"

int main(void)
{
	char hex[SHA256_HEX];
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', fed in uneven pieces to exercise the block buffering. */
	struct sha256 s;
	unsigned char d[32];
	char a[1000];
	memset(a, 'a', sizeof a);
	sha256_init(&s);
	size_t fed = 0, step = 1;
	while (fed < 1000000) {
		size_t n = step < 1000000 - fed ? step : 1000000 - fed;
		if (n > sizeof a)
			n = sizeof a;
		sha256_update(&s, a, n);
		fed += n;
		step = step * 7 % 997 + 1;
	}
	sha256_final(&s, d);
	sha256_digest_hex(d, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	return check_finish();
}
