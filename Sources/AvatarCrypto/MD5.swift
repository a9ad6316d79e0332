import CCrypto

/// MD5 (RFC 1321), incremental, through libcrypto. Used only where S3
/// demands it (`Content-MD5`, single-part ETags), never for security.
public struct MD5: Sendable {
    private var digest = Digest(CCRYPTO_MD5)

    public init() {}

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        digest.update(bytes)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 16-byte digest. The hasher is consumed.
    public consuming func finalize() -> [UInt8] {
        digest.finish()
    }

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = MD5()
        h.update(bytes)
        return h.finalize()
    }
}
