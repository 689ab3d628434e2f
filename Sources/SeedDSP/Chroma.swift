import Foundation

/// Pitch-class profile (chroma) of a power spectrum, after Fujishima (1999), "Realtime chord
/// recognition of musical sound": every bin between 80 Hz and 3 kHz adds its magnitude to the
/// pitch class nearest its frequency (A4 = 440 Hz, C = class 0).
public struct ChromaMap: Sendable {
    private let bins: [Int32]
    private let classes: [Int8]

    public init(sampleRate: Double, fftSize: Int, lowHz: Double = 80, highHz: Double = 3000) {
        var b: [Int32] = [], c: [Int8] = []
        for k in 1...(fftSize / 2) {
            let f = Double(k) * sampleRate / Double(fftSize)
            guard f >= lowHz, f <= highHz else { continue }
            let semis = Int((12 * log2(f / 440)).rounded()) + 9 + 1200
            b.append(Int32(k))
            c.append(Int8(semis % 12))
        }
        bins = b
        classes = c
    }

    /// Adds the frame's 12 class magnitudes into `chroma[0..<12]`.
    public func accumulate(power: UnsafeBufferPointer<Float>, into chroma: UnsafeMutablePointer<Float>) {
        for i in 0..<bins.count { chroma[Int(classes[i])] += power[Int(bins[i])].squareRoot() }
    }
}

/// Log-compresses and unit-normalizes a 12-bin chroma vector in place, so cosine similarity is a dot product.
public func normalizeChroma(_ c: UnsafeMutableBufferPointer<Float>) {
    var norm: Float = 0
    let scale = 1 / max(1e-9, c.max() ?? 1)
    for i in 0..<c.count {
        c[i] = log1p(10 * c[i] * scale)
        norm += c[i] * c[i]
    }
    norm = norm.squareRoot()
    for i in 0..<c.count { c[i] = norm > 0 ? c[i] / norm : 0 }
}
