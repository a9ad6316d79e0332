/// Area-averaging downscale (a box filter with fractional coverage): every
/// output pixel is the mean of the source area it covers, each source pixel
/// weighted by how much of it lies inside. Never nearest-neighbour, so fine
/// detail (hair, edges) averages out instead of aliasing. Colour is averaged
/// premultiplied by alpha, so transparent pixels do not darken the edges, and
/// alpha is kept.
extension PixelImage {
    /// The size that fits `longestSide`, keeping the aspect ratio (each side at least 1).
    public static func fittedSize(width: Int, height: Int, longestSide: Int) -> (width: Int, height: Int) {
        let longest = max(width, height)
        guard longestSide > 0, longest > longestSide else { return (width, height) }
        let scale = Double(longestSide) / Double(longest)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// A copy whose longest side is at most `longestSide`; the image itself
    /// when it already fits.
    public func downscaled(toFit longestSide: Int) -> PixelImage {
        let (w, h) = Self.fittedSize(width: width, height: height, longestSide: longestSide)
        guard w < width || h < height else { return self }
        return downscaled(width: w, height: h)
    }

    /// Area-averaged to exactly `newWidth` x `newHeight` (each at most the current size).
    public func downscaled(width newWidth: Int, height newHeight: Int) -> PixelImage {
        precondition(newWidth > 0 && newHeight > 0 && newWidth <= width && newHeight <= height,
                     "downscale only: \(width)x\(height) to \(newWidth)x\(newHeight)")
        let c = channels
        let xs = AreaWeights(source: width, target: newWidth)
        let ys = AreaWeights(source: height, target: newHeight)
        // Pass 1: each source row to newWidth columns, premultiplied, in Float.
        var rows = [Float](repeating: 0, count: height * newWidth * c)
        pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let srow = y * width * c, drow = y * newWidth * c
                    for ox in 0..<newWidth {
                        var acc: (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for (sx, wgt) in xs.taps(ox) {
                            let o = srow + sx * c
                            let a: Float = c == 4 ? Float(src[o + 3]) : 255
                            let pw = wgt * a / 255
                            acc.0 += Float(src[o]) * pw
                            acc.1 += Float(src[o + 1]) * pw
                            acc.2 += Float(src[o + 2]) * pw
                            acc.3 += a * wgt
                        }
                        let d = drow + ox * c
                        dst[d] = acc.0
                        dst[d + 1] = acc.1
                        dst[d + 2] = acc.2
                        if c == 4 { dst[d + 3] = acc.3 }
                    }
                }
            }
        }
        // Pass 2: columns to newHeight rows, then back to 8 bits (un-premultiplied).
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * c)
        rows.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<newHeight {
                    let taps = ys.taps(oy)
                    for ox in 0..<newWidth {
                        var acc: (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for (sy, wgt) in taps {
                            let o = (sy * newWidth + ox) * c
                            acc.0 += src[o] * wgt
                            acc.1 += src[o + 1] * wgt
                            acc.2 += src[o + 2] * wgt
                            if c == 4 { acc.3 += src[o + 3] * wgt }
                        }
                        let alpha: Float = c == 4 ? acc.3 : 255
                        let unpremultiply: Float = alpha > 0 ? 255 / alpha : 0
                        let d = (oy * newWidth + ox) * c
                        dst[d] = Self.byte(acc.0 * unpremultiply)
                        dst[d + 1] = Self.byte(acc.1 * unpremultiply)
                        dst[d + 2] = Self.byte(acc.2 * unpremultiply)
                        if c == 4 { dst[d + 3] = Self.byte(alpha) }
                    }
                }
            }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: c, pixels: out)
    }

    @inline(__always)
    static func byte(_ v: Float) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
}

/// For each target index, the source indices it covers and their weights
/// (the covered fraction of each, normalised to sum to 1).
struct AreaWeights {
    private var starts: [Int] = []
    private var counts: [Int] = []
    private var indices: [Int] = []
    private var weights: [Float] = []

    init(source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        for t in 0..<target {
            let lo = Double(t) * scale, hi = Double(t + 1) * scale
            starts.append(indices.count)
            var s = Int(lo)
            while Double(s) < hi && s < source {
                let cover = min(hi, Double(s + 1)) - max(lo, Double(s))
                if cover > 1e-9 {
                    indices.append(s)
                    weights.append(Float(cover / scale))
                }
                s += 1
            }
            counts.append(indices.count - starts.last!)
        }
    }

    func taps(_ t: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Float>> {
        let r = starts[t]..<(starts[t] + counts[t])
        return zip(indices[r], weights[r])
    }
}
