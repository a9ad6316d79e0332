import AvatarSystem
import Foundation

/// A grid split into four PNGs, with what the split found.
public struct GridSplitResult: Sendable {
    public var layout: GridLayout
    /// `image_0.png` … `image_3.png`, in the layout's order.
    public var pngs: [[UInt8]]
}

extension GridSplitter {
    /// Helper threads for the encodes: one per further core, at most three.
    public static var defaultHelpers: Int { max(0, min(3, ProcessInfo.processInfo.activeProcessorCount - 1)) }

    /// The largest grid file read: far above any 4096x4096 PNG.
    public static let maxFileBytes = 256 << 20

    /// Splits a grid PNG held in memory, on the calling thread: one decode,
    /// the layout, four encodes one after the other. For callers already on
    /// a blocking thread (the pipeline's step 5, which splits several
    /// personas' grids at once).
    /// - Throws: `ImagingError` from decoding, `layout` (`.notAGrid`) or encoding.
    public static func splitPNG(_ png: [UInt8], tolerance: Int = BorderTrim.defaultTolerance) throws -> GridSplitResult {
        let grid = try PNGCodec.decode(png)
        let layout = try layout(of: grid, tolerance: tolerance)
        return GridSplitResult(layout: layout, pngs: try layout.parts.map { try PNGCodec.encode(grid, rect: $0, compression: .forPart(of: grid, $0)) })
    }

    /// Reads the grid PNG at `gridPath`, splits and trims it, and writes
    /// `image_0.png` … `image_3.png` (top-left, top-right, bottom-left,
    /// bottom-right) into `outputDirectory`, creating it if missing. One
    /// decode on this thread; the four encodes run on this thread and on
    /// helper threads of `pool` at once (`PartWriter`), each part staged
    /// under a temp name as soon as it is encoded; only when all four are
    /// staged are they renamed into place, so a failure leaves no part.
    /// Blocks: call it from a thread that may block (a command's main
    /// thread, a `BlockingPool` job), never from the cooperative pool.
    /// - Parameters:
    ///   - gridPath: the grid PNG.
    ///   - outputDirectory: where the parts go (created with its parents).
    ///   - tolerance: per-channel border tolerance for `BorderTrim`.
    ///   - debugBoxesPath: when given, a copy of the grid with the cells and
    ///     parts drawn on it (`GridDebugImage`) is written there.
    ///   - pool: where the helper threads come from.
    ///   - helpers: helper threads; by default one per further core, at most three.
    /// - Returns: the four paths written, in order, and the layout.
    /// - Throws: `ImagingError` whose context is the file concerned: `.io`
    ///   (open, read, mkdir, write), a decode error, `.notAGrid`.
    @discardableResult
    public static func splitFile(gridPath: String, outputDirectory: String,
                                 tolerance: Int = BorderTrim.defaultTolerance, debugBoxesPath: String? = nil,
                                 pool: BlockingPool = .shared,
                                 helpers: Int = defaultHelpers)
        throws -> (paths: [String], layout: GridLayout) {
        let grid: PixelImage, layout: GridLayout
        do {
            // The file's bytes are freed once decoded, before the encodes.
            grid = try PNGCodec.decode(try readFile(gridPath))
            layout = try GridSplitter.layout(of: grid, tolerance: tolerance)
        } catch var error as ImagingError {
            error.context = error.context ?? gridPath
            throw error
        }
        let output = try openOutputDirectory(outputDirectory)
        let dirfd = output.raw
        let names = (0..<layout.parts.count).map { "image_\($0).png" }
        let writer = PartWriter(grid: grid, parts: layout.parts, names: names, dirfd: dirfd, directory: outputDirectory)
        let staged = try writer.stageAll(pool: pool, helperCount: helpers)
        do {
            try AtomicFile.commit(staged, in: dirfd, dirPath: outputDirectory)
        } catch {
            throw ImagingError(.io, "cannot write the parts: \(error)", context: outputDirectory)
        }
        if let path = debugBoxesPath {
            let png = try PNGCodec.encode(GridDebugImage.draw(grid, layout))
            do {
                try AtomicFile.write(png, toPath: path)
            } catch {
                throw ImagingError(.io, "cannot write: \(error)", context: path)
            }
        }
        return (names.map { outputDirectory + "/" + $0 }, layout)
    }

    /// Creates `directory` (with parents) and opens it.
    static func openOutputDirectory(_ directory: String) throws -> OwnedFD {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ImagingError(.io, "cannot create the output folder: \((error as NSError).localizedDescription)",
                               context: directory)
        }
        do {
            return try Sys.openOwned(directory, O_RDONLY | O_DIRECTORY)
        } catch let error as SystemError {
            throw ImagingError(.io, "cannot open the output folder: \(error.message)", context: directory)
        }
    }

    /// The whole file at `path`, read into a buffer of its exact size, at most `maxFileBytes`.
    static func readFile(_ path: String) throws -> [UInt8] {
        let file: OwnedFD
        do {
            file = try Sys.openOwned(path, O_RDONLY)
        } catch let error as SystemError {
            throw ImagingError(.io, "cannot open: \(error.message)", context: path)
        }
        let fd = file.raw
        do {
            let info = try Sys.fstat(fd, path: path)
            guard info.st_mode & S_IFMT == S_IFREG else { throw ImagingError(.io, "not a regular file", context: path) }
            let size = Int(info.st_size)
            guard size <= maxFileBytes else {
                throw ImagingError(.io, "the file is \(size) bytes, more than the \(maxFileBytes) allowed", context: path)
            }
            return try [UInt8](unsafeUninitializedCapacity: size) { buf, count in
                count = try Sys.readFully(fd, into: UnsafeMutableRawBufferPointer(buf), path: path)
            }
        } catch let error as SystemError {
            throw ImagingError(.io, "cannot read: \(error.message)", context: path)
        }
    }
}
