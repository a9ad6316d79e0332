import AvatarSystem

/// MD5 (RFC 1321), incremental. Used only where S3 demands it (`Content-MD5`,
/// single-part ETags), never for security. See SHA256.swift for why in Swift.
public struct MD5: Sendable {
    private var hasher = BlockHasher(Core())

    public init() {}

    private static let s: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    private static let k: [UInt32] = (0..<64).map { i in
        UInt32(truncatingIfNeeded: Int64(abs(sin(Double(i + 1))) * 4_294_967_296.0))
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bytes)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 16-byte digest. The hasher is consumed.
    public consuming func finalize() -> [UInt8] {
        let state = hasher.finish(bigEndianLength: false).state
        var out: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            out += [UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8),
                    UInt8(truncatingIfNeeded: word >> 16), UInt8(word >> 24)]
        }
        return out
    }

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = MD5()
        h.update(bytes)
        return h.finalize()
    }

    /// The state between blocks and the compression function.
    struct Core: BlockCompressor {
        var state: (UInt32, UInt32, UInt32, UInt32) =
            (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)

        mutating func compress(_ base: UnsafeRawPointer, blocks: Int) {
            var (a0, b0, c0, d0) = state
            MD5.k.withUnsafeBufferPointer { k in
                MD5.s.withUnsafeBufferPointer { s in
                    for block in 0..<blocks {
                        let p = base + block * 64
                        var a = a0, b = b0, c = c0, d = d0
                        for i in 0..<64 {
                            var f: UInt32
                            let g: Int
                            switch i >> 4 {
                            case 0: f = (b & c) | (~b & d); g = i
                            case 1: f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                            case 2: f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                            default: f = c ^ (b | ~d); g = (7 &* i) & 15
                            }
                            let m = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: g * 4, as: UInt32.self))
                            f = f &+ a &+ k[i] &+ m
                            a = d; d = c; c = b
                            b = b &+ ((f << s[i]) | (f >> (32 &- s[i])))
                        }
                        a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    }
                }
            }
            state = (a0, b0, c0, d0)
        }
    }
}
