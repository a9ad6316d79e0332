/// What can be told from a PNG's bytes before libpng sees them: the
/// signature, and whether it is an animated PNG (an `acTL` chunk before the
/// first `IDAT`), which libpng would quietly read as its first frame.
enum PNGChunks {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// - Throws: `ImagingError` `.notPNG` (empty, or no PNG signature) or `.animated`.
    static func check(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw ImagingError(.notPNG, "not a PNG: the file is empty (0 bytes)") }
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw ImagingError(.notPNG, "not a PNG (\(bytes.count) bytes without the PNG signature)")
        }
        var at = 8
        // Chunks: 4-byte length, 4-byte type, data, 4-byte CRC. Stop at IDAT or
        // at anything malformed (libpng reports that better).
        while at + 8 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            if type == "IDAT" { return }
            if type == "acTL" {
                throw ImagingError(.animated, "an animated PNG (APNG) is not a still grid image")
            }
            at += 12 + length
        }
    }
}
