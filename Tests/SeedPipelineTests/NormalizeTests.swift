import SeedAudio
import SeedPipeline
import SeedTestSupport
import XCTest

/// Normalized outputs re-measured with libebur128 from the written file.
final class NormalizeTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func measure(_ path: String) throws -> LoudnessReport {
        let (x, info) = try TestFiles.read(path)
        let m = try LoudnessMeter(sampleRate: info.sampleRate, channels: info.channels)
        m.add(x)
        return m.report
    }

    private func normalize(_ x: [Float], rate: Int, channels: Int, name: String, lufs: Double = -14,
                           ceiling: Double = -1) throws -> (NormalizeSummary, LoudnessReport) {
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("\(name).wav").path, rate: rate,
                                        channels: channels, depth: .float32)
        var job = NormalizeJob(input: input, output: dir.appendingPathComponent("\(name).out.wav").path)
        job.targetLUFS = lufs
        job.ceilingDBTP = ceiling
        let s = try job.run()
        return (s, try measure(s.output))
    }

    func testQuietNoiseAndTonesReachTargetWithin0_1LU() throws {
        // Quiet material: gain only, no limiting.
        for (channels, rate) in [(1, 44100), (2, 48000), (6, 96000)] {
            let noise = Signals.pinkNoise(rate: rate, seconds: 6, amplitude: 0.05, channels: channels, seed: UInt64(rate))
            let (s, after) = try normalize(noise, rate: rate, channels: channels, name: "pink\(channels)_\(rate)", lufs: -16)
            XCTAssertEqual(s.limiterMaxReductionDB, 0, "\(channels) ch \(rate) Hz needs no limiting")
            XCTAssertEqual(s.passes, 1, "untouched by the limiter, the first pass is already the output")
            XCTAssertEqual(after.integratedLUFS ?? 0, -16, accuracy: 0.1, "\(channels) ch \(rate) Hz")
            XCTAssertLessThanOrEqual(after.truePeakDBTP ?? 0, -1)
        }
        let tone = Signals.sine(440, rate: 44100, seconds: 5, amplitude: 0.02, channels: 2)
        let (_, after) = try normalize(tone, rate: 44100, channels: 2, name: "tone", lufs: -20)
        XCTAssertEqual(after.integratedLUFS ?? 0, -20, accuracy: 0.1)
    }

    func testLimitedOutputsStayUnderTheCeilingAndWithinHalfALU() throws {
        // Mono reads 3 LU lower than the same signal in stereo, so its target is 3 LU lower.
        for (channels, rate, target) in [(1, 44100, -12.0), (2, 48000, -9.0), (6, 96000, -9.0)] {
            // Loud, peaky material (bursts 12 dB over the rest): reaching the target needs the limiter.
            let drums = Signals.pinkNoise(rate: rate, seconds: 6, amplitude: 0.2, channels: channels, seed: 9)
                .enumerated().map { i, v in v * Float((i / channels) % (rate / 2) < rate / 20 ? 4 : 1) }
            let (s, after) = try normalize(drums, rate: rate, channels: channels, name: "loud\(channels)_\(rate)", lufs: target)
            XCTAssertLessThan(s.limiterMaxReductionDB, -1, "\(channels) ch \(rate) Hz must be limited")
            XCTAssertEqual(after.integratedLUFS ?? 0, target, accuracy: 0.5, "\(channels) ch \(rate) Hz")
            XCTAssertNil(s.warning)
            XCTAssertLessThanOrEqual(after.truePeakDBTP ?? 0, -1, "\(channels) ch \(rate) Hz")
        }
    }

    func testALimitedSongNeedsOneMeasuringAndOneEncodingPass() throws {
        // Limiting returns less than a LU per dB of gain. The measuring pass's probe, 1 dB
        // higher, gives the first correction that slope, so where the limiter takes a few dB (a
        // mastered song brought to -14 LUFS or a little louder) it lands within 0.1 LU and its
        // encoding is the output: two passes, where a slope of 1 needs a third.
        let rate = 44100
        let (song, _) = SongScene.build(rate: rate)
        for target in [-14.0, -13.0] {
            let (s, after) = try normalize(song, rate: rate, channels: 1, name: "song\(Int(-target))", lufs: target)
            XCTAssertLessThan(s.limiterMaxReductionDB, -3, "\(target) LUFS: the limiter works")
            XCTAssertEqual(s.passes, 2, "\(target) LUFS")
            XCTAssertEqual(after.integratedLUFS ?? 0, target, accuracy: 0.1, "\(target) LUFS")
            XCTAssertLessThanOrEqual(after.truePeakDBTP ?? 0, -1, "\(target) LUFS")
        }
    }

    func testAnMp3LandsOnTheTargetAsDecoded() throws {
        // Pink noise is bright: a 192 kbit/s MP3 drops most of it over 16 kHz, where K-weighting
        // adds 4 dB, so the file decodes several tenths of a LU quieter than it was given. The
        // decoded miss is corrected by encoding once more, with that much more gain.
        let x = Signals.pinkNoise(rate: 44100, seconds: 8, amplitude: 0.05, channels: 2, seed: 12)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("bright.wav").path, rate: 44100, channels: 2, depth: .float32)
        var job = NormalizeJob(input: input, output: dir.appendingPathComponent("bright.mp3").path)
        job.targetLUFS = -16
        let s = try job.run()
        let decoded = try measure(s.output)
        XCTAssertEqual(decoded.integratedLUFS ?? 0, -16, accuracy: 0.15, "the decoded MP3")
        XCTAssertEqual(s.reencodes, 1, "one more encoding made up the codec's loss")
        XCTAssertLessThanOrEqual(decoded.truePeakDBTP ?? 0, -1 + 0.05)
    }

    func testZeroDBFSInterSamplePeaksEndUnderMinus1dBTP() throws {
        // fs/4 at 45°: samples at ±0.707, the waveform between them reaches 0 dBFS.
        let x = (0..<48000 * 3).map { Float(sin(Double.pi / 2 * Double($0) + Double.pi / 4)) }
        let before = try LoudnessMeter(sampleRate: 48000, channels: 1)
        before.add(x)
        XCTAssertGreaterThan(before.report.truePeakDBTP ?? -9, -0.1)
        let lufs = before.report.integratedLUFS!
        let (_, after) = try normalize(x, rate: 48000, channels: 1, name: "isp", lufs: lufs)
        XCTAssertLessThanOrEqual(after.truePeakDBTP ?? 0, -1)
    }

    func testTargetIsMetAfterADownmixToMp3() throws {
        // 5.1 at 96 kHz into MP3 (stereo, 48 kHz): loudness changes in the downmix, with no limiting
        // to trigger a correction; the output must still land on the target.
        let input = TestFiles.testdata("synthetic/tones_5.1_96k.wav")
        var job = NormalizeJob(input: input, output: dir.appendingPathComponent("surround.mp3").path)
        job.targetLUFS = -20
        let s = try job.run()
        XCTAssertEqual(s.limiterMaxReductionDB, 0)
        // What is reported is the decoded MP3 (MP3 takes a little loudness).
        let decoded = try measure(s.output)
        XCTAssertEqual(decoded.integratedLUFS ?? 0, -20, accuracy: 0.3, "the decoded MP3")
        XCTAssertEqual(s.after.integratedLUFS ?? 0, decoded.integratedLUFS ?? 1, accuracy: 0.01)
        XCTAssertGreaterThan(s.passes, 1, "the downmix moved the loudness, so a correction pass ran")
    }

    /// Hard limiting at low rates and into MP3, re-measured on the written (decoded) file by the
    /// tests' own ≥ 192 kHz reference: true peak at most 0.05 dB over the ceiling, loudness within
    /// 0.5 LU. At 22.05 kHz a 4x detector (88.2 kHz) missed these peaks; MP3 coding adds its own.
    func testCeilingHoldsAtLowRatesAndOnTheDecodedMp3() throws {
        for (rate, lufs, format) in [(22050, -13.0, "wav"), (8000, -13.0, "wav"), (44100, -13.0, "mp3")] {
            let x = Signals.denseTones(rate: rate, seconds: 3, peak: 0.5, seed: 5)
            let input = try TestFiles.write(x, to: dir.appendingPathComponent("dense\(rate).wav").path, rate: rate, depth: .float32)
            var job = NormalizeJob(input: input, output: dir.appendingPathComponent("dense\(rate).out.\(format)").path)
            job.targetLUFS = lufs
            job.ceilingDBTP = -1
            let s = try job.run()
            let (y, info) = try TestFiles.read(s.output)
            let reference = TruePeakReference.dBTP(y, channels: info.channels, rate: info.sampleRate)
            let after = try measure(s.output)
            print(String(format: "%d Hz → %@: %.2f LUFS, true peak %.3f dBTP (reference), %.3f reported, %d passes",
                         rate, format, after.integratedLUFS ?? 0, reference, s.after.truePeakDBTP ?? 0, s.passes))
            XCTAssertLessThan(s.limiterMaxReductionDB, -1, "\(rate) Hz \(format): the limiter works hard")
            XCTAssertLessThanOrEqual(reference, -1 + 0.05, "\(rate) Hz \(format)")
            XCTAssertEqual(after.integratedLUFS ?? 0, lufs, accuracy: 0.5, "\(rate) Hz \(format)")
            // What is reported is what the file decodes to.
            XCTAssertEqual(s.after.truePeakDBTP ?? 0, after.truePeakDBTP ?? 1, accuracy: 0.01)
            XCTAssertEqual(s.after.integratedLUFS ?? 0, after.integratedLUFS ?? 1, accuracy: 0.01)
        }
    }

    func testAnUnreachableTargetIsReportedNotHidden() throws {
        let x = Signals.pinkNoise(rate: 44100, seconds: 4, amplitude: 0.2, seed: 4)
        let (s, after) = try normalize(x, rate: 44100, channels: 1, name: "hot", lufs: -3)
        XCTAssertNotNil(s.warning)
        XCTAssertLessThanOrEqual(after.truePeakDBTP ?? 0, -1)  // the ceiling still holds
    }

    func testSilenceIsRefused() throws {
        let input = TestFiles.testdata("synthetic/silence_3s.wav")
        let job = NormalizeJob(input: input, output: dir.appendingPathComponent("s.wav").path)
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("silence")) }
        let hiss = Signals.pinkNoise(rate: 44100, seconds: 3, amplitude: 0.0005)
        let quiet = try TestFiles.write(hiss, to: dir.appendingPathComponent("hiss.wav").path, rate: 44100, depth: .float32)
        XCTAssertThrowsError(try NormalizeJob(input: quiet, output: dir.appendingPathComponent("h.wav").path).run())
        XCTAssertEqual(TestFiles.listing(dir), ["hiss.wav"])
    }

    func testPeakNormalization() throws {
        let x = Signals.sine(1000, rate: 48000, seconds: 2, amplitude: 0.1)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("p.wav").path, rate: 48000, depth: .float32)
        var job = NormalizeJob(input: input, output: dir.appendingPathComponent("p.out.wav").path)
        job.peakDBFS = -3
        let s = try job.run()
        XCTAssertEqual(try measure(s.output).samplePeakDBFS ?? 0, -3, accuracy: 0.01)
    }
}
