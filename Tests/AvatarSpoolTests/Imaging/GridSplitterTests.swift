import AvatarSystem
import Foundation
import Testing
@testable import AvatarImaging

@Suite struct ImagingBorderTrimTests {
    @Test("a uniform border of known widths is trimmed exactly")
    func knownBorder() {
        var image = PixelImage(width: 100, height: 80, fill: (250, 250, 250))
        let inner = PixelRect(x: 7, y: 3, width: 60, height: 50) // left 7, top 3, right 33, bottom 27
        ImagingSupport.paintContent(&image, inner)
        #expect(BorderTrim.trimmedRect(of: image, within: image.bounds) == inner)
    }

    @Test("border pixels within the tolerance are trimmed, those beyond it are kept")
    func tolerance() {
        var image = PixelImage(width: 50, height: 50, fill: (100, 100, 100))
        let inner = PixelRect(x: 10, y: 10, width: 30, height: 30)
        ImagingSupport.paintContent(&image, inner)
        // A faint line at x = 5 (9 away from the corner) and one at y = 45 (11 away).
        for y in 10..<46 { image.pixels[image.offset(x: 5, y: y)] = 109 }
        for x in 10..<40 { image.pixels[image.offset(x: x, y: 45) + 2] = 89 }
        let rect = BorderTrim.trimmedRect(of: image, within: image.bounds, tolerance: 10)
        #expect(rect == PixelRect(x: 10, y: 10, width: 30, height: 36))
        let strict = BorderTrim.trimmedRect(of: image, within: image.bounds, tolerance: 5)
        #expect(strict == PixelRect(x: 5, y: 10, width: 35, height: 36))
    }

    @Test("an image that is all border is kept whole, never emptied")
    func allBorder() {
        let image = PixelImage(width: 40, height: 30, fill: (12, 200, 40))
        #expect(BorderTrim.trimmedRect(of: image, within: image.bounds) == image.bounds)
        let sub = PixelRect(x: 5, y: 5, width: 10, height: 10)
        #expect(BorderTrim.trimmedRect(of: image, within: sub) == sub)
    }

    @Test("trimming works inside a sub-rectangle, relative to its own corner")
    func subRect() {
        var image = PixelImage(width: 100, height: 100, fill: (0, 0, 0))
        ImagingSupport.paintContent(&image, PixelRect(x: 0, y: 0, width: 100, height: 100))
        let cell = PixelRect(x: 50, y: 50, width: 40, height: 40)
        for y in 50..<90 { for x in 50..<90 { image.pixels.replaceSubrange(image.offset(x: x, y: y)..<image.offset(x: x, y: y) + 3, with: [240, 240, 240]) } }
        ImagingSupport.paintContent(&image, PixelRect(x: 60, y: 55, width: 20, height: 30))
        #expect(BorderTrim.trimmedRect(of: image, within: cell) == PixelRect(x: 60, y: 55, width: 20, height: 30))
    }
}

@Suite struct ImagingGridSplitterTests {
    /// A 400x300 grid: a vertical gutter 23 px wide at x 180 in the top band
    /// and 11 px at x 190 in the bottom band, a horizontal gutter 31 px at y 160,
    /// all near-white with noise.
    static func syntheticGrid() -> (PixelImage, [PixelRect]) {
        var image = PixelImage(width: 400, height: 300, fill: (248, 248, 248))
        for i in stride(from: 0, to: image.pixels.count, by: 3) { image.pixels[i] = UInt8(243 + i % 11) }
        let cells = [
            PixelRect(x: 0, y: 0, width: 180, height: 160),
            PixelRect(x: 203, y: 0, width: 197, height: 160),
            PixelRect(x: 0, y: 191, width: 190, height: 109),
            PixelRect(x: 201, y: 191, width: 199, height: 109),
        ]
        for (n, cell) in cells.enumerated() { ImagingSupport.paintContent(&image, cell, seed: n) }
        return (image, cells)
    }

    @Test("uneven, off-centre gutters are found and the four cells come out exactly")
    func unevenGutters() throws {
        let (image, cells) = ImagingGridSplitterTests.syntheticGrid()
        let layout = try GridSplitter.layout(of: image)
        #expect(layout.cuts[0].kind == .gutter && layout.cuts[0].range == 160..<191)
        #expect(layout.cells == cells)
        #expect(layout.parts == cells)
    }

