import CCrypto

/// SHA-256 (FIPS 180-4), incremental, through libcrypto's EVP interface
/// (libcurl loads libcrypto anyway; it uses the CPU's SHA extensions).
public struct SHA256: IncrementalHash {
    private var digest = Digest(CCRYPTO_SHA256)

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { digest.update(bytes) }

    /// The 32-byte digest.
    public consuming func finalize() throws -> [UInt8] { try digest.finish() }
}
