/// Statistics of every row, or every column, of a rectangle: what the search
/// for gutters and seams reads. Two passes over the pixels, row by row.
struct LineProfile {
    enum Axis: Sendable {
        /// One line per row (a horizontal gutter is a run of rows).
        case rows
        /// One line per column.
        case columns
    }

    /// The first line's coordinate (y for rows, x for columns).
    let start: Int
    /// The mean colour of each line.
    var means: [PixelColour]
    /// Whether each line is flat: at least `flatShare` of its pixels within
    /// `flatTolerance` of its mean.
    var flat: [Bool]
    /// The share of each line's pixels that differ by more than `seamDifference`
    /// from the pixel before them across the line (0 for the rectangle's first line).
    var seamShare: [Double]

    /// Per-channel distance from a line's mean still counted as flat.
    static let flatTolerance = 12
    /// Share of a line's pixels that must be near its mean.
    static let flatShare = 0.99
    /// Per-channel jump between neighbouring pixels counted as a seam.
    static let seamDifference = 24

    var count: Int { means.count }

    init(_ image: PixelImage, _ r: PixelRect, _ axis: Axis) {
        let n = axis == .rows ? r.height : r.width
        let length = axis == .rows ? r.width : r.height
        start = axis == .rows ? r.y : r.x
        var sums = [Int](repeating: 0, count: n * 4)
        var jumps = [Int](repeating: 0, count: n)
        var near = [Int](repeating: 0, count: n)
        var means = [PixelColour](repeating: PixelColour(r: 0, g: 0, b: 0), count: n)
        let ch = image.channels, rowBytes = image.width * image.channels
        let seam = LineProfile.seamDifference, tol = LineProfile.flatTolerance
        image.pixels.withUnsafeBufferPointer { px in
            // The neighbour across the line: the pixel above for rows, to the left for columns.
            let back = axis == .rows ? rowBytes : ch
            for y in r.y..<r.maxY {
                var o = image.offset(x: r.x, y: y)
                for x in r.x..<r.maxX {
                    let line = axis == .rows ? y - r.y : x - r.x
                    let c = PixelImage.colour(px, o, ch)
                    sums[line * 4] += c.r
                    sums[line * 4 + 1] += c.g
                    sums[line * 4 + 2] += c.b
                    sums[line * 4 + 3] += c.a
                    if line > 0 && c.distance(to: PixelImage.colour(px, o - back, ch)) > seam { jumps[line] += 1 }
                    o += ch
                }
            }
            let len = max(1, length)
            for i in 0..<n {
                means[i] = PixelColour(r: sums[i * 4] / len, g: sums[i * 4 + 1] / len,
                                       b: sums[i * 4 + 2] / len, a: sums[i * 4 + 3] / len)
            }
            for y in r.y..<r.maxY {
                var o = image.offset(x: r.x, y: y)
                for x in r.x..<r.maxX {
                    let line = axis == .rows ? y - r.y : x - r.x
                    if PixelImage.colour(px, o, ch).distance(to: means[line]) <= tol { near[line] += 1 }
                    o += ch
                }
            }
        }
        self.means = means
        let need = Int((Double(length) * LineProfile.flatShare).rounded(.up))
        flat = near.map { length > 0 && $0 >= need }
        seamShare = jumps.map { Double($0) / Double(max(1, length)) }
    }
}
