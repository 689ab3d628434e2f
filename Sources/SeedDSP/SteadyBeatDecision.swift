import Foundation

/// What the steady-beat decision read: how strongly the networks fire at the decoded beats, and
/// how strongly their activation repeats at the beat period.
public struct SteadyBeatCues: Sendable, Codable, Equatable {
    /// The median beat activation at the decoded beats, 0...1.
    public var evidence: Double
    /// The beat activation's autocorrelation at the beat period, mean removed and normalised by
    /// its variance: near 0 where activation peaks fall at random times, up to 1 for a strict pulse.
    public var periodicity: Double
    /// The decoded beats the two are read over.
    public var beats: Int
    public init(evidence: Double, periodicity: Double, beats: Int) {
        self.evidence = evidence
        self.periodicity = periodicity
        self.beats = beats
    }

    /// The periodicity beyond what chance gives over this many beats. Where the activation has
    /// no pulse, the periodicity at the period the decoder chose spreads as 1/√beats (its 90th
    /// percentile is about 1/√beats on the non-music training excerpts, whole and cut to 8 and
    /// 15 s), so a few notes of a 9-second free-time song that happen to fall a beat apart count
    /// for less than the same periodicity over a whole song.
    public var excessPeriodicity: Double { periodicity - 1 / Double(max(1, beats)).squareRoot() }
}

/// Whether the decoded beats are a steady beat. The decoder can always place beats, and with
/// tempo free to bend at every beat it follows onsets that fall at random times too (free-time
/// singing, a melody without a pulse), so the activation at its beats alone does not settle it:
/// a compressed free-time voice gives the networks as much to fire on (median 0.1-0.2) as held
/// chords or a sparse string texture that do have a pulse. What tells them apart is whether the
/// activation repeats at the beat period, which the decoder cannot bend: a pulse does, onsets at
/// random times do not. The decision is a logistic regression on both (Cox 1958), fitted by
/// `Training/fit_decision.py` on excerpts made by `Training/make_data.py`, none of them in the
/// development or validation splits; its probability of a steady beat is the confidence.
struct BeatDecision {
    /// A beat whose activation peak is below this has no evidence (it only continues the pulse).
    static let presentActivation: Float = 0.1
    /// Weight of the tempo prior per beat (log salience); on the development set 0 to 4 change
    /// F by under 0.02, the network's activation carries the metrical level.
    static let priorWeight: Float = 1

    /// The fitted model: log-odds = evidenceWeight · ln(evidence) + periodicityWeight · excess periodicity + bias.
    static let evidenceWeight = 2.93
    static let periodicityWeight = 11.70
    static let bias = 6.79
    /// The evidence below which every decision is the same (ln 0 is unbounded).
    static let evidenceFloor = 0.005
    /// The least evidence a steady beat may have, whatever its periodicity: the fit saw no music
    /// accepted below 0.058 (and no excerpt below 0.05 that the periodicity should accept), so
    /// below this the model would be extrapolating. Under it the log-odds are capped at
    /// ln(evidence / minimumEvidence), which is negative and meets the model at the bound.
    static let minimumEvidence = 0.05

    /// P(steady beat), 0...1.
    var confidence: Double
    var steady: Bool
    var cues: SteadyBeatCues

    init(atBeats: [Float], periodicity: Float) {
        let sorted = atBeats.sorted()
        cues = SteadyBeatCues(evidence: Double(sorted[sorted.count / 2]), periodicity: Double(periodicity), beats: atBeats.count)
        var logOdds = Self.evidenceWeight * log(max(cues.evidence, Self.evidenceFloor))
            + Self.periodicityWeight * cues.excessPeriodicity + Self.bias
        if cues.evidence < Self.minimumEvidence {
            logOdds = min(logOdds, log(max(cues.evidence, Self.evidenceFloor) / Self.minimumEvidence))
        }
        confidence = 1 / (1 + exp(-logOdds))
        steady = logOdds >= 0
    }
}

/// The autocorrelation `r` (unbiased, of a sequence with mean `mean`) at `period` frames, the
/// mean removed and divided by the variance: the best of the lags within 2 frames of the period
/// (a beat seldom lasts a whole number of frames, and tempo drifts). 0 where the sequence is flat
/// (its variance under 10⁻⁴ of its power).
func beatPeriodicity(_ r: [Float], mean: Float, period: Double) -> Float {
    let p = Int(period.rounded())
    let power = r.first ?? 0
    let variance = power - mean * mean
    // A flat sequence's variance is rounding error in single precision, and so would its ratio be.
    guard variance > 1e-4 * power, p > 0 else { return 0 }
    var best = -Float.infinity
    for lag in max(1, p - 2)...(p + 2) where lag < r.count {
        best = max(best, (r[lag] - mean * mean) / variance)
    }
    return best.isFinite ? best : 0
}
