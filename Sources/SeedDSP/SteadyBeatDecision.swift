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

    /// ln(evidence), the model's first input; evidence under 0.005 counts as 0.005 (ln 0 is unbounded).
    public var logEvidence: Double { log(max(evidence, 0.005)) }

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

    /// The fitted model: log-odds = evidenceWeight · `logEvidence` + periodicityWeight · `excessPeriodicity` + bias.
    static let evidenceWeight = 2.93
    static let periodicityWeight = 11.70
    static let bias = 6.79
    /// The least evidence a steady beat may have, whatever its periodicity: the fit accepted no
    /// music below 0.066 (and one non-music excerpt, at 0.058), so below this the model would be
    /// extrapolating. Under it the log-odds are capped at ln(evidence / minimumEvidence), which
    /// is negative and meets the model at the bound.
    static let minimumEvidence = 0.05

    /// P(steady beat), 0...1.
    var confidence: Double
    var steady: Bool
    var cues: SteadyBeatCues

    init(atBeats: [Float], periodicity: Float) {
        let sorted = atBeats.sorted()
        cues = SteadyBeatCues(evidence: Double(sorted[sorted.count / 2]), periodicity: Double(periodicity), beats: atBeats.count)
        var logOdds = Self.evidenceWeight * cues.logEvidence + Self.periodicityWeight * cues.excessPeriodicity + Self.bias
        if cues.evidence < Self.minimumEvidence { logOdds = min(logOdds, cues.logEvidence - log(Self.minimumEvidence)) }
        confidence = 1 / (1 + exp(-logOdds))
        steady = logOdds >= 0
    }
}

/// How strongly `autocorrelation`'s input repeats at `period` frames: its normalised
/// autocorrelation (`OnsetAutocorrelation.normalized`), the best of the lags within 2 frames of
/// the period (a beat seldom lasts a whole number of frames, and tempo drifts).
func beatPeriodicity(_ autocorrelation: OnsetAutocorrelation, period: Double) -> Float {
    let p = Int(period.rounded())
    guard p > 0 else { return 0 }
    return (max(1, p - 2)...(p + 2)).map { autocorrelation.normalized(atLag: $0) }.max()!
}
