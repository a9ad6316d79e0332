import ArgumentParser
import AvatarImaging

struct SplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a 2x2 grid PNG into image_0.png … image_3.png and trim their borders.",
        discussion: """
            A pixel is border while every channel is within --tolerance of the corner pixel. Order: top-left, top-right, bottom-left, bottom-right.

            Example:
              avatar-spool split grid.png out/ --tolerance 12
            """)

    @Argument(help: "The grid PNG.")
    var grid: String

    @Argument(help: "The output folder (created if missing).")
    var outdir: String

    @Option(help: "Border tolerance per channel, 0-255.")
    var tolerance: Int = 10

    func validate() throws {
        guard (0...255).contains(tolerance) else { throw ValidationError("--tolerance must be 0…255") }
    }

    func run() async throws {
        do {
            let files = try GridSplitter.splitFile(gridPath: grid, outputDirectory: outdir, tolerance: tolerance)
            files.forEach { print($0) }
        } catch {
            printError("\(grid): \(error)")
            throw ExitCode(1)
        }
    }
}
