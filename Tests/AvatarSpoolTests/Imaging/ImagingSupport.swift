@testable import AvatarImaging

/// Helpers shared by the imaging tests: synthetic images.
enum ImagingSupport {
    /// An RGB image with deterministic non-uniform content (a pattern of
    /// gradients), so it is neither blank nor border-like.
    static func pattern(width: Int, height: Int, channels: Int = 3) -> PixelImage {
        var px = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * channels
                px[o] = UInt8((x * 7 + y * 3) & 0xff)
                px[o + 1] = UInt8((x * y) & 0xff)
                px[o + 2] = UInt8((255 - x * 5 + y) & 0xff)
                if channels == 4 { px[o + 3] = UInt8((x + y * 11) & 0xff) }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: px)
    }

    /// Paints `rect` of `image` with `pattern`-like content (not near-white).
    static func paintContent(_ image: inout PixelImage, _ rect: PixelRect, seed: Int = 0) {
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                let o = image.offset(x: x, y: y)
                image.pixels[o] = UInt8(40 + (x * 3 + seed * 50) % 120)
                image.pixels[o + 1] = UInt8(30 + (y * 5 + x) % 140)
                image.pixels[o + 2] = UInt8(60 + (x + y + seed * 17) % 100)
            }
        }
    }
}
