/// The metrical level of tracked beats, checked after decoding: the decoder follows whichever
/// pulse the activation supports, and where the network fires on the eighths as well as on the
/// beats it can settle on a level a musician would not tap. Both tests look at the network's
/// own evidence at the beats found, with the phase contrasts of `BeatCue`.

/// Where the beats found are the eighths of a compound meter (6/8, 12/8: three to a beat), the
/// phase (0..<3) of the dotted-quarter beats among them; else nil. The test is the one a
/// musician hears: in 6/8 a bar starts every sixth eighth and the fourth (the bar's second beat)
/// is no downbeat, so 6 stands out about twice as much as 3 would; in 3/4, read at its quarters,
/// every third beat starts a bar and 6 scores only 0.8 of 3 (it counts half the downbeats as
/// "other" beats). 6 must also stand out against 2 and 4 (`MetricalLevelCues.compoundOverSimple`)
/// and be significant (`MeterCues.significance`). The downbeat activation alone is the cue: the
/// spectral change also moves on the dotted quarters inside a bar.
func compoundPhase(_ downbeat: [Float]) -> Int? {
    guard downbeat.count >= 12 else { return nil }
    let cue = BeatCue(downbeat)
    let six = cue.bestPhase(every: 6)
    let others = [2, 3, 4].map { cue.bestPhase(every: $0).estimate.strength }
    guard six.estimate.strength > MetricalLevelCues.compoundOverTriple * others[1],
          six.estimate.strength > MetricalLevelCues.compoundOverSimple * max(others[0], others[2]),
          six.t > MeterCues.significance
    else { return nil }
    return six.estimate.firstDownbeat % 3
}

/// Where the beats found run at twice the tempo of the music's beat, the phase (0 or 1) of the
/// real beats among them; else nil. The network is trained to fire alike on every beat, so when
/// it fires on every other tracked beat about half as much, those are the off-beat eighths the
/// decoder took in (a slow chorale or ballad with running eighths). The stronger phase's mean
/// activation must be, against the weaker's:
/// - `MetricalLevelCues.doubledRatio` times, the difference significant (`MeterCues.significance`);
/// - or `doubledRatioBesideHalf` times, where a stretch beside these beats runs at half their
///   tempo (`besideHalf`, see `runsAtTwiceANeighbour`): that tempo is the prior that they are
///   eighths, while a click track whose tempo really jumps fires alike on every beat;
/// - or `doubledRatioWithBars` times, where the downbeat activation also says so: it starts a
///   bar every eighth tracked beat rather than every fourth, on the stronger phase (a 4/4 bar read
///   in eighths). Each cue alone also fires on music at its right level (a one-drop reggae
///   alternates, a house track phrases in eight-beat groups).
func doubledPhase(_ activation: [Float], downbeat: [Float], besideHalf: Bool = false) -> Int? {
    guard activation.count >= 16 else { return nil }
    let strong = BeatCue(activation).bestPhase(every: 2)
    let phase = strong.estimate.firstDownbeat
    if strong.standsOut(by: MetricalLevelCues.doubledRatio) { return phase }
    if besideHalf, strong.onMean >= MetricalLevelCues.doubledRatioBesideHalf * strong.offMean { return phase }
    // Four bars of eight at least.
    guard activation.count >= 32, downbeat.count == activation.count,
          strong.onMean >= MetricalLevelCues.doubledRatioWithBars * strong.offMean else { return nil }
    let bars = BeatCue(downbeat)
    let eight = bars.bestPhase(every: 8), four = bars.bestPhase(every: 4)
    guard eight.estimate.strength >= MetricalLevelCues.eightOverFour * four.estimate.strength,
          eight.estimate.firstDownbeat % 2 == phase else { return nil }
    return phase
}

/// The stretches of tracked beats (index ranges, in order, covering all of them) between the
/// points where the tracked tempo changes level: where the median of the 8 intervals after a
/// beat and of the 8 before differ by `MetricalLevelCues.levelChange` or more. The decoder can
/// change level where the music changes tempo (after a funk groove slows by 13% the network
/// fires on its eighths too, and the decoder follows them at 1.7 times the old tempo), so the
/// level of each stretch is checked on its own evidence; a steady piece is one stretch.
func levelStretches(_ frames: [Int]) -> [Range<Int>] {
    let span = 8, n = frames.count
    guard n > 2 * span + 1 else { return [0..<n] }
    // changes[k]: the tempo ratio across beat span + k.
    let changes = (span...(n - 1 - span)).map { i in
        let before = medianInterval(frames[(i - span)...i]), after = medianInterval(frames[i...(i + span)])
        return max(before / after, after / before)
    }
    // Each run of points past the threshold splits once, in the middle of its first plateau at
    // the run's peak (medians hold the change flat over a few beats).
    var starts: [Int] = [], k = 0
    while k < changes.count {
        guard changes[k] >= MetricalLevelCues.levelChange else { k += 1; continue }
        var end = k
        while end + 1 < changes.count, changes[end + 1] >= MetricalLevelCues.levelChange { end += 1 }
        let peak = changes[k...end].max()!, first = changes[k...end].firstIndex(of: peak)!
        var last = first
        while last < end, changes[last + 1] == peak { last += 1 }
        starts.append(span + (first + last) / 2)
        k = end + 1
    }
    let bounds = [0] + starts + [n]
    return (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }
}

