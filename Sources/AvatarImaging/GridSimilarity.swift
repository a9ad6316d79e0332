/// Whether four cells look like four variations of one picture (a grid with
/// nothing between its cells) or like four parts of one picture (not a
/// grid). Compares each cell's 8x8 luma thumbnail with the first cell's.
enum GridSimilarity {
    /// Mean correlation of the thumbnails at or above which the cells are alike.
    static let minCorrelation = 0.5

    static func quartersAlike(_ image: PixelImage, _ cells: [PixelRect]) -> Bool {
        let thumbs = cells.map { thumbnail(image, $0) }
        let scores = thumbs.dropFirst().map { correlation(thumbs[0], $0) }
        return scores.reduce(0, +) / Double(scores.count) >= minCorrelation
    }

    /// The mean luma of each of 8x8 blocks of `rect`.
    static func thumbnail(_ image: PixelImage, _ rect: PixelRect) -> [Double] {
        var sums = [Double](repeating: 0, count: 64), counts = [Double](repeating: 0, count: 64)
        guard !rect.isEmpty else { return sums }
        image.pixels.withUnsafeBufferPointer { px in
            let step = max(1, min(rect.width, rect.height) / 64)
            for y in stride(from: rect.y, to: rect.maxY, by: step) {
                let by = (y - rect.y) * 8 / rect.height
                for x in stride(from: rect.x, to: rect.maxX, by: step) {
                    let c = PixelImage.colour(px, image.offset(x: x, y: y), image.channels)
                    let i = by * 8 + (x - rect.x) * 8 / rect.width
                    sums[i] += 0.299 * Double(c.r) + 0.587 * Double(c.g) + 0.114 * Double(c.b)
                    counts[i] += 1
                }
            }
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// Pearson correlation; 0 when either side is flat.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }
}
