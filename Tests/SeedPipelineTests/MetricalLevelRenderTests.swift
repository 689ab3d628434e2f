import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// The metrical-level checks on rendered music with exact beats (testdata/renders: 20 s of two
/// beatset excerpts and two of the development split, see testdata/SOURCES.md), end to end through the network and the decoder.
/// Each is also run with a `--min-bpm` above the level it should reach, where it must stay put.
final class MetricalLevelRenderTests: XCTestCase {
    private func track(_ name: String, minBPM: Double? = nil) throws -> (BeatAnalysis, [Double]) {
        let r = try TrackedRender(name, options: BeatTrackingOptions(minBPM: minBPM, maxBPM: 215))
        return (r.analysis, r.beats)
    }

    func testA128BluesIsTrackedOnItsDottedQuarters() throws {
        // The network fires on every eighth; the downbeat activation starts a bar every twelfth.
        let (a, truth) = try track("d07_blues128_60")
        XCTAssertEqual(a.bpm, 60, accuracy: 2.4)
        XCTAssertEqual(a.meter, "12/8")
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth, estimated: a.beats.map(\.time)), 0.9)
        // Dotted quarters at 60 BPM are below a 70 BPM floor: the eighths stay, as simple beats.
        let (floor, _) = try track("d07_blues128_60", minBPM: 70)
        XCTAssertEqual(floor.bpm, 180, accuracy: 7.2)
        XCTAssertFalse(floor.compound)
    }

    func testASlow68BalladIsGroupedBelowTheTrackedFloor() throws {
        // Dotted quarters at 42 BPM, below the decoder's 55 BPM floor: it follows the eighths
        // (126 BPM), which are grouped in threes, as slow as a listener still hears a beat.
        let (a, truth) = try track("dev0095_ballad68_42")
        XCTAssertTrue(a.compound)
        XCTAssertEqual(a.bpm, 41.9, accuracy: 1.7)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth, estimated: a.beats.map(\.time)), 0.9)
        // A floor the user gives holds for compound beats too: the eighths stay.
        let (floor, _) = try track("dev0095_ballad68_42", minBPM: 55)
        XCTAssertFalse(floor.compound)
        XCTAssertEqual(floor.bpm, 125.7, accuracy: 5)
    }

    func testAGrooveThatSlowsIsNotFollowedInItsEighths() throws {
        // 102 BPM, then 89 from 10 s, where the network also fires on the eighths and the decoder
        // follows them (178 BPM): that stretch, at twice the one before, is halved on its own.
        let (a, truth) = try track("dev0042_funk_jump_102_89")
        XCTAssertEqual(a.bpm, 89, accuracy: 3.6)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth, estimated: a.beats.map(\.time)), 0.9)
        let late = a.beats.filter { $0.time > 12 }.map(\.time)
        XCTAssertEqual(60 / zip(late.dropFirst(), late).map { $0 - $1 }.sorted()[late.count / 2], 89, accuracy: 3.6)
    }

    func testASlowPieceReadInEighthsIsHalved() throws {
        // A rubato prayer at 66 BPM: the network fires on its beats about twice as much as on the
        // eighths between, which the decoder also follows.
        let (a, truth) = try track("t02_beach_prayer_phrase_rubato")
        XCTAssertEqual(a.bpm, 65.9, accuracy: 3)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth, estimated: a.beats.map(\.time)), 0.9)
        let (floor, _) = try track("t02_beach_prayer_phrase_rubato", minBPM: 70)
        XCTAssertEqual(floor.bpm, 131.8, accuracy: 6)
    }
}
