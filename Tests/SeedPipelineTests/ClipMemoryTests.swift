import SeedAudio
import SeedPipeline
import SeedTestSupport
import XCTest

/// The loudness passes of a trim read a clip of up to `memoryClipLimit` samples from memory and a
/// longer one from the file on every pass; both paths must render the same clip.
final class ClipMemoryTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testStreamedAndInMemoryLoudnessPassesRenderTheSameClip() throws {
        let rate = 22050
        let (song, _) = SongScene.build(rate: rate)
        // Quiet and stereo (the right channel a little lower), so the passes must add gain and limit.
        let x = song.flatMap { [0.3 * $0, 0.25 * $0] }
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("song.wav").path, rate: rate, channels: 2)
        func render(limit: Int, name: String) throws -> (TrimSummary, [Float]) {
            var job = TrimJob(input: input, output: dir.appendingPathComponent(name).path, mode: .best(seconds: 10))
            job.loudness = LoudnessTarget(lufs: -14, ceilingDBTP: -1)
            job.encoding = EncodeRequest(format: .wav, depth: .float32)
            job.memoryLimitSamples = limit
            let s = try job.run()
            return (s, try TestFiles.read(s.output).samples)
        }
        let (held, a) = try render(limit: memoryClipLimit, name: "held.wav")
        let (streamed, b) = try render(limit: 0, name: "streamed.wav")
        XCTAssertEqual(held.window, streamed.window)
        XCTAssertEqual(held.loudnessBefore?.integratedLUFS ?? 0, streamed.loudnessBefore?.integratedLUFS ?? 1, accuracy: 1e-9)
        for s in [held, streamed] {
            XCTAssertEqual(s.loudnessAfter?.integratedLUFS ?? 0, -14, accuracy: 0.1)
            XCTAssertLessThanOrEqual(s.loudnessAfter?.truePeakDBTP ?? 0, -0.95)
        }
        XCTAssertEqual(held.gainDB ?? 0, streamed.gainDB ?? 1, accuracy: 1e-9)
        XCTAssertEqual(a.count, b.count)
        XCTAssertGreaterThan(a.count, 2 * 9 * rate)
        XCTAssertEqual(zip(a, b).map { abs($0 - $1) }.max() ?? 1, 0, accuracy: 1e-6)
        // A real clip at the target level, not silence.
        XCTAssertGreaterThan(a.map(abs).max() ?? 0, 0.5)
    }
}