/// For each stretch (`levelStretches`), whether one beside it runs at about half its tempo: a
/// median beat period nearer twice this stretch's than once or four times (`levelChange`: from
/// √2 to 2√2 times as long). Music seldom changes tempo that much at once; the decoder changes
/// level there (a 13% slowdown followed at 1.7 times the old tempo, in its eighths). A real jump
/// up by half again falls in that range too: the beat activation's alternation tells them apart.
func runsAtTwiceANeighbour(_ frames: [Int], stretches: [Range<Int>]) -> [Bool] {
    let periods = stretches.map { medianInterval(frames[$0]) }
    return periods.indices.map { k in
        let p = periods[k]
        return p > 0 && [k - 1, k + 1].contains { j in
            guard periods.indices.contains(j) else { return false }
            let q = periods[j]
            return q >= MetricalLevelCues.levelChange * p && q < 2 * MetricalLevelCues.levelChange * p
        }
    }
}

/// The median interval between consecutive beat frames, 0 for fewer than two.
func medianInterval(_ frames: ArraySlice<Int>) -> Double {
    let d = zip(frames.dropFirst(), frames).map { Double($0 - $1) }.sorted()
    return d.isEmpty ? 0 : d[d.count / 2]
}

/// Where the beats found are the eighths of a compound meter, the phase (0..<3) of the dotted-quarter
/// beats among them, from the beat activation; else nil. The triple counterpart of `doubledPhase`:
/// the networks are trained to fire alike on every beat, so when they fire on every third tracked
/// beat about twice as much, those are the beats and the others the eighths between them (a 12/8
/// blues whose downbeat activation fires alike on every dotted quarter, which `compoundPhase`
/// cannot read). In 3/4 read at its quarters every beat is a beat and the ratio stays near 1.
func tripledPhase(_ activation: [Float]) -> Int? {
    guard activation.count >= 12 else { return nil }
    let strong = BeatCue(activation).bestPhase(every: 3)
    return strong.standsOut(by: MetricalLevelCues.tripledRatio) ? strong.estimate.firstDownbeat : nil
}

extension PhaseContrast {
    /// Whether the phase's mean cue is `ratio` times the other beats' and the difference is
    /// significant (`MeterCues.significance`).
    func standsOut(by ratio: Float) -> Bool {
        onMean >= ratio * offMean && t > MeterCues.significance
    }
}

/// The thresholds of the metrical-level tests.
enum MetricalLevelCues {
    /// How much more 6 beats a bar must stand out than 3 for the beats to be a compound meter's
    /// eighths: halfway between 3/4 read in quarters (0.8) and 6/8 read in eighths (2).
    static let compoundOverTriple: Float = 1.4
    /// How much more 6 beats a bar must stand out than the better of 2 and 4: halfway between a
    /// simple meter read at its beats (bars of 2 or 4 beats: 6 scores 0.3-0.6 of them; 0.68-0.91
    /// measured on the development split) and 6/8 read in eighths (3: every other eighth holds
    /// only a third of the downbeats; 3.2-7.3 measured). A Mozart rondo in 2/4 at 1.09, from the
    /// validation split, had been grouped into dotted quarters at 47 BPM.
    static let compoundOverSimple: Float = 1.8
    /// How much more the networks must fire on one phase of the tracked beats than on the other
    /// for them to be read as eighths, where the contrast is significant: halfway between the
    /// highest ratio of such an excerpt tracked at its right level (1.50, a string quartet) and
    /// the lowest above it of one tracked at twice its tempo (1.71, 20 s of a rubato hymn), on
    /// the development split, the beatset and testdata/renders with the two-network ensemble.
    /// One doubled piano ballad sat at 1.43 and stays doubled; below significance a half-time
    /// trap beat reached 1.66 at its right level.
    static let doubledRatio: Float = 1.6
    /// The same contrast where bars of eight beats back it (`eightOverFour`): below the lowest
    /// of the doubled piano ballads on the development split (1.43) and above 1, every beat
    /// alike. Development F is flat from 1.25 to 1.55 (both thresholds moved together).
    static let doubledRatioWithBars: Float = 1.4
    /// How much more a bar of 8 tracked beats must stand out in the downbeat activation than a bar
    /// of 4 for the beats to be eighths: halfway between 4/4 read at its beats (every eighth beat
    /// is every other downbeat: 6/7 of the bar of 4; median 0.94 measured) and read in eighths (2).
    static let eightOverFour: Float = 1.4
    /// How far apart the tempo before and after a point must be for a change of metrical level
    /// (the factor 2 of a level, or 3): √2, nearer 2 than 1. Tempo changes within a level (a
    /// march stepping up from 106 to 130, 1.23 times) stay one stretch.
    static let levelChange = 2.0.squareRoot()
    /// The contrast that halves a stretch beside one at half its tempo: above the 1.0 of beats
    /// that fire alike (a click track whose tempo jumps), below the 1.37-1.43 of the funk, guitar
    /// and reggae excerpts of the development splits that slowed and were then read in eighths.
    static let doubledRatioBesideHalf: Float = 1.2
    /// How much more the networks must fire on one phase in three of the tracked beats than on
    /// the others for them to be read as a compound meter's eighths: halfway between the highest
    /// ratio of an excerpt tracked at its right level (1.73, a 9/8 slip jig at its dotted
    /// quarters) and the lowest of one tracked at its eighths (2.01, a 12/8 blues), on the
    /// development split and the beatset; those at their eighths were all above 2 with t above 7.
    static let tripledRatio: Float = 1.87
}
