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
        xs.withPointers { xStart, xWeight in
        ys.withPointers { yStart, yWeight in
            let origin = all.baseAddress! + offset(x: rect.x, y: rect.y)
            let sum = acc.baseAddress!
            for oy in 0..<newHeight {
                // Rows: value × 256; a zero weight (padding) is skipped.
                let first = origin + yStart[oy] * stride, w = yWeight.baseAddress! + oy * ys.taps
                let w0 = UInt16(truncatingIfNeeded: w[0])
                for i in 0..<rowBytes { sum[i] = UInt16(first[i]) &* w0 }
                for k in 1..<ys.taps where w[k] != 0 {
                    let src = first + k * stride, wk = UInt16(truncatingIfNeeded: w[k])
                    for i in 0..<rowBytes { sum[i] &+= UInt16(src[i]) &* wk }
                }
                // Columns, with the window's width a constant where it is common
                // (2: a thumbnail into a sheet's cell; 4: 1024 → 256; 5: a trimmed
                // part of about 1000 → 256), so the compiler unrolls the taps: a
                // quarter faster.
                let line = dst.baseAddress! + oy * newWidth * 3
                switch xs.taps {
                case 2: Self.columns(sum, into: line, count: newWidth, starts: xStart, weights: xWeight, taps: 2)
                case 4: Self.columns(sum, into: line, count: newWidth, starts: xStart, weights: xWeight, taps: 4)
                case 5: Self.columns(sum, into: line, count: newWidth, starts: xStart, weights: xWeight, taps: 5)
                default: Self.columns(sum, into: line, count: newWidth, starts: xStart, weights: xWeight, taps: xs.taps)
                }
            }
        }
        }
        }
        }
        }
        return PixelImage(width: newWidth, height: newHeight, channels: 3, pixels: out)
    }

    /// One output row from the summed source rows: × 4096, so a value is × 2^20;
    /// 65280 × 4096 + 2^19 fits in 32 bits.
    @inline(__always)
    private static func columns(_ sum: UnsafeMutablePointer<UInt16>, into line: UnsafeMutablePointer<UInt8>, count: Int,
                                starts: UnsafeBufferPointer<Int>, weights: UnsafeBufferPointer<UInt32>, taps: Int) {
        var d = 0
        for ox in 0..<count {
            var r: UInt32 = 1 << 19, g: UInt32 = 1 << 19, b: UInt32 = 1 << 19
            let p0 = sum + starts[ox] &* 3, w = weights.baseAddress! + ox &* taps
            for k in 0..<taps {
                let wk = w[k], p = p0 + 3 &* k
                r &+= UInt32(p[0]) &* wk
                g &+= UInt32(p[1]) &* wk
                b &+= UInt32(p[2]) &* wk
            }
            line[d] = UInt8(truncatingIfNeeded: r &>> 20)
            line[d &+ 1] = UInt8(truncatingIfNeeded: g &>> 20)
            line[d &+ 2] = UInt8(truncatingIfNeeded: b &>> 20)
            d &+= 3
        }
    }
}

/// For each target index, the first source index of its window and the
/// window's weights in 1/`unit`: the fraction of the target's area each
/// source index covers, computed in integers and rounded so that every
/// target's weights sum to exactly `unit` (a flat area keeps exactly its
/// colour). Every window has the same width, `taps`, padded with zero
/// weights, so the loops over it have a fixed length.
struct FixedAreaWeights {
    /// The window's width: the most source indices one target covers.
    private(set) var taps = 1
    private var starts: [Int] = []
    /// `taps` weights per target.
    private var weights: [UInt32] = []

    init(source: Int, target: Int, unit: Int = 4096) {
        precondition(target > 0 && target <= source, "downscale only: \(source) to \(target)")
        // In units of 1/target source pixel: source pixel s spans
        // [s·target, (s+1)·target), target t spans [t·source, (t+1)·source).
        var firsts: [Int] = [], counts: [Int] = [], raw: [UInt32] = []
        firsts.reserveCapacity(target)
        counts.reserveCapacity(target)
        for t in 0..<target {
            let lo = t * source, hi = lo + source
            let first = lo / target, last = (hi - 1) / target
            var covered = 0, given = 0
            for s in first...last {
                covered += min(hi, (s + 1) * target) - max(lo, s * target)
                let upTo = (covered * unit + source / 2) / source
                raw.append(UInt32(upTo - given))
                given = upTo
            }
            firsts.append(first)
            counts.append(last - first + 1)
            taps = max(taps, last - first + 1)
        }
        weights = [UInt32](repeating: 0, count: target * taps)
        starts.reserveCapacity(target)
        var next = 0
        for t in 0..<target {
            // Near the far edge a window starts earlier, so it stays inside the source.
            let start = min(firsts[t], source - taps), lead = firsts[t] - start
            starts.append(start)
            for k in 0..<counts[t] { weights[t * taps + lead + k] = raw[next + k] }
            next += counts[t]
        }
    }

    func withPointers<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<UInt32>) -> R) -> R {
        starts.withUnsafeBufferPointer { s in weights.withUnsafeBufferPointer { w in body(s, w) } }
    }
}
