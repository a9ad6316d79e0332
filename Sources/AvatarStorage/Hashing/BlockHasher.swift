/// The compression function of a 64-byte-block hash (MD5, SHA-256).
protocol BlockCompressor: Sendable {
    mutating func compress(_ base: UnsafeRawPointer, blocks: Int)
}

/// The framing MD5 and SHA-256 share: input cut into 64-byte blocks (a
/// partial block kept between calls), a byte count, and the final padding
/// (0x80, zeros, the length in bits as 8 bytes).
struct BlockHasher<Core: BlockCompressor>: Sendable {
    private(set) var core: Core
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    init(_ core: Core) {
        self.core = core
        buffer.reserveCapacity(64)
    }

    /// Feeds `bytes`.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        length &+= UInt64(n)
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, n)
            buffer.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take
            n -= take
            if buffer.count == 64 {
                buffer.withUnsafeBytes { core.compress($0.baseAddress!, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if n >= 64 {
            core.compress(p, blocks: n / 64)
            p += (n / 64) * 64
            n %= 64
        }
        if n > 0 { buffer.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    /// Pads the input and returns the core after its last block. The length
    /// goes in big-endian (SHA-256) or little-endian (MD5).
    consuming func finish(bigEndianLength: Bool) -> Core {
        let bits = length &* 8
        var pad: [UInt8] = [0x80]
        let rem = Int(length % 64)
        pad += [UInt8](repeating: 0, count: (rem < 56 ? 55 - rem : 119 - rem))
        for i in 0..<8 {
            let shift = UInt64(bigEndianLength ? 7 - i : i) * 8
            pad.append(UInt8(truncatingIfNeeded: bits >> shift))
        }
        pad.withUnsafeBytes { update($0) }
        return core
    }
}
