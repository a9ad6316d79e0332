import AvatarImaging

/// `contact-sheet.png`: every persona's five pictures at a glance, one row
/// per persona (base, then variants 1–4), thin gutters, at most 2048 px
/// wide. Past `maxHeight` the rows go on in `contact-sheet-2.png`, …. A
/// missing picture (a failed persona, a deleted file) is a neutral
/// placeholder, so the rows stay aligned.
public enum ContactSheet {
    public static let maxWidth = 2048
    public static let maxHeight = 4096
    public static let gutter = 6
    /// Greys (r = g = b): the background, a placeholder and its cross.
    static let background: UInt8 = 246
    static let placeholder: UInt8 = 214
    static let placeholderMark: UInt8 = 188

    /// The side of a cell when thumbnails are larger: half the default
    /// thumbnail (an exact 2:1 area average of it). The sheet is the batch at
    /// a glance and a file to share: a 10-persona sheet is 676 x 1346 px, about
    /// a screen, with faces, expressions and glasses plain to see; the task
    /// page shows each picture larger, and links the full-size images.
    public static let preferredCell = 128

    /// The side of one cell: `preferredCell`, or the thumbnail's side when
    /// smaller; never wider than the sheet allows for five.
    public static func cellSize(thumbSize: Int) -> Int {
        min(max(16, thumbSize), preferredCell, (maxWidth - 6 * gutter) / 5)
    }

    /// How many rows fit on one sheet.
    public static func rowsPerSheet(cell: Int) -> Int {
        max(1, (maxHeight - gutter) / (cell + gutter))
    }

    /// Composes the sheets.
    /// - Parameters:
    ///   - rows: one per persona, five pictures each (nil: placeholder),
    ///     as decoded images of any size (each is shrunk to fit its cell).
    ///   - cell: the side of one square cell.
    /// - Returns: one image per sheet (none when `rows` is empty).
    public static func compose(rows: [[PixelImage?]], cell: Int) -> [PixelImage] {
        let perSheet = rowsPerSheet(cell: cell)
        var sheets: [PixelImage] = []
        var start = 0
        while start < rows.count {
            let chunk = Array(rows[start..<min(rows.count, start + perSheet)])
            sheets.append(sheet(chunk, cell: cell))
            start += perSheet
        }
        return sheets
    }

    static func sheet(_ rows: [[PixelImage?]], cell: Int) -> PixelImage {
        let width = 5 * cell + 6 * gutter, height = rows.count * (cell + gutter) + gutter
        // The background is grey (r = g = b): one repeated byte.
        var pixels = [UInt8](repeating: background, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { canvas in
            for (r, row) in rows.enumerated() {
                for c in 0..<5 {
                    let x = gutter + c * (cell + gutter), y = gutter + r * (cell + gutter)
                    if c < row.count, let image = row[c] {
                        draw(image.downscaled(toFit: cell), into: canvas, width: width, cellX: x, cellY: y, cell: cell)
                    } else {
                        drawPlaceholder(into: canvas, width: width, x: x, y: y, cell: cell)
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Centres `image` in its cell, over the background where it is transparent.
    static func draw(_ image: PixelImage, into canvas: UnsafeMutableBufferPointer<UInt8>, width: Int,
                     cellX: Int, cellY: Int, cell: Int) {
        let ox = cellX + (cell - image.width) / 2, oy = cellY + (cell - image.height) / 2
        let c = image.channels
        image.pixels.withUnsafeBufferPointer { src in
            if c == 3 {
                // Opaque: each row is one copy.
                let rowBytes = image.width * 3
                for y in 0..<image.height {
                    let d = ((oy + y) * width + ox) * 3
                    UnsafeMutableRawPointer(canvas.baseAddress! + d)
                        .copyMemory(from: src.baseAddress! + y * rowBytes, byteCount: rowBytes)
                }
                return
            }
            for y in 0..<image.height {
                var s = y * image.width * c
                var d = ((oy + y) * width + ox) * 3
                for _ in 0..<image.width {
                    let a = c == 4 ? Int(src[s + 3]) : 255
                    for k in 0..<3 {
                        let over = Int(src[s + k]), under = Int(canvas[d + k])
                        canvas[d + k] = UInt8(truncatingIfNeeded: (over * a + under * (255 - a) + 127) / 255)
                    }
                    s += c
                    d += 3
                }
            }
        }
    }

    /// A flat grey square with a thin cross: "nothing here", without alarm.
    static func drawPlaceholder(into canvas: UnsafeMutableBufferPointer<UInt8>, width: Int, x: Int, y: Int, cell: Int) {
        for j in 0..<cell {
            var d = ((y + j) * width + x) * 3
            for i in 0..<cell {
                let onCross = abs(i - j) <= 1 || abs(i + j - (cell - 1)) <= 1
                let inset = i > cell / 4 && i < cell * 3 / 4
                let v = onCross && inset ? placeholderMark : placeholder
                canvas[d] = v
                canvas[d + 1] = v
                canvas[d + 2] = v
                d += 3
            }
        }
    }
}
