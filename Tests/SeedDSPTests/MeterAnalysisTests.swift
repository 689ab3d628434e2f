@testable import SeedDSP
import SeedTestSupport
import XCTest

/// Meter and bar phase: from the downbeat activation at the beats, with the spectral change at
/// each beat telling bar 1 from bar 3 where the activation fires on both.
final class MeterAnalysisTests: XCTestCase {
    /// 64 beats; `fires` gives the activation at positions 0-3 of each four, `changes` the change.
    func beats(_ fires: [Float], changes: [Float]) -> (down: [Float], change: [Float]) {
        let n = 64
        return ((0..<n).map { fires[$0 % 4] }, (0..<n).map { changes[$0 % 4] + Float($0 % 7) * 0.01 })
    }

    func testTheChangeTellsBarOneFromBarThree() {
        // A two-beat drum figure: the activation fires on beats 1 and 3 alike.
        for bar in [1, 3] {
            var change: [Float] = [10, 10, 10, 10]
            change[bar] = 25  // the chord changes on the beat that starts the bar
            let (down, ch) = beats([0.5, 0.05, 0.5, 0.05].rotated(by: 1), changes: change)
            let m = meterFromDownbeats(down, change: ch)
            XCTAssertEqual(m.beatsPerBar, 4)
            XCTAssertEqual(m.firstDownbeat, bar, "bar 1 where the harmony changes")
        }
    }

    func testADecisiveActivationIsNotOverruledAndAFlatChangeChangesNothing() {
        // The network is sure of bar 1 at index 2; the change peaks elsewhere (a riff's accent).
        let (down, ch) = beats([0.02, 0.03, 0.6, 0.02], changes: [10, 16, 10, 10])
        XCTAssertEqual(meterFromDownbeats(down, change: ch).firstDownbeat, 2)
        // Without a change cue (or an even one) the activation alone decides, as before.
        let flat = [Float](repeating: 12, count: down.count)
        let alone = meterFromDownbeats(down, change: [])
        XCTAssertEqual(meterFromDownbeats(down, change: flat).firstDownbeat, alone.firstDownbeat)
        XCTAssertEqual(meterFromDownbeats(down, change: flat).beatsPerBar, alone.beatsPerBar)
        let threes = (0..<60).map { Float($0 % 3 == 1 ? 0.5 : 0.05) }
        XCTAssertEqual(meterFromDownbeats(threes, change: [Float](repeating: 5, count: 60)).beatsPerBar, 3)
    }

    func testOddMetersAreFoundWhenClearAndNeverInventedInFourFour() {
        // 5/4 and 7/8 (4 + 3): bar 1 fires, the 7/8's second group a little; a noisy change cue.
        for (m, fires) in [(5, [0.4, 0.02, 0.08, 0.06, 0.02]), (7, [0.4, 0.05, 0.0, 0.03, 0.25, 0.1, 0.0])] {
            for phase in 0..<m {
                let down = (0..<70).map { Float(fires[($0 - phase + m) % m]) + Float($0 % 3) * 0.01 }
                let change = (0..<70).map { Float(10 + ($0 * 7) % 5) }
                let e = meterFromDownbeats(down, change: change)
                XCTAssertEqual(e.beatsPerBar, m)
                XCTAssertEqual(e.firstDownbeat, phase)
            }
        }
        // 4/4 with a weak, noisy activation (a chorale): whatever it picks, never 5 or 7.
        var seed: UInt64 = 7
        func noise() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(seed >> 40) / Float(1 << 24) }
        for _ in 0..<50 {
            let down = (0..<64).map { ($0 % 4 == 0 ? 0.25 : 0.15) + 0.1 * noise() }
            let change = (0..<64).map { _ in 8 + 4 * noise() }
            XCTAssertLessThanOrEqual(meterFromDownbeats(down, change: change).beatsPerBar, 4)
        }
    }

    func testTheMeterIsWrittenAsAMusicianWould() {
        func meter(_ beatsPerBar: Int, compound: Bool = false) -> String {
            BeatAnalysis(bpm: 100, confidence: 1, beatsPerBar: beatsPerBar, beats: [], tempoCurve: [], steady: true,
                         compound: compound).meter
        }
        XCTAssertEqual([meter(4), meter(3), meter(2), meter(5), meter(7)], ["4/4", "3/4", "2/4", "5/4", "7/8"])
        XCTAssertEqual([meter(2, compound: true), meter(3, compound: true), meter(4, compound: true)], ["6/8", "9/8", "12/8"])
        XCTAssertEqual(meter(0), "")
    }

    func testSongDownbeatsFollowTheChords() {
        // 120 BPM 4/4, one chord a bar, kick and snare in a two-beat figure.
        let rate = 16000
        let (x, _) = SongScene.build(rate: rate)
        let ex = OnsetStrengthExtractor(sampleRate: Double(rate), keepsBands: true)
        x.withUnsafeBufferPointer { ex.push($0) }
        let a = trackBeats(ex.finish(totalSamples: x.count), networks: TestFiles.beatNetworks)
        XCTAssertTrue(a.steady)
        XCTAssertEqual(a.beatsPerBar, 4)
        let seconds = Double(x.count) / Double(rate)
        let bars = stride(from: 0.0, to: seconds, by: 2.0).map { $0 }
        let f = BeatMetrics.fMeasure(reference: bars, estimated: a.downbeats)
        XCTAssertGreaterThan(f, 0.9)
    }
}

private extension Array {
    func rotated(by k: Int) -> [Element] { Array(self[(count - k % count) % count..<count] + self[0..<(count - k % count) % count]) }
}
