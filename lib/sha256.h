/* sha256.h - SHA-256 (FIPS 180-4), for model bundle checksums and training data hashes. */
#ifndef CRA_SHA256_H
#define CRA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t length;        /* bytes hashed so far */
	unsigned char block[64];
	size_t used;            /* bytes waiting in block */
};

#define SHA256_HEX 65 /* 64 hex digits and a NUL */

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* The digest of data as 64 lowercase hex digits. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX]);
void sha256_digest_hex(const unsigned char digest[32], char hex[SHA256_HEX]);

#endif
