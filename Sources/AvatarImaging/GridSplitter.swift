/// Splits a 2x2 grid image into its four cells and trims each cell's
/// gutter and margin. Order everywhere: top-left, top-right, bottom-left,
/// bottom-right.
///
/// The geometry (`layout`, `trimmedRects`) is pure;
/// `GridSplitter+File.swift` adds decoding, encoding and files.
public enum GridSplitter {
    /// Smallest grid side: four cells of at least 8 pixels.
    public static let minSide = 16

    /// Finds the grid's cells and trims them.
    ///
    /// Tries one horizontal cut across the whole grid then a vertical cut in
    /// each band, and the other way round, and keeps the arrangement with the
    /// most evidence (gutters over seams over the middle); gutters count only
    /// where they cross (found in both directions). The trim removes, edge by
    /// edge, lines of a gutter's or the outer margin's colour (`BorderTrim`),
    /// never a cell's own background of another colour.
    /// - Parameter tolerance: per-channel tolerance of the trim.
    /// - Throws: `ImagingError.notAGrid` when the image is smaller than
    ///   `minSide`, or when nothing divides it (no gutter, no seam) and its
    ///   four quarters do not look alike: one picture filling the image.
    public static func layout(of image: PixelImage, tolerance: Int = BorderTrim.defaultTolerance) throws -> GridLayout {
        guard image.width >= minSide, image.height >= minSide else {
            throw ImagingError(.notAGrid, "a \(image.width)x\(image.height) image is too small to be a 2x2 grid "
                               + "(at least \(minSide)x\(minSide))")
        }
        let margin = marginColour(of: image)
        var best: GridLayout?
        for order in [GridLayout.Order.rowsFirst, .columnsFirst] {
            var candidate = arrange(image, order, allowGutters: true, margin: margin)
            if candidate.cuts.contains(where: { $0.kind == .gutter }) && !candidate.hasGuttersBothWays {
                candidate = arrange(image, order, allowGutters: false, margin: margin)
            }
            if best == nil || candidate.evidence > best!.evidence { best = candidate }
            if candidate.evidence == 6 { break }
        }
        var layout = best!
        if layout.evidence == 0 && !GridSimilarity.quartersAlike(image, layout.cells) {
            throw ImagingError(.notAGrid, "not a 2x2 grid: no gutter or seam divides the \(image.width)x\(image.height) "
                               + "image and its four quarters do not look alike (one picture fills it)")
        }
        layout.parts = layout.cells.map {
            BorderTrim.trimmedRect(of: image, within: $0, tolerance: tolerance, only: layout.borderColours)
        }
        return layout
    }

    /// The four trimmed parts of `image`.
    /// - Throws: `ImagingError.notAGrid` (see `layout`).
    public static func trimmedRects(of image: PixelImage, tolerance: Int = BorderTrim.defaultTolerance) throws -> [PixelRect] {
        try layout(of: image, tolerance: tolerance).parts
    }

    /// The four trimmed parts of `image` as images.
    /// - Throws: `ImagingError.notAGrid` (see `layout`).
    public static func split(_ image: PixelImage, tolerance: Int = BorderTrim.defaultTolerance) throws -> [PixelImage] {
        try trimmedRects(of: image, tolerance: tolerance).map { image.cropped(to: $0) }
    }

    static func arrange(_ image: PixelImage, _ order: GridLayout.Order, allowGutters: Bool,
                        margin: PixelColour?) -> GridLayout {
        let (mainAxis, bandAxis): (LineProfile.Axis, LineProfile.Axis) =
            order == .rowsFirst ? (.rows, .columns) : (.columns, .rows)
        let main = GridGutters.cut(in: image, within: image.bounds, along: mainAxis,
                                   allowGutters: allowGutters, prefer: margin)
        let bands: [PixelRect] = order == .rowsFirst
            ? [PixelRect(x: 0, y: 0, width: image.width, height: main.range.lowerBound),
               PixelRect(x: 0, y: main.range.upperBound, width: image.width, height: image.height - main.range.upperBound)]
            : [PixelRect(x: 0, y: 0, width: main.range.lowerBound, height: image.height),
               PixelRect(x: main.range.upperBound, y: 0, width: image.width - main.range.upperBound, height: image.height)]
        let cuts = bands.map {
            GridGutters.cut(in: image, within: $0, along: bandAxis, allowGutters: allowGutters, prefer: margin)
        }
        var colours = ([main] + cuts).compactMap(\.colour)
        if let margin { colours.append(margin) }
        var unique: [PixelColour] = []
        for c in colours where !unique.contains(where: { $0.distance(to: c) <= GridGutters.mergeTolerance }) {
            unique.append(c)
        }
        return GridLayout(order: order, main: main, first: cuts[0], second: cuts[1],
                          size: (image.width, image.height), borderColours: unique)
    }

    /// The colour of the grid's outer margin: when the four outermost lines
    /// are flat and of one colour; nil otherwise.
    static func marginColour(of image: PixelImage) -> PixelColour? {
        let w = image.width, h = image.height
        let edges = [
            LineProfile(image, PixelRect(x: 0, y: 0, width: w, height: 1), .rows),
            LineProfile(image, PixelRect(x: 0, y: h - 1, width: w, height: 1), .rows),
            LineProfile(image, PixelRect(x: 0, y: 0, width: 1, height: h), .columns),
            LineProfile(image, PixelRect(x: w - 1, y: 0, width: 1, height: h), .columns),
        ]
        guard edges.allSatisfy({ $0.flat[0] }) else { return nil }
        let colours = edges.map { $0.means[0] }
        guard colours.allSatisfy({ $0.distance(to: colours[0]) <= 2 * GridGutters.mergeTolerance }) else { return nil }
        return PixelColour(r: colours.map(\.r).reduce(0, +) / 4, g: colours.map(\.g).reduce(0, +) / 4,
                           b: colours.map(\.b).reduce(0, +) / 4, a: colours.map(\.a).reduce(0, +) / 4)
    }
}
