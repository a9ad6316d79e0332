import AvatarImaging

extension AvatarRenderer {
    /// A vertical gradient with a few soft out-of-focus blobs.
    func drawBackground(_ look: AvatarLook, _ pose: AvatarPose, _ canvas: inout Canvas, _ rect: PixelRect, _ s: Float) {
        canvas.fillVerticalGradient(top: look.background.top.scaled(pose.tint),
                                    bottom: look.background.bottom.scaled(pose.tint))
        for blob in look.bokeh {
            let r = blob.r * s
            let e = Ellipse(cx: Float(rect.x) + blob.x * Float(rect.width), cy: Float(rect.y) + blob.y * Float(rect.height),
                            rx: r, ry: r, softness: r * 0.6)
            canvas.fill(e, blob.color, alpha: 0.16)
        }
    }

    /// Neck, shoulders and clothing (not tilted with the head).
    func drawBody(_ look: AvatarLook, _ pose: AvatarPose, _ face: FaceFrame, _ canvas: inout Canvas,
                  _ rect: PixelRect, _ s: Float) {
        let u = face.unit
        let neckX = face.point(0, 1.0).x
        let shoulderTop = face.hy + 1.52 * u
        let neckSkin = look.skin.scaled(0.93)
        let neck = Ellipse(cx: neckX, cy: face.hy + 1.2 * u, rx: 0.47 * u, ry: 0.75 * u)
        canvas.fill(neck, neckSkin)
        let chin = face.point(0, 1.15)
        let chinShadow = Ellipse(cx: chin.x, cy: chin.y, rx: 0.6 * u, ry: 0.22 * u, softness: 0.12 * u)
        canvas.fill(chinShadow, look.skin.scaled(0.65), alpha: 0.6, within: neck)

        let bodyX = Float(rect.x) + Float(rect.width) / 2 + pose.dx * s * 0.6
        let body = Ellipse(cx: bodyX, cy: shoulderTop + 1.35 * u, rx: 2.1 * u, ry: 1.4 * u)
        canvas.fill(body, look.clothing)
        // Soft light from the upper left, shade on the right.
        let shade = Ellipse(cx: bodyX + 1.5 * u, cy: shoulderTop + 1.4 * u, rx: 1.1 * u, ry: 1.4 * u, softness: 0.6 * u)
        canvas.fill(shade, look.clothing.scaled(0.7), alpha: 0.45, within: body)
        let neckline = Ellipse(cx: neckX, cy: shoulderTop - 0.05 * u, rx: 0.46 * u, ry: 0.42 * u)
        canvas.fill(neckline, neckSkin, within: body)
        if look.collar {
            let band = Ellipse(cx: neckX, cy: shoulderTop - 0.05 * u, rx: 0.56 * u, ry: 0.52 * u)
            canvas.fill(band, look.clothing.scaled(0.78), within: body, minus: neckline)
        }
    }

    /// Ears, the head (an egg: skull plus jaw), soft shading and cheeks.
    func drawHead(_ look: AvatarLook, _ face: FaceFrame, _ canvas: inout Canvas) {
        let fl = look.faceLength
        for side: Float in [-1, 1] {
            canvas.fill(face.ellipse(side * 0.96, 0.1, 0.17, 0.27, angle: side * 0.15), look.skin.scaled(0.95))
            canvas.fill(face.ellipse(side * 0.98, 0.1, 0.08, 0.16, angle: side * 0.15), look.skin.scaled(0.78), alpha: 0.6)
        }
        let skull = face.ellipse(0, -0.05, 1.0, fl - 0.08)
        let jaw = face.ellipse(0, 0.28, 0.84, fl - 0.27)
        canvas.fill(skull, look.skin)
        canvas.fill(jaw, look.skin)
        // Shade the right side and under the cheekbones a little.
        canvas.fill(face.ellipse(0.75, 0.2, 0.55, 1.2, softness: 0.45), look.skin.scaled(0.82), alpha: 0.4, within: skull)
        canvas.fill(face.ellipse(0.6, 0.4, 0.4, 0.8, softness: 0.4), look.skin.scaled(0.82), alpha: 0.35, within: jaw)
        // Blush.
        for side: Float in [-1, 1] {
            canvas.fill(face.ellipse(side * 0.56, 0.42, 0.2, 0.12, softness: 0.12), Color(220, 110, 110), alpha: 0.1)
        }
    }
}
