import CCrypto

/// MD5 (RFC 1321), incremental, through libcrypto. Used only where S3
/// demands it (`Content-MD5`, single-part ETags), never for security.
public struct MD5: IncrementalHash {
    private var digest = Digest(CCRYPTO_MD5)

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { digest.update(bytes) }

    /// The 16-byte digest.
    public consuming func finalize() throws -> [UInt8] { try digest.finish() }
}
