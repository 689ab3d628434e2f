import Foundation

/// Generated test signals with known answers. All interleaved Float, deterministic.
public enum Signals {
    /// A sine of `frequency` Hz and peak `amplitude`, the same in every channel.
    public static func sine(_ frequency: Double, rate: Int, seconds: Double, amplitude: Double = 0.5,
                            channels: Int = 1) -> [Float] {
        let n = Int(seconds * Double(rate))
        var out = [Float](repeating: 0, count: n * channels)
        for i in 0..<n {
            let v = Float(amplitude * sin(2 * .pi * frequency * Double(i) / Double(rate)))
            for c in 0..<channels { out[i * channels + c] = v }
        }
        return out
    }

    /// A linear sweep from `f0` to `f1` Hz.
    public static func sweep(from f0: Double, to f1: Double, rate: Int, seconds: Double, amplitude: Double = 0.5) -> [Float] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            return Float(amplitude * sin(2 * .pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))))
        }
    }

    /// Instantaneous frequency of `sweep` at time `t`.
    public static func sweepFrequency(from f0: Double, to f1: Double, seconds: Double, at t: Double) -> Double {
        f0 + (f1 - f0) * t / seconds
    }

    /// Pink-ish noise (Paul Kellett's filter on a seeded white source), peak about `amplitude`.
    public static func pinkNoise(rate: Int, seconds: Double, amplitude: Double = 0.3, channels: Int = 1, seed: UInt64 = 1) -> [Float] {
        var rng = SeededRandom(seed: seed)
        let n = Int(seconds * Double(rate))
        var out = [Float](repeating: 0, count: n * channels)
        for c in 0..<channels {
            var b0 = 0.0, b1 = 0.0, b2 = 0.0
            for i in 0..<n {
                let w = rng.nextSigned()
                b0 = 0.99765 * b0 + w * 0.0990460
                b1 = 0.96300 * b1 + w * 0.2965164
                b2 = 0.57000 * b2 + w * 1.0526913
                out[i * channels + c] = Float(amplitude * (b0 + b1 + b2 + w * 0.1848) / 4)
            }
        }
        return out
    }
}

/// A small deterministic generator (SplitMix64), so tests never depend on the system RNG.
public struct SeededRandom {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    public mutating func nextSigned() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }
}

/// Measurements used by the assertions.
public enum Measure {
    /// Least-squares fit of a sine at exactly `frequency`: amplitude and the SNR of the residual (dB).
    /// A wrong frequency, amplitude error or added noise all show up as a low SNR.
    public static func sineFit(_ x: ArraySlice<Float>, frequency: Double, rate: Int) -> (amplitude: Double, snrDB: Double) {
        var ss = 0.0, cc = 0.0, sc = 0.0, xs = 0.0, xc = 0.0
        for (k, v) in x.enumerated() {
            let p = 2 * .pi * frequency * Double(k) / Double(rate)
            let s = sin(p), c = cos(p)
            ss += s * s; cc += c * c; sc += s * c; xs += Double(v) * s; xc += Double(v) * c
        }
        let det = ss * cc - sc * sc
        let a = (xs * cc - xc * sc) / det, b = (xc * ss - xs * sc) / det
        var signal = 0.0, noise = 0.0
        for (k, v) in x.enumerated() {
            let p = 2 * .pi * frequency * Double(k) / Double(rate)
            let fit = a * sin(p) + b * cos(p)
            signal += fit * fit
            noise += (Double(v) - fit) * (Double(v) - fit)
        }
        return ((a * a + b * b).squareRoot(), 10 * log10(signal / max(noise, 1e-300)))
    }

    public static func rms(_ x: ArraySlice<Float>) -> Double {
        guard !x.isEmpty else { return 0 }
        return (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
    }

    /// Energy per band (dB) of a magnitude spectrum averaged over Hann-windowed frames of 4096.
    public static func bandEnergies(_ x: [Float], rate: Int, edges: [Double]) -> [Double] {
        let n = 4096
        var power = [Double](repeating: 0, count: n / 2)
        var frames = 0
        var start = 0
        while start + n <= x.count {
            var re = (0..<n).map { Double(x[start + $0]) * (0.5 - 0.5 * cos(2 * .pi * Double($0) / Double(n))) }
            var im = [Double](repeating: 0, count: n)
            FFT.transform(&re, &im)
            for k in 0..<n / 2 { power[k] += re[k] * re[k] + im[k] * im[k] }
            frames += 1
            start += n
        }
        return zip(edges, edges.dropFirst()).map { lo, hi in
            let a = Int(lo / Double(rate) * Double(n)), b = Int(hi / Double(rate) * Double(n))
            let e = power[a..<max(a + 1, b)].reduce(0, +) / Double(max(frames, 1))
            return 10 * log10(e + 1e-30)
        }
    }
}

/// Radix-2 complex FFT in place (Cooley-Tukey), for test measurements only.
public enum FFT {
    public static func transform(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let ang = -2 * Double.pi / Double(len)
            for i in stride(from: 0, to: n, by: len) {
                for k in 0..<len / 2 {
                    let wr = cos(ang * Double(k)), wi = sin(ang * Double(k))
                    let ur = re[i + k], ui = im[i + k]
                    let vr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi
                    let vi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr
                    re[i + k] = ur + vr; im[i + k] = ui + vi
                    re[i + k + len / 2] = ur - vr; im[i + k + len / 2] = ui - vi
                }
            }
            len <<= 1
        }
    }
}
