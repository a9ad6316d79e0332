@_exported import AvatarCrypto

// SHA-256 and MD5 come from libcrypto (Sources/CCrypto, Sources/AvatarCrypto);
// re-exported so callers of AvatarStorage keep writing `SHA256.hash(…)`,
// `MD5()` and `.hexString` as before.
