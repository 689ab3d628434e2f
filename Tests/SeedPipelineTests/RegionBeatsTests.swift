import SeedAudio
import SeedDSP
@testable import SeedPipeline
import SeedTestSupport
import XCTest

/// A trim tracks beats only around the stretch it cuts in: those beats are the song's own (the
/// same as the whole input's), in the input's time, and nothing outside the stretch is read.
final class RegionBeatsTests: XCTestCase {
    private var dir: URL!
    private var input: String!
    private var source: AudioSource!
    /// The 112 s song scene (120 BPM, 4/4, drums), as a file.
    private var songSeconds = 0.0

    override func setUpWithError() throws {
        dir = TestFiles.tempDir()
        let rate = 22050
        let (song, _) = SongScene.build(rate: rate)
        songSeconds = Double(song.count) / Double(rate)
        input = try TestFiles.write(song, to: dir.appendingPathComponent("song.wav").path, rate: rate)
        source = try AudioOpener.open(input)
    }

    override func tearDownWithError() throws {
        source?.close()
        try? FileManager.default.removeItem(at: dir)
    }

    func testBeatsOfAStretchAreTheWholeSongsBeatsThere() throws {
        let whole = try analyzeBeats(source)
        let part = try analyzeBeats(source, from: 20, to: 50)
        XCTAssertTrue(part.steady)
        XCTAssertEqual(part.bpm, whole.bpm, accuracy: 1)
        XCTAssertEqual(part.beatsPerBar, whole.beatsPerBar)
        XCTAssertGreaterThanOrEqual(part.beats.first?.time ?? 0, 20)
        XCTAssertLessThanOrEqual(part.beats.last?.time ?? 99, 50)
        // Away from the stretch's edges, each beat and downbeat is the whole song's.
        for b in part.beats where b.time > 23 && b.time < 47 {
            let nearest = whole.beats.min { abs($0.time - b.time) < abs($1.time - b.time) }!
            XCTAssertEqual(nearest.time, b.time, accuracy: 0.03)
            XCTAssertEqual(nearest.position, b.position, "bar positions agree at \(b.time)")
        }
    }

    func testBarCutsAreLookedForOnlyWithinABarOfTheFreeWindow() throws {
        // Beats are tracked over the free window, a bar either side and the network's context,
        // not the whole song; the window is still cut on bars, and only moved by up to a bar.
        let job = TrimJob(input: input, output: dir.appendingPathComponent("clip.wav").path, mode: .best(seconds: 30))
        let analysis = try analyzeForTrim(source)
        let free = try job.choose(analysis) { _, _ in nil }
        XCTAssertEqual(free.barAligned, false, "without beats the cuts stay in gaps")
        var asked: [(from: Double, to: Double)] = []
        let choice = try job.choose(analysis) { from, to in
            asked.append((from, to))
            return try analyzeBeats(source, from: from, to: to)
        }
        XCTAssertEqual(asked.count, 1)
        let region = try XCTUnwrap(asked.first)
        XCTAssertEqual(choice.barAligned, true)
        XCTAssertLessThanOrEqual(region.to - region.from, 30 + 2 * TrimJob.barReach + 2 * TrimJob.beatContext + 0.1)
        XCTAssertLessThan(region.to - region.from, songSeconds - 40)
        // Bar cuts adjust the gap-cut window; they never move it elsewhere.
        XCTAssertLessThanOrEqual(abs(choice.window.start - free.window.start), TrimJob.barReach + 0.05)
        XCTAssertLessThanOrEqual(abs(choice.window.end - free.window.end), TrimJob.barReach + 0.05)
        // The window lies where the beats had their full context.
        XCTAssertGreaterThanOrEqual(choice.window.start, region.from + TrimJob.beatContext - 0.05)
        XCTAssertLessThanOrEqual(choice.window.end, region.to - TrimJob.beatContext + 0.05)
        let downbeats = try XCTUnwrap(choice.beats?.downbeats)
        let nearest = downbeats.map { abs($0 - (choice.window.start + job.fadeSeconds)) }.min() ?? 1
        XCTAssertLessThan(nearest, 0.03, "the window opens on a downbeat")
    }
}
