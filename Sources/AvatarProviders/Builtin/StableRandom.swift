/// Deterministic pseudo-random numbers that do not change between runs,
/// machines or Swift versions (unlike `Hasher` and `random(in:)`): FNV-1a
/// 64 for the seed, SplitMix64 for the stream.
struct StableRandom {
    private var state: UInt64

    /// Seeds from the FNV-1a 64 hash of `key`'s UTF-8.
    init(key: String) {
        self.state = StableRandom.fnv1a64(key)
    }

    static func fnv1a64(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The next 64 bits (SplitMix64).
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (n > 0); the modulo bias is negligible for small n.
    mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(n))
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }
}
