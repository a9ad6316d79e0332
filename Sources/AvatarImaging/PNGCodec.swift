import CPNG

/// PNG decoding and encoding through libpng (the CPNG shim). Every libpng
/// error is caught in C; none ever unwinds through Swift. Both calls block
/// the calling thread: run them off the cooperative pool (`BlockingPool`).
public enum PNGCodec {
    /// The default pixel limit for decoding: 4096 x 4096.
    public static let defaultMaxPixels = 4096 * 4096

    /// Decodes PNG bytes straight into the returned image's buffer (no copy).
    /// Images without alpha come back as RGB (3 channels), images with an
    /// alpha channel or tRNS as RGBA (4); grey, palette, 16-bit and
    /// interlaced images are converted to 8-bit.
    /// - Parameters:
    ///   - bytes: the whole PNG file.
    ///   - maxPixels: refuse images with more pixels, before allocating them.
    /// - Throws: `ImagingError` `.notPNG`, `.animated` (APNG), `.tooManyPixels`
    ///   or `.decodeFailed` with libpng's message.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaxPixels) throws -> PixelImage {
        try PNGChunks.check(bytes)
        var msg = [CChar](repeating: 0, count: 256)
        var decoder: OpaquePointer?
        var width: UInt32 = 0, height: UInt32 = 0
        var channels: Int32 = 0
        let rc = bytes.withUnsafeBufferPointer { buf in
            cpng_decoder_begin(buf.baseAddress, buf.count, max(0, maxPixels), &decoder, &width, &height,
                               &channels, &msg, msg.count)
        }
        guard rc == 0, let decoder else {
            let code: ImagingError.Code = rc == -2 ? .tooManyPixels : .decodeFailed
            throw ImagingError(code, "PNG decode failed: \(text(msg))")
        }
        let count = Int(width) * Int(height) * Int(channels)
        var finished: Int32 = -1
        // `bytes` must outlive the decoder: it is read again by finish.
        let pixels = bytes.withUnsafeBufferPointer { _ in
            [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
                finished = cpng_decoder_finish(decoder, buf.baseAddress, &msg, msg.count)
                if finished != 0 { buf.initialize(repeating: 0) }
                initialized = count
            }
        }
        guard finished == 0 else { throw ImagingError(.decodeFailed, "PNG decode failed: \(text(msg))") }
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
        return try take(rc: rc, out: out, size: size, msg: msg)
    }

    /// Encodes the whole of a small image (a thumbnail, a contact sheet) the
    /// fastest way that stays small: `PNGCompression.photo` for a photo-like
    /// picture, `drawnSmall` otherwise.
    /// `photoLike`: what `PNGCompression.isPhotoLike` said of the picture it
    /// was made from, when known (a split part), else it is asked here.
    public static func encodeFast(_ image: PixelImage, photoLike: Bool? = nil) throws -> [UInt8] {
        let photo = photoLike ?? PNGCompression.isPhotoLike(image, image.bounds)
        return try encode(image, rect: image.bounds, compression: .forSmall(photoLike: photo))
    }

    /// Encodes the part `rect` of `image` straight from its buffer (no crop
    /// copy) with `compression`.
    /// - Throws: `ImagingError.encodeFailed` for an empty rectangle or with libpng's message.
    public static func encode(_ image: PixelImage, rect: PixelRect,
                              compression: PNGCompression = .split) throws -> [UInt8] {
        let r = rect.clamped(to: image.bounds)
        guard !r.isEmpty else {
            throw ImagingError(.encodeFailed, "cannot encode an empty \(r.width)x\(r.height) part")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var msg = [CChar](repeating: 0, count: 256)
        let rc = image.pixels.withUnsafeBufferPointer { buf in
            cpng_encode_rows(buf.baseAddress! + image.offset(x: r.x, y: r.y), image.width * image.channels,
                             UInt32(r.width), UInt32(r.height), Int32(image.channels),
                             Int32(compression.level), compression.filters, compression.strategy,
                             &out, &size, &msg, msg.count)
        }
        return try take(rc: rc, out: out, size: size, msg: msg)
    }

    private static func take(rc: Int32, out: UnsafeMutablePointer<UInt8>?, size: Int, msg: [CChar]) throws -> [UInt8] {
        guard rc == 0, let out else {
            throw ImagingError(.encodeFailed, "PNG encode failed: \(text(msg))")
        }
        defer { cpng_free(out) }
        return [UInt8](UnsafeBufferPointer(start: out, count: size))
    }

    private static func text(_ msg: [CChar]) -> String {
        String(decoding: msg.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// How `PNGCodec.encode(_:rect:compression:)` compresses.
public struct PNGCompression: Sendable, Equatable {
    /// zlib level 0…9.
    public var level: Int
    /// `CPNG_FILTER_*` bits.
    public var filters: Int32
    /// `CPNG_STRATEGY_*`.
    public var strategy: Int32

    /// What split parts of drawn art, flat backdrops and gutters are written
    /// with, chosen by measurement (`scripts/bench_png_settings.c`; figures
    /// in the README, "Splitting grids"): zlib's RLE strategy with the
    /// Average filter, a third of level 6's time, and small on flat colour.
    public static let split = PNGCompression(level: 1, filters: Int32(CPNG_FILTER_AVG),
                                             strategy: Int32(CPNG_STRATEGY_RLE))
    /// What photo-like parts (noise everywhere) are written with: Huffman
    /// coding alone, with Average. Noise defeats LZ77's matches, so this is
    /// as small as RLE there and a fifth faster, but twice RLE on flat art.
    public static let photo = PNGCompression(level: 1, filters: Int32(CPNG_FILTER_AVG),
                                             strategy: Int32(CPNG_STRATEGY_HUFFMAN_ONLY))

    /// What thumbnails and contact sheets of drawn art are written with:
    /// level 1, no filter, zlib's default strategy. On a 256-px thumbnail and
    /// a contact sheet of them a tenth to a quarter faster than `split`, and
    /// within 6 % of its size (`scripts/bench_png_settings.c small`; README, "Seeing
    /// the results"). Photo-like pictures keep `photo`, which no filter would
    /// make half again as large.
    public static let drawnSmall = PNGCompression(level: 1, filters: Int32(CPNG_FILTER_NONE),
                                                  strategy: Int32(CPNG_STRATEGY_DEFAULT))

    /// `photo` for a part where almost no pixel repeats its left neighbour
    /// (under 10 % of every eighth row), `split` otherwise.
    public static func forPart(of image: PixelImage, _ rect: PixelRect) -> PNGCompression {
        forPart(photoLike: isPhotoLike(image, rect))
    }

    /// A split part's setting once `isPhotoLike` has been asked.
    public static func forPart(photoLike: Bool) -> PNGCompression { photoLike ? photo : split }

    /// A thumbnail's or contact sheet's setting once `isPhotoLike` has been asked.
    public static func forSmall(photoLike: Bool) -> PNGCompression { photoLike ? photo : drawnSmall }

    /// Whether almost no pixel of `rect` repeats its left neighbour (under
    /// 10 % of every eighth row): noise everywhere, as in a photo.
    public static func isPhotoLike(_ image: PixelImage, _ rect: PixelRect) -> Bool {
        let r = rect.clamped(to: image.bounds)
        guard r.width > 1, r.height > 0 else { return false }
        var same = 0, total = 0
        let ch = image.channels
        image.pixels.withUnsafeBufferPointer { px in
            for y in stride(from: r.y, to: r.maxY, by: 8) {
                var o = image.offset(x: r.x + 1, y: y)
                for _ in 1..<r.width {
                    var equal = true
                    for c in 0..<ch where px[o + c] != px[o - ch + c] { equal = false }
                    if equal { same += 1 }
                    total += 1
                    o += ch
                }
            }
        }
        return same * 10 < total
    }
}
