/// Finds the near-white gutters an image model draws between the cells of a
/// 2x2 grid. Pure: reads pixels, returns ranges.
///
/// Gutters are of uneven width and need not sit at the middle, so the search
/// looks for runs of lines (rows or columns) that are near-white along their
/// whole length, in the central half of the image, and takes the run closest
/// to the centre.
public enum GridGutters {
    /// Smallest channel value of a near-white pixel.
    public static let minWhite = 215
    /// Largest spread between channels of a near-white pixel (keeps pale colours out).
    public static let maxSpread = 24
    /// Share of a line's pixels that must be near-white.
    public static let lineShare = 0.97

    /// Whether pixel (x, y) is near-white.
    @inline(__always)
    static func isNearWhite(_ px: UnsafeBufferPointer<UInt8>, _ o: Int) -> Bool {
        let r = Int(px[o]), g = Int(px[o + 1]), b = Int(px[o + 2])
        let lo = min(r, g, b), hi = max(r, g, b)
        return lo >= minWhite && hi - lo <= maxSpread
    }

    /// The gutter between the left and right cells inside `rect`: a run of
    /// columns, each near-white over `rect`'s full height; nil when none.
    public static func verticalGutter(in image: PixelImage, within rect: PixelRect) -> Range<Int>? {
        let r = rect.clamped(to: image.bounds)
        guard r.width >= 4, r.height >= 1 else { return nil }
        let lo = r.x + r.width / 4, hi = r.x + r.width * 3 / 4
        let need = Int((Double(r.height) * lineShare).rounded(.up))
        let flags: [Bool] = image.pixels.withUnsafeBufferPointer { px in
            (lo..<hi).map { x in
                var count = 0
                for y in r.y..<r.maxY where isNearWhite(px, image.offset(x: x, y: y)) { count += 1 }
                return count >= need
            }
        }
        return closestRun(flags, base: lo, centre: r.x + r.width / 2)
    }

    /// The gutter between the top and bottom cells inside `rect`: a run of
    /// rows, each near-white over `rect`'s full width; nil when none.
    public static func horizontalGutter(in image: PixelImage, within rect: PixelRect) -> Range<Int>? {
        let r = rect.clamped(to: image.bounds)
        guard r.height >= 4, r.width >= 1 else { return nil }
        let lo = r.y + r.height / 4, hi = r.y + r.height * 3 / 4
        let need = Int((Double(r.width) * lineShare).rounded(.up))
        let flags: [Bool] = image.pixels.withUnsafeBufferPointer { px in
            (lo..<hi).map { y in
                var count = 0
                for x in r.x..<r.maxX where isNearWhite(px, image.offset(x: x, y: y)) { count += 1 }
                return count >= need
            }
        }
        return closestRun(flags, base: lo, centre: r.y + r.height / 2)
    }

    /// The run of `true` flags (index + `base`) whose middle is nearest `centre`.
    static func closestRun(_ flags: [Bool], base: Int, centre: Int) -> Range<Int>? {
        var best: Range<Int>?
        var bestDistance = Int.max
        var start: Int?
        for i in 0...flags.count {
            let on = i < flags.count && flags[i]
            if on, start == nil { start = i }
            if !on, let s = start {
                let run = (base + s)..<(base + i)
                let distance = abs((run.lowerBound + run.upperBound) / 2 - centre)
                if distance < bestDistance {
                    best = run
                    bestDistance = distance
                }
                start = nil
            }
        }
        return best
    }
}
