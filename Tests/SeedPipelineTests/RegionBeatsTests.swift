import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// A trim tracks beats only around the stretch it cuts in: those beats are the song's own (the
/// same as the whole input's), in the input's time, and nothing outside the stretch is read.
final class RegionBeatsTests: XCTestCase {
    func testBeatsOfAStretchAreTheWholeSongsBeatsThere() throws {
        let dir = TestFiles.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rate = 22050
        let (song, _) = SongScene.build(rate: rate)
        let input = try TestFiles.write(song, to: dir.appendingPathComponent("song.wav").path, rate: rate)
        let source = try AudioOpener.open(input)
        defer { source.close() }
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
}
