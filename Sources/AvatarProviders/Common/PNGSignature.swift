/// The cheapest "is this a PNG" check: the 8-byte signature, then an IHDR
/// chunk of length 13 with a non-zero width and height.
// TODO(merge): ImageValidator — replace with AvatarImaging's full decode/validate.
enum PNGSignature {
    static let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height from IHDR, or nil when `data` is not a PNG.
    static func dimensions(_ data: [UInt8]) -> (width: Int, height: Int)? {
        guard data.count >= 33, Array(data[0..<8]) == bytes else { return nil }
        func be32(_ i: Int) -> Int { data[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        guard be32(8) == 13, Array(data[12..<16]) == Array("IHDR".utf8) else { return nil }
        let width = be32(16), height = be32(20)
        guard width > 0, height > 0 else { return nil }
        return (width, height)
    }
}
