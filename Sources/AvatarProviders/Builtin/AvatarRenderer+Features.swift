extension AvatarRenderer {
    /// Eye sockets, whites, irises, pupils, highlights, lids and brows.
    func drawEyes(_ look: AvatarLook, _ pose: AvatarPose, _ face: FaceFrame, _ canvas: inout Canvas) {
        let es = look.eyeSize
        let raise: Float = pose.expression == .open ? -0.05 : 0
        let browColor = look.hair.scaled(0.75).mixed(with: Color(40, 30, 25), 0.35)
        for side: Float in [-1, 1] {
            let ex = side * look.eyeSpacing
            canvas.fill(face.ellipse(ex, 0.02, 0.27, 0.17, softness: 0.12), look.skin.scaled(0.86), alpha: 0.3)
            let white = face.ellipse(ex, 0.05, 0.19 * es, 0.095 * es)
            canvas.fill(white, Color(245, 243, 238))
            let gx = ex + pose.gaze
            canvas.fill(face.ellipse(gx, 0.055, 0.095 * es, 0.095 * es), look.iris, within: white)
            canvas.fill(face.ellipse(gx, 0.055, 0.06 * es, 0.06 * es), look.iris.scaled(0.75), alpha: 0.6, within: white)
            canvas.fill(face.ellipse(gx, 0.055, 0.045 * es, 0.045 * es), Color(15, 12, 12), within: white)
            canvas.fill(face.ellipse(gx + 0.03, 0.025, 0.022 * es, 0.022 * es), .white, alpha: 0.9)
            // Upper lid: the white's top edge, darker and thicker.
            let lid = face.ellipse(ex, 0.04, 0.205 * es, 0.11 * es)
            canvas.fill(lid, Color(45, 32, 30), minus: face.ellipse(ex, 0.075, 0.21 * es, 0.1 * es))
            // Brow: a crescent, outer end lower.
            let by = -0.2 + raise
            let brow = face.ellipse(ex + side * 0.02, by, 0.25, 0.09, angle: side * 0.08)
            canvas.fill(brow, browColor, minus: face.ellipse(ex + side * 0.02, by + 0.06, 0.27, 0.09, angle: side * 0.08))
        }
    }

    /// A shaded nose with nostrils.
    func drawNose(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        let nl = look.noseLength
        let tip = 0.42 * nl
        canvas.fill(face.ellipse(0.07, tip - 0.15, 0.03, 0.17, softness: 0.04), look.skin.scaled(0.78), alpha: 0.35)
        canvas.fill(face.ellipse(0, tip, 0.12, 0.08, softness: 0.06), look.skin.scaled(0.8), alpha: 0.4)
        canvas.fill(face.ellipse(-0.02, tip - 0.03, 0.05, 0.035, softness: 0.04), look.skin.scaled(1.12), alpha: 0.4)
        for side: Float in [-1, 1] {
            canvas.fill(face.ellipse(side * 0.065, tip + 0.04, 0.04, 0.022, angle: side * 0.3),
                        look.skin.scaled(0.5), alpha: 0.75)
        }
    }

    /// The mouth: smile, neutral, open (laughing) or smirk.
    func drawMouth(_ look: AvatarLook, _ pose: AvatarPose, _ face: FaceFrame, _ canvas: inout Canvas) {
        let my: Float = 0.72 + (look.faceLength - 1.27) * 0.5
        let lips = look.lips
        switch pose.expression {
        case .smile:
            canvas.fill(face.ellipse(0, my - 0.08, 0.32, 0.2), lips,
                        minus: face.ellipse(0, my - 0.16, 0.36, 0.17))
            canvas.fill(face.ellipse(0, my - 0.085, 0.31, 0.17), Color(90, 35, 40), alpha: 0.85,
                        minus: face.ellipse(0, my - 0.125, 0.35, 0.17))
        case .smirk:
            canvas.fill(face.ellipse(0.05, my - 0.06, 0.26, 0.14, angle: -0.15), lips,
                        minus: face.ellipse(0.05, my - 0.12, 0.29, 0.14, angle: -0.15))
        case .neutral:
            canvas.fill(face.ellipse(0, my - 0.015, 0.2, 0.035), lips.scaled(0.88))
            canvas.fill(face.ellipse(0, my + 0.035, 0.16, 0.045), lips)
            canvas.fill(face.ellipse(0, my + 0.01, 0.2, 0.01), Color(80, 40, 40), alpha: 0.7)
        case .open:
            let opening = face.ellipse(0, my - 0.04, 0.28, 0.2)
            let cut = face.ellipse(0, my - 0.17, 0.5, 0.12)
            canvas.fill(face.ellipse(0, my - 0.045, 0.32, 0.24), lips, minus: cut)
            canvas.fill(opening, Color(95, 32, 38), minus: cut)
            canvas.fill(face.ellipse(0, my - 0.05, 0.26, 0.08), Color(242, 238, 228), within: opening, minus: cut)
            canvas.fill(face.ellipse(0, my + 0.13, 0.14, 0.07), Color(200, 90, 95), alpha: 0.8, within: opening)
        }
    }

    /// A full beard or a moustache, for some adult men.
    func drawBeard(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        let my: Float = 0.72 + (look.faceLength - 1.27) * 0.5
        if look.beard {
            let jaw = face.ellipse(0, 0.28, 0.86, look.faceLength - 0.24)
            canvas.fill(face.ellipse(0, 0.6, 1.0, 0.8), look.hair.scaled(0.9), alpha: 0.92, within: jaw,
                        minus: face.ellipse(0, 0.05, 0.96, 0.76))
            canvas.fill(face.ellipse(0, my - 0.1, 0.32, 0.09), look.hair.scaled(0.9))
        } else if look.moustache {
            canvas.fill(face.ellipse(0, my - 0.1, 0.28, 0.08), look.hair.scaled(0.9),
                        minus: face.ellipse(0, my - 0.02, 0.2, 0.06))
        }
    }

    /// Frames, faintly tinted lenses, bridge and arms.
    func drawGlasses(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        guard let frame = look.glasses else { return }
        for side: Float in [-1, 1] {
            let ex = side * look.eyeSpacing
            let inner = face.ellipse(ex, 0.06, 0.215, 0.15)
            canvas.fill(inner, .white, alpha: 0.1)
            canvas.fill(face.ellipse(ex, 0.06, 0.255, 0.185), frame, minus: inner)
            canvas.fill(face.ellipse(side * (look.eyeSpacing + 0.36), 0.02, 0.14, 0.025, angle: side * 0.05), frame)
        }
        canvas.fill(face.ellipse(0, 0.02, 0.09, 0.06), frame, minus: face.ellipse(0, 0.07, 0.1, 0.06))
    }
}
