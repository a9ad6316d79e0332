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

    /// Step 5: the grid split into four, each trimmed, as PNGs (top-left,
    /// top-right, bottom-left, bottom-right).
    static func split(_ png: [UInt8], tolerance: Int) throws -> [[UInt8]] {
        let grid = try PNGCodec.decode(png)
        return try GridSplitter.split(grid, tolerance: tolerance).map { try PNGCodec.encode($0) }
    }
}
