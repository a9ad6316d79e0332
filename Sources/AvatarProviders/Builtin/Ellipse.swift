import Foundation

/// A filled, possibly rotated ellipse in canvas pixels, with what the fill
/// needs precomputed. Its edge is anti-aliased over `softness` pixels.
struct Ellipse: Sendable {
    let cx: Float
    let cy: Float
    let rx: Float
    let ry: Float
    let angle: Float
    let softness: Float
    let cosA: Float
    let sinA: Float

    init(cx: Float, cy: Float, rx: Float, ry: Float, angle: Float = 0, softness: Float = 1) {
        self.cx = cx
        self.cy = cy
        self.rx = max(0.25, rx)
        self.ry = max(0.25, ry)
        self.angle = angle
        self.softness = max(0.5, softness)
        self.cosA = Float(cos(Double(angle)))
        self.sinA = Float(sin(Double(angle)))
    }

    /// Coverage of the point (x, y), 0…1: 1 inside, 0 outside, a ramp of
    /// `softness` pixels across the edge (distance estimated from the gradient).
    @inline(__always)
    func coverage(_ x: Float, _ y: Float) -> Float {
        let c = cosA, s = sinA
        let dx = x - cx, dy = y - cy
        let u = dx * c + dy * s, v = dy * c - dx * s
        let a = u / (rx * rx), b = v / (ry * ry)
        let q = u * a + v * b
        let g = 2 * (a * a + b * b).squareRoot()
        let d = (q - 1) / max(g, 1e-6)
        return min(1, max(0, 0.5 - d / softness))
    }

    /// Half extents of the bounding box.
    var extent: (x: Float, y: Float) {
        let c = cosA, s = sinA
        let ex = ((rx * c) * (rx * c) + (ry * s) * (ry * s)).squareRoot()
        let ey = ((rx * s) * (rx * s) + (ry * c) * (ry * c)).squareRoot()
        return (ex, ey)
    }

    /// The x range where an ellipse like this one but with radii grown by
    /// `grow` crosses row `y`, or nil.
    func span(atY y: Float, grow: Float) -> (Float, Float)? {
        let rx = self.rx + grow, ry = self.ry + grow
        guard rx > 0, ry > 0 else { return nil }
        let c = cosA, s = sinA
        let dy = y - cy
        let a = c * c / (rx * rx) + s * s / (ry * ry)
        let b = 2 * dy * c * s * (1 / (rx * rx) - 1 / (ry * ry))
        let cc = dy * dy * (s * s / (rx * rx) + c * c / (ry * ry)) - 1
        let disc = b * b - 4 * a * cc
        guard disc >= 0 else { return nil }
        let root = disc.squareRoot()
        return (cx + (-b - root) / (2 * a), cx + (-b + root) / (2 * a))
    }
}
