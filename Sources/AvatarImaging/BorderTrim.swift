/// The trim geometry: which part of a rectangle is left once its border is
/// cut away. Pure: reads pixels, returns a rectangle.
public enum BorderTrim {
    /// The default per-channel tolerance.
    public static let defaultTolerance = 10
    /// Share of a line's pixels that must match for the line to be border
    /// (a few noisy pixels in a long gutter line do not stop the trim).
    static let lineShare = 0.995

    /// The rectangle left inside `rect` after trimming its border.
    ///
    /// Each edge is judged by its own border colour: the mean colour of its
    /// outermost line, when that line is border-like (at least `lineShare` of
    /// its pixels within `tolerance` of the mean per channel, alpha
    /// premultiplied). Lines are then cut from that edge while they match
    /// that colour the same way. The four edges take turns until none
    /// changes, so a margin cut on one side lets a gutter on the next be
    /// seen whole. If everything is border, `rect` itself is returned, so
    /// the result is never empty.
    /// - Parameters:
    ///   - image: the pixels.
    ///   - rect: the part of `image` to trim (clamped to the image).
    ///   - tolerance: per-channel distance still counted as border.
    ///   - only: when given, an edge is trimmed only if its colour is within
    ///     `tolerance` of one of these (the gutters' and margin's colours),
    ///     so a cell's own background of another colour stays.
    public static func trimmedRect(of image: PixelImage, within rect: PixelRect,
                                   tolerance: Int = defaultTolerance, only: [PixelColour]? = nil) -> PixelRect {
        let whole = rect.clamped(to: image.bounds)
        guard !whole.isEmpty else { return whole }
        if let only, only.isEmpty { return whole }
        let tol = max(0, tolerance)
        var r = whole
        var refs: [PixelColour?] = [nil, nil, nil, nil]

        return image.pixels.withUnsafeBufferPointer { px -> PixelRect in
            let ch = image.channels
            /// The outermost line of `edge` (0 top, 1 bottom, 2 left, 3 right).
            func line(_ edge: Int) -> PixelRect {
                switch edge {
                case 0: PixelRect(x: r.x, y: r.y, width: r.width, height: 1)
                case 1: PixelRect(x: r.x, y: r.maxY - 1, width: r.width, height: 1)
                case 2: PixelRect(x: r.x, y: r.y, width: 1, height: r.height)
                default: PixelRect(x: r.maxX - 1, y: r.y, width: 1, height: r.height)
                }
            }
            func mean(_ l: PixelRect) -> PixelColour {
                var s = (0, 0, 0, 0)
                for y in l.y..<l.maxY {
                    for x in l.x..<l.maxX {
                        let c = PixelImage.colour(px, image.offset(x: x, y: y), ch)
                        s = (s.0 + c.r, s.1 + c.g, s.2 + c.b, s.3 + c.a)
                    }
                }
                let n = max(1, l.width * l.height)
                return PixelColour(r: s.0 / n, g: s.1 / n, b: s.2 / n, a: s.3 / n)
            }
            func matches(_ l: PixelRect, _ ref: PixelColour) -> Bool {
                let n = l.width * l.height
                let allowedMisses = n - Int((Double(n) * lineShare).rounded(.up))
                var misses = 0
                for y in l.y..<l.maxY {
                    for x in l.x..<l.maxX
                    where PixelImage.colour(px, image.offset(x: x, y: y), ch).distance(to: ref) > tol {
                        misses += 1
                        if misses > allowedMisses { return false }
                    }
                }
                return true
            }
            /// Cuts the outermost line of `edge` if it is border; false otherwise.
            func cut(_ edge: Int) -> Bool {
                guard r.width > 0, r.height > 0 else { return false }
                let l = line(edge)
                let ref: PixelColour
                if let known = refs[edge] {
                    ref = known
                } else {
                    ref = mean(l)
                    if let only, !only.contains(where: { $0.distance(to: ref) <= tol }) { return false }
                }
                guard matches(l, ref) else { return false }
                refs[edge] = ref
                switch edge {
                case 0: r.y += 1; r.height -= 1
                case 1: r.height -= 1
                case 2: r.x += 1; r.width -= 1
                default: r.width -= 1
                }
                return true
            }

            var changed = true
            while changed {
                changed = false
                for edge in 0..<4 {
                    while cut(edge) { changed = true }
                }
            }
            return r.isEmpty ? whole : r
        }
    }
}
