/// A colour with float channels in 0…255, for blending.
struct Color: Sendable, Equatable {
    var r: Float
    var g: Float
    var b: Float

    init(_ r: Float, _ g: Float, _ b: Float) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// The colour `t` of the way towards `other`.
    func mixed(with other: Color, _ t: Float) -> Color {
        Color(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t)
    }

    /// Scaled brightness (0.8 = 20 % darker), clamped.
    func scaled(_ k: Float) -> Color {
        Color(min(255, r * k), min(255, g * k), min(255, b * k))
    }

    static let white = Color(255, 255, 255)
    static let black = Color(0, 0, 0)
}
