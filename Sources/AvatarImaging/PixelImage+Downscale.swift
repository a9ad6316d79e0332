/// Area-averaging downscale (a box filter with fractional coverage): every
/// output pixel is the mean of the source area it covers, each source pixel
/// weighted by how much of it lies inside. Never nearest-neighbour, so fine
/// detail (hair, edges) averages out instead of aliasing. Opaque (RGB) images
/// take the integer path (`opaqueDownscaled`); with alpha, colour is averaged
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
        downscaled(toFit: longestSide, in: bounds)
    }

    /// The part `rect` of the image (clamped to it), downscaled so its longest
    /// side is at most `longestSide`. An opaque image is read in place (no
    /// crop copy first): how the split's parts become thumbnails.
    public func downscaled(toFit longestSide: Int, in rect: PixelRect) -> PixelImage {
        let r = rect.clamped(to: bounds)
        let (w, h) = Self.fittedSize(width: r.width, height: r.height, longestSide: longestSide)
        guard w < r.width || h < r.height else { return r == bounds ? self : cropped(to: r) }
        if channels == 3 { return opaqueDownscaled(r, width: w, height: h) }
        return (r == bounds ? self : cropped(to: r)).downscaled(width: w, height: h)
    }

    /// Area-averaged to exactly `newWidth` x `newHeight` (each at most the
    /// current size). With alpha: in floats, or for a whole-number ratio
    /// (1024 → 256) summing each block in integers.
    public func downscaled(width newWidth: Int, height newHeight: Int) -> PixelImage {
        precondition(newWidth > 0 && newHeight > 0 && newWidth <= width && newHeight <= height,
                     "downscale only: \(width)x\(height) to \(newWidth)x\(newHeight)")
        if channels == 3 { return opaqueDownscaled(bounds, width: newWidth, height: newHeight) }
        if width % newWidth == 0 && height % newHeight == 0 {
            return boxDownscaled(kx: width / newWidth, ky: height / newHeight)
        }
        let xs = AreaWeights(source: width, target: newWidth)
        let ys = AreaWeights(source: height, target: newHeight)
        // Pass 1: each source row to newWidth columns, premultiplied (r, g, b, a as one SIMD4).
        var rows = [SIMD4<Float>](repeating: .zero, count: height * newWidth)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        pixels.withUnsafeBufferPointer { src in
        rows.withUnsafeMutableBufferPointer { mid in
        xs.withPointers { xStart, xCount, xIndex, xWeight in
            for y in 0..<height {
                let srow = y * width * 4
                var d = y * newWidth
                for ox in 0..<newWidth {
                    var acc = SIMD4<Float>.zero
                    let first = xStart[ox]
                    for t in first..<(first + xCount[ox]) {
                        let o = srow + xIndex[t] * 4
                        let alpha = Float(src[o + 3])
                        let px = SIMD4<Float>(Float(src[o]), Float(src[o + 1]), Float(src[o + 2]), 255)
                        acc += px * (xWeight[t] * alpha * (1 / 255))
                    }
                    mid[d] = acc
                    d += 1
                }
            }
        }
        }
        }
        // Pass 2: columns to newHeight rows, then back to 8 bits (un-premultiplied).
        rows.withUnsafeBufferPointer { mid in
        out.withUnsafeMutableBufferPointer { dst in
        ys.withPointers { yStart, yCount, yIndex, yWeight in
            var d = 0
            for oy in 0..<newHeight {
                let first = yStart[oy], end = first + yCount[oy]
                for ox in 0..<newWidth {
                    var acc = SIMD4<Float>.zero
                    for t in first..<end { acc += mid[yIndex[t] * newWidth + ox] * yWeight[t] }
                    let a = acc[3]
                    let unpremultiply: Float = a > 0 ? 255 / a : 0
                    dst[d] = Self.byte(acc[0] * unpremultiply)
                    dst[d + 1] = Self.byte(acc[1] * unpremultiply)
                    dst[d + 2] = Self.byte(acc[2] * unpremultiply)
                    dst[d + 3] = Self.byte(a)
                    d += 4
                }
            }
        }
        }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: 4, pixels: out)
    }

    /// The same mean for a whole-number ratio, with alpha: each output pixel
    /// sums a kx-by-ky block in integers, a few times faster.
    func boxDownscaled(kx: Int, ky: Int) -> PixelImage {
        let c = 4
        let newWidth = width / kx, newHeight = height / ky, n = UInt32(kx * ky)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * c)
        var sums = [UInt32](repeating: 0, count: newWidth * 4)
        pixels.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
        sums.withUnsafeMutableBufferPointer { acc in
            for oy in 0..<newHeight {
                for i in 0..<acc.count { acc[i] = 0 }
                for y in (oy * ky)..<(oy * ky + ky) {
                    var o = y * width * c
                    for ox in 0..<newWidth {
                        let a0 = ox * 4
                        for _ in 0..<kx {
                            let alpha = UInt32(src[o + 3])
                            acc[a0] &+= UInt32(src[o]) &* alpha
                            acc[a0 + 1] &+= UInt32(src[o + 1]) &* alpha
                            acc[a0 + 2] &+= UInt32(src[o + 2]) &* alpha
                            acc[a0 + 3] &+= alpha
                            o += c
                        }
                    }
                }
                var d = oy * newWidth * c
                for ox in 0..<newWidth {
                    let a0 = ox * 4, alphaSum = acc[a0 + 3]
                    for k in 0..<3 {
                        dst[d + k] = alphaSum > 0 ? UInt8(truncatingIfNeeded: (acc[a0 + k] + alphaSum / 2) / alphaSum) : 0
                    }
                    dst[d + 3] = UInt8(truncatingIfNeeded: (alphaSum + n / 2) / n)
                    d += c
                }
            }
        }
        }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: c, pixels: out)
    }

    /// Rounds to the nearest byte (v is never negative here); adding 0.5 and
    /// truncating avoids a libc `roundf` call per channel.
    @inline(__always)
    static func byte(_ v: Float) -> UInt8 { UInt8(min(255, max(0, v) + 0.5)) }
}

/// For each target index, the source indices it covers and their weights
/// (the covered fraction of each, normalised to sum to 1), in flat arrays.
struct AreaWeights {
    private var starts: [Int] = []
    private var counts: [Int] = []
    private var indices: [Int] = []
    private var weights: [Float] = []

    init(source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        for t in 0..<target {
            let lo = Double(t) * scale, hi = Double(t + 1) * scale
            let start = indices.count
            var s = Int(lo)
            while Double(s) < hi && s < source {
                let cover = min(hi, Double(s + 1)) - max(lo, Double(s))
                if cover > 1e-9 {
                    indices.append(s)
                    weights.append(Float(cover / scale))
                }
                s += 1
            }
            starts.append(start)
            counts.append(indices.count - start)
        }
    }

    func withPointers<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>,
                                  UnsafeBufferPointer<Float>) -> R) -> R {
        starts.withUnsafeBufferPointer { s in
            counts.withUnsafeBufferPointer { c in
                indices.withUnsafeBufferPointer { i in
                    weights.withUnsafeBufferPointer { w in body(s, c, i, w) }
                }
            }
        }
    }
}
