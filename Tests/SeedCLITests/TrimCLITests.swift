import Foundation
import SeedAudio
import SeedTestSupport
import XCTest

/// `seed trim` as users type it.
final class TrimCLITests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func humTake() throws -> (String, ClosedRange<Double>) {
        let (x, melody) = Scenes.build([.room(seconds: 8, dbfs: -45), .silence(seconds: 4), .hum(seconds: 30, dbfs: -24),
                                        .speech(seconds: 6, dbfs: -20), .cough(seconds: 3, dbfs: -12)], rate: 44100)
        let path = dir.appendingPathComponent("hum.wav").path
        try TestFiles.write(x, to: path, rate: 44100)
        return (path, melody[0])
    }

    func testBestWindowNormalizedToMp3InOneCommand() throws {
        let (input, melody) = try humTake()
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let out = dir.appendingPathComponent("clip.mp3").path
        let r = try SeedBinary.run(["trim", input, "--best", "30s", "--normalize", "-14", "-o", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let w = j["window"] as! [String: Any]
        let start = w["start"] as! Double, end = w["end"] as! Double
        XCTAssertGreaterThanOrEqual(Scenes.iou(start...end, melody), 0.9)
        XCTAssertNotNil(w["score"] as? Double)
        XCTAssertNotNil(j["runnersUp"] as? [[String: Any]])
        XCTAssertNotNil(j["reason"] as? String)
        // The file is the window, at the loudness asked for, re-measured from the MP3 itself.
        let (y, info) = try TestFiles.read(out)
        XCTAssertEqual(Double(y.count / info.channels) / Double(info.sampleRate), end - start, accuracy: 0.002)
        let m = try LoudnessMeter(sampleRate: info.sampleRate, channels: info.channels, truePeak: true)
        m.add(y)
        XCTAssertEqual(m.report.integratedLUFS ?? 0, -14, accuracy: 0.5)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before, "the input is untouched")
    }

    func testDefaultNameTextLineAndShortInputNote() throws {
        let (x, _) = Scenes.build([.silence(seconds: 1), .hum(seconds: 6, dbfs: -20), .silence(seconds: 1)], rate: 22050)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("short.wav").path, rate: 22050)
        let r = try SeedBinary.run(["trim", input, "--best", "30s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("short.best.wav").path))
        XCTAssertTrue(r.stderr.contains("note:") && r.stderr.contains("kept all of it"), r.stderr)
        XCTAssertTrue(r.stdout.contains("short.best.wav"), r.stdout)
    }

    func testSilenceTrimFromTheCommandLine() throws {
        let input = TestFiles.testdata("synthetic/bursts_440hz_22k.wav")
        let out = dir.appendingPathComponent("t.wav").path
        let r = try SeedBinary.run(["trim", input, "--silence", "--pad", "50ms", "-o", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let w = j["window"] as! [String: Any]
        XCTAssertEqual(w["start"] as! Double, 0.95, accuracy: 0.011)
        XCTAssertEqual(w["end"] as! Double, 4.55, accuracy: 0.011)
    }

    func testBadRequestsAndInputs() throws {
        let input = TestFiles.testdata("synthetic/bursts_440hz_22k.wav")
        let out = dir.appendingPathComponent("x.wav").path
        assertFails(try SeedBinary.run(["trim", input, "--best", "0s", "-o", out]), code: 64, mentioning: "above 0")
        assertFails(try SeedBinary.run(["trim", input, "--best", "soon", "-o", out]), code: 64, mentioning: "not a duration")
        assertFails(try SeedBinary.run(["trim", input, "-o", out]), code: 64, mentioning: "--silence")
        assertFails(try SeedBinary.run(["trim", input, "--silence", "--threshold", "loud", "-o", out]), code: 64, mentioning: "threshold")
        assertFails(try SeedBinary.run(["trim", TestFiles.testdata("synthetic/silence_3s.wav"), "--best", "30s", "-o", out]),
                    code: 65, mentioning: "silence")
        for (name, words) in [("truncated.wav", "truncated"), ("nan_samples.wav", "NaN"), ("empty.wav", "empty")] {
            assertFails(try SeedBinary.run(["trim", TestFiles.testdata("synthetic/\(name)"), "--best", "30s", "-o", out]),
                        code: 65, mentioning: words)
        }
        assertFails(try SeedBinary.run(["trim", input, "--silence", "-o", input]), code: 73, mentioning: "input")
        XCTAssertEqual(TestFiles.listing(dir), [], "nothing left behind")
    }

    func testManyChannelsAndRates() throws {
        // 8 channels at 384 kHz and mono at 8 kHz both trim.
        for (rate, channels) in [(384_000, 8), (8000, 1)] {
            let (mono, melody) = Scenes.build([.silence(seconds: 1), .hum(seconds: 5, dbfs: -20), .silence(seconds: 1)], rate: rate)
            var x = [Float](repeating: 0, count: mono.count * channels)
            for i in 0..<mono.count { for c in 0..<channels { x[i * channels + c] = mono[i] * (c == 3 ? 0.2 : 1) } }
            let input = try TestFiles.write(x, to: dir.appendingPathComponent("in\(rate).wav").path, rate: rate, channels: channels)
            let out = dir.appendingPathComponent("out\(rate).flac").path
            let r = try SeedBinary.run(["trim", input, "--silence", "-o", out, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let (y, info) = try TestFiles.read(out)
            XCTAssertEqual(info.channels, channels)
            XCTAssertEqual(info.sampleRate, rate)
            XCTAssertEqual(Double(y.count / channels) / Double(rate), melody[0].upperBound - melody[0].lowerBound + 0.2, accuracy: 0.03)
        }
    }
}
