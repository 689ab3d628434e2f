import Foundation

/// Tempo salience over beat periods: how strongly the beat activation repeats at each period.
public struct TempoSalience: Sendable {
    /// Frames per second of the onset function.
    public var fps: Double
    /// Beat periods in frames, ascending (fast tempo first).
    public var periods: [Int]
    /// Salience per period, 0...1 after the prior (the maximum is 1).
    public var salience: [Float]

    /// The most salient tempo in BPM.
    public var bestBPM: Double {
        guard let i = salience.indices.max(by: { salience[$0] < salience[$1] }) else { return 0 }
        return 60 * fps / Double(periods[i])
    }
}

/// The beat periods (frames) a tempo range covers, and the longest autocorrelation lag the comb
/// in `tempoSalience` reads (4 periods of the slowest tempo).
public func tempoPeriodRange(fps: Double, minBPM: Double, maxBPM: Double) -> (periods: ClosedRange<Int>, maxLag: Int) {
    let lo = max(2, Int((60 * fps / maxBPM).rounded(.down)))
    let hi = max(lo + 1, Int((60 * fps / minBPM).rounded(.up)))
    return (lo...hi, 4 * hi + 2)
}

/// Tempo induction by autocorrelation of the onset function with a comb of its multiples and a
/// log-Gaussian tempo prior, after Ellis (2007), "Beat tracking by dynamic programming" (the
/// perceptual weighting around 120 BPM) and Davies & Plumbley (2007), "Context-dependent beat
/// tracking of musical audio" (summing the autocorrelation at 1-4 times the period, which favours
/// the level at which the whole metrical hierarchy lines up).
/// - Parameter r: the unbiased autocorrelation up to `tempoPeriodRange(...).maxLag`.
public func tempoSalience(_ r: [Float], fps: Double, minBPM: Double, maxBPM: Double,
                          priorBPM: Double = 95, priorOctaves: Double = 0.7) -> TempoSalience {
    let range = tempoPeriodRange(fps: fps, minBPM: minBPM, maxBPM: maxBPM)
    let r0 = max(r[0], 1e-12)
    var periods: [Int] = [], sal: [Float] = []
    for tau in range.periods {
        // Comb over multiples, each the local maximum around k·τ (beats are not exact integers).
        var comb: Float = 0
        for k in 1...4 {
            let c = k * tau
            guard c + k < r.count else { break }
            var m: Float = 0
            for j in (c - (k - 1))...(c + (k - 1)) where j >= 0 && j < r.count { m = max(m, r[j]) }
            comb += m / Float(k)
        }
        let bpm = 60 * fps / Double(tau)
        let prior = exp(-0.5 * pow(log2(bpm / priorBPM) / priorOctaves, 2))
        periods.append(tau)
        sal.append(comb / r0 * Float(prior))
    }
    let top = sal.max() ?? 1
    return TempoSalience(fps: fps, periods: periods, salience: sal.map { top > 0 ? $0 / top : 0 })
}
