/// One cut through a grid: the lines between two cells.
public struct GridCut: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A run of flat lines of one colour between the cells.
        case gutter
        /// No gutter, but a line where the picture jumps: cells touching.
        case seam
        /// Neither: the middle.
        case middle
    }

    public var kind: Kind
    /// The lines the cut removes (rows or columns); empty at a seam or the
    /// middle, where the cut lies just before `range.lowerBound`.
    public var range: Range<Int>
    /// The gutter's colour (gutters only).
    public var colour: PixelColour?

    public var description: String {
        switch kind {
        case .gutter: "gutter \(range.lowerBound)..<\(range.upperBound) \(colour.map { "\($0)" } ?? "")"
        case .seam: "seam at \(range.lowerBound)"
        case .middle: "middle at \(range.lowerBound)"
        }
    }
}

/// Finds where a rectangle of a grid divides in two. Pure: reads pixels,
/// returns a cut.
///
/// A gutter is a run of flat lines (rows or columns whose pixels all sit
/// near one colour) with picture on both sides: a run that reaches the edge
/// of the rectangle is a margin or a background, not a gutter. Its colour
/// does not matter (white, grey, black, coloured, transparent), but it must
/// have an edge: the line on one side of it at least (both, unless a cell
/// is shorter than its neighbour) differs from its colour over at least
/// half its length (a cell's edge), where a gap between two subjects on one
/// shared backdrop ends on a subject's side only here and there. A
/// transparent run is exempt: a transparent background is trimmed anyway. Without one,
/// a seam (a line where most pixels jump from the line before) is where
/// touching cells meet; without either, the middle.
public enum GridGutters {
    /// A cut's centre must lie within this share of the rectangle (from
    /// 20 % to 80 %), so cells may be of unequal size but not slivers.
    static let window = 0.2
    /// Neighbouring flat lines closer than this belong to one run.
    static let mergeTolerance = 8
    /// Share of a line's pixels that must jump for the line to be a seam.
    static let minSeamShare = 0.5

    /// The cut dividing `rect` of `image`: with `.rows`, into a top and a
    /// bottom part; with `.columns`, into a left and a right part.
    /// - Parameters:
    ///   - allowGutters: false looks for seams and the middle only.
    ///   - prefer: a colour (the grid's outer margin) that gutters of that
    ///     colour are preferred for.
    static func cut(in image: PixelImage, within rect: PixelRect, along axis: LineProfile.Axis,
                    allowGutters: Bool = true, prefer: PixelColour? = nil) -> GridCut {
        let p = LineProfile(image, rect.clamped(to: image.bounds), axis)
        let n = p.count
        let centre = p.start + n / 2
        let lo = p.start + Int(Double(n) * window), hi = p.start + Int(Double(n) * (1 - window))
        if allowGutters {
            let inWindow = runs(p).filter { run in
                let mid = (run.range.lowerBound + run.range.upperBound) / 2
                return run.range.lowerBound > p.start && run.range.upperBound < p.start + n && mid >= lo && mid <= hi
                    && (run.colour.a == 0 || max(edgeShare(image, rect, axis, run.range.lowerBound - 1, run.colour),
                                                 edgeShare(image, rect, axis, run.range.upperBound, run.colour)) >= minEdgeShare)
            }
            var candidates = inWindow
            if let prefer {
                let matching = inWindow.filter { $0.colour.distance(to: prefer) <= 2 * mergeTolerance }
                if !matching.isEmpty { candidates = matching }
            }
            let best = candidates.min { a, b in
                let da = abs((a.range.lowerBound + a.range.upperBound) / 2 - centre)
                let db = abs((b.range.lowerBound + b.range.upperBound) / 2 - centre)
                return da != db ? da < db : a.range.count > b.range.count
            }
            if let best { return GridCut(kind: .gutter, range: best.range, colour: best.colour) }
        }
        var seam: (line: Int, share: Double)?
        if hi > lo {
            for line in max(lo, p.start + 1)...hi where line < p.start + n {
                let share = p.seamShare(line - p.start)
                guard share >= minSeamShare else { continue }
                if let s = seam, share < s.share || (share == s.share && abs(line - centre) >= abs(s.line - centre)) {
                    continue
                }
                seam = (line, share)
            }
        }
        if let seam { return GridCut(kind: .seam, range: seam.line..<seam.line, colour: nil) }
        return GridCut(kind: .middle, range: centre..<centre, colour: nil)
    }

    /// Share of a line's pixels a gutter's neighbouring line must differ in.
    static let minEdgeShare = 0.5

    /// The share of line `at` (a row or column of `rect`) whose pixels differ
    /// from `colour` by more than `LineProfile.flatTolerance`.
    static func edgeShare(_ image: PixelImage, _ rect: PixelRect, _ axis: LineProfile.Axis, _ at: Int,
                          _ colour: PixelColour) -> Double {
        let line = axis == .rows ? PixelRect(x: rect.x, y: at, width: rect.width, height: 1)
                                 : PixelRect(x: at, y: rect.y, width: 1, height: rect.height)
        let n = line.width * line.height
        guard n > 0 else { return 0 }
        var differ = 0
        image.pixels.withUnsafeBufferPointer { px in
            for y in line.y..<line.maxY {
                for x in line.x..<line.maxX
                where PixelImage.colour(px, image.offset(x: x, y: y), image.channels).distance(to: colour) > LineProfile.flatTolerance {
                    differ += 1
                }
            }
        }
        return Double(differ) / Double(n)
    }

    /// Maximal runs of flat lines whose neighbours' colours are within
    /// `mergeTolerance`, with their average colour.
    static func runs(_ p: LineProfile) -> [(range: Range<Int>, colour: PixelColour)] {
        var out: [(range: Range<Int>, colour: PixelColour)] = []
        var start: Int?
        var sum = (0, 0, 0, 0)
        func close(_ end: Int) {
            guard let s = start else { return }
            let k = end - s
            out.append(((p.start + s)..<(p.start + end),
                        PixelColour(r: sum.0 / k, g: sum.1 / k, b: sum.2 / k, a: sum.3 / k)))
            start = nil
            sum = (0, 0, 0, 0)
        }
        for i in 0..<p.count {
            if !p.flat[i] {
                close(i)
                continue
            }
            if start != nil, p.means[i].distance(to: p.means[i - 1]) > mergeTolerance { close(i) }
            if start == nil { start = i }
            let m = p.means[i]
            sum = (sum.0 + m.r, sum.1 + m.g, sum.2 + m.b, sum.3 + m.a)
        }
        close(p.count)
        return out
    }
}
