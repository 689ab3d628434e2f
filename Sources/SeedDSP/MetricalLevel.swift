/// The metrical level of tracked beats, checked after decoding: the decoder follows whichever
/// pulse the activation supports, and where the network fires on the eighths as well as on the
/// beats it can settle on a level a musician would not tap. Both tests look at the network's
/// own evidence at the beats found.

/// Where the beats found are the eighths of a compound meter (6/8, 12/8: three to a beat), the
/// phase (0..<3) of the dotted-quarter beats among them; else nil. The test is the one a
/// musician hears: in 6/8 a bar starts every sixth eighth and the fourth (the bar's second beat)
/// is no downbeat, so 6 stands out about twice as much as 3 would; in 3/4, read at its quarters,
/// every third beat starts a bar and 6 scores only 0.8 of 3 (it counts half the downbeats as
/// "other" beats). 6 must also beat 2 and 4 and be significant (`MeterCues.oddSignificance`).
func compoundPhase(_ downbeat: [Float], change: [Float] = [], changeWeight: Float = MeterCues.changeWeight) -> Int? {
    let n = downbeat.count
    guard n >= 12 else { return nil }
    let cue = combinedCue(downbeat, change: change, weight: changeWeight)
    let total = cue.reduce(0, +)
    let six = bestPhase(cue, total: total, beatsPerBar: 6)
    let others = [2, 3, 4].map { bestPhase(cue, total: total, beatsPerBar: $0).estimate.strength }
    guard six.estimate.strength > MeterCues.compoundOverTriple * others[1],
          six.estimate.strength > max(others[0], others[2]),
          tStatistic(six.estimate.strength, cue: cue, total: total, onCount: six.onCount) > MeterCues.oddSignificance
    else { return nil }
    return six.estimate.firstDownbeat % 3
}

/// Where the beats found run at twice the tempo of the music's beat, the phase (0 or 1) of the
/// real beats among them; else nil. The network is trained to fire alike on every beat, so when
/// it fires on every other tracked beat about half as much, those are the off-beat eighths the
/// decoder took in (a slow chorale or ballad with running eighths). Taken when the stronger
/// phase's mean activation is `MeterCues.doubledRatio` times the weaker's and the difference is
/// significant (`MeterCues.oddSignificance`).
func doubledPhase(_ activation: [Float]) -> Int? {
    let n = activation.count
    guard n >= 16 else { return nil }
    var sums: [Float] = [0, 0], counts: [Float] = [0, 0]
    for (k, a) in activation.enumerated() { sums[k % 2] += a; counts[k % 2] += 1 }
    let strong = sums[0] / counts[0] >= sums[1] / counts[1] ? 0 : 1
    let hi = sums[strong] / counts[strong], lo = sums[1 - strong] / counts[1 - strong]
    guard hi >= MeterCues.doubledRatio * lo else { return nil }
    var squares: [Float] = [0, 0]
    for (k, a) in activation.enumerated() {
        let mean = sums[k % 2] / counts[k % 2]
        squares[k % 2] += (a - mean) * (a - mean)
    }
    // Welch's t for the two phases.
    let se = (squares[0] / (counts[0] * counts[0]) + squares[1] / (counts[1] * counts[1])).squareRoot()
    guard se > 0, (hi - lo) / se > MeterCues.oddSignificance else { return nil }
    return strong
}
