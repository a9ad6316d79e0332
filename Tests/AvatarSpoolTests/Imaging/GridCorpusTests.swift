import AvatarSystem
import Foundation
import Testing
@testable import AvatarImaging

/// Issue 11: the synthetic grids of `Tests/imaging/grid_corpus.py` (gutters of
/// every kind, rotated and unequal cells, white backdrops, transparent
/// backgrounds, grey, palette, 16-bit and interlaced PNGs, sizes from 256 to
/// 3840, one picture that is not a grid), generated into a temporary folder
/// once per run, each split and compared with its expected cells.
@Suite("Imaging grid corpus", .serialized)
struct ImagingGridCorpusTests {
    struct Case: Decodable {
        let name: String
        let file: String
        let what: String
        let width: Int
        let height: Int
        let channels: Int
        let cells: [[Int]]?
        let not_a_grid: Bool?
    }

    /// The corpus folder and its cases, generated on first use.
    static let corpus: Result<(dir: String, cases: [Case]), Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grid-corpus-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = ProcessSupport.packageRoot + "/Tests/imaging/grid_corpus.py"
        let (status, output) = try ProcessSupport.runToEnd("/usr/bin/env", ["python3", script, "corpus", dir])
        guard status == 0 else { throw CorpusError(message: "grid_corpus.py failed (\(status)): \(output)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json"))
        struct File: Decodable { let cases: [Case] }
        return (dir, try JSONDecoder().decode(File.self, from: data).cases)
    }

    struct CorpusError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func load(_ c: Case, in dir: String) throws -> PixelImage {
        try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + c.file))))
    }

    @Test("the corpus has at least 24 grids and one picture that is not a grid")
    func size() throws {
        let (_, cases) = try Self.corpus.get()
        #expect(cases.filter { $0.cells != nil }.count >= 24)
        #expect(cases.contains { $0.not_a_grid == true })
    }

    @Test("every grid of the corpus splits into its expected cells, within 2 px, keeping alpha where it has some")
    func everyGrid() async throws {
        let (dir, cases) = try Self.corpus.get()
        for c in cases {
            guard let expected = c.cells else { continue }
            let result = try await BlockingPool.shared.run { () throws -> (PixelImage, GridLayout) in
                let image = try Self.load(c, in: dir)
                return (image, try GridSplitter.layout(of: image))
            }
            let (image, layout) = result
            #expect(image.width == c.width && image.height == c.height, "\(c.name)")
            #expect(image.channels == c.channels, "\(c.name): channels")
            let got = layout.parts.map { [$0.x, $0.y, $0.width, $0.height] }
            let close = got.count == 4 && zip(got, expected).allSatisfy { g, e in zip(g, e).allSatisfy { abs($0 - $1) <= 2 } }
            #expect(close, "\(c.name) (\(c.what)): expected \(expected), got \(got); \(layout.summary.joined(separator: "; "))")
            if c.channels == 4, let part = layout.parts.first {
                let back = try PNGCodec.decode(try PNGCodec.encode(image, rect: part))
                #expect(back.channels == 4 && back == image.cropped(to: part), "\(c.name): alpha kept")
            }
        }
    }

    @Test("one portrait filling the image is refused as not a 2x2 grid, not cut into four slivers")
    func notAGrid() throws {
        let (dir, cases) = try Self.corpus.get()
        for c in cases where c.not_a_grid == true {
            let image = try Self.load(c, in: dir)
            let error = #expect(throws: ImagingError.self) { try GridSplitter.layout(of: image) }
            #expect(error?.code == .notAGrid, "\(c.name)")
            #expect(error?.message.contains("not a 2x2 grid") == true, "\(c.name)")
        }
    }
}


