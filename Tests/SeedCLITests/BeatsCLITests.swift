import Foundation
import SeedTestSupport
import XCTest

/// `seed beats` as users and scripts run it.
final class BeatsCLITests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func pattern() throws -> (String, [(time: Double, position: Int)]) {
        var p = DrumPattern(bpm: 120)
        p.seconds = 20
        let (x, beats) = p.render(rate: 44100)
        let path = dir.appendingPathComponent("drums.wav").path
        try TestFiles.write(x, to: path, rate: 44100)
        return (path, beats)
    }

    func testEveryFormatCarriesTheSameBeats() throws {
        let (input, truth) = try pattern()
        let json = try SeedBinary.run(["beats", input, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["bpm"] as! Double, 120, accuracy: 2)
        XCTAssertEqual(j["beatsPerBar"] as? Int, 4)
        XCTAssertEqual(j["meter"] as? String, "4/4")
        let beats = (j["beats"] as! [[String: Any]]).map { $0["time"] as! Double }
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth.map(\.time), estimated: beats), 0.95)
        // Downbeats are the true bar starts.
        let downs = j["downbeats"] as! [Double]
        let trueDowns = truth.filter { $0.position == 1 }.map(\.time)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: trueDowns, estimated: downs), 0.9)
        // --json, as every other command spells it, is the same JSON.
        let flag = try SeedBinary.run(["beats", input, "--json", "-q"])
        XCTAssertEqual(flag.status, 0, flag.stderr)
        XCTAssertEqual(flag.stdout, json.stdout)

        let txt = try SeedBinary.run(["beats", input, "--format", "txt"]).stdout.split(separator: "\n").map { Double($0)! }
        XCTAssertEqual(txt.count, beats.count)
        for (a, b) in zip(txt, beats) { XCTAssertEqual(a, b, accuracy: 0.0011) }
        let csv = try SeedBinary.run(["beats", input, "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(csv.first, "time,position")
        XCTAssertEqual(csv.count, beats.count + 1)
        let labels = try SeedBinary.run(["beats", input, "--format", "labels"]).stdout.split(separator: "\n")
        XCTAssertEqual(labels.count, beats.count)
        XCTAssertEqual(labels.first?.split(separator: "\t").count, 3)
    }

    func testCutListClickTrackAndOutputFile() throws {
        let (input, _) = try pattern()
        let out = dir.appendingPathComponent("cuts.txt").path
        let click = dir.appendingPathComponent("click.wav").path
        let r = try SeedBinary.run(["beats", input, "--cuts", "2bars", "--format", "txt", "-o", out, "--click", click])
        XCTAssertEqual(r.status, 0, r.stderr)
        let cuts = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map { Double($0)! } }
        XCTAssertGreaterThan(cuts.count, 3)
        for c in cuts.dropLast() { XCTAssertEqual(c[1] - c[0], 4, accuracy: 0.05, "two bars of 4/4 at 120 BPM") }
        let (clicked, info) = try TestFiles.read(click)
        let (original, _) = try TestFiles.read(input)
        XCTAssertEqual(clicked.count / info.channels, original.count)
        XCTAssertEqual(try SeedBinary.run(["beats", input, "-o", out]).status, 73, "an existing output needs --force")
    }

    func testSilenceSaysNoSteadyBeatAndBadInputsFail() throws {
        let silence = TestFiles.testdata("synthetic/silence_3s.wav")
        let r = try SeedBinary.run(["beats", silence, "--format", "txt"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("no steady beat found"), r.stderr)
        assertFails(try SeedBinary.run(["beats", TestFiles.testdata("synthetic/truncated.wav")]), code: 65, mentioning: "truncated")
        assertFails(try SeedBinary.run(["beats", silence, "--cuts", "often"]), code: 64, mentioning: "cut length")
        assertFails(try SeedBinary.run(["beats", silence, "--min-bpm", "150", "--max-bpm", "160"]), code: 64, mentioning: "bpm")
        assertFails(try SeedBinary.run(["beats", silence, "--json", "--format", "csv"]), code: 64, mentioning: "two formats")
    }
}
