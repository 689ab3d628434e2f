import SeedAudio
import SeedPipeline
import SeedTestSupport
import XCTest

/// `--max-size`: never over the budget, and close to it whenever there was a choice to make.
final class SizeBudgetTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Real music (Vibe Ace, CC BY), cut to 10 s or looped to 3 min, as 44.1 kHz stereo WAV.
    private func music(seconds: Double) throws -> String {
        let (x, _) = try TestFiles.read(TestFiles.testdata("recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg"))
        let want = Int(seconds * 44100) * 2
        var y: [Float] = []
        y.reserveCapacity(want)
        while y.count < want { y.append(contentsOf: x.prefix(want - y.count)) }
        return try TestFiles.write(y, to: dir.appendingPathComponent("music\(Int(seconds)).wav").path, rate: 44100, channels: 2)
    }

    private func encode(_ input: String, budget: Int64, name: String) throws -> EncodeSummary {
        var r = EncodeRequest(format: .mp3)
        r.maxBytes = budget
        return try EncodeJob(input: input, output: dir.appendingPathComponent(name).path, request: r, force: true).run()
    }

    func testBudgetsFrom100KBTo500MB() throws {
        let budgets: [Int64] = [100_000, 150_000, 250_000, 300_000, 400_000, 1_000_000, 1_500_000, 2_000_000,
                                2_500_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000, 7_000_000, 500_000_000]
        for seconds in [10.0, 180.0] {
            let input = try music(seconds: seconds)
            let shape = StreamShape(sampleRate: 44100, channels: 2, frames: Int64(seconds * 44100))
            for budget in budgets {
                let lowest = EncodePlanner.mp3MaxBytes(frames: Int64(seconds * 32000), rate: 32000, kbps: 32)
                if lowest > budget {
                    // Nothing fits: the error says how much to trim, and trimming that much does fit.
                    do {
                        _ = try encode(input, budget: budget, name: "x.mp3")
                        XCTFail("\(budget) B cannot hold \(seconds) s")
                    } catch AudioError.doesNotFit(let msg) {
                        let trim = Double(msg.components(separatedBy: "trim at least ").last!
                            .components(separatedBy: " ").first!)!
                        let kept = StreamShape(sampleRate: 44100, channels: 2, frames: Int64((seconds - trim) * 44100))
                        XCTAssertNoThrow(try EncodePlanner.plan(EncodeRequest(format: .mp3, maxBytes: budget), input: kept), msg)
                    }
                    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.mp3").path))
                    continue
                }
                let s = try encode(input, budget: budget, name: "b\(budget).mp3")
                let bytes = try FileManager.default.attributesOfItem(atPath: s.output)[.size] as! Int64
                XCTAssertEqual(bytes, s.bytes)
                XCTAssertLessThanOrEqual(bytes, budget, "\(seconds) s into \(budget) B: \(s.mode)")
                let top = EncodePlanner.mp3MaxBytes(frames: shape.frames, rate: 44100, kbps: 320)
                if top > budget {  // not at the best quality, so there was a choice: use the budget
                    XCTAssertGreaterThanOrEqual(Double(bytes), 0.85 * Double(budget), "\(seconds) s into \(budget) B: \(s.mode)")
                }
            }
        }
    }

    func testCBRBoundHoldsAndIsTight() throws {
        for (rate, kbps) in [(44100, 320), (44100, 128), (48000, 64), (22050, 32), (16000, 48)] {
            for seconds in [0.3, 2.7] {
                let x = Signals.pinkNoise(rate: rate, seconds: seconds, amplitude: 0.5, channels: 2, seed: 3)
                let path = dir.appendingPathComponent("cbr\(rate)_\(kbps)_\(seconds).mp3").path
                let sink = try Mp3Sink(path: path, settings: EncoderSettings(format: .mp3, sampleRate: rate, channels: 2,
                                                                             mp3: .cbr(kbps: kbps)))
                try x.withUnsafeBufferPointer { try sink.write($0, frames: x.count / 2) }
                try sink.finish()
                let actual = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int64
                let bound = EncodePlanner.mp3MaxBytes(frames: Int64(x.count / 2), rate: rate, kbps: kbps)
                XCTAssertLessThanOrEqual(actual, bound, "\(rate) Hz \(kbps) kbit/s")
                let frameBytes = Int64((rate >= 32000 ? 144_000 : 72_000) * kbps / rate + 1)
                XCTAssertLessThanOrEqual(bound - actual, 4 * frameBytes + 2048, "bound is tight")
            }
        }
    }

    func testLosslessBudgetStepsDownTo16BitOrRefuses() throws {
        let x = Signals.pinkNoise(rate: 48000, seconds: 2, amplitude: 0.5, channels: 2)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("in24.wav").path, rate: 48000, channels: 2, depth: .int24)
        // 24-bit would be 576 kB; 16-bit is 384 kB.
        var r = EncodeRequest(format: .wav, maxBytes: 400_000)
        let s = try EncodeJob(input: input, output: dir.appendingPathComponent("o.wav").path, request: r).run()
        XCTAssertEqual(s.mode, "16-bit PCM")
        XCTAssertLessThanOrEqual(s.bytes, 400_000)
        r.maxBytes = 200_000
        XCTAssertThrowsError(try EncodeJob(input: input, output: dir.appendingPathComponent("p.wav").path, request: r).run()) {
            XCTAssertTrue("\($0)".contains("trim at least"))
        }
        // FLAC is counted: noise barely compresses, so 200 kB cannot hold it and nothing is left behind.
        r.format = .flac
        XCTAssertThrowsError(try EncodeJob(input: input, output: dir.appendingPathComponent("p.flac").path, request: r).run())
        XCTAssertEqual(TestFiles.listing(dir), ["in24.wav", "o.wav"])
    }
}
