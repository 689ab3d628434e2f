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

    func testBundledClickTracks() throws {
        // testdata/fixtures.json: clicks at 120 BPM in 4/4 and 90 BPM in 3/4, accented downbeats.
        let fixtures = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestFiles.testdata("fixtures.json")))) as! [String: Any]
        for name in ["click_120bpm_44.wav", "click_90bpm_34.wav"] {
            let known = fixtures[name] as! [String: Any]
            let truth = (known["beats"] as! [[String: Any]]).map { ($0["time"] as! Double, $0["beat"] as! Int) }
            let a = try beats(TestFiles.testdata("synthetic/\(name)"))
            XCTAssertEqual(a.bpm, known["bpm"] as! Double, accuracy: 0.02 * (known["bpm"] as! Double), name)
            XCTAssertEqual(a.beatsPerBar, known["beats_per_bar"] as! Int, name)
            // All of the file counts here (it is 8 s long; the 5 s rule of mir_eval is not applied),
            // and no beat is invented in the silence at either end.
            XCTAssertEqual(a.beats.count, truth.count, name)
            for (t, _) in truth {
                let nearest = a.beats.min { abs($0.time - t) < abs($1.time - t) }!
                XCTAssertEqual(nearest.time, t, accuracy: 0.03, "\(name) beat at \(t)")
            }
            // Known failure, not asserted: the downbeat phase. These downbeats differ only by a
            // brighter click 4 dB louder, which the log-compressed flux cues barely register.
        }
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
