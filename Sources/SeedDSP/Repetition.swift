import Foundation

/// How strongly each block's material recurs elsewhere in the recording, 0...1.
///
/// Chroma self-similarity along diagonals, as in audio thumbnailing (Bartsch & Wakefield 2005,
/// "Audio thumbnailing of popular music using chroma-based representations"; Goto 2006, "A chorus
/// section detection method for musical audio signals"): a repeated section shows up as a stripe of
/// high similarity at a constant lag. For every lag of at least `minLagBlocks`, similarities along
/// the diagonal are averaged over ±`halfWidth` blocks, and each block keeps the best stripe it
/// lies on. Memory is O(blocks); time O(blocks² · 12).
public func repetitionStrength(chroma: [Float], minLagBlocks: Int, halfWidth: Int) -> [Float] {
    let n = chroma.count / 12
    var best = [Float](repeating: 0, count: n)
    guard n > minLagBlocks + 1 else { return best }
    var diagonal = [Float](repeating: 0, count: n + 1)   // prefix sums of S(i, i+lag)
    chroma.withUnsafeBufferPointer { c in
        for lag in max(1, minLagBlocks)..<n {
            let m = n - lag
            diagonal[0] = 0
            for i in 0..<m {
                var dot: Float = 0
                let a = c.baseAddress! + 12 * i, b = c.baseAddress! + 12 * (i + lag)
                for j in 0..<12 { dot += a[j] * b[j] }
                diagonal[i + 1] = diagonal[i] + dot
            }
            for i in 0..<m {
                let lo = max(0, i - halfWidth), hi = min(m, i + halfWidth + 1)
                // Short overlaps at the ends of the diagonal count as if padded with zeros.
                let mean = (diagonal[hi] - diagonal[lo]) / Float(2 * halfWidth + 1)
                if mean > best[i] { best[i] = mean }
                if mean > best[i + lag] { best[i + lag] = mean }
            }
        }
    }
    return best
}

/// Averages chroma blocks in groups of `factor` (re-normalized), to bound the quadratic cost on long inputs.
public func coarsenChroma(_ chroma: [Float], factor: Int) -> [Float] {
    guard factor > 1 else { return chroma }
    let n = chroma.count / 12
    var out = [Float]()
    out.reserveCapacity((n / factor + 1) * 12)
    var i = 0
    while i < n {
        var sum = [Float](repeating: 0, count: 12)
        for b in i..<min(n, i + factor) { for j in 0..<12 { sum[j] += chroma[12 * b + j] } }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        out.append(contentsOf: sum.map { norm > 0 ? $0 / norm : 0 })
        i += factor
    }
    return out
}
