/// An axis-aligned rectangle of whole pixels: `x..<x+width`, `y..<y+height`.
public struct PixelRect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// This rectangle cut to fit inside `outer` (empty when they do not overlap).
    public func clamped(to outer: PixelRect) -> PixelRect {
        let x0 = max(x, outer.x), y0 = max(y, outer.y)
        let x1 = min(maxX, outer.maxX), y1 = min(maxY, outer.maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