    @Test("a gutter wider on one side is trimmed from the cell's edge too")
    func unevenHorizontalGutter() throws {
        var (image, cells) = ImagingGridSplitterTests.syntheticGrid()
        // Make the top-left cell end 9 rows higher: its gutter is wider there.
        for y in 151..<160 { for x in 0..<180 { image.pixels.replaceSubrange(image.offset(x: x, y: y)..<image.offset(x: x, y: y) + 3, with: [247, 249, 246]) } }
        cells[0].height = 151
        let layout = try GridSplitter.layout(of: image)
        #expect(layout.parts == cells, "\(layout.summary)")
    }

    @Test("four alike cells with no gutter and no seam are split at exact halves")
    func noGutter() throws {
        // One smooth picture repeated in each quarter: nothing jumps at the joins.
        var image = PixelImage(width: 102, height: 80, fill: (0, 0, 0))
        for y in 0..<80 {
            for x in 0..<102 {
                let u = x % 51, v = y % 40
                let o = image.offset(x: x, y: y)
                image.pixels[o] = UInt8(60 + abs(u - 25) * 2)
                image.pixels[o + 1] = UInt8(60 + abs(v - 20) * 3)
                image.pixels[o + 2] = UInt8(90 + (u + v) % 7)
            }
        }
        let layout = try GridSplitter.layout(of: image)
        #expect(layout.cuts.allSatisfy { $0.kind == .middle })
        #expect(layout.parts == [
            PixelRect(x: 0, y: 0, width: 51, height: 40), PixelRect(x: 51, y: 0, width: 51, height: 40),
            PixelRect(x: 0, y: 40, width: 51, height: 40), PixelRect(x: 51, y: 40, width: 51, height: 40),
        ])
    }

    @Test("the trim judges each edge by its own colour: a dark corner does not stop a white margin being cut")
    func perEdgeColour() throws {
        // A dark top-left corner (what a rotated photo leaves), content, and a
        // white band on the right and bottom: the bottom-right part.
        var image = PixelImage(width: 120, height: 100, fill: (248, 248, 248))
        let cell = PixelRect(x: 0, y: 0, width: 85, height: 65)
        ImagingSupport.paintContent(&image, cell)
        for y in 0..<12 { for x in 0..<(12 - y) { image.pixels.replaceSubrange(image.offset(x: x, y: y)..<image.offset(x: x, y: y) + 3, with: [15, 15, 18]) } }
        #expect(BorderTrim.trimmedRect(of: image, within: image.bounds) == cell)
        // Restricted to other colours, nothing is cut.
        #expect(BorderTrim.trimmedRect(of: image, within: image.bounds, only: [PixelColour(r: 0, g: 0, b: 0)]) == image.bounds)
    }

    @Test("images too small to hold four cells are refused as not a grid, not encoded empty")
    func tooSmall() {
        for side in [1, 2, 15] {
            let error = #expect(throws: ImagingError.self) {
                try GridSplitter.layout(of: PixelImage(width: side, height: side, fill: (10, 200, 30)))
            }
            #expect(error?.code == .notAGrid)
            #expect(error?.message.contains("\(side)x\(side) image is too small") == true)
        }
    }

    @Test("splitFile writes image_0…image_3 with the trimmed cells")
    func splitFile() async throws {
        let (image, cells) = ImagingGridSplitterTests.syntheticGrid()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imaging-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gridPath = dir + "/grid.png"
        try Data(PNGCodec.encode(image)).write(to: URL(fileURLWithPath: gridPath))
        // splitFile blocks: off the cooperative pool.
        let paths = try await BlockingPool.shared.run {
            try GridSplitter.splitFile(gridPath: gridPath, outputDirectory: dir, tolerance: 10).paths
        }
        #expect(paths == (0..<4).map { dir + "/image_\($0).png" })
        for (path, cell) in zip(paths, cells) {
            let piece = try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(piece == image.cropped(to: cell))
        }
        await #expect(throws: ImagingError.self) {
            try await BlockingPool.shared.run {
                _ = try GridSplitter.splitFile(gridPath: dir + "/missing.png", outputDirectory: dir, tolerance: 10)
            }
        }
    }
}
