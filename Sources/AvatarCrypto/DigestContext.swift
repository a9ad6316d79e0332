import CCrypto

/// One libcrypto digest context, owned by exactly one `SHA256` or `MD5`
/// value at a time: a value that is copied and then fed duplicates the
/// context first (copy on write), so copies never share state.
///
/// Confinement: `handle` is only used by the value that uniquely owns this
/// box (checked with `isKnownUniquelyReferenced` before every mutation);
/// a box shared by copies is only read (`ccrypto_digest_copy`).
final class DigestContext: @unchecked Sendable {
    let handle: OpaquePointer
    let algorithm: ccrypto_algorithm

    /// nil when libcrypto cannot make one (out of memory, or an algorithm
    /// its configuration disables: MD5 in FIPS mode).
    init?(_ algorithm: ccrypto_algorithm) {
        guard let handle = ccrypto_digest_new(algorithm) else { return nil }
        self.handle = handle
        self.algorithm = algorithm
    }

    private init?(copying other: DigestContext) {
        guard let handle = ccrypto_digest_copy(other.handle) else { return nil }
        self.handle = handle
        self.algorithm = other.algorithm
    }

    deinit { ccrypto_digest_free(handle) }

    func copy() -> DigestContext? { DigestContext(copying: self) }

    /// - Returns: false when libcrypto refused the bytes.
    func update(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return ccrypto_digest_update(handle, base, bytes.count) == 1
    }

    func finish() -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 64)
        var written = 0
        let ok = out.withUnsafeMutableBufferPointer { ccrypto_digest_final(handle, $0.baseAddress, $0.count, &written) }
        return ok == 1 ? Array(out.prefix(written)) : nil
    }
}

/// libcrypto could not compute a digest (out of memory, or the algorithm is
/// disabled by its configuration): the caller's operation fails with this,
/// the process does not.
public struct CryptoError: Error, CustomStringConvertible {
    public var description: String
}

/// The value-type face shared by `SHA256` and `MD5`. A failure of libcrypto
/// is remembered and reported by `finish`, so feeding never needs `try`.
struct Digest: Sendable {
    private var context: DigestContext?
    private var failure: String?
    private let name: String

    init(_ algorithm: ccrypto_algorithm) {
        name = algorithm == CCRYPTO_MD5 ? "MD5" : "SHA-256"
        context = DigestContext(algorithm)
        if context == nil { failure = "libcrypto cannot create a \(name) context" }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, var current = context else { return }
        if !isKnownUniquelyReferenced(&current) {
            guard let copy = current.copy() else { failure = "libcrypto cannot copy a \(name) context"; return }
            current = copy
        }
        context = current
        if !current.update(bytes) { failure = "libcrypto refused \(name) input" }
    }

    /// Finishing consumes the context, so a shared one is copied first.
    /// - Throws: `CryptoError` when libcrypto failed at any point.
    consuming func finish() throws -> [UInt8] {
        if let failure { throw CryptoError(description: failure) }
        guard var current = context else { throw CryptoError(description: "no \(name) context") }
        if !isKnownUniquelyReferenced(&current) {
            guard let copy = current.copy() else { throw CryptoError(description: "libcrypto cannot copy a \(name) context") }
            current = copy
        }
        guard let out = current.finish() else { throw CryptoError(description: "libcrypto cannot finish \(name)") }
        return out
    }
}

/// What SHA-256 and MD5 share: feed bytes, then finish once.
public protocol IncrementalHash: Sendable {
    init()
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest; the hasher is consumed.
    /// - Throws: `CryptoError` when libcrypto failed.
    consuming func finalize() throws -> [UInt8]
}

extension IncrementalHash {
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of `bytes` in one call.
    /// - Throws: `CryptoError` when libcrypto failed.
    public static func hash(_ bytes: [UInt8]) throws -> [UInt8] {
        var h = Self()
        h.update(bytes)
        return try h.finalize()
    }
}
