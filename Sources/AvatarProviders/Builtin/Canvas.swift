import AvatarImaging

/// An RGB drawing surface. Every fill is limited to `clip`, so a grid cell
/// can be drawn into its own part of a larger canvas. Fills work row by row:
/// the inside of a shape is copied as a span, and only pixels near an edge
/// (or inside a `within`/`minus` shape) compute a coverage.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]
    /// Fills never touch pixels outside this rectangle.
    var clip: PixelRect

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: width * height * 3)
        self.clip = PixelRect(x: 0, y: 0, width: width, height: height)
    }

    /// The canvas as an RGB image.
    var image: PixelImage { PixelImage(width: width, height: height, channels: 3, pixels: pixels) }

    /// A vertical gradient from `top` to `bottom` over the clip rectangle.
    mutating func fillVerticalGradient(top: Color, bottom: Color) {
        let c = clip
        guard !c.isEmpty else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { px in
            for y in c.y..<c.maxY {
                let t = Float(y - c.y) / Float(max(1, c.height - 1))
                let col = top.mixed(with: bottom, t)
                let r = UInt8(col.r.rounded()), g = UInt8(col.g.rounded()), b = UInt8(col.b.rounded())
                var o = (y * w + c.x) * 3
                for _ in c.x..<c.maxX {
                    px[o] = r
                    px[o + 1] = g
                    px[o + 2] = b
                    o += 3
                }
            }
        }
    }

    /// Fills a rectangle (fractional edges are blended), within `clip`.
    mutating func fillRect(x0: Float, y0: Float, x1: Float, y1: Float, _ color: Color, alpha: Float = 1) {
        let c = clip
        let ya = max(c.y, Int(y0.rounded(.down))), yb = min(c.maxY, Int(y1.rounded(.up)))
        let xa = max(c.x, Int(x0.rounded(.down))), xb = min(c.maxX, Int(x1.rounded(.up)))
        guard ya < yb, xa < xb else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { px in
            for y in ya..<yb {
                let fy = min(1, Float(y + 1) - y0) * min(1, y1 - Float(y))
                for x in xa..<xb {
                    let fx = min(1, Float(x + 1) - x0) * min(1, x1 - Float(x))
                    Self.blend(px, (y * w + x) * 3, color, alpha * max(0, fx) * max(0, fy))
                }
            }
        }
    }

    /// Fills `shape`, optionally only where it is also inside `within`, not
    /// inside `minus`, and between rows `yMin` and `yMax`.
    mutating func fill(_ shape: Ellipse, _ color: Color, alpha: Float = 1,
                       within: Ellipse? = nil, minus: Ellipse? = nil,
                       yMin: Float = -.infinity, yMax: Float = .infinity) {
        let c = clip
        let ext = shape.extent
        let pad = shape.softness + 1
        let ya = max(c.y, Int((max(yMin, shape.cy - ext.y - pad)).rounded(.down)))
        let yb = min(c.maxY, Int((min(yMax, shape.cy + ext.y + pad)).rounded(.up)))
        guard ya < yb else { return }
        let simple = within == nil && minus == nil
        let r = UInt8(min(255, max(0, color.r)).rounded())
        let g = UInt8(min(255, max(0, color.g)).rounded())
        let b = UInt8(min(255, max(0, color.b)).rounded())
        let w = width
        pixels.withUnsafeMutableBufferPointer { px in
            for y in ya..<yb {
                let fy = Float(y) + 0.5
                guard let outer = shape.span(atY: fy, grow: shape.softness) else { continue }
                let xa = max(c.x, Int(outer.0.rounded(.down)))
                let xb = min(c.maxX, Int(outer.1.rounded(.up)))
                guard xa < xb else { continue }
                var rowCover: Float = 1
                if fy < yMin + 0.5 { rowCover = max(0, fy - yMin + 0.5) }
                if fy > yMax - 0.5 { rowCover = min(rowCover, max(0, yMax - fy + 0.5)) }
                // Pixels in the inner span are fully covered: copy or blend without coverage.
                var ia = Int.max, ib = Int.min
                if simple, rowCover >= 1, let inner = shape.span(atY: fy, grow: -shape.softness) {
                    ia = max(xa, Int(inner.0.rounded(.up)))
                    ib = min(xb, Int(inner.1.rounded(.down)))
                }
                var x = xa
                while x < xb {
                    if x == ia && ia < ib {
                        var o = (y * w + x) * 3
                        if alpha >= 1 {
                            for _ in ia..<ib {
                                px[o] = r
                                px[o + 1] = g
                                px[o + 2] = b
                                o += 3
                            }
                        } else {
                            for _ in ia..<ib {
                                Self.blend(px, o, color, alpha)
                                o += 3
                            }
                        }
                        x = ib
                        continue
                    }
                    let fx = Float(x) + 0.5
                    var cov = shape.coverage(fx, fy) * rowCover
                    if cov > 0, let within { cov *= within.coverage(fx, fy) }
                    if cov > 0, let minus { cov *= 1 - minus.coverage(fx, fy) }
                    if cov > 0 { Self.blend(px, (y * w + x) * 3, color, cov * alpha) }
                    x += 1
                }
            }
        }
    }

    /// Blends `color` over the pixel at byte offset `o` with weight `a`.
    @inline(__always)
    static func blend(_ px: UnsafeMutableBufferPointer<UInt8>, _ o: Int, _ color: Color, _ a: Float) {
        if a <= 0 { return }
        if a >= 1 {
            px[o] = UInt8(min(255, max(0, color.r)).rounded())
            px[o + 1] = UInt8(min(255, max(0, color.g)).rounded())
            px[o + 2] = UInt8(min(255, max(0, color.b)).rounded())
            return
        }
        let r = Float(px[o]), g = Float(px[o + 1]), b = Float(px[o + 2])
        px[o] = UInt8(min(255, max(0, r + (color.r - r) * a)).rounded())
        px[o + 1] = UInt8(min(255, max(0, g + (color.g - g) * a)).rounded())
        px[o + 2] = UInt8(min(255, max(0, b + (color.b - b) * a)).rounded())
    }
}
