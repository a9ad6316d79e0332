import ArgumentParser
import AvatarImaging
import AvatarSystem

struct SplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a 2x2 grid PNG into image_0.png … image_3.png and trim their borders.",
        discussion: """
            Finds the cells whatever the grid looks like: gutters of any colour (white, grey, black, coloured, transparent), thin, thick, uneven or off-centre; cells touching (split at the seam, or at the middle); rotated cells. Each part is then trimmed edge by edge: lines of a gutter's or the outer margin's colour (within --tolerance per channel) are removed, a cell's own background of another colour is kept. A picture that is not a grid (one portrait filling the image) is refused. Order: top-left, top-right, bottom-left, bottom-right.

            Example:
              avatar-spool split grid.png out/ --debug-boxes out/boxes.png
            """)

    @Argument(help: "The grid PNG.")
    var grid: String

    @Argument(help: "The output folder (created if missing).")
    var outdir: String

    @Option(help: "Border tolerance per channel, 0-255.")
    var tolerance: Int = BorderTrim.defaultTolerance

    @Option(name: .customLong("debug-boxes"),
            help: ArgumentHelp("Also write the grid with the cells (blue) and trimmed parts (red) drawn on it.",
                               valueName: "OUT.png"))
    var debugBoxes: String?

    func validate() throws {
        guard (0...255).contains(tolerance) else { throw ValidationError("--tolerance must be 0…255") }
    }

    func run() async throws {
        do {
            // A pool of its own: one thread for the split, plus its helpers
            // for the encodes (the shared pool starts sixteen, each one more
            // thread to schedule on a busy machine). Never the cooperative pool.
            let helpers = GridSplitter.defaultHelpers
            let pool = BlockingPool(name: "split", threads: 1 + helpers)
            defer { pool.shutdown() }
            let (grid, outdir, tolerance, debugBoxes) = (grid, outdir, tolerance, debugBoxes)
            let (files, layout) = try await pool.run {
                try GridSplitter.splitFile(gridPath: grid, outputDirectory: outdir, tolerance: tolerance,
                                           debugBoxesPath: debugBoxes, pool: pool, helpers: helpers)
            }
            for (file, part) in zip(files, layout.parts) { print("\(file)  \(part.width)x\(part.height)+\(part.x)+\(part.y)") }
            if let debugBoxes {
                layout.summary.forEach { print("  " + $0) }
                print("\(debugBoxes)  cells in blue, trimmed parts in red")
            }
        } catch let error as ImagingError {
            printError("error: \(error.context == nil ? grid + ": " : "")\(error)")
            throw ExitCode(1)
        }
    }
}
