import AvatarDomain
import AvatarImaging
import AvatarTask

/// Draws a procedural avatar: a recognisable, varied face, deterministic per
/// persona. Everything is built from anti-aliased ellipse fills (see
/// `Canvas`), drawn back to front. Pure CPU work: call it off the cooperative
/// pool.
public struct AvatarRenderer: Sendable {
    public init() {}

    /// The seed of a persona's pictures: FNV-1a of "taskID|index|First Last",
    /// stable across processes (unlike Swift's `Hasher`).
    public static func seed(taskID: String, index: Int, persona: Persona) -> UInt64 {
        SeededRandom.fnv1a("\(taskID)|\(index)|\(persona.firstname) \(persona.lastname)")
    }

    /// The base selfie of `persona`, `size` pixels, RGB.
    public func base(persona: Persona, seed: UInt64, size: ImageSize) -> PixelImage {
        var random = SeededRandom(seed: seed)
        let look = AvatarLook(persona: persona, random: &random)
        let pose = AvatarPose.base(&random)
        var canvas = Canvas(width: size.width, height: size.height)
        draw(look, pose, on: &canvas, in: canvas.clip)
        return canvas.image
    }

    /// A 2x2 grid, `size` pixels, of four variations of `persona`, separated
    /// by near-white gutters of uneven width that need not sit at the middle.
    public func grid(persona: Persona, seed: UInt64, size: ImageSize) -> PixelImage {
        var random = SeededRandom(seed: seed)
        let look = AvatarLook(persona: persona, random: &random)
        _ = AvatarPose.base(&random)
        var layoutRandom = SeededRandom(seed: seed ^ 0x6772_6964) // "grid"
        let layout = GridLayout(size: size, random: &layoutRandom)
        var canvas = Canvas(width: size.width, height: size.height)
        layout.drawGutters(on: &canvas, random: &layoutRandom)
        for (cell, rect) in layout.cells.enumerated() {
            let pose = AvatarPose.variation(cell, &layoutRandom)
            canvas.clip = rect
            draw(look, pose, on: &canvas, in: rect)
        }
        return canvas.image
    }

    /// Draws one portrait filling `rect`.
    func draw(_ look: AvatarLook, _ pose: AvatarPose, on canvas: inout Canvas, in rect: PixelRect) {
        canvas.clip = rect
        let w = Float(rect.width), h = Float(rect.height)
        let s = min(w, h)
        let face = FaceFrame(hx: Float(rect.x) + w / 2 + pose.dx * s,
                             hy: Float(rect.y) + h * 0.43 + pose.dy * s,
                             unit: look.headScale * s, tilt: pose.tilt)
        drawBackground(look, pose, &canvas, rect, s)
        drawBackHair(look, face, &canvas)
        drawBody(look, pose, face, &canvas, rect, s)
        drawHead(look, face, &canvas)
        drawFrontHair(look, face, &canvas)
        drawEyes(look, pose, face, &canvas)
        drawNose(look, face, &canvas)
        drawBeard(look, face, &canvas)
        drawMouth(look, pose, face, &canvas)
        drawGlasses(look, face, &canvas)
    }
}
