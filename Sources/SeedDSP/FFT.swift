import Foundation

/// Real-input FFT of a fixed power-of-two size, for the analysis features (pitch, chroma, onsets).
///
/// An iterative radix-2 decimation-in-time complex FFT (Cooley & Tukey 1965) of size n/2 on split
/// real/imaginary arrays, with the standard packing of a real sequence into a half-length complex
/// one and the twiddle post-pass that separates the even and odd halves. Tables are built once;
/// `forward` and `inverse` allocate nothing.
public final class RealFFT {
    /// Transform size (real samples in, n/2 + 1 bins out).
    public let size: Int
    private let half: Int
    private let cosTable: [Float]   // cos(2πj/half), j < half/2
    private let sinTable: [Float]
    private let postCos: [Float]    // cos(2πk/n), k ≤ half
    private let postSin: [Float]
    private let bitReverse: [Int32]
    private var re: [Float]
    private var im: [Float]

    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two ≥ 4")
        self.size = size
        half = size / 2
        cosTable = (0..<max(1, half / 2)).map { Float(cos(2 * Double.pi * Double($0) / Double(size / 2))) }
        sinTable = (0..<max(1, half / 2)).map { Float(sin(2 * Double.pi * Double($0) / Double(size / 2))) }
        postCos = (0...(size / 2)).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        postSin = (0...(size / 2)).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }
        let bits = (size / 2).trailingZeroBitCount
        bitReverse = (0..<(size / 2)).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return Int32(r)
        }
        re = [Float](repeating: 0, count: size / 2)
        im = re
    }

    /// Number of output bins: n/2 + 1 (DC to Nyquist).
    public var bins: Int { half + 1 }

    /// Transforms `size` real samples into `bins` complex bins (unnormalized: a full-scale sine of
    /// bin frequency gives magnitude n/2).
    public func forward(_ x: UnsafePointer<Float>, real outRe: UnsafeMutablePointer<Float>,
                        imag outIm: UnsafeMutablePointer<Float>) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                for k in 0..<half {
                    let j = Int(bitReverse[k])
                    r[j] = x[2 * k]
                    i[j] = x[2 * k + 1]
                }
                butterflies(r.baseAddress!, i.baseAddress!, sign: -1)
                // Split Z into the spectra of the even (E) and odd (O) samples: X = E + W^k·O.
                for k in 0...half {
                    let a = k == half ? 0 : k, b = k == 0 ? 0 : half - k
                    let zr = r[a], zi = i[a], cr = r[b], ci = -i[b]       // Z[k], conj(Z[m-k])
                    let er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci)
                    // O = (Z[k] - conj(Z[m-k])) / (2i)
                    let orr = 0.5 * (zi - ci), oi = -0.5 * (zr - cr)
                    let wr = postCos[k], wi = -postSin[k]
                    outRe[k] = er + wr * orr - wi * oi
                    outIm[k] = ei + wr * oi + wi * orr
                }
            }
        }
    }

    /// Inverse of `forward`: `bins` complex bins back to `size` real samples (forward then inverse is the identity).
    public func inverse(real inRe: UnsafePointer<Float>, imag inIm: UnsafePointer<Float>,
                        into x: UnsafeMutablePointer<Float>) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                for k in 0..<half {
                    // E = (X[k] + conj(X[m-k]))/2, O = (X[k] - conj(X[m-k]))/(2·W^k); Z = E + iO.
                    let xr = inRe[k], xi = inIm[k], cr = inRe[half - k], ci = -inIm[half - k]
                    let er = 0.5 * (xr + cr), ei = 0.5 * (xi + ci)
                    let dr = 0.5 * (xr - cr), di = 0.5 * (xi - ci)
                    let wr = postCos[k], wi = postSin[k]                      // 1/W^k = e^{+2πik/n}
                    let orr = dr * wr - di * wi, oi = dr * wi + di * wr
                    let j = Int(bitReverse[k])
                    r[j] = er - oi
                    i[j] = ei + orr
                }
                butterflies(r.baseAddress!, i.baseAddress!, sign: 1)
                let scale = 1 / Float(half)   // the half-size complex transform of 2·(E + iO)/2
                for k in 0..<half {
                    x[2 * k] = r[k] * scale
                    x[2 * k + 1] = i[k] * scale
                }
            }
        }
    }

    /// In-place radix-2 butterflies on bit-reversed input; sign -1 forward, +1 inverse.
    private func butterflies(_ r: UnsafeMutablePointer<Float>, _ i: UnsafeMutablePointer<Float>, sign: Float) {
        cosTable.withUnsafeBufferPointer { cosT in
            sinTable.withUnsafeBufferPointer { sinT in
                var span = 1
                var stride = half / 2
                while span < half {
                    var start = 0
                    while start < half {
                        var t = 0
                        for k in start..<(start + span) {
                            let wr = cosT[t], wi = sign * sinT[t]
                            let a = k + span
                            let tr = r[a] * wr - i[a] * wi
                            let ti = r[a] * wi + i[a] * wr
                            r[a] = r[k] - tr; i[a] = i[k] - ti
                            r[k] += tr; i[k] += ti
                            t += stride
                        }
                        start += 2 * span
                    }
                    span *= 2
                    stride /= 2
                }
            }
        }
    }
}
