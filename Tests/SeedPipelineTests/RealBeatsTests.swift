import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// Beats on real recordings with annotations (../shared/testdata/beats), and no beats on speech.
/// Thresholds are what seed reaches today, so a regression fails.
final class RealBeatsTests: XCTestCase {
    private func annotations(_ path: String) throws -> [Double] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.compactMap { Double($0.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "," })[0]) }
    }

    private func beats(_ path: String) throws -> BeatAnalysis {
        let source = try AudioOpener.open(path)
        defer { source.close() }
        return try analyzeBeats(source)
    }

    func testCandombeWithExpertBeats() throws {
        guard let audio = TestFiles.shared("testdata/beats/candombe/nonwestern_example.flac"),
              let truth = TestFiles.shared("testdata/beats/candombe/nonwestern_example.simple.txt") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        let a = try beats(audio)
        let ref = try annotations(truth).filter { $0 < 16.6 }
        let est = a.beats.map(\.time)
        let c = BeatMetrics.continuity(reference: ref, estimated: est)
        let f = BeatMetrics.fMeasure(reference: ref, estimated: est)
        print(String(format: "candombe: F %.3f CMLt %.3f AMLt %.3f tempo %.1f", f, c.cmlt, c.amlt, a.bpm))
        // Today only the tempo is right here: the beats drift against the expert's (F 0, noted as
        // a known failure); the tempo must stay within 2%.
        XCTAssertEqual(a.bpm, 60 / ((ref.last! - ref.first!) / Double(ref.count - 1)), accuracy: 2.7)
        XCTAssertEqual(a.beatsPerBar, 4)
    }

    func testSpeechAndNoiseHaveNoSteadyBeat() throws {
        // Speech of 10 s or more (shorter clips are too short to judge a beat's steadiness), a
        // kitchen and whale song.
        let files = ["negatives/198-209-0000.hq.ogg", "negatives/3436-172162-0000.hq.ogg", "negatives/5703-47212-0000.hq.ogg",
                     "negatives/jfk.flac", "negatives/doing_the_dishes.wav", "negatives/glacier-bay-humpback.hq.ogg"]
        var checked = 0
        for name in files {
            guard let path = TestFiles.shared("testdata/\(name)") else { continue }
            let a = try beats(path)
            XCTAssertFalse(a.steady, name)
            XCTAssertTrue(a.beats.isEmpty, name)
            checked += 1
        }
        if checked == 0 { throw XCTSkip("../shared/testdata is not beside this checkout") }
    }

    func testMusicHasBeats() throws {
        guard let path = TestFiles.shared("testdata/beats/unannotated_music/Kevin_MacLeod_-_Vibe_Ace.hq.ogg") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        let a = try beats(path)
        XCTAssertTrue(a.steady)
        XCTAssertGreaterThan(a.beats.count, 80)
        XCTAssertEqual(a.downbeats.count, a.beats.filter { $0.position == 1 }.count)
    }
}
