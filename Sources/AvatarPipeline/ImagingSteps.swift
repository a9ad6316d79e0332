import AvatarImaging
import AvatarTask

/// The imaging the pipeline does between remote calls.
enum ImagingSteps {
    /// Every image is checked before it is stored: it decodes, its size is
    /// the task's, it is not blank.
    static func validate(_ png: [UInt8], size: ImageSize) throws {
        // `auto`: the model chose the size; any sane size is fine.
        _ = try ImageValidator.validate(png, expectedSize: size.isAuto ? nil : size)
    }

    /// Validates the base and, when `thumbSize` > 0, makes its thumbnail from
    /// the pixels the check decoded (no second decode of a large image).
    static func validateBase(_ png: [UInt8], size: ImageSize, thumbSize: Int) throws -> Thumbnail? {
        let image = try ImageValidator.validate(png, expectedSize: size)
        return thumbSize > 0 ? try? thumbnail(image, longestSide: thumbSize) : nil
    }

    /// Step 5: the grid split into four, each trimmed, as PNGs (top-left,
    /// top-right, bottom-left, bottom-right), and, when `thumbSize` > 0, the
    /// four thumbnails from the same pixels (no second decode, no crop copy).
    /// A picture that is not a grid throws `ImagingError.notAGrid`, which
    /// fails the persona at this step.
    static func split(_ png: [UInt8], tolerance: Int, thumbSize: Int = 0) throws -> (images: [[UInt8]], thumbs: [Thumbnail]) {
        let grid = try PNGCodec.decode(png)
        let parts = try GridSplitter.layout(of: grid, tolerance: tolerance).parts
        let photoLike = parts.map { PNGCompression.isPhotoLike(grid, $0) }
        let images = try zip(parts, photoLike).map { try PNGCodec.encode(grid, rect: $0, compression: .forPart(photoLike: $1)) }
        // Thumbnails are extras: if one cannot be made here, it is made from the file later.
        let thumbs = thumbSize > 0
            ? ((try? zip(parts, photoLike).map { try thumbnail(grid, part: $0, longestSide: thumbSize, photoLike: $1) }) ?? []) : []
        return (images, thumbs)
    }

    /// A thumbnail: its pixels (kept for the contact sheet) and its PNG.
    struct Thumbnail: Sendable {
        var image: PixelImage
        var png: [UInt8]
    }

    /// A thumbnail of a PNG file's picture.
    static func thumbnail(_ png: [UInt8], longestSide: Int) throws -> Thumbnail {
        try thumbnail(try PNGCodec.decode(png), longestSide: longestSide)
    }

    /// A thumbnail of `part` of `image` (all of it by default): longest side
    /// at most `longestSide`, area-averaged, alpha kept, encoded by
    /// `PNGCodec.encodeFast` (`photoLike`: what the split found of the part).
    static func thumbnail(_ image: PixelImage, part: PixelRect? = nil, longestSide: Int,
                          photoLike: Bool? = nil) throws -> Thumbnail {
        let small = image.downscaled(toFit: longestSide, in: part ?? image.bounds)
        return Thumbnail(image: small, png: try PNGCodec.encodeFast(small, photoLike: photoLike))
    }
}
