import SeedDSP
import SeedTestSupport
import XCTest

/// The same music louder or quieter gets the same beats and bars (`AnalysisLevel`): renders from
/// the beatset and the development split (testdata/renders) 12 dB up, as a loudly mastered song
/// is, and 16 dB down, as a quiet take is. Read at those levels as they are, the 12/8 blues and the
/// rubato hymn come out at three and two times their tempo, and the funk track after its tempo
/// jump at its eighths. The hymn's bar phase is not compared: it is fragile within the range the
/// networks know too (3/4 at its own -18 dBFS, 4/4 at -23, where 16 dB down is brought).
final class LevelRenderTests: XCTestCase {
    func testLouderOrQuieterRendersGetTheBeatsOfTheirOwnLevel() throws {
        for (name, comparesBars) in [("d07_blues128_60", true), ("dev0042_funk_jump_102_89", true),
                                     ("t02_beach_prayer_phrase_rubato", false)] {
            let own = try TrackedRender(name)
            XCTAssertGreaterThanOrEqual(own.beatF, 0.9, name)
            for db in [12.0, -16] {
                let other = try TrackedRender(name, db: db)
                let at = "\(name) at \(db) dB"
                XCTAssertEqual(other.analysis.bpm, own.analysis.bpm, accuracy: 0.5, at)
                XCTAssertGreaterThanOrEqual(other.beatF, own.beatF - 0.05, at)
                // Beat for beat (and bar for bar) within 10 ms of the render at its own level.
                XCTAssertEqual(sameWithin10ms(own.analysis.beats.map(\.time), other.analysis.beats.map(\.time)), 1, accuracy: 0.05, at)
                guard comparesBars else { continue }
                XCTAssertEqual(other.analysis.beatsPerBar, own.analysis.beatsPerBar, at)
                XCTAssertEqual(sameWithin10ms(own.analysis.downbeats, other.analysis.downbeats), 1, accuracy: 0.05, at)
            }
        }
    }

    private func sameWithin10ms(_ a: [Double], _ b: [Double]) -> Double {
        BeatMetrics.fMeasure(reference: a, estimated: b, window: 0.01)
    }
}
