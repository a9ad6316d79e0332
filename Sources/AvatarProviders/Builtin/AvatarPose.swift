/// What changes between pictures of the same persona: expression, a small
/// shift and tilt of the head, gaze, and a tint of the background.
struct AvatarPose: Sendable, Equatable {
    enum Expression: Sendable, CaseIterable {
        case smile, neutral, open, smirk
    }

    var expression: Expression
    /// Head offset, as a fraction of the picture's smaller side.
    var dx: Float
    var dy: Float
    /// Head tilt in radians.
    var tilt: Float
    /// Gaze offset in head units.
    var gaze: Float
    /// Background brightness factor.
    var tint: Float

    /// The base selfie's pose: straight, smiling or neutral.
    static func base(_ random: inout SeededRandom) -> AvatarPose {
        AvatarPose(expression: random.chance(0.6) ? .smile : .neutral, dx: 0, dy: 0, tilt: 0, gaze: 0, tint: 1)
    }

    /// A variation for grid cell `cell` (0…3); cells differ in expression.
    static func variation(_ cell: Int, _ random: inout SeededRandom) -> AvatarPose {
        let order: [Expression] = [.smile, .neutral, .open, .smirk]
        let start = random.int(0...3)
        return AvatarPose(expression: order[(start + cell) % 4],
                          dx: random.float(-0.05...0.05), dy: random.float(-0.04...0.04),
                          tilt: random.float(-0.12...0.12), gaze: random.float(-0.04...0.04),
                          tint: random.float(0.85...1.15))
    }
}
