import Foundation

/// Beats per bar and where bar 1 starts.
public struct MeterEstimate: Sendable, Equatable {
    public var beatsPerBar: Int
    /// Index of the first downbeat among the beats (0 ..< beatsPerBar).
    public var firstDownbeat: Int
    /// How much more accented the downbeats are than other beats (z-score units); near 0 = unsure.
    public var strength: Float
}

/// Meter and downbeat phase from beat-synchronous cues, after Davies & Plumbley (2006), "A
/// spectral difference approach to downbeat extraction in musical audio" and Klapuri, Eronen &
/// Astola (2006), "Analysis of the meter of acoustic musical signals": chords tend to change, the
/// bass/kick tends to play, and the beat tends to be accented at the start of a bar. Each cue is z-scored over the beats, and
/// for every meter (2, 3, 4) and phase the mean cue on the would-be downbeats is compared with
/// the rest. 2 is chosen over 4 only when clearly better, since 4/4 accents every other beat too.
///
/// - Parameters:
///   - chromaChange: per beat, 1 - cosine similarity of its chroma with the previous beat's.
///   - lowAccent: per beat, low-frequency onset strength at the beat.
///   - accent: per beat, onset strength over all bands at the beat.
public func estimateMeter(chromaChange: [Float], lowAccent: [Float], accent: [Float], meters: [Int] = [2, 3, 4]) -> MeterEstimate {
    let n = min(chromaChange.count, lowAccent.count, accent.count)
    guard n >= 8 else { return MeterEstimate(beatsPerBar: 4, firstDownbeat: 0, strength: 0) }
    let hc = zscore(Array(chromaChange[0..<n])), low = zscore(Array(lowAccent[0..<n])), all = zscore(Array(accent[0..<n]))
    let cue = (0..<n).map { hc[$0] + 0.5 * low[$0] + 0.5 * all[$0] }
    var results: [Int: (phase: Int, score: Float)] = [:]
    for m in meters where n >= 2 * m {
        var best = (phase: 0, score: -Float.infinity)
        for phase in 0..<m {
            var on: Float = 0, off: Float = 0, nOn = 0, nOff = 0
            for b in 0..<n {
                if (b - phase) % m == 0 { on += cue[b]; nOn += 1 } else { off += cue[b]; nOff += 1 }
            }
            let s = on / Float(max(1, nOn)) - off / Float(max(1, nOff))
            if s > best.score { best = (phase, s) }
        }
        results[m] = best
    }
    guard var choice = results.max(by: { $0.value.score < $1.value.score }) else {
        return MeterEstimate(beatsPerBar: 4, firstDownbeat: 0, strength: 0)
    }
    if choice.key == 2, let four = results[4], four.score > 0.75 * choice.value.score { choice = (4, four) }
    return MeterEstimate(beatsPerBar: choice.key, firstDownbeat: choice.value.phase, strength: choice.value.score)
}

func zscore(_ x: [Float]) -> [Float] {
    guard !x.isEmpty else { return x }
    let mean = x.reduce(0, +) / Float(x.count)
    let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(x.count)).squareRoot()
    return x.map { sd > 1e-9 ? ($0 - mean) / sd : 0 }
}
