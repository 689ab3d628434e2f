import Foundation

/// Periodicity and pitch of one frame.
public struct PitchEstimate: Sendable, Equatable {
    /// Normalized autocorrelation at the best lag, 0...1: near 1 for a clean periodic sound
    /// (a sung or hummed note), near 0 for noise, breaths and coughs.
    public var clarity: Float
    /// Fundamental frequency in Hz; 0 when nothing periodic was found in range.
    public var hz: Float
}

/// Pitch salience by the windowed-autocorrelation method of Boersma (1993), "Accurate short-term
/// analysis of the fundamental frequency and the harmonics-to-noise ratio of a sampled sound":
/// the autocorrelation of the Hann-windowed frame, divided by the window's own autocorrelation,
/// peak-picked with parabolic interpolation. Of the peaks within 10% of the highest, the shortest
/// lag wins, which avoids the usual one-octave-down errors.
public final class PitchSalience {
    private let spectrum: FrameSpectrum
    private let sampleRate: Double
    private let minLag: Int
    private let maxLag: Int
    private let windowAC: [Float]
    private var ac: [Float]
    private var zeros: [Float]

    public init(spectrum: FrameSpectrum, sampleRate: Double, minHz: Double = 60, maxHz: Double = 1000) {
        self.spectrum = spectrum
        self.sampleRate = sampleRate
        let n = spectrum.frameLength
        minLag = max(2, Int(sampleRate / maxHz))
        // Boersma: a Hann window needs about three periods of the lowest pitch.
        maxLag = min(n / 3, Int((sampleRate / minHz).rounded(.up)))
        ac = [Float](repeating: 0, count: 2 * n)
        zeros = [Float](repeating: 0, count: n + 1)
        var wac = [Float](repeating: 0, count: maxLag + 2)
        for lag in 0..<wac.count {
            var s: Float = 0
            for i in 0..<(n - lag) { s += spectrum.window[i] * spectrum.window[i + lag] }
            wac[lag] = s
        }
        let w0 = wac[0]
        windowAC = wac.map { $0 / w0 }
    }

    /// Estimates from the power spectrum currently held by `spectrum`.
    public func estimate() -> PitchEstimate {
        let fft = spectrum.fft
        spectrum.power.withUnsafeBufferPointer { p in
            zeros.withUnsafeBufferPointer { z in
                ac.withUnsafeMutableBufferPointer { a in fft.inverse(real: p.baseAddress!, imag: z.baseAddress!, into: a.baseAddress!) }
            }
        }
        let r0 = ac[0]
        guard r0 > 1e-12 else { return PitchEstimate(clarity: 0, hz: 0) }
        var best: Float = 0
        // Normalized autocorrelation r(τ) = r_xw(τ)/r_xw(0) / r_w(τ).
        @inline(__always) func value(_ lag: Int) -> Float { ac[lag] / r0 / windowAC[lag] }
        for lag in minLag...maxLag { best = max(best, value(lag)) }
        guard best > 0 else { return PitchEstimate(clarity: 0, hz: 0) }
        var chosen = -1
        for lag in (minLag + 1)..<maxLag {
            let v = value(lag)
            if v >= 0.9 * best, v >= value(lag - 1), v >= value(lag + 1) { chosen = lag; break }
        }
        if chosen < 0 { return PitchEstimate(clarity: min(1, best), hz: 0) }
        let a = value(chosen - 1), b = value(chosen), c = value(chosen + 1)
        let denom = a - 2 * b + c
        let shift = denom < 0 ? 0.5 * (a - c) / denom : 0
        let peak = b - 0.25 * (a - c) * shift
        return PitchEstimate(clarity: max(0, min(1, peak)), hz: Float(sampleRate / (Double(chosen) + Double(shift))))
    }
}
