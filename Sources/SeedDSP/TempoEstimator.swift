import Foundation

/// Tempo salience over beat periods: how strongly the onset function repeats at each period.
public struct TempoSalience: Sendable {
    /// Frames per second of the onset function.
    public var fps: Double
    /// Beat periods in frames, ascending (fast tempo first).
    public var periods: [Int]
    /// Salience per period, 0...1 after the prior (the maximum is 1).
    public var salience: [Float]
    /// Normalized autocorrelation at the best period, before the prior: low for speech and noise.
    public var periodicity: Float
    /// Pulse clarity: how far the autocorrelation at the chosen period and at twice that period
    /// stands above its median over all lags in range (normalized by r(0)). A beat repeats; speech
    /// and noise have onsets at every lag alike.
    public var pulseClarity: Float = 0

    /// The most salient tempo in BPM.
    public var bestBPM: Double {
        guard let i = salience.indices.max(by: { salience[$0] < salience[$1] }) else { return 0 }
        return 60 * fps / Double(periods[i])
    }
}

/// Prepares an onset function for periodicity analysis: subtracts a moving average over about a
/// second and keeps the positive part, so slow loudness changes do not look periodic.
public func detrendOnsets(_ odf: [Float], fps: Double) -> [Float] {
    let mean = movingAverage(odf, halfWidth: max(1, Int(0.5 * fps)))
    return zip(odf, mean).map { max(0, $0 - $1) }
}

/// Tempo induction by autocorrelation of the onset function with a comb of its multiples and a
/// log-Gaussian tempo prior, after Ellis (2007), "Beat tracking by dynamic programming" (the
/// perceptual weighting around 120 BPM) and Davies & Plumbley (2007), "Context-dependent beat
/// tracking of musical audio" (summing the autocorrelation at 1-4 times the period, which favours
/// the level at which the whole metrical hierarchy lines up).
public func estimateTempo(_ odf: [Float], fps: Double, minBPM: Double, maxBPM: Double,
                          priorBPM: Double = 95, priorOctaves: Double = 0.7) -> TempoSalience {
    let lo = max(2, Int((60 * fps / maxBPM).rounded(.down)))
    let hi = max(lo + 1, Int((60 * fps / minBPM).rounded(.up)))
    let maxLag = 4 * hi + 2
    let n = odf.count
    var r = [Float](repeating: 0, count: maxLag + 1)
    odf.withUnsafeBufferPointer { x in
        for lag in 0...min(maxLag, max(0, n - 1)) {
            var s: Float = 0
            for i in 0..<(n - lag) { s += x[i] * x[i + lag] }
            // Unbiased: long lags have fewer products.
            r[lag] = s / Float(n - lag)
        }
    }
    let r0 = max(r[0], 1e-12)
    var periods: [Int] = [], sal: [Float] = []
    var bestRaw: Float = 0
    for tau in lo...hi {
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
        bestRaw = max(bestRaw, r[tau] / r0)
        sal.append(comb / r0 * Float(prior))
    }
    let top = sal.max() ?? 1
    var result = TempoSalience(fps: fps, periods: periods, salience: sal.map { top > 0 ? $0 / top : 0 }, periodicity: bestRaw)
    if let best = sal.indices.max(by: { sal[$0] < sal[$1] }) {
        let tau = periods[best]
        let all = (lo...min(3 * hi, r.count - 1)).map { r[$0] / r0 }.sorted()
        let median = all[all.count / 2]
        let peak = { (c: Int) -> Float in
            (max(lo, c - 2)...min(r.count - 1, c + 2)).map { r[$0] / r0 }.max() ?? 0
        }
        result.pulseClarity = min(peak(tau), max(peak(2 * tau), peak(3 * tau))) - median
    }
    return result
}

/// Share of neighbouring 6 s windows (2 s apart) whose best beat periods agree within 9%, allowing
/// for one being 2 or 3 times the other. Music with a beat, even one that speeds up, keeps its
/// period from one window to the next; speech and noise pick a different period every time.
/// At most 60 window pairs are examined, spread over the input. 9% and not less: an accelerando
/// (122 → 170 BPM in 30 s on the beatset) moves ~2% between windows and a 6 s estimate smears it;
/// speech on the negatives still agrees in at most half of its pairs.
public func tempoConsistency(_ odf: [Float], fps: Double, minBPM: Double, maxBPM: Double) -> Float {
    let length = Int(6 * fps), step = Int(2 * fps)
    guard odf.count >= length + step else { return 0 }
    let starts = Array(stride(from: 0, through: odf.count - length, by: step))
    let pairs = min(60, starts.count - 1)
    var agree = 0
    for k in 0..<pairs {
        let i = pairs == starts.count - 1 ? k : k * (starts.count - 1) / pairs
        let a = estimateTempo(Array(odf[starts[i]..<(starts[i] + length)]), fps: fps, minBPM: minBPM, maxBPM: maxBPM)
        let b = estimateTempo(Array(odf[starts[i + 1]..<(starts[i + 1] + length)]), fps: fps, minBPM: minBPM, maxBPM: maxBPM)
        let ratio = a.bestBPM / max(b.bestBPM, 1e-9)
        if [1.0, 2, 3, 0.5, 1.0 / 3].contains(where: { abs(ratio / $0 - 1) < 0.09 }) { agree += 1 }
    }
    return Float(agree) / Float(max(1, pairs))
}
