/// A colour as the grid analysis compares colours: red, green and blue
/// premultiplied by alpha, and alpha (255 for RGB images), so every fully
/// transparent pixel is the same colour whatever its hidden RGB values.
public struct PixelColour: Sendable, Hashable, CustomStringConvertible {
    public var r: Int
    public var g: Int
    public var b: Int
    public var a: Int

    public init(r: Int, g: Int, b: Int, a: Int = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// The largest difference of one channel.
    public func distance(to other: PixelColour) -> Int {
        max(abs(r - other.r), abs(g - other.g), abs(b - other.b), abs(a - other.a))
    }

    public var description: String {
        a == 255 ? "rgb(\(r),\(g),\(b))" : a == 0 ? "transparent" : "rgba(\(r),\(g),\(b),\(a))"
    }
}

extension PixelImage {
    /// Pixel (x, y) as a `PixelColour`.
    public func colour(x: Int, y: Int) -> PixelColour {
        pixels.withUnsafeBufferPointer { PixelImage.colour($0, offset(x: x, y: y), channels) }
    }

    /// The premultiplied colour at byte offset `o`.
    @inline(__always)
    static func colour(_ px: UnsafeBufferPointer<UInt8>, _ o: Int, _ channels: Int) -> PixelColour {
        if channels == 3 { return PixelColour(r: Int(px[o]), g: Int(px[o + 1]), b: Int(px[o + 2])) }
        let a = Int(px[o + 3])
        if a == 255 { return PixelColour(r: Int(px[o]), g: Int(px[o + 1]), b: Int(px[o + 2])) }
        return PixelColour(r: (Int(px[o]) * a + 127) / 255, g: (Int(px[o + 1]) * a + 127) / 255,
                           b: (Int(px[o + 2]) * a + 127) / 255, a: a)
    }
}
