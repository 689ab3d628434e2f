/// Beats per bar and where bar 1 starts.
public struct MeterEstimate: Sendable, Equatable {
    public var beatsPerBar: Int
    /// Index of the first downbeat among the beats (0 ..< beatsPerBar).
    public var firstDownbeat: Int
    /// How much more the downbeat activation fires on the downbeats than on the other beats.
    public var strength: Float
}

/// Beats per bar (2, 3, 4, 5 or 7) and the first downbeat's index: the meter and phase whose would-be
/// downbeats stand out most from the other beats, in the downbeat activation (mean on them less
/// the mean on the rest) and, with `changeWeight`, in the spectral change at each beat (relative
/// to its mean): chords and bass move at bar starts, so where a two-beat drum figure makes the
/// activation fire as much on beat 3 as on beat 1, the change says which is bar 1. 2 is taken
/// over 4 only when clearly better (a 4/4 bar whose third beat looks like its first scores 2 at
/// 1.5 times 4), as 4/4 is by far the commoner. 5 and 7 (5/4, 7/8 counted in eighths) must beat
/// the best of 2, 3 and 4 `MeterCues.oddOverRegular` times and be significant on their own (see
/// `MeterCues.significance`): in a real odd meter the 4-beat phases slide through the bar and
/// score near nothing, while where the cue is weak (a chorale, a short excerpt) some phase of 7
/// stands out by chance.
func meterFromDownbeats(_ downbeat: [Float], change: [Float] = [], meters: [Int] = [2, 3, 4, 5, 7],
                        changeWeight: Float = MeterCues.changeWeight) -> MeterEstimate {
    let cue = BeatCue(combinedCue(downbeat, change: change, weight: changeWeight))
    let best = meters.filter { cue.values.count >= 2 * $0 }.map { cue.bestPhase(every: $0) }
    guard var choice = best.filter({ $0.estimate.beatsPerBar <= 4 }).max(by: { $0.estimate.strength < $1.estimate.strength })?.estimate else {
        return MeterEstimate(beatsPerBar: 4, firstDownbeat: 0, strength: 0)
    }
    if let odd = best.filter({ $0.estimate.beatsPerBar > 4 }).max(by: { $0.estimate.strength < $1.estimate.strength }),
       odd.estimate.strength > MeterCues.oddOverRegular * choice.strength, odd.t > MeterCues.significance {
        return odd.estimate
    }
    if choice.beatsPerBar == 2, let four = best.first(where: { $0.estimate.beatsPerBar == 4 })?.estimate,
       four.strength > choice.strength / MeterCues.twoOverFour {
        choice = four
    }
    return choice
}

/// A cue at each beat (the downbeat activation, the beat activation), with what the phase tests
/// of meter and metrical level need of it.
struct BeatCue {
    let values: [Float]
    let total: Float
    /// The spread over all beats, for the significance of a phase's contrast.
    let spread: Float

    init(_ values: [Float]) {
        self.values = values
        total = values.reduce(0, +)
        let mean = total / Float(max(1, values.count))
        spread = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(max(1, values.count))).squareRoot()
    }

    /// The phase of every `m`-th beat whose cue stands out most from the other beats'.
    func bestPhase(every m: Int) -> PhaseContrast {
        let n = values.count
        var best = PhaseContrast(estimate: MeterEstimate(beatsPerBar: m, firstDownbeat: 0, strength: -.infinity),
                                 onMean: 0, offMean: 0, t: 0)
        for phase in 0..<min(m, n) {
            var on: Float = 0, count = 0
            for b in stride(from: phase, to: n, by: m) { on += values[b]; count += 1 }
            let onMean = on / Float(count), offMean = (total - on) / Float(max(1, n - count))
            guard onMean - offMean > best.estimate.strength else { continue }
            // Student's t of the two means, with the spread taken over all beats.
            let t = count < n && spread > 0 ? (onMean - offMean) / (spread * (1 / Float(count) + 1 / Float(n - count)).squareRoot()) : 0
            best = PhaseContrast(estimate: MeterEstimate(beatsPerBar: m, firstDownbeat: phase, strength: onMean - offMean),
                                 onMean: onMean, offMean: offMean, t: t)
        }
        return best
    }
}

/// One phase of a cue against the rest: the phase, the mean cue on its beats and on the others,
/// and how far the difference stands out from the beats' spread (a t statistic).
struct PhaseContrast {
    var estimate: MeterEstimate
    var onMean: Float
    var offMean: Float
    var t: Float
}

/// The evidence per beat that it starts a bar: the downbeat activation plus `weight` times the
/// spectral change there over its mean (so the change's scale does not matter).
func combinedCue(_ downbeat: [Float], change: [Float], weight: Float) -> [Float] {
    guard weight > 0, change.count == downbeat.count, !change.isEmpty else { return downbeat }
    let mean = change.reduce(0, +) / Float(change.count)
    guard mean > 0 else { return downbeat }
    return zip(downbeat, change).map { $0 + weight * $1 / mean }
}

/// The weights of the meter cues.
enum MeterCues {
    /// The spectral change's weight against the downbeat activation: 0.5, the middle of the
    /// plateau (0.5-0.75) on the development split of Training/make_data.py (downbeat F 0.789 →
    /// 0.818); the beatset goes 0.456 → 0.630 and the validation split, never tuned on, 0.780 → 0.789.
    static let changeWeight: Float = 0.5
    /// How much better 2 beats a bar must score than 4 to be chosen.
    static let twoOverFour: Float = 1.6
    /// How much better 5 or 7 beats a bar must score than the best of 2, 3 and 4: on the beatset
    /// the three odd-meter excerpts (5/4, 7/8, 5/4 in a room) score 3-10 times their best regular meter.
    static let oddOverRegular: Float = 2
    /// The t statistic a phase must reach against the other beats to count (odd meters here, and
    /// the metrical-level tests in MetricalLevel.swift). The maximum over the 12 phases of 5 and 7
    /// on uniform noise passes 3 about once in 100 (16-200 beats) and 4 once in 4,000; the
    /// beatset's odd meters reach 5.0-6.6, while the false 5s and 7s that the ratio alone let
    /// through (chorales, a folk song, 16-56 beats each, on the beatset and the development
    /// split) stay at 1.4-2.8.
    static let significance: Float = 4
}
