#ifndef CCRYPTO_H
#define CCRYPTO_H
#include <stddef.h>

// Typed shims over OpenSSL's libcrypto EVP interface. The OpenSSL headers
// stay in ccrypto.c: Swift sees only these functions and an opaque context.
// Every function returns 1 on success and 0 on failure (never aborts).

typedef struct ccrypto_digest ccrypto_digest;

typedef enum {
    CCRYPTO_SHA256 = 1,
    CCRYPTO_MD5 = 2,
} ccrypto_algorithm;

/// A new digest context for `algorithm`, or NULL (out of memory, or the
/// algorithm is disabled, e.g. MD5 under a FIPS-only provider).
ccrypto_digest *ccrypto_digest_new(ccrypto_algorithm algorithm);
/// A copy of `ctx` with the same input fed so far, or NULL.
ccrypto_digest *ccrypto_digest_copy(const ccrypto_digest *ctx);
int ccrypto_digest_update(ccrypto_digest *ctx, const void *bytes, size_t count);
/// Writes the digest (32 bytes for SHA-256, 16 for MD5) to `out`, which has
/// room for `capacity` bytes; `*written` gets its length. The context is
/// finished afterwards: only free it.
int ccrypto_digest_final(ccrypto_digest *ctx, unsigned char *out, size_t capacity, size_t *written);
void ccrypto_digest_free(ccrypto_digest *ctx);

/// HMAC-SHA256 of `bytes` under `key`, 32 bytes into `out`.
int ccrypto_hmac_sha256(const void *key, size_t key_count, const void *bytes, size_t count,
                        unsigned char out[32]);

#endif
