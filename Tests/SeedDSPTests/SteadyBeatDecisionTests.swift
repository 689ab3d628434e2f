@testable import SeedDSP
import SeedTestSupport
import XCTest

/// A beat activation of `frames` frames: a bump 5 frames wide (peak `height`) at each of `at`,
/// over a floor of 0.01.
private func bumps(at frames: [Int], count: Int, height: Float = 0.6) -> [Float] {
    var a = [Float](repeating: 0.01, count: count)
    for f in frames {
        for (k, v) in [Float(0.3), 0.7, 1, 0.7, 0.3].enumerated() where f + k - 2 >= 0 && f + k - 2 < count {
            a[f + k - 2] = max(a[f + k - 2], height * v)
        }
    }
    return a
}

/// The periodicity `BeatTracker` reads: the streamed autocorrelation of `a` at `period` frames.
private func periodicity(_ a: [Float], period: Double) -> Float {
    var r = OnsetAutocorrelation(maxLag: 200)
    a.withUnsafeBufferPointer { r.push($0) }
    return beatPeriodicity(r, period: period)
}

/// The steady-beat decision: the activation at the decoded beats, and whether it repeats at the
/// beat period beyond what chance gives over that many beats.
final class SteadyBeatDecisionTests: XCTestCase {
    func testAPulseRepeatsAtItsPeriodAndOnsetsAtRandomTimesDoNot() {
        var random = SeededRandom(seed: 20)
        // A pulse every 50 frames (120 BPM at 100 frames a second), a frame either way at random.
        let pulse = bumps(at: stride(from: 30, to: 3000, by: 50).map { $0 + Int((random.nextSigned() * 1.5).rounded()) }, count: 3000)
        XCTAssertGreaterThan(periodicity(pulse, period: 50), 0.7)
        XCTAssertGreaterThan(periodicity(pulse, period: 50.4), 0.7, "a period between frames is read at the lags beside it")
        XCTAssertLessThan(periodicity(pulse, period: 68), 0.1, "not at a period that is no multiple of the pulse")
        // As many bumps at random times, as a free-time melody's notes.
        let free = bumps(at: (0..<60).map { _ in Int((random.nextSigned() + 1) * 1495) + 2 }, count: 3000)
        for period in [40.0, 50, 61, 75] {
            XCTAssertLessThan(abs(periodicity(free, period: period)), 0.2, "period \(period)")
        }
        // Nothing to correlate.
        XCTAssertEqual(periodicity([Float](repeating: 0.2, count: 500), period: 50), 0)
        XCTAssertEqual(periodicity([Float](repeating: 0, count: 500), period: 50), 0)
    }

    func testTheStreamedMeanAndNormalisedAutocorrelationAreTheInputs() {
        var random = SeededRandom(seed: 21)
        let x = (0..<10_000).map { _ in Float(random.nextSigned() + 1) / 2 }
        var r = OnsetAutocorrelation(maxLag: 100)
        // In uneven blocks, across the history's refills.
        var from = 0
        for size in [1, 700, 4096, 5203] {
            x[from..<(from + size)].withUnsafeBufferPointer { r.push($0) }
            from += size
        }
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        XCTAssertEqual(Double(r.mean), mean, accuracy: 1e-5)
        XCTAssertEqual(OnsetAutocorrelation(maxLag: 10).mean, 0)
        // The normalised autocorrelation: the mean product `lag` frames apart, less the squared
        // mean, over the variance, computed directly.
        let variance = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count) - mean * mean
        for lag in [0, 1, 37, 100] {
            var sum = 0.0
            for i in 0..<(x.count - lag) { sum += Double(x[i]) * Double(x[i + lag]) }
            XCTAssertEqual(Double(r.normalized(atLag: lag)), (sum / Double(x.count - lag) - mean * mean) / variance,
                           accuracy: 1e-3, "lag \(lag)")
        }
        XCTAssertEqual(r.normalized(atLag: 101), 0, "past maxLag")
    }

    /// Both directions at the same evidence: a median activation the old rule (0.1) would have
    /// called steady is not where nothing repeats at the beat period (the compressed free-time
    /// voice), and one it would have rejected is where the activation repeats strongly (held
    /// chords on a pulse, whose beats the networks hear only now and then).
    func testPeriodicityDecidesWhereTheNetworksFireFaintly() {
        func decide(_ evidence: Float, _ periodicity: Float, beats: Int = 60) -> BeatDecision {
            BeatDecision(atBeats: [Float](repeating: evidence, count: beats), periodicity: periodicity)
        }
        XCTAssertFalse(decide(0.12, 0.05).steady, "a free voice the decoder followed")
        XCTAssertTrue(decide(0.12, 0.6).steady)
        XCTAssertTrue(decide(0.07, 0.7).steady, "held chords on a pulse")
        XCTAssertFalse(decide(0.07, 0.1).steady)
        // Where the networks fire clearly, that settles it, as it did before.
        XCTAssertTrue(decide(0.8, 0.05).steady, "a song whose tempo changes smear the periodicity")
        XCTAssertFalse(decide(0.02, 0.2).steady)
        // Below the least evidence the fit saw accepted, no periodicity makes a steady beat.
        XCTAssertFalse(decide(0.04, 0.99).steady)
        XCTAssertFalse(decide(0.001, 0.99).steady)
        // The same periodicity over a few beats is what chance gives: a 9-second free-time song
        // whose few notes happen to fall a beat apart (vocadito_10: 14 beats, 0.35).
        XCTAssertTrue(decide(0.07, 0.3, beats: 100).steady)
        XCTAssertFalse(decide(0.07, 0.3, beats: 9).steady)
    }

    func testTheConfidenceIsTheDecisionsProbability() {
        var last = -1.0
        for evidence in stride(from: Float(0.0), through: 1, by: 0.01) {
            for periodicity: Float in [-0.2, 0.1, 0.5] {
                let d = BeatDecision(atBeats: [evidence, evidence, evidence, evidence], periodicity: periodicity)
                XCTAssert((0...1).contains(d.confidence))
                XCTAssertEqual(d.steady, d.confidence >= 0.5, "evidence \(evidence), periodicity \(periodicity)")
                XCTAssertEqual(d.cues.evidence, Double(evidence))
                XCTAssertEqual(d.cues.beats, 4)
            }
            let d = BeatDecision(atBeats: [Float](repeating: evidence, count: 40), periodicity: 0.3)
            XCTAssertGreaterThanOrEqual(d.confidence, last, "more evidence is never less confident")
            last = d.confidence
        }
        // The evidence is the median beat's: the strongest and weakest beats do not move it.
        let d = BeatDecision(atBeats: [0.9, 0.01, 0.3, 0.02, 0.3], periodicity: 0.2)
        XCTAssertEqual(d.cues.evidence, 0.3, accuracy: 1e-6)
    }
}
