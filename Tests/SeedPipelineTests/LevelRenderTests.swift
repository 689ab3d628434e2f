import SeedDSP
import SeedTestSupport
import XCTest

/// The same music louder or quieter gets the same beats (`AnalysisLevel`): renders from the
/// beatset and the development split (testdata/renders) 12 dB up, as a loudly mastered song is,
/// and 16 dB down, as a quiet take is. Read at those levels as they are, the 12/8 blues and the
/// rubato hymn come out at three and two times their tempo, and the funk track after its tempo
/// jump at its eighths. The bar phase is not compared: the hymn's is fragile at any level (it reads
/// 3/4 at its own, 4/4 6 dB down).
final class LevelRenderTests: XCTestCase {
    func testLouderOrQuieterRendersGetTheBeatsOfTheirOwnLevel() throws {
        for name in ["d07_blues128_60", "t02_beach_prayer_phrase_rubato", "dev0042_funk_jump_102_89"] {
            let own = try TrackedRender(name)
            XCTAssertGreaterThanOrEqual(own.beatF, 0.9, name)
            for db in [12.0, -16] {
                let other = try TrackedRender(name, db: db)
                let at = "\(name) at \(db) dB"
                XCTAssertEqual(other.analysis.bpm, own.analysis.bpm, accuracy: 0.5, at)
                XCTAssertGreaterThanOrEqual(other.beatF, own.beatF - 0.05, at)
                // Beat for beat within 10 ms of the render at its own level.
                XCTAssertEqual(BeatMetrics.fMeasure(reference: own.analysis.beats.map(\.time),
                                                    estimated: other.analysis.beats.map(\.time), window: 0.01), 1, accuracy: 0.05, at)
            }
        }
    }
}
