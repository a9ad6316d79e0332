/// Statistics of every row, or every column, of a rectangle: what the search
/// for gutters and seams reads. One pass over the pixels, row by row, for
/// the means and spreads; a second only over lines whose spread allows them
/// to be flat (few, in a photo); seams on demand.
struct LineProfile {
    enum Axis: Sendable {
        /// One line per row (a horizontal gutter is a run of rows).
        case rows
        /// One line per column.
        case columns
    }

    let image: PixelImage
    let rect: PixelRect
    let axis: Axis
    /// The first line's coordinate (y for rows, x for columns).
    let start: Int
    /// The mean colour of each line.
    var means: [PixelColour]
    /// Whether each line is flat: at least `flatShare` of its pixels within
    /// `flatTolerance` of its mean.
    var flat: [Bool]

    /// Per-channel distance from a line's mean still counted as flat.
    static let flatTolerance = 12
    /// Share of a line's pixels that must be near its mean.
    static let flatShare = 0.99
    /// Per-channel jump between neighbouring pixels counted as a seam.
    static let seamDifference = 24

    var count: Int { means.count }
    /// Pixels per line.
    var length: Int { axis == .rows ? rect.width : rect.height }

    init(_ image: PixelImage, _ r: PixelRect, _ axis: Axis) {
        self.image = image
        rect = r
        self.axis = axis
        let n = axis == .rows ? r.height : r.width
        let length = axis == .rows ? r.width : r.height
        start = axis == .rows ? r.y : r.x
        // Means and spreads from every other pixel along lines of 512 or
        // more: enough to judge them, half the work; flatness is then
        // checked on every pixel of the few lines that may be flat.
        let step = length >= 512 ? 2 : 1
        let samples = (length + step - 1) / step
        var sums = [Int](repeating: 0, count: n * 4)
        var squares = [Int](repeating: 0, count: n)
        let ch = image.channels, width = image.width
        image.pixels.withUnsafeBufferPointer { px in
            sums.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    switch axis {
                    case .rows:
                        for y in r.y..<r.maxY {
                            var o = (y * width + r.x) * ch
                            var t = (0, 0, 0, 0), sq = 0
                            for _ in 0..<samples {
                                let (cr, cg, cb, ca) = LineProfile.premultiplied(px, o, ch)
                                t = (t.0 &+ cr, t.1 &+ cg, t.2 &+ cb, t.3 &+ ca)
                                sq &+= cr &* cr &+ cg &* cg &+ cb &* cb &+ ca &* ca
                                o &+= ch &* step
                            }
                            let line = y - r.y
                            (s[line * 4], s[line * 4 + 1], s[line * 4 + 2], s[line * 4 + 3]) = t
                            q[line] = sq
                        }
                    case .columns:
                        for y in stride(from: r.y, to: r.maxY, by: step) {
                            var o = (y * width + r.x) * ch
                            var k = 0
                            for line in 0..<r.width {
                                let (cr, cg, cb, ca) = LineProfile.premultiplied(px, o, ch)
                                s[k] &+= cr
                                s[k &+ 1] &+= cg
                                s[k &+ 2] &+= cb
                                s[k &+ 3] &+= ca
                                q[line] &+= cr &* cr &+ cg &* cg &+ cb &* cb &+ ca &* ca
                                o &+= ch
                                k &+= 4
                            }
                        }
                    }
                }
            }
        }
        let len = max(1, samples)
        var means = [PixelColour](repeating: PixelColour(r: 0, g: 0, b: 0), count: n)
        // A flat line's channels each vary at most by the tolerance, except
        // for the 1 % of outliers allowed: a bound on the summed variance
        // that rules out most lines of a photo without a second look.
        let tol = LineProfile.flatTolerance
        let outliers = 1 - LineProfile.flatShare
        let maxVariance = 4 * (Double(tol * tol) + outliers * 255 * 255)
        var candidates: [Int] = []
        for i in 0..<n {
            let m = PixelColour(r: sums[i * 4] / len, g: sums[i * 4 + 1] / len, b: sums[i * 4 + 2] / len,
                                a: sums[i * 4 + 3] / len)
            means[i] = m
            let meanSquares = Double(sums[i * 4] * sums[i * 4] + sums[i * 4 + 1] * sums[i * 4 + 1]
                                     + sums[i * 4 + 2] * sums[i * 4 + 2] + sums[i * 4 + 3] * sums[i * 4 + 3])
                / Double(len * len)
            if Double(squares[i]) / Double(len) - meanSquares <= maxVariance { candidates.append(i) }
        }
        self.means = means
        var flat = [Bool](repeating: false, count: n)
        let allowedMisses = length - Int((Double(length) * LineProfile.flatShare).rounded(.up))
        image.pixels.withUnsafeBufferPointer { px in
            // Every pixel of the line, stopping at the first miss too many.
            for line in candidates where length > 0 {
                let mean = means[line]
                var o = axis == .rows ? ((r.y + line) * width + r.x) * ch : (r.y * width + r.x + line) * ch
                let advance = axis == .rows ? ch : width * ch
                var misses = 0
                for _ in 0..<length {
                    if PixelImage.colour(px, o, ch).distance(to: mean) > tol {
                        misses += 1
                        if misses > allowedMisses { break }
                    }
                    o += advance
                }
                flat[line] = misses <= allowedMisses
            }
        }
        self.flat = flat
    }

    /// The share of line `line`'s pixels (0-based) that differ by more than
    /// `seamDifference` from the pixel before them across the line (the
    /// previous row or column); 0 for the rectangle's first line.
    func seamShare(_ line: Int) -> Double {
        guard line > 0, line < count, length > 0 else { return 0 }
        let ch = image.channels
        let back = axis == .rows ? image.width * ch : ch
        var jumps = 0
        image.pixels.withUnsafeBufferPointer { px in
            for k in 0..<length {
                let (x, y) = axis == .rows ? (rect.x + k, start + line) : (start + line, rect.y + k)
                let o = image.offset(x: x, y: y)
                if PixelImage.colour(px, o, ch).distance(to: PixelImage.colour(px, o - back, ch)) > LineProfile.seamDifference {
                    jumps += 1
                }
            }
        }
        return Double(jumps) / Double(length)
    }

    /// Premultiplied channels at byte offset `o` (alpha 255 for RGB).
    @inline(__always)
    static func premultiplied(_ px: UnsafeBufferPointer<UInt8>, _ o: Int, _ ch: Int) -> (Int, Int, Int, Int) {
        let r = Int(px[o]), g = Int(px[o &+ 1]), b = Int(px[o &+ 2])
        if ch == 3 { return (r, g, b, 255) }
        let a = Int(px[o &+ 3])
        if a == 255 { return (r, g, b, 255) }
        return ((r * a + 127) / 255, (g * a + 127) / 255, (b * a + 127) / 255, a)
    }
}
