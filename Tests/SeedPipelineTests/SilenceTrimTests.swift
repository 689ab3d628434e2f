import SeedAudio
import SeedPipeline
import SeedTestSupport
import XCTest

/// `--silence`: sound bounds from the peak envelope, with a pad, never into an attack.
final class SilenceTrimTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func trim(_ input: String, threshold: Double = -50, pad: Double = 0.1) throws -> (TrimSummary, [Float]) {
        var job = TrimJob(input: input, output: dir.appendingPathComponent("out.wav").path, mode: .silence(padSeconds: pad))
        job.thresholdDB = threshold
        job.force = true
        let s = try job.run()
        return (s, try TestFiles.read(s.output).samples)
    }

    func testBurstsAreKeptWithTheirPad() throws {
        // Fixture: 440 Hz bursts at 1.0, 2.5 and 4.0 s, 0.5 s each, in 6 s.
        let (s, y) = try trim(TestFiles.testdata("synthetic/bursts_440hz_22k.wav"))
        XCTAssertEqual(s.window.start, 0.9, accuracy: 0.011)
        XCTAssertEqual(s.window.end, 4.6, accuracy: 0.011)
        XCTAssertEqual(Double(y.count) / 22050, s.window.duration, accuracy: 0.0001)
        // The burst inside is bit-identical to the input (fades only touch the pad).
        let (x, _) = try TestFiles.read(TestFiles.testdata("synthetic/bursts_440hz_22k.wav"))
        let offset = Int((s.window.start * 22050).rounded())
        XCTAssertEqual(Array(y[2205..<(2205 + 11025)]), Array(x[(offset + 2205)..<(offset + 2205 + 11025)]))
    }

    func testASoftAttackAndALongDecayAreNotCut() throws {
        // A tone rising from -80 to -12 dBFS over 300 ms from t = 2 s, held 1 s, decaying over 500 ms.
        let rate = 44100
        var x = [Float](repeating: 0, count: rate * 6)
        let start = 2 * rate, rise = Int(0.3 * Double(rate)), hold = rate, fall = Int(0.5 * Double(rate))
        for i in 0..<(rise + hold + fall) {
            let db: Double = i < rise ? -80 + 68 * Double(i) / Double(rise)
                : (i < rise + hold ? -12 : -12 - 68 * Double(i - rise - hold) / Double(fall))
            x[start + i] = Float(pow(10, db / 20) * sin(2 * Double.pi * 330 * Double(i) / Double(rate)))
        }
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("soft.wav").path, rate: rate, depth: .float32)
        let (s, _) = try trim(input)
        // Every sample above -60 dBFS is kept, with the pad on top.
        let firstAudible = Double(x.firstIndex { abs($0) > 0.001 }!) / Double(rate)
        let lastAudible = Double(x.lastIndex { abs($0) > 0.001 }!) / Double(rate)
        XCTAssertLessThanOrEqual(s.window.start, firstAudible - 0.05, "start \(s.window.start), audible from \(firstAudible)")
        XCTAssertGreaterThanOrEqual(s.window.end, lastAudible + 0.05, "end \(s.window.end), audible to \(lastAudible)")
        XCTAssertLessThan(s.window.duration, 2.3)
    }

    func testThresholdTrimsRoomNoise() throws {
        let rate = 22050
        let (x, melody) = Scenes.build([.room(seconds: 3, dbfs: -50), .hum(seconds: 4, dbfs: -18), .room(seconds: 3, dbfs: -50)], rate: rate)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("room.wav").path, rate: rate)
        let (loose, _) = try trim(input)               // -50 dBFS: the room noise's peaks count as sound
        XCTAssertLessThan(loose.window.start, 0.5)
        let (tight, _) = try trim(input, threshold: -30)
        XCTAssertEqual(tight.window.start, melody[0].lowerBound - 0.1, accuracy: 0.05)
        XCTAssertEqual(tight.window.end, melody[0].upperBound + 0.1, accuracy: 0.1)
    }

    func testSilenceIsRefused() throws {
        XCTAssertThrowsError(try trim(TestFiles.testdata("synthetic/silence_3s.wav"))) { error in
            guard case AudioError.tooQuiet = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(TestFiles.listing(dir), [])
    }
}
