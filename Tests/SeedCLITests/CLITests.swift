import Foundation
import SeedTestSupport
import XCTest

/// The built `seed` executable, run as a user or a script would run it.
final class CLITests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func fixture(_ name: String) -> String { TestFiles.testdata("synthetic/\(name)") }

    func testInfoJsonReportsKnownValues() throws {
        let r = try SeedBinary.run(["info", fixture("sine_1k_-20dBFS_48k_stereo.wav"), "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["sampleRate"] as? Int, 48000)
        XCTAssertEqual(j["channels"] as? Int, 2)
        XCTAssertEqual(j["frames"] as? Int, 96000)
        XCTAssertEqual(j["durationSeconds"] as! Double, 2.0, accuracy: 1e-9)
        let loud = j["loudness"] as! [String: Any]
        XCTAssertEqual(loud["samplePeakDBFS"] as! Double, -20, accuracy: 0.01)
        XCTAssertEqual(loud["integratedLUFS"] as! Double, -20, accuracy: 0.1)  // stereo sine: LUFS = dBFS peak
        XCTAssertEqual(loud["truePeakDBTP"] as! Double, -20, accuracy: 0.1)
        XCTAssertTrue((j["container"] as! String).contains("WAV"))
    }

    func testInfoTextAndSilence() throws {
        let r = try SeedBinary.run(["info", fixture("silence_3s.wav")])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("44100 Hz, 1 ch, 132300 frames"), r.stdout)
        XCTAssertTrue(r.stdout.contains("silent"), r.stdout)
    }

    func testEveryBadInputHasItsExitCodeAndOneLine() throws {
        let cases: [(String, Int32, String)] = [
            ("empty.wav", 65, "empty"), ("truncated.wav", 65, "truncated"), ("nan_samples.wav", 65, "NaN"),
            ("inf_samples.wav", 65, "infinite"), ("not_audio.wav", 65, "not an audio file seed can read"), ("missing.wav", 66, "no such file"),
        ]
        for (name, code, words) in cases {
            assertFails(try SeedBinary.run(["info", fixture(name)]), code: code, mentioning: words)
            let out = dir.appendingPathComponent("\(name).mp3").path
            assertFails(try SeedBinary.run(["encode", fixture(name), "-o", out]), code: code, mentioning: words)
            assertFails(try SeedBinary.run(["resample", fixture(name), "--rate", "48k", "-o", dir.appendingPathComponent("r.wav").path]),
                        code: code, mentioning: words)
        }
        // A folder where a file belongs says so, rather than "no such file".
        for command in [["info"], ["beats"], ["trim", "--best", "10s"]] {
            assertFails(try SeedBinary.run(command + [dir.path]), code: 66, mentioning: "is a folder, not an audio file")
        }
        XCTAssertEqual(TestFiles.listing(dir), [], "no partial or temporary output")
    }

    func testUnsupportedFormatWithoutFFmpegSaysWhatIsAccepted() throws {
        let m4a = dir.appendingPathComponent("clip.m4a").path
        FileManager.default.createFile(atPath: m4a, contents: Data(repeating: 1, count: 64))
        assertFails(try SeedBinary.run(["info", m4a], environment: ["PATH": "/nonexistent"]), code: 65, mentioning: "ffmpeg")
    }

    func testUsageErrorsAreCaught() throws {
        let input = fixture("bursts_440hz_22k.wav")
        let bad = try SeedBinary.run(["encode", input, "--max-size", "lots", "-o", dir.appendingPathComponent("x.mp3").path])
        assertFails(bad, code: 64, mentioning: "not a size")
        let rate = try SeedBinary.run(["resample", input, "--rate", "1000", "-o", dir.appendingPathComponent("x.wav").path])
        assertFails(rate, code: 65, mentioning: "8000 to 384000")
        let fmt = try SeedBinary.run(["encode", input, "-o", dir.appendingPathComponent("x.ogg").path])
        assertFails(fmt, code: 64, mentioning: ".wav, .flac or .mp3")
        XCTAssertEqual(try SeedBinary.run(["encode", input, "--vbr", "12"]).status, 64)
    }

    func testOverTheBudgetSaysHowMuchToTrim() throws {
        let out = dir.appendingPathComponent("tiny.mp3").path
        let r = try SeedBinary.run(["encode", fixture("hum_like_22k.wav"), "--max-size", "20KB", "-o", out])
        assertFails(r, code: 67, mentioning: "trim at least")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testEncodeJsonAndTheInputIsNeverTouched() throws {
        let input = dir.appendingPathComponent("take.wav").path
        try FileManager.default.copyItem(atPath: fixture("hum_like_22k.wav"), toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let r = try SeedBinary.run(["encode", input, "--max-size", "200KB", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["output"] as? String, dir.appendingPathComponent("take.mp3").path)  // default name, next to the input
        XCTAssertLessThanOrEqual(j["bytes"] as! Int, 200_000)
        XCTAssertEqual(j["sampleRate"] as? Int, 32000)  // 22.05 kHz input: the lowest gapless MP3 rate
        // A second run refuses to replace it, --force replaces it, and -o onto the input is refused.
        assertFails(try SeedBinary.run(["encode", input, "--max-size", "200KB"]), code: 73, mentioning: "--force")
        XCTAssertEqual(try SeedBinary.run(["encode", input, "--force", "--quiet"]).status, 0)
        assertFails(try SeedBinary.run(["resample", input, "--rate", "48000", "-o", input, "--force"]), code: 73, mentioning: "input")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
        XCTAssertEqual(TestFiles.listing(dir), ["take.mp3", "take.wav"])
    }

    func testResampleDefaultNameAndEngines() throws {
        let input = dir.appendingPathComponent("tone.wav").path
        try FileManager.default.copyItem(atPath: fixture("bursts_440hz_22k.wav"), toPath: input)
        for (engine, out) in [("soxr", "tone.48k.wav"), ("libsamplerate", "tone.lsr.flac")] {
            var args = ["resample", input, "--rate", "48k", "--engine", engine, "--json"]
            if engine == "libsamplerate" { args += ["-o", dir.appendingPathComponent(out).path] }
            let r = try SeedBinary.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            let (y, info) = try TestFiles.read(dir.appendingPathComponent(out).path)
            XCTAssertEqual(info.sampleRate, 48000)
            XCTAssertEqual(y.count, 6 * 48000)
            // The first burst starts at 1.0 s and is 0.5 s of 440 Hz at -6 dBFS.
            let fit = Measure.sineFit(y[48000 + 480..<72000 - 480], frequency: 440, rate: 48000)
            XCTAssertEqual(fit.amplitude, 0.5, accuracy: 0.001)
            XCTAssertGreaterThan(fit.snrDB, 80)  // 16-bit output limits it
        }
    }

    func testFullDiskFailsCleanly() throws {
        // A file-size limit makes writes fail the way a full disk does (EFBIG instead of ENOSPC).
        let out = dir.appendingPathComponent("big.wav").path
        let r = try SeedBinary.run(["resample", fixture("hum_like_22k.wav"), "--rate", "96000", "-o", out],
                                   shellPrefix: "ulimit -f 100;")
        assertFails(r, code: 74, mentioning: "no space")
        XCTAssertEqual(TestFiles.listing(dir), [], "the partial temporary file is removed")
    }

    func testManyChannelsAndHighRatesEncode() throws {
        let out = dir.appendingPathComponent("surround.flac").path
        let r = try SeedBinary.run(["encode", fixture("tones_5.1_96k.wav"), "-o", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let (y, info) = try TestFiles.read(out)
        XCTAssertEqual(info.channels, 6)
        XCTAssertEqual(info.sampleRate, 96000)
        XCTAssertEqual(y, try TestFiles.read(fixture("tones_5.1_96k.wav")).samples)  // lossless, bit-exact
    }

    func testNormalizeReportsAndRefusesSilence() throws {
        let input = dir.appendingPathComponent("take.wav").path
        try FileManager.default.copyItem(atPath: fixture("hum_like_22k.wav"), toPath: input)
        let r = try SeedBinary.run(["normalize", input, "--lufs", "-16", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(j["output"] as? String, dir.appendingPathComponent("take.norm.wav").path)
        let after = j["after"] as! [String: Any]
        XCTAssertEqual(after["integratedLUFS"] as! Double, -16, accuracy: 0.5)
        XCTAssertLessThanOrEqual(after["truePeakDBTP"] as! Double, -1)
        let silent = try SeedBinary.run(["normalize", fixture("silence_3s.wav"), "-o", dir.appendingPathComponent("s.wav").path])
        assertFails(silent, code: 65, mentioning: "silence")
        XCTAssertEqual(TestFiles.listing(dir), ["take.norm.wav", "take.wav"])
    }
}
