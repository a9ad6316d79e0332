#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "ccrypto.h"

// The opaque type is EVP_MD_CTX itself, cast at this edge only.
#define CTX(p) ((EVP_MD_CTX *)(p))

ccrypto_digest *ccrypto_digest_new(ccrypto_algorithm algorithm) {
    const EVP_MD *md = algorithm == CCRYPTO_SHA256 ? EVP_sha256() : algorithm == CCRYPTO_MD5 ? EVP_md5() : NULL;
    if (md == NULL) return NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    return (ccrypto_digest *)ctx;
}

ccrypto_digest *ccrypto_digest_copy(const ccrypto_digest *ctx) {
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (copy == NULL) return NULL;
    if (EVP_MD_CTX_copy_ex(copy, (const EVP_MD_CTX *)ctx) != 1) {
        EVP_MD_CTX_free(copy);
        return NULL;
    }
    return (ccrypto_digest *)copy;
}

int ccrypto_digest_update(ccrypto_digest *ctx, const void *bytes, size_t count) {
    if (count == 0) return 1;
    return EVP_DigestUpdate(CTX(ctx), bytes, count) == 1;
}

int ccrypto_digest_final(ccrypto_digest *ctx, unsigned char *out, size_t capacity, size_t *written) {
    int size = EVP_MD_CTX_get_size(CTX(ctx));
    if (size <= 0 || (size_t)size > capacity) return 0;
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(CTX(ctx), out, &n) != 1) return 0;
    *written = n;
    return 1;
}

void ccrypto_digest_free(ccrypto_digest *ctx) { EVP_MD_CTX_free(CTX(ctx)); }

int ccrypto_hmac_sha256(const void *key, size_t key_count, const void *bytes, size_t count,
                        unsigned char out[32]) {
    unsigned int n = 0;
    // HMAC() with a NULL key pointer would mean "no key": pass a valid one.
    static const unsigned char empty = 0;
    if (key == NULL) key = &empty;
    if (bytes == NULL) bytes = &empty;
    if (key_count > 0x7fffffff) return 0;
    return HMAC(EVP_sha256(), key, (int)key_count, bytes, count, out, &n) != NULL && n == 32;
}
