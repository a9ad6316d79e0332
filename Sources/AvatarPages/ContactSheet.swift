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
    static let background: (UInt8, UInt8, UInt8) = (246, 246, 246)
    static let placeholder: (UInt8, UInt8, UInt8) = (214, 214, 214)
    static let placeholderMark: (UInt8, UInt8, UInt8) = (188, 188, 188)

    /// The side of one cell for thumbnails of `thumbSize`: no wider than the
    /// sheet allows for five.
    public static func cellSize(thumbSize: Int) -> Int {
        min(max(16, thumbSize), (maxWidth - 6 * gutter) / 5)
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
        var canvas = PixelImage(width: width, height: height, channels: 3,
                                fill: (r: background.0, g: background.1, b: background.2))
        for (r, row) in rows.enumerated() {
            for c in 0..<5 {
                let x = gutter + c * (cell + gutter), y = gutter + r * (cell + gutter)
                if c < row.count, let image = row[c] {
                    draw(image.downscaled(toFit: cell), into: &canvas, cellX: x, cellY: y, cell: cell)
                } else {
                    drawPlaceholder(into: &canvas, x: x, y: y, cell: cell)
                }
            }
        }
        return canvas
    }

    /// Centres `image` in its cell, over the background where it is transparent.
    static func draw(_ image: PixelImage, into canvas: inout PixelImage, cellX: Int, cellY: Int, cell: Int) {
        let ox = cellX + (cell - image.width) / 2, oy = cellY + (cell - image.height) / 2
        let c = image.channels
        for y in 0..<image.height {
            for x in 0..<image.width {
                let s = (y * image.width + x) * c
                let d = canvas.offset(x: ox + x, y: oy + y)
                let a = c == 4 ? Int(image.pixels[s + 3]) : 255
                for k in 0..<3 {
                    let over = Int(image.pixels[s + k]), under = Int(canvas.pixels[d + k])
                    canvas.pixels[d + k] = UInt8((over * a + under * (255 - a) + 127) / 255)
                }
            }
        }
    }

    /// A flat grey square with a thin cross: "nothing here", without alarm.
    static func drawPlaceholder(into canvas: inout PixelImage, x: Int, y: Int, cell: Int) {
        for j in 0..<cell {
            for i in 0..<cell {
                let onCross = abs(i - j) <= 1 || abs(i + j - (cell - 1)) <= 1
                let inset = i > cell / 4 && i < cell * 3 / 4
                let color = onCross && inset ? placeholderMark : placeholder
                let d = canvas.offset(x: x + i, y: y + j)
                canvas.pixels[d] = color.0
                canvas.pixels[d + 1] = color.1
                canvas.pixels[d + 2] = color.2
            }
        }
    }
}
