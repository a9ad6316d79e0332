/// What the split found in a grid: the cuts, the four cells between them,
/// the colours the trim may remove and the four trimmed parts. Order of
/// cells and parts: top-left, top-right, bottom-left, bottom-right.
public struct GridLayout: Sendable, Equatable {
    /// Which cut spans the whole image.
    public enum Order: String, Sendable {
        /// One horizontal cut across the grid, then a vertical cut in the top
        /// band and one in the bottom band.
        case rowsFirst
        /// One vertical cut, then a horizontal cut in each column band.
        case columnsFirst
    }

    public var order: Order
    /// The cut spanning the image, then the cut of the first and of the second band.
    public var cuts: [GridCut]
    /// The cells between the cuts, untrimmed.
    public var cells: [PixelRect]
    /// The colours of the gutters and of the grid's outer margin: what the
    /// trim removes from a cell's edges. Empty when there are none (cells
    /// touching, no margin): then nothing is trimmed.
    public var borderColours: [PixelColour]
    /// The cells, trimmed.
    public var parts: [PixelRect]
}

extension GridLayout {
    /// Builds the cells from a main cut and the two band cuts.
    init(order: Order, main: GridCut, first: GridCut, second: GridCut, size: (width: Int, height: Int),
         borderColours: [PixelColour]) {
        let (w, h) = size
        func span(_ c: GridCut, _ end: Int) -> (Range<Int>, Range<Int>) {
            (0..<c.range.lowerBound, c.range.upperBound..<end)
        }
        func rect(_ xs: Range<Int>, _ ys: Range<Int>) -> PixelRect {
            PixelRect(x: xs.lowerBound, y: ys.lowerBound, width: xs.count, height: ys.count)
        }
        switch order {
        case .rowsFirst:
            let (top, bottom) = span(main, h)
            let (tl, tr) = span(first, w), (bl, br) = span(second, w)
            cells = [rect(tl, top), rect(tr, top), rect(bl, bottom), rect(br, bottom)]
        case .columnsFirst:
            let (left, right) = span(main, w)
            let (lt, lb) = span(first, h), (rt, rb) = span(second, h)
            cells = [rect(left, lt), rect(right, rt), rect(left, lb), rect(right, rb)]
        }
        self.order = order
        cuts = [main, first, second]
        self.borderColours = borderColours
        parts = cells
    }

    /// How much the cuts say: a gutter 2, a seam 1, the middle 0.
    var evidence: Int {
        cuts.reduce(0) { $0 + ($1.kind == .gutter ? 2 : $1.kind == .seam ? 1 : 0) }
    }

    /// Whether gutters were found in both directions (a real grid's gutters
    /// cross; a flat run in one direction only is a shared backdrop).
    var hasGuttersBothWays: Bool {
        cuts[0].kind == .gutter && (cuts[1].kind == .gutter || cuts[2].kind == .gutter)
    }

    /// Lines for people and logs: the cuts, the colours trimmed, then each
    /// cell and its part ("cell 0 494x495+0+0 -> part 459x460+35+35").
    public var summary: [String] {
        let rows = order == .rowsFirst
        let bands = rows ? ["top band", "bottom band"] : ["left band", "right band"]
        func say(_ cut: GridCut, horizontal: Bool) -> String {
            let lines = horizontal ? "rows" : "columns"
            let r = cut.range
            switch cut.kind {
            case .gutter: return "\(horizontal ? "horizontal" : "vertical") gutter, \(lines) \(r.lowerBound)-\(r.upperBound - 1), \(cut.colour.map { "\($0)" } ?? "")"
            case .seam: return "\(horizontal ? "horizontal" : "vertical") seam before \(lines.dropLast()) \(r.lowerBound)"
            case .middle: return "no gutter or seam: \(horizontal ? "horizontal" : "vertical") cut at the middle, \(lines.dropLast()) \(r.lowerBound)"
            }
        }
        var lines = ["whole grid: " + say(cuts[0], horizontal: rows),
                     "\(bands[0]): " + say(cuts[1], horizontal: !rows),
                     "\(bands[1]): " + say(cuts[2], horizontal: !rows),
                     "trimmed: " + (borderColours.isEmpty ? "nothing (no gutter or margin colour)"
                                    : "lines of " + borderColours.map(\.description).joined(separator: ", "))]
        for (n, (cell, part)) in zip(cells, parts).enumerated() { lines.append("cell \(n) \(cell) -> part \(part)") }
        return lines
    }
}
