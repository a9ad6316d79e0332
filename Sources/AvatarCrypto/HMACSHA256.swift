import CCrypto

/// HMAC-SHA256 (RFC 2104) through libcrypto: signs webhook bodies.
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key`.
    /// - Throws: `CryptoError` when libcrypto failed.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                out.withUnsafeMutableBufferPointer { o in
                    ccrypto_hmac_sha256(k.baseAddress, k.count, m.baseAddress, m.count, o.baseAddress)
                }
            }
        }
        guard ok == 1 else { throw CryptoError(description: "libcrypto cannot compute HMAC-SHA256") }
        return out
    }
}
