import AvatarImaging
import AvatarTask

/// Where the four cells of a rendered grid go: gutters 10–40 px wide (scaled
/// to the picture), of different widths, a little off centre, as image models
/// draw them.
struct GridLayout {
    let size: ImageSize
    /// Top-left, top-right, bottom-left, bottom-right.
    let cells: [PixelRect]

    init(size: ImageSize, random: inout SeededRandom) {
        self.size = size
        let w = size.width, h = size.height
        let k = Float(min(w, h)) / 1024
        let gv = max(4, Int(random.float(10...40) * k))
        let gh = max(4, Int(random.float(10...40) * k))
        // The top and bottom pairs may be separated by different widths.
        let gvBottom = max(4, gv + Int(random.float(-8...8) * k))
        let x0 = (w - gv) / 2 + Int(random.float(-0.03...0.03) * Float(w))
        let xb = x0 + (gv - gvBottom) / 2 + Int(random.float(-4...4) * k)
        let y0 = (h - gh) / 2 + Int(random.float(-0.03...0.03) * Float(h))
        cells = [
            PixelRect(x: 0, y: 0, width: x0, height: y0),
            PixelRect(x: x0 + gv, y: 0, width: w - x0 - gv, height: y0),
            PixelRect(x: 0, y: y0 + gh, width: xb, height: h - y0 - gh),
            PixelRect(x: xb + gvBottom, y: y0 + gh, width: w - xb - gvBottom, height: h - y0 - gh),
        ]
    }

    /// Paints the whole canvas near-white with slight noise (the gutters are
    /// what the cells leave uncovered).
    func drawGutters(on canvas: inout Canvas, random: inout SeededRandom) {
        canvas.clip = PixelRect(x: 0, y: 0, width: canvas.width, height: canvas.height)
        let base = UInt8(random.int(243...250))
        var noise = random.next()
        canvas.pixels.withUnsafeMutableBufferPointer { px in
            var o = 0
            while o < px.count {
                noise = noise &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let n = UInt8((noise >> 60) & 7)
                let v = min(255, Int(base) + Int(n))
                px[o] = UInt8(v)
                px[o + 1] = UInt8(v)
                px[o + 2] = UInt8(min(255, v + Int((noise >> 57) & 1)))
                o += 3
            }
        }
    }
}
