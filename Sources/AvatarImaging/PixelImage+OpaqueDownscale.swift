/// The area-averaging downscale of an opaque (RGB) image in integers: the
/// same mean as `downscaled(width:height:)` describes, each source pixel
/// weighted by the fraction of it an output pixel covers, with the weights
/// in fixed point. Separable and one output row at a time: the rows it
/// covers are summed into one 16-bit row (weights in 1/256, so a sum is at
/// most 255 × 256: eight lanes at once), then that row's columns (weights in
/// 1/4096, 32-bit sums). It reads a rectangle of the image in place, so a
/// split part needs no crop copy. Each output channel is within one level of
/// the exact mean (exact for a flat area and for power-of-two ratios).
extension PixelImage {
    func opaqueDownscaled(_ rect: PixelRect, width newWidth: Int, height newHeight: Int) -> PixelImage {
        precondition(channels == 3, "opaque downscale needs RGB")
        let xs = FixedAreaWeights(source: rect.width, target: newWidth)
        let ys = FixedAreaWeights(source: rect.height, target: newHeight, unit: 256)
        let rowBytes = rect.width * 3, stride = width * 3
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        var row = [UInt16](repeating: 0, count: rowBytes)
        pixels.withUnsafeBufferPointer { all in
        out.withUnsafeMutableBufferPointer { dst in
        row.withUnsafeMutableBufferPointer { acc in
        xs.withPointers { xStart, xCount, xOffset, xWeight in
        ys.withPointers { yStart, yCount, yOffset, yWeight in
            let origin = all.baseAddress! + offset(x: rect.x, y: rect.y)
            let sum = acc.baseAddress!
            var d = 0
            for oy in 0..<newHeight {
                // Rows: value × 256.
                var src = origin + yStart[oy] * stride
                var w = UInt16(truncatingIfNeeded: yWeight[yOffset[oy]])
                for i in 0..<rowBytes { sum[i] = UInt16(src[i]) &* w }
                for k in 1..<yCount[oy] {
                    src = origin + (yStart[oy] + k) * stride
                    w = UInt16(truncatingIfNeeded: yWeight[yOffset[oy] + k])
                    for i in 0..<rowBytes { sum[i] &+= UInt16(src[i]) &* w }
                }
                // Columns: × 4096; 65280 × 4096 + 2^19 fits in 32 bits; value × 2^20.
                for ox in 0..<newWidth {
                    var r: UInt32 = 1 << 19, g: UInt32 = 1 << 19, b: UInt32 = 1 << 19
                    var o = xStart[ox] * 3, wi = xOffset[ox]
                    for _ in 0..<xCount[ox] {
                        let wx = xWeight[wi]
                        r &+= UInt32(sum[o]) &* wx
                        g &+= UInt32(sum[o + 1]) &* wx
                        b &+= UInt32(sum[o + 2]) &* wx
                        o += 3
                        wi += 1
                    }
                    dst[d] = UInt8(truncatingIfNeeded: r &>> 20)
                    dst[d + 1] = UInt8(truncatingIfNeeded: g &>> 20)
                    dst[d + 2] = UInt8(truncatingIfNeeded: b &>> 20)
                    d += 3
                }
            }
        }
        }
        }
        }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: 3, pixels: out)
    }
}

/// For each target index, the first source index it covers, how many, and
/// their weights in 1/`unit`: the fraction of the target's area each covers,
/// computed in integers and rounded so that every target's weights sum to
/// exactly `unit` (a flat area keeps exactly its colour).
struct FixedAreaWeights {
    private var starts: [Int] = []
    private var counts: [Int] = []
    /// Where each target's weights begin in `weights`.
    private var offsets: [Int] = []
    private var weights: [UInt32] = []

    init(source: Int, target: Int, unit: Int = 4096) {
        precondition(target > 0 && target <= source, "downscale only: \(source) to \(target)")
        // In units of 1/target source pixel: source pixel s spans
        // [s·target, (s+1)·target), target t spans [t·source, (t+1)·source).
        for t in 0..<target {
            let lo = t * source, hi = lo + source
            let first = lo / target, last = (hi - 1) / target
            starts.append(first)
            counts.append(last - first + 1)
            offsets.append(weights.count)
            var covered = 0, given = 0
            for s in first...last {
                covered += min(hi, (s + 1) * target) - max(lo, s * target)
                let upTo = (covered * unit + source / 2) / source
                weights.append(UInt32(upTo - given))
                given = upTo
            }
        }
    }

    func withPointers<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>,
                                  UnsafeBufferPointer<UInt32>) -> R) -> R {
        starts.withUnsafeBufferPointer { s in
            counts.withUnsafeBufferPointer { c in
                offsets.withUnsafeBufferPointer { o in
                    weights.withUnsafeBufferPointer { w in body(s, c, o, w) }
                }
            }
        }
    }
}
