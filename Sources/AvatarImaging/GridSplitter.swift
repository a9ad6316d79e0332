/// Splits a 2x2 grid image into its four cells and trims each cell's
/// near-uniform border. Order everywhere: top-left, top-right, bottom-left,
/// bottom-right.
///
/// The geometry (`cellRects`, `trimmedRects`) is pure; `split` crops, and
/// `GridSplitter+File.swift` adds the file-level helper.
public enum GridSplitter {
    /// The four cells of `image` before trimming.
    ///
    /// Finds the horizontal gutter (near-white rows across the full width)
    /// near the centre, then a vertical gutter in the top and in the bottom
    /// band separately, falling back to exact halves where none is found.
    /// Near-white lines left on a cell's inner edges (a gutter wider on one
    /// side than the other) are stripped, up to a quarter of the cell.
    public static func cellRects(of image: PixelImage) -> [PixelRect] {
        let all = image.bounds
        let h = GridGutters.horizontalGutter(in: image, within: all)
            ?? (image.height / 2)..<(image.height / 2)
        let top = PixelRect(x: 0, y: 0, width: image.width, height: h.lowerBound)
        let bottom = PixelRect(x: 0, y: h.upperBound, width: image.width, height: image.height - h.upperBound)
        var cells: [PixelRect] = []
        for (band, isTop) in [(top, true), (bottom, false)] {
            let v = GridGutters.verticalGutter(in: image, within: band)
                ?? (band.x + band.width / 2)..<(band.x + band.width / 2)
            let left = PixelRect(x: band.x, y: band.y, width: v.lowerBound - band.x, height: band.height)
            let right = PixelRect(x: v.upperBound, y: band.y, width: band.maxX - v.upperBound, height: band.height)
            cells.append(stripInnerEdges(image, left, rightEdge: true, bottomEdge: isTop))
            cells.append(stripInnerEdges(image, right, rightEdge: false, bottomEdge: isTop))
        }
        return cells
    }

    /// The four cells of `image`, each trimmed by `BorderTrim` with `tolerance`.
    public static func trimmedRects(of image: PixelImage, tolerance: Int = BorderTrim.defaultTolerance) -> [PixelRect] {
        cellRects(of: image).map { BorderTrim.trimmedRect(of: image, within: $0, tolerance: tolerance) }
    }

    /// The four trimmed cells of `image` as images.
    public static func split(_ image: PixelImage, tolerance: Int = BorderTrim.defaultTolerance) -> [PixelImage] {
        trimmedRects(of: image, tolerance: tolerance).map { image.cropped(to: $0) }
    }

    /// Cuts near-white lines off the sides of `cell` that face the grid's
    /// centre: the right or left side, and the bottom or top side.
    static func stripInnerEdges(_ image: PixelImage, _ cell: PixelRect, rightEdge: Bool, bottomEdge: Bool) -> PixelRect {
        guard !cell.isEmpty else { return cell }
        var r = cell
        let maxCols = cell.width / 4, maxRows = cell.height / 4
        image.pixels.withUnsafeBufferPointer { px in
            func columnIsWhite(_ x: Int) -> Bool {
                let need = Int((Double(r.height) * GridGutters.lineShare).rounded(.up))
                var n = 0
                for y in r.y..<r.maxY where GridGutters.isNearWhite(px, image.offset(x: x, y: y)) { n += 1 }
                return n >= need
            }
            func rowIsWhite(_ y: Int) -> Bool {
                let need = Int((Double(r.width) * GridGutters.lineShare).rounded(.up))
                var n = 0
                for x in r.x..<r.maxX where GridGutters.isNearWhite(px, image.offset(x: x, y: y)) { n += 1 }
                return n >= need
            }
            var cut = 0
            while cut < maxCols, columnIsWhite(rightEdge ? r.maxX - 1 : r.x) {
                if !rightEdge { r.x += 1 }
                r.width -= 1
                cut += 1
            }
            cut = 0
            while cut < maxRows, rowIsWhite(bottomEdge ? r.maxY - 1 : r.y) {
                if !bottomEdge { r.y += 1 }
                r.height -= 1
                cut += 1
            }
        }
        return r
    }
}
