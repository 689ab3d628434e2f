import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// A band with a spoken voice over it, nearly as loud as the band (testdata/renders, from the
/// development split rebuilt with `make_data.py --vocal 1.0`; see testdata/SOURCES.md): the voice's
/// syllables fall anywhere, and the beats must still be the band's. Within 5 dB of the music a
/// voice takes away a string ensemble's beat (Training/README), not a band's.
final class VoiceOverMusicRenderTests: XCTestCase {
    func testABandUnderALoudVoiceKeepsItsBeats() throws {
        let source = try AudioOpener.open(TestFiles.testdata("renders/dev0014_rock_voice_98.ogg"))
        defer { source.close() }
        let a = try analyzeBeats(source)
        let text = try String(contentsOfFile: TestFiles.testdata("renders/dev0014_rock_voice_98.beats"), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t") }
        let truth = rows.compactMap { Double($0[0]) }
        XCTAssertTrue(a.steady, "confidence \(a.confidence)")
        XCTAssertEqual(a.bpm, 98.5, accuracy: 2)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: truth, estimated: a.beats.map(\.time)), 0.9)
        let downbeats = zip(truth, rows).filter { $0.1.count > 1 && $0.1[1] == "1" }.map(\.0)
        XCTAssertGreaterThanOrEqual(BeatMetrics.fMeasure(reference: downbeats, estimated: a.downbeats), 0.9)
    }
}
