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

    init(_ algorithm: ccrypto_algorithm) {
        guard let handle = ccrypto_digest_new(algorithm) else {
            // Only out of memory or an algorithm disabled by the OpenSSL
            // configuration (MD5 in FIPS mode): nothing sensible to go on with.
            fatalError("libcrypto cannot create a \(algorithm == CCRYPTO_MD5 ? "MD5" : "SHA-256") context")
        }
        self.handle = handle
        self.algorithm = algorithm
    }

    private init(copying other: DigestContext) {
        guard let handle = ccrypto_digest_copy(other.handle) else {
            fatalError("libcrypto cannot copy a digest context (out of memory)")
        }
        self.handle = handle
        self.algorithm = other.algorithm
    }

    deinit { ccrypto_digest_free(handle) }

    func copy() -> DigestContext { DigestContext(copying: self) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let ok = ccrypto_digest_update(handle, base, bytes.count)
        precondition(ok == 1, "EVP_DigestUpdate failed")
    }

    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var written = 0
        let ok = out.withUnsafeMutableBufferPointer { ccrypto_digest_final(handle, $0.baseAddress, $0.count, &written) }
        precondition(ok == 1, "EVP_DigestFinal_ex failed")
        return Array(out.prefix(written))
    }
}

/// The value-type face shared by `SHA256` and `MD5`.
struct Digest: Sendable {
    private var context: DigestContext

    init(_ algorithm: ccrypto_algorithm) {
        context = DigestContext(algorithm)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        context.update(bytes)
    }

    /// Finishing consumes the context, so a shared one is copied first.
    consuming func finish() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        return context.finish()
    }
}
