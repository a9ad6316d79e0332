import AvatarImaging
import AvatarTask

/// The imaging the pipeline does between remote calls.
enum ImagingSteps {
    /// Every image is checked before it is stored: it decodes, its size is
    /// the task's, it is not blank.
    static func validate(_ png: [UInt8], size: ImageSize) throws {
        _ = try ImageValidator.validate(png, expectedSize: size)
    }

    /// Step 5: the grid split into four, each trimmed, as PNGs (top-left,
    /// top-right, bottom-left, bottom-right).
    static func split(_ png: [UInt8], tolerance: Int) throws -> [[UInt8]] {
        let grid = try PNGCodec.decode(png)
        return try GridSplitter.split(grid, tolerance: tolerance).map { try PNGCodec.encode($0) }
    }

    /// A thumbnail: longest side at most `longestSide`, area-averaged, alpha kept.
    static func thumbnail(_ png: [UInt8], longestSide: Int) throws -> [UInt8] {
        try PNGCodec.encode(try PNGCodec.decode(png).downscaled(toFit: longestSide), compressionLevel: 6)
    }
}
