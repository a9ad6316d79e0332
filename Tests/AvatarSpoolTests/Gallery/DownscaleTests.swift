import AvatarImaging
import Testing

@Suite("Area-averaging downscale")
struct DownscaleTests {
    @Test("the longest side fits, the aspect ratio is kept, an image that fits is left alone")
    func sizes() {
        #expect(PixelImage.fittedSize(width: 1024, height: 1024, longestSide: 256) == (256, 256))
        #expect(PixelImage.fittedSize(width: 500, height: 460, longestSide: 256) == (256, 236))
        #expect(PixelImage.fittedSize(width: 460, height: 1000, longestSide: 256) == (118, 256))
        #expect(PixelImage.fittedSize(width: 4000, height: 1, longestSide: 256) == (256, 1))
        #expect(PixelImage.fittedSize(width: 200, height: 100, longestSide: 256) == (200, 100))
        let small = PixelImage(width: 10, height: 8, channels: 3, fill: (r: 1, g: 2, b: 3))
        #expect(small.downscaled(toFit: 256) == small)
    }

    @Test("each output pixel is the mean of the area it covers: a 1-px checkerboard becomes flat grey, not black or white")
    func checkerboard() {
        var px: [UInt8] = []
        for y in 0..<64 { for x in 0..<64 { let v: UInt8 = (x + y) % 2 == 0 ? 0 : 254; px += [v, v, v] } }
        let out = PixelImage(width: 64, height: 64, channels: 3, pixels: px).downscaled(toFit: 16)
        #expect(out.width == 16 && out.height == 16)
        #expect(out.pixels.allSatisfy { $0 == 127 }, "\(Set(out.pixels))")
    }

    @Test("a non-integer ratio weighs each source pixel by its covered fraction")
    func fractional() {
        // 3 px → 2 px: [0, 90, 180] → [(0 + 90/2)/1.5, (90/2 + 180)/1.5] = [30, 150]
        let img = PixelImage(width: 3, height: 1, channels: 3, pixels: [0, 0, 0, 90, 90, 90, 180, 180, 180])
        let out = img.downscaled(width: 2, height: 1)
        #expect(out.pixels == [30, 30, 30, 150, 150, 150])
    }

    @Test("an opaque image (the integer path) is within one level of the exact area mean at any ratio, and a part read in place equals the part cropped first")
    func integerPath() {
        var px: [UInt8] = []
        for y in 0..<97 { for x in 0..<131 { px += [UInt8((x * 37 + y * 11) % 256), UInt8((x * x + y) % 256), UInt8((x ^ y) % 256)] } }
        let image = PixelImage(width: 131, height: 97, channels: 3, pixels: px)
        for (w, h) in [(64, 47), (50, 97), (131, 33), (13, 7), (1, 1)] {
            let out = image.downscaled(width: w, height: h)
            let exact = Self.areaMean(image, width: w, height: h)
            let worst = zip(out.pixels, exact).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1, "\(w)x\(h): off by \(worst)")
        }
        // The windows' widths the column loop unrolls (2: 2:1, 4: 4:1, 5: about 3.9:1) and others.
        var big: [UInt8] = []
        for y in 0..<200 { for x in 0..<256 { big += [UInt8((x * 7 + y * 3) % 256), UInt8((x * y) % 256), UInt8(x % 2 == 0 ? 255 : 0)] } }
        let wide = PixelImage(width: 256, height: 200, channels: 3, pixels: big)
        for (w, h) in [(128, 100), (64, 50), (66, 51), (250, 190), (51, 40)] {
            let out = wide.downscaled(width: w, height: h)
            let worst = zip(out.pixels, Self.areaMean(wide, width: w, height: h)).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1, "256x200 to \(w)x\(h): off by \(worst)")
        }
        let part = PixelRect(x: 17, y: 9, width: 88, height: 61)
        #expect(image.downscaled(toFit: 40, in: part) == image.cropped(to: part).downscaled(toFit: 40))
        #expect(image.downscaled(toFit: 200, in: part) == image.cropped(to: part), "a part that fits is its crop")
    }

    /// The exact mean (in doubles) each output channel should have.
    static func areaMean(_ image: PixelImage, width w: Int, height h: Int) -> [Double] {
        let sx = Double(image.width) / Double(w), sy = Double(image.height) / Double(h)
        func cover(_ s: Int, _ lo: Double, _ hi: Double) -> Double { max(0, min(hi, Double(s + 1)) - max(lo, Double(s))) }
        var out: [Double] = []
        for oy in 0..<h {
            for ox in 0..<w {
                var sum = [0.0, 0.0, 0.0]
                for y in Int(Double(oy) * sy)..<min(image.height, Int((Double(oy + 1) * sy).rounded(.up))) {
                    let wy = cover(y, Double(oy) * sy, Double(oy + 1) * sy)
                    for x in Int(Double(ox) * sx)..<min(image.width, Int((Double(ox + 1) * sx).rounded(.up))) {
                        let wgt = wy * cover(x, Double(ox) * sx, Double(ox + 1) * sx)
                        for c in 0..<3 { sum[c] += wgt * Double(image.pixels[image.offset(x: x, y: y) + c]) }
                    }
                }
                out += sum.map { $0 / (sx * sy) }
            }
        }
        return out
    }

    @Test("alpha is kept and averaged; transparent pixels do not darken the colour")
    func alpha() {
        // Left half opaque red, right half fully transparent black.
        var px: [UInt8] = []
        for _ in 0..<4 { for x in 0..<4 { px += x < 2 ? [255, 0, 0, 255] : [0, 0, 0, 0] } }
        let out = PixelImage(width: 4, height: 4, channels: 4, pixels: px).downscaled(width: 1, height: 1)
        #expect(out.channels == 4)
        #expect(out.pixels == [255, 0, 0, 128])
    }

    @Test("a thumbnail round-trips through the PNG codec with its size and channels")
    func pngRoundTrip() throws {
        var px: [UInt8] = []
        for y in 0..<300 { for x in 0..<200 { px += [UInt8(x % 256), UInt8(y % 256), 90, UInt8((x + y) % 256)] } }
        let thumb = PixelImage(width: 200, height: 300, channels: 4, pixels: px).downscaled(toFit: 64)
        let decoded = try PNGCodec.decode(try PNGCodec.encode(thumb))
        #expect(decoded == thumb)
        #expect(PNGHeader.size(try PNGCodec.encode(thumb)).map { [$0.width, $0.height] } == [43, 64])
        #expect(PNGHeader.size([1, 2, 3]) == nil)
    }
}
