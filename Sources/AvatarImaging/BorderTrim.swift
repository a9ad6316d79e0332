/// The trim geometry: which part of a rectangle is left once its
/// near-uniform border is cut away. Pure: reads pixels, returns a rectangle.
public enum BorderTrim {
    /// The default per-channel tolerance.
    public static let defaultTolerance = 10

    /// The rectangle left inside `rect` after trimming its border.
    ///
    /// A pixel is border while every colour channel is within `tolerance` of
    /// the pixel at `rect`'s top-left corner. Whole rows are cut from the top
    /// and bottom, then whole columns from the left and right, while they are
    /// entirely border. If everything is border, `rect` itself is returned, so
    /// the result is never empty.
    /// - Parameters:
    ///   - image: the pixels.
    ///   - rect: the part of `image` to trim (clamped to the image).
    ///   - tolerance: per-channel distance from the corner colour still counted as border.
    public static func trimmedRect(of image: PixelImage, within rect: PixelRect,
                                   tolerance: Int = defaultTolerance) -> PixelRect {
        let r = rect.clamped(to: image.bounds)
        guard !r.isEmpty else { return r }
        let ref = image.rgb(x: r.x, y: r.y)
        let tol = max(0, tolerance)
        let lo = (Int(ref.r) - tol, Int(ref.g) - tol, Int(ref.b) - tol)
        let hi = (Int(ref.r) + tol, Int(ref.g) + tol, Int(ref.b) + tol)
        let w = image.width, ch = image.channels

        return image.pixels.withUnsafeBufferPointer { px -> PixelRect in
            @inline(__always) func isBorder(_ x: Int, _ y: Int) -> Bool {
                let o = (y * w + x) * ch
                let r = Int(px[o]), g = Int(px[o + 1]), b = Int(px[o + 2])
                return r >= lo.0 && r <= hi.0 && g >= lo.1 && g <= hi.1 && b >= lo.2 && b <= hi.2
            }
            func rowIsBorder(_ y: Int, _ x0: Int, _ x1: Int) -> Bool {
                for x in x0..<x1 where !isBorder(x, y) { return false }
                return true
            }
            func columnIsBorder(_ x: Int, _ y0: Int, _ y1: Int) -> Bool {
                for y in y0..<y1 where !isBorder(x, y) { return false }
                return true
            }

            var top = r.y, bottom = r.maxY
            while top < bottom && rowIsBorder(top, r.x, r.maxX) { top += 1 }
            if top == bottom { return r }
            while bottom > top && rowIsBorder(bottom - 1, r.x, r.maxX) { bottom -= 1 }
            var left = r.x, right = r.maxX
            while left < right && columnIsBorder(left, top, bottom) { left += 1 }
            while right > left && columnIsBorder(right - 1, top, bottom) { right -= 1 }
            // A row with a non-border pixel stays, so left < right here.
            return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
        }
    }
}
