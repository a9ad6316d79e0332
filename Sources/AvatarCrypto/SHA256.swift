import CCrypto

/// SHA-256 (FIPS 180-4), incremental, through libcrypto's EVP interface
/// (libcurl loads libcrypto anyway; it uses the CPU's SHA extensions).
public struct SHA256: Sendable {
    private var digest = Digest(CCRYPTO_SHA256)

    public init() {}

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        digest.update(bytes)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest. The hasher is consumed.
    public consuming func finalize() -> [UInt8] {
        digest.finish()
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }
}
