/// `split --debug-boxes`: the grid with what the split found drawn on it, so
/// a person can see why a part came out as it did. Cells (before the trim)
/// in blue, trimmed parts in red, cuts that are seams or the middle (no
/// gutter found) as dashed yellow lines; gutters stay as they are.
public enum GridDebugImage {
    static let cellColour: [UInt8] = [40, 110, 255]
    static let partColour: [UInt8] = [255, 30, 30]
    static let cutColour: [UInt8] = [255, 220, 0]

    public static func draw(_ grid: PixelImage, _ layout: GridLayout) -> PixelImage {
        var image = grid
        let thickness = max(2, min(grid.width, grid.height) / 400)
        for cell in layout.cells { outline(&image, cell, thickness, cellColour) }
        for part in layout.parts { outline(&image, part, thickness, partColour) }
        // Where a cut is not a gutter, show where it fell.
        for (n, cut) in layout.cuts.enumerated() where cut.kind != .gutter {
            let horizontal = (layout.order == .rowsFirst) == (n == 0)
            let span = bandSpan(layout, n)
            for i in span where (i / 8) % 2 == 0 {
                for t in 0..<thickness {
                    let at = cut.range.lowerBound - thickness / 2 + t
                    horizontal ? paint(&image, i, at, cutColour) : paint(&image, at, i, cutColour)
                }
            }
        }
        return image
    }

    /// The coordinates along cut `n`: the whole image for the main cut, its band for the others.
    static func bandSpan(_ layout: GridLayout, _ n: Int) -> Range<Int> {
        let c = layout.cells
        switch (layout.order, n) {
        case (.rowsFirst, 0): return 0..<c[1].maxX
        case (.columnsFirst, 0): return 0..<c[2].maxY
        case (.rowsFirst, 1): return c[0].y..<c[0].maxY
        case (.rowsFirst, _): return c[2].y..<c[2].maxY
        case (.columnsFirst, 1): return c[0].x..<c[0].maxX
        case (.columnsFirst, _): return c[1].x..<c[1].maxX
        }
    }

    static func outline(_ image: inout PixelImage, _ r: PixelRect, _ t: Int, _ colour: [UInt8]) {
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX where x < r.x + t || x >= r.maxX - t || y < r.y + t || y >= r.maxY - t {
                paint(&image, x, y, colour)
            }
        }
    }

    static func paint(_ image: inout PixelImage, _ x: Int, _ y: Int, _ colour: [UInt8]) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let o = image.offset(x: x, y: y)
        image.pixels[o] = colour[0]
        image.pixels[o + 1] = colour[1]
        image.pixels[o + 2] = colour[2]
        if image.channels == 4 { image.pixels[o + 3] = 255 }
    }
}
