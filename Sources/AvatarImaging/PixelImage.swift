/// An 8-bit image in memory: `channels` bytes per pixel (3 = RGB, 4 = RGBA),
/// rows top to bottom, no padding between rows.
public struct PixelImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// `width * height * channels` bytes.
    public var pixels: [UInt8]

    /// Wraps existing pixel bytes.
    /// - Precondition: `channels` is 3 or 4 and `pixels.count == width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 3 || channels == 4, "channels must be 3 or 4")
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * channels,
                     "pixel buffer does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image filled with one colour (alpha 255 when RGBA).
    public init(width: Int, height: Int, channels: Int = 3, fill: (r: UInt8, g: UInt8, b: UInt8)) {
        var px = [UInt8](repeating: 0, count: width * height * channels)
        var i = 0
        while i < px.count {
            px[i] = fill.r
            px[i + 1] = fill.g
            px[i + 2] = fill.b
            if channels == 4 { px[i + 3] = 255 }
            i += channels
        }
        self.init(width: width, height: height, channels: channels, pixels: px)
    }

    /// The whole image as a rectangle.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// Byte offset of pixel (x, y).
    @inline(__always)
    public func offset(x: Int, y: Int) -> Int { (y * width + x) * channels }

    /// The colour channels of pixel (x, y), alpha ignored.
    public func rgb(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let o = offset(x: x, y: y)
        return (pixels[o], pixels[o + 1], pixels[o + 2])
    }

    /// A copy of the pixels inside `rect` (clamped to the image).
    public func cropped(to rect: PixelRect) -> PixelImage {
        let r = rect.clamped(to: bounds)
        var out = [UInt8]()
        out.reserveCapacity(r.width * r.height * channels)
        for y in r.y..<r.maxY {
            let start = offset(x: r.x, y: y)
            out.append(contentsOf: pixels[start..<start + r.width * channels])
        }
        return PixelImage(width: r.width, height: r.height, channels: channels, pixels: out)
    }
}
