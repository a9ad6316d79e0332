import AvatarTask

/// Checks that bytes from a provider are a usable avatar image: a PNG that
/// decodes, of a sane (and, when asked, the expected) size, and not blank.
public enum ImageValidator {
    /// Smallest and largest accepted side, in pixels.
    public static let sideRange = 64...4096
    /// Below this standard deviation of luma (0…255) an image counts as blank.
    public static let blankLumaDeviation = 2.0

    /// Decodes and checks `png`.
    /// - Parameters:
    ///   - png: the file's bytes.
    ///   - expectedSize: when given, the image must be exactly this size.
    /// - Returns: the decoded image.
    /// - Throws: `ImagingError`: `.notPNG`, `.decodeFailed`, `.tooManyPixels`,
    ///   `.badSize` ("size 10x10 is below 64x64"), `.wrongSize`, `.blank`.
    public static func validate(_ png: [UInt8], expectedSize: ImageSize? = nil) throws -> PixelImage {
        let maxSide = sideRange.upperBound
        let image = try PNGCodec.decode(png, maxPixels: maxSide * maxSide)
        let size = "\(image.width)x\(image.height)"
        let minSide = sideRange.lowerBound
        if image.width < minSide || image.height < minSide {
            throw ImagingError(.badSize, "size \(size) is below \(minSide)x\(minSide)")
        }
        if image.width > maxSide || image.height > maxSide {
            throw ImagingError(.badSize, "size \(size) is above \(maxSide)x\(maxSide)")
        }
        if let expectedSize, expectedSize.width != image.width || expectedSize.height != image.height {
            throw ImagingError(.wrongSize, "size \(size) is not the requested \(expectedSize)")
        }
        let deviation = lumaDeviation(of: image)
        if deviation < blankLumaDeviation {
            throw ImagingError(.blank, "image is blank (luma standard deviation \(Int(deviation * 100) / 100))")
        }
        return image
    }

    /// The standard deviation of luma (BT.601, 0…255), over a grid of at
    /// most about 64k sampled pixels.
    public static func lumaDeviation(of image: PixelImage) -> Double {
        guard image.width > 0, image.height > 0 else { return 0 }
        let step = max(1, Int((Double(image.width * image.height) / 65_536).squareRoot()))
        var sum = 0.0, sumSq = 0.0, n = 0.0
        image.pixels.withUnsafeBufferPointer { px in
            var y = 0
            while y < image.height {
                var x = 0
                while x < image.width {
                    let o = (y * image.width + x) * image.channels
                    let luma = 0.299 * Double(px[o]) + 0.587 * Double(px[o + 1]) + 0.114 * Double(px[o + 2])
                    sum += luma
                    sumSq += luma * luma
                    n += 1
                    x += step
                }
                y += step
            }
        }
        let mean = sum / n
        return max(0, sumSq / n - mean * mean).squareRoot()
    }
}
