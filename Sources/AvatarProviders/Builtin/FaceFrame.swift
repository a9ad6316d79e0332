import Foundation

/// Head-relative coordinates: the head's centre is (0, 0), one unit is the
/// head's half-width, y grows downwards, and the whole frame is tilted.
/// Features are placed in these units so a pose can shift and tilt the head.
struct FaceFrame {
    let hx: Float
    let hy: Float
    let unit: Float
    let tilt: Float
    private let c: Float
    private let s: Float

    init(hx: Float, hy: Float, unit: Float, tilt: Float) {
        self.hx = hx
        self.hy = hy
        self.unit = unit
        self.tilt = tilt
        self.c = Float(cos(Double(tilt)))
        self.s = Float(sin(Double(tilt)))
    }

    /// The canvas point of head point (x, y).
    func point(_ x: Float, _ y: Float) -> (x: Float, y: Float) {
        (hx + unit * (x * c - y * s), hy + unit * (x * s + y * c))
    }

    /// An ellipse given in head units; `softness` in head units too (0 = one pixel).
    func ellipse(_ x: Float, _ y: Float, _ rx: Float, _ ry: Float,
                 angle: Float = 0, softness: Float = 0) -> Ellipse {
        let p = point(x, y)
        return Ellipse(cx: p.x, cy: p.y, rx: rx * unit, ry: ry * unit, angle: angle + tilt,
                       softness: max(1, softness * unit))
    }
}
