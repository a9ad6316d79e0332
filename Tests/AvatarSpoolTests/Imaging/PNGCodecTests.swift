import Testing
@testable import AvatarImaging

@Suite struct ImagingPNGCodecTests {
    @Test("an RGB image survives encode then decode byte for byte, at every compression level")
    func roundTripRGB() throws {
        let image = ImagingSupport.pattern(width: 67, height: 45)
        for level in [0, 1, 3, 6, 9] {
            let png = try PNGCodec.encode(image, compressionLevel: level)
            let back = try PNGCodec.decode(png)
            #expect(back == image)
        }
    }

    @Test("an RGBA image survives encode then decode byte for byte")
    func roundTripRGBA() throws {
        let image = ImagingSupport.pattern(width: 31, height: 80, channels: 4)
        let back = try PNGCodec.decode(try PNGCodec.encode(image))
        #expect(back.channels == 4)
        #expect(back == image)
    }

    @Test("random bytes are refused as not a PNG")
    func randomBytes() {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<500).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(throws: ImagingError.self) { try PNGCodec.decode(bytes) }
        #expect(throws: ImagingError.self) { try PNGCodec.decode([]) }
    }

    @Test("a truncated or corrupted PNG gives an error with libpng's message, not a crash")
    func corrupt() throws {
        let png = try PNGCodec.encode(ImagingSupport.pattern(width: 64, height: 64))
        for cut in [8, 20, 33, 60, png.count / 2, png.count - 13] {
            do {
                _ = try PNGCodec.decode(Array(png.prefix(cut)))
                Issue.record("decoded a PNG cut at \(cut) bytes")
            } catch let error as ImagingError {
                #expect(error.code == .decodeFailed)
                #expect(!error.message.isEmpty)
            }
        }
        var flipped = png
        for i in stride(from: 60, to: flipped.count - 20, by: 7) { flipped[i] ^= 0x5a }
        #expect(throws: ImagingError.self) { try PNGCodec.decode(flipped) }
    }

    @Test("a header claiming huge dimensions is refused before allocating")
    func oversizedHeader() throws {
        var png = try PNGCodec.encode(ImagingSupport.pattern(width: 16, height: 16))
        // IHDR data starts at byte 16: width, height (big endian); then fix the CRC.
        let big: [UInt8] = [0x00, 0x01, 0x00, 0x00] // 65536
        png.replaceSubrange(16..<20, with: big)
        png.replaceSubrange(20..<24, with: big)
        let crc = crc32(Array(png[12..<29]))
        png.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc & 0xff)])
        do {
            _ = try PNGCodec.decode(png, maxPixels: 4096 * 4096)
            Issue.record("decoded a 65536x65536 header")
        } catch let error as ImagingError {
            #expect(error.code == .tooManyPixels)
            #expect(error.message.contains("65536x65536"))
        }
    }

    @Test("an image larger than maxPixels is refused even when valid")
    func maxPixels() throws {
        let png = try PNGCodec.encode(ImagingSupport.pattern(width: 100, height: 100))
        #expect(throws: ImagingError.self) { try PNGCodec.decode(png, maxPixels: 9_999) }
        #expect(try PNGCodec.decode(png, maxPixels: 10_000).width == 100)
    }

    @Test("a part whose pixels never repeat is encoded as a photo (Huffman), flat colour with RLE; both decode back exactly")
    func compressionChoice() throws {
        var noise = PixelImage(width: 64, height: 64, fill: (0, 0, 0))
        var state: UInt32 = 7
        for i in noise.pixels.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            noise.pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        var flat = PixelImage(width: 64, height: 64, fill: (250, 250, 250))
        ImagingSupport.paintContent(&flat, PixelRect(x: 10, y: 10, width: 20, height: 20))
        #expect(PNGCompression.forPart(of: noise, noise.bounds) == .photo)
        #expect(PNGCompression.forPart(of: flat, flat.bounds) == .split)
        let part = PixelRect(x: 3, y: 5, width: 40, height: 33)
        for image in [noise, flat] {
            let png = try PNGCodec.encode(image, rect: part, compression: .forPart(of: image, part))
            #expect(try PNGCodec.decode(png) == image.cropped(to: part))
        }
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
