import Foundation

extension AvatarRenderer {
    /// Hair that falls behind the head: long hair, a bob, an afro, a bun, a ponytail.
    func drawBackHair(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        let back = look.hair.scaled(0.8)
        switch look.hairStyle {
        case .long:
            canvas.fill(face.ellipse(0, -0.15, 1.22, 1.3), back)
            canvas.fill(face.ellipse(0, 0.9, 1.18, 1.25), back, yMax: face.hy + 2.3 * face.unit)
        case .bob:
            canvas.fill(face.ellipse(0, -0.1, 1.24, 1.3), back)
            canvas.fill(face.ellipse(0, 0.5, 1.2, 0.65), back)
        case .afro:
            canvas.fill(face.ellipse(0, -0.35, 1.55, 1.42), back)
            for k in 0..<18 {
                let a = Float(k) / 18 * 2 * .pi
                canvas.fill(face.ellipse(1.45 * cosine(a), -0.35 + 1.32 * sine(a), 0.3, 0.3), back)
            }
        case .bun:
            canvas.fill(face.ellipse(0, -1.28, 0.45, 0.38), back)
            canvas.fill(face.ellipse(-0.1, -1.36, 0.2, 0.1, softness: 0.08), look.hair.scaled(1.15), alpha: 0.4)
        case .ponytail:
            canvas.fill(face.ellipse(1.05, 0.55, 0.3, 0.85, angle: -0.35), back)
        case .short, .curly, .bald:
            break
        }
    }

    /// Hair on the head, in front: the cap with its hairline, curls, fringes.
    func drawFrontHair(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        let hair = look.hair
        let part = look.parting
        switch look.hairStyle {
        case .bald:
            canvas.fill(face.ellipse(0.25, -0.75, 0.3, 0.16, softness: 0.15), .white, alpha: 0.18)
            for side: Float in [-1, 1] {
                let tuft = face.ellipse(side * 0.95, -0.02, 0.12, 0.26)
                canvas.fill(tuft, hair, alpha: 0.55, within: face.ellipse(0, -0.05, 1.0, 1.2))
            }
        case .short:
            let cap = face.ellipse(0, -0.32, 1.07, 1.0)
            let forehead = face.ellipse(part * 0.3, 0.34, 0.86, 0.84, angle: part * 0.3)
            canvas.fill(cap, hair, minus: forehead)
            canvas.fill(face.ellipse(-0.35, -0.95, 0.4, 0.12, angle: -0.2, softness: 0.12), hair.scaled(1.25),
                        alpha: 0.35, within: cap)
        case .curly, .afro:
            let cap = face.ellipse(0, -0.3, 1.1, 1.02)
            let forehead = face.ellipse(0, 0.36, 0.86, 0.85)
            canvas.fill(cap, hair, minus: forehead)
            let n = 16
            for k in 0..<n {
                let a = Float.pi * (1.05 + 0.9 * Float(k) / Float(n - 1))
                canvas.fill(face.ellipse(1.06 * cosine(a), -0.3 + 1.0 * sine(a), 0.2, 0.2), hair)
                canvas.fill(face.ellipse(1.06 * cosine(a) - 0.05, -0.33 + 1.0 * sine(a), 0.08, 0.06, softness: 0.05),
                            hair.scaled(1.35), alpha: 0.35)
            }
            for k in 0..<7 {
                let x = -0.6 + 1.2 * Float(k) / 6
                canvas.fill(face.ellipse(x, -0.53 + 0.12 * x * x, 0.15, 0.13), hair)
            }
        case .long, .ponytail, .bun:
            let cap = face.ellipse(0, -0.3, 1.09, 1.04)
            let forehead = face.ellipse(part * 0.45, 0.4, 0.88, 0.92, angle: part * 0.5)
            canvas.fill(cap, hair, minus: forehead)
            if look.hairStyle == .long {
                for side: Float in [-1, 1] {
                    let strand = face.ellipse(side * 0.98, 0.6, 0.2, 0.85)
                    canvas.fill(strand, hair, minus: face.ellipse(0, 0.25, 0.86, 1.1))
                }
            }
            canvas.fill(face.ellipse(part * 0.6 - 0.2, -0.9, 0.45, 0.13, angle: -0.25, softness: 0.12),
                        hair.scaled(1.3), alpha: 0.3, within: cap)
        case .bob:
            let cap = face.ellipse(0, -0.28, 1.12, 1.05)
            let fringe = face.ellipse(0, 0.55, 0.9, 0.95)
            canvas.fill(cap, hair, minus: fringe)
            for side: Float in [-1, 1] {
                canvas.fill(face.ellipse(side * 1.0, 0.3, 0.22, 0.62), hair, minus: face.ellipse(0, 0.2, 0.88, 1.15))
            }
            canvas.fill(face.ellipse(-0.3, -0.85, 0.5, 0.12, softness: 0.12), hair.scaled(1.3), alpha: 0.3, within: cap)
        }
    }

    func cosine(_ a: Float) -> Float { Float(cos(Double(a))) }
    func sine(_ a: Float) -> Float { Float(sin(Double(a))) }
}
