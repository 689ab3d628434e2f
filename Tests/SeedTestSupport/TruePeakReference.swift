import Foundation

/// An independent true-peak reference for the tests: every signal point on a grid of
/// `factor` × the sample rate (at least 192 kHz), interpolated directly with a long Kaiser-windowed
/// sinc (256 taps), the signal taken as zero outside. Slow and simple; short signals only.
public enum TruePeakReference {
    /// The grid factor that reaches 192 kHz, as BS.1770-4 intends (4x at 48 kHz).
    public static func factor(rate: Int) -> Int { max(1, Int((192_000 / Double(rate)).rounded(.up))) }

    /// The largest absolute value over all channels and grid points, dBTP.
    public static func dBTP(_ x: [Float], channels: Int = 1, rate: Int) -> Double {
        let factor = factor(rate: rate), half = 128
        let beta = 10.0
        func bessel0(_ v: Double) -> Double {
            var sum = 1.0, term = 1.0
            for k in 1..<40 { term *= (v / 2 / Double(k)) * (v / 2 / Double(k)); sum += term }
            return sum
        }
        let norm = bessel0(beta)
        // The kernel at each grid phase: weights for samples n - half + 1 ... n + half.
        var kernels: [[Double]] = []
        for p in 0..<factor {
            let frac = Double(p) / Double(factor)
            kernels.append((0..<(2 * half)).map { j in
                let d = Double(j - half + 1) - frac          // sample offset from the point
                let sinc = d == 0 ? 1 : sin(.pi * d) / (.pi * d)
                let r = d / Double(half)
                let w = abs(r) >= 1 ? 0 : bessel0(beta * (1 - r * r).squareRoot()) / norm
                return sinc * w
            })
        }
        let frames = x.count / channels
        var peak = 0.0
        for c in 0..<channels {
            let s = (0..<frames).map { Double(x[$0 * channels + c]) }
            for n in -1..<frames {
                for p in 0..<factor {
                    var v = 0.0
                    let k = kernels[p]
                    for j in 0..<(2 * half) {
                        let i = n - half + 1 + j
                        if i >= 0 && i < frames { v += s[i] * k[j] }
                    }
                    peak = max(peak, abs(v))
                }
            }
        }
        return 20 * log10(max(peak, 1e-12))
    }
}

extension Signals {
    /// A dense, loud, band-limited multi-tone (60 partials of 20 notes, 1/f amplitudes, up to
    /// 0.45 of the rate, random phases), faded in and out over 20 ms: music-like peaks between
    /// samples, and no edge for an interpolator to ring on.
    public static func denseTones(rate: Int, seconds: Double, peak: Float = 0.9, seed: UInt64 = 1) -> [Float] {
        var rng = SeededRandom(seed: seed)
        let n = Int(seconds * Double(rate))
        var x = [Double](repeating: 0, count: n)
        for _ in 0..<20 {
            let f0 = 80 * pow(2, Double(rng.next() % 60) / 12)
            for h in 1...3 {
                let f = f0 * Double(h) * (1 + 0.003 * rng.nextSigned())
                guard f < 0.45 * Double(rate) else { continue }
                let a = 1 / (Double(h) * (1 + f / 2000)), phase = Double.pi * rng.nextSigned()
                for i in 0..<n { x[i] += a * sin(2 * Double.pi * f * Double(i) / Double(rate) + phase) }
            }
        }
        return faded(x, rate: rate, peak: peak)
    }

    /// A sine at `fraction` of the rate, faded in and out over 20 ms, with its peaks between samples.
    public static func fadedSine(fraction: Double, phase: Double, rate: Int, seconds: Double, peak: Float) -> [Float] {
        let n = Int(seconds * Double(rate))
        return faded((0..<n).map { sin(2 * Double.pi * fraction * Double($0) + phase) }, rate: rate, peak: peak, samplePeak: false)
    }

    private static func faded(_ x: [Double], rate: Int, peak: Float, samplePeak: Bool = true) -> [Float] {
        let fade = Int(0.02 * Double(rate)), n = x.count
        var y = x
        for i in 0..<min(fade, n) {
            let g = 0.5 - 0.5 * cos(Double.pi * Double(i) / Double(fade))
            y[i] *= g
            y[n - 1 - i] *= g
        }
        let top = samplePeak ? (y.map { abs($0) }.max() ?? 1) : 1
        return y.map { Float($0 / top) * peak }
    }
}
