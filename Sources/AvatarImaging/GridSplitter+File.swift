import AvatarSystem

extension GridSplitter {
    /// Reads the grid PNG at `gridPath`, splits and trims it, and writes
    /// `image_0.png` … `image_3.png` (top-left, top-right, bottom-left,
    /// bottom-right) into `outputDirectory` with `AtomicFile`. Blocks: call it
    /// from a `BlockingPool`, not the cooperative pool.
    /// - Parameters:
    ///   - gridPath: the grid PNG.
    ///   - outputDirectory: an existing directory.
    ///   - tolerance: per-channel border tolerance for `BorderTrim`.
    ///   - compressionLevel: zlib level for the written PNGs.
    /// - Returns: the four paths written, in order.
    /// - Throws: `ImagingError` (`.io` when the grid cannot be read, or a
    ///   decode error), `SystemError` from writing.
    @discardableResult
    public static func splitFile(gridPath: String, outputDirectory: String,
                                 tolerance: Int = BorderTrim.defaultTolerance,
                                 compressionLevel: Int = 3) throws -> [String] {
        let bytes = try readFile(gridPath)
        let grid: PixelImage
        do {
            grid = try PNGCodec.decode(bytes)
        } catch var error as ImagingError {
            error.context = gridPath
            throw error
        }
        var paths: [String] = []
        for (n, cell) in split(grid, tolerance: tolerance).enumerated() {
            let png = try PNGCodec.encode(cell, compressionLevel: compressionLevel)
            let path = outputDirectory + "/image_\(n).png"
            try AtomicFile.write(png, toPath: path)
            paths.append(path)
        }
        return paths
    }

    /// The whole file at `path`, at most 64 MiB.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd: Int32
        do {
            fd = try Sys.open(path, O_RDONLY)
        } catch let error as SystemError {
            throw ImagingError(.io, "cannot open: \(error.message)", context: path)
        }
        defer { Sys.close(fd) }
        do {
            return try Sys.readAll(fd, limit: 64 << 20, path: path)
        } catch let error as SystemError {
            throw ImagingError(.io, "cannot read: \(error.message)", context: path)
        }
    }
}
