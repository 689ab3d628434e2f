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
/// `MeterCues.oddSignificance`): in a real odd meter the 4-beat phases slide through the bar and
/// score near nothing, while where the cue is weak (a chorale, a short excerpt) some phase of 7
/// stands out by chance.
func meterFromDownbeats(_ downbeat: [Float], change: [Float] = [], meters: [Int] = [2, 3, 4, 5, 7],
                        changeWeight: Float = MeterCues.changeWeight) -> MeterEstimate {
    let n = downbeat.count
    let cue = combinedCue(downbeat, change: change, weight: changeWeight)
    let total = cue.reduce(0, +)
    var best: [Int: MeterEstimate] = [:]
    var onCount: [Int: Int] = [:]
    for m in meters where n >= 2 * m {
        let b = bestPhase(cue, total: total, beatsPerBar: m)
        best[m] = b.estimate
        onCount[m] = b.onCount
    }
    guard var choice = best.values.filter({ $0.beatsPerBar <= 4 }).max(by: { $0.strength < $1.strength }) else {
        return MeterEstimate(beatsPerBar: 4, firstDownbeat: 0, strength: 0)
    }
    if let odd = best.values.filter({ $0.beatsPerBar > 4 }).max(by: { $0.strength < $1.strength }),
       odd.strength > MeterCues.oddOverRegular * choice.strength,
       tStatistic(odd.strength, cue: cue, total: total, onCount: onCount[odd.beatsPerBar] ?? 0) > MeterCues.oddSignificance {
        return odd
    }
    if choice.beatsPerBar == 2, let four = best[4], four.strength > choice.strength / MeterCues.twoOverFour { choice = four }
    return choice
}

/// The phase of `beatsPerBar` whose beats' cue stands out most from the other beats' mean, and
/// how many beats it has.
func bestPhase(_ cue: [Float], total: Float, beatsPerBar m: Int) -> (estimate: MeterEstimate, onCount: Int) {
    let n = cue.count
    var best = MeterEstimate(beatsPerBar: m, firstDownbeat: 0, strength: -.infinity), bestCount = 0
    for phase in 0..<min(m, n) {
        var on: Float = 0, count = 0
        for b in stride(from: phase, to: n, by: m) { on += cue[b]; count += 1 }
        let s = on / Float(count) - (total - on) / Float(max(1, n - count))
        if s > best.strength { best = MeterEstimate(beatsPerBar: m, firstDownbeat: phase, strength: s); bestCount = count }
    }
    return (best, bestCount)
}

/// A difference of means (`strength`, `onCount` of the beats against the rest) over its standard
/// error, from the spread of the cue over all beats: Welch's t with one pooled variance.
func tStatistic(_ strength: Float, cue: [Float], total: Float, onCount: Int) -> Float {
    let n = cue.count
    guard onCount > 0, onCount < n else { return 0 }
    let mean = total / Float(n)
    var squares: Float = 0
    for c in cue { squares += (c - mean) * (c - mean) }
    let sd = (squares / Float(n)).squareRoot()
    guard sd > 0 else { return 0 }
    return strength / (sd * (1 / Float(onCount) + 1 / Float(n - onCount)).squareRoot())
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
    /// The t statistic an odd meter's downbeats must reach against the other beats. The maximum
    /// over the 12 phases of 5 and 7 on uniform noise passes 3 about once in 100 (16-200 beats)
    /// and 4 once in 4,000; the beatset's odd meters reach 5.0-6.6,
    /// while the false 5s and 7s that the ratio alone let through (chorales, a folk song, 16-56
    /// beats each, on the beatset and the development split) stay at 1.4-2.8.
    static let oddSignificance: Float = 4
    /// How much more 6 beats a bar must stand out than 3 for the beats to be a compound meter's
    /// eighths: halfway between 3/4 read in quarters (0.8) and 6/8 read in eighths (2).
    static let compoundOverTriple: Float = 1.4
    /// How much more the network must fire on one phase of the tracked beats than on the other
    /// for them to be read as eighths. On the development split and the beatset every excerpt
    /// above 1.8 was tracked at twice its tempo (3 of 3); the highest at the right level was 1.65
    /// (a Haydn movement), and from 1.6 to 1.8 sat two doubled, one right and one at half.
    static let doubledRatio: Float = 1.8
}
