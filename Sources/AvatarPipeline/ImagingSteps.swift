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
    /// top-right, bottom-left, bottom-right). A picture that is not a grid
    /// throws `ImagingError.notAGrid`, which fails the persona at this step.
    static func split(_ png: [UInt8], tolerance: Int) throws -> [[UInt8]] {
        try GridSplitter.splitPNG(png, tolerance: tolerance).pngs
    }
}
