import CPNG

/// PNG decoding and encoding through libpng (the CPNG shim). Every libpng
/// error is caught in C; none ever unwinds through Swift. Both calls block
/// the calling thread: run them off the cooperative pool (`BlockingPool`).
public enum PNGCodec {
    /// The default pixel limit for decoding: 4096 x 4096.
    public static let defaultMaxPixels = 4096 * 4096

    /// Decodes PNG bytes. Images without alpha come back as RGB (3 channels),
    /// images with an alpha channel or tRNS as RGBA (4); grey, palette and
    /// 16-bit images are expanded to 8-bit.
    /// - Parameters:
    ///   - bytes: the whole PNG file.
    ///   - maxPixels: refuse images with more pixels, before allocating them.
    /// - Throws: `ImagingError` `.notPNG`, `.tooManyPixels` or `.decodeFailed`
    ///   with libpng's message.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaxPixels) throws -> PixelImage {
        let isPNG = bytes.withUnsafeBufferPointer { cpng_has_signature($0.baseAddress, $0.count) != 0 }
        guard isPNG else {
            throw ImagingError(.notPNG, "not a PNG (\(bytes.count) bytes without the PNG signature)")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var channels: Int32 = 0
        var msg = [CChar](repeating: 0, count: 256)
        let rc = bytes.withUnsafeBufferPointer { buf in
            cpng_decode(buf.baseAddress, buf.count, max(0, maxPixels), &out, &width, &height, &channels,
                        &msg, msg.count)
        }
        guard rc == 0, let out else {
            let text = String(decoding: msg.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let code: ImagingError.Code = rc == -2 ? .tooManyPixels : .decodeFailed
            throw ImagingError(code, "PNG decode failed: \(text)")
        }
        defer { cpng_free(out) }
        let count = Int(width) * Int(height) * Int(channels)
        let pixels = [UInt8](UnsafeBufferPointer(start: out, count: count))
        return PixelImage(width: Int(width), height: Int(height), channels: Int(channels), pixels: pixels)
    }

    /// Encodes an image as PNG, 8 bits per channel, RGB or RGBA as the image is.
    /// - Parameters:
    ///   - image: the pixels.
    ///   - compressionLevel: zlib level 0…9; 1–3 is fast and fine for
    ///     synthetic images, 6 is zlib's default.
    /// - Throws: `ImagingError.encodeFailed` with libpng's message.
    public static func encode(_ image: PixelImage, compressionLevel: Int = 3) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImagingError(.encodeFailed, "cannot encode an empty \(image.width)x\(image.height) image")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var msg = [CChar](repeating: 0, count: 256)
        let rc = image.pixels.withUnsafeBufferPointer { buf in
            cpng_encode(buf.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                        Int32(min(9, max(0, compressionLevel))), &out, &size, &msg, msg.count)
        }
        guard rc == 0, let out else {
            let text = String(decoding: msg.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImagingError(.encodeFailed, "PNG encode failed: \(text)")
        }
        defer { cpng_free(out) }
        return [UInt8](UnsafeBufferPointer(start: out, count: size))
    }
}
