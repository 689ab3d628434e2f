import XCTest

/// A band with a spoken voice over it, nearly as loud as the band (testdata/renders, from the
/// development split rebuilt with `make_data.py --vocal 1.0`; see testdata/SOURCES.md): the voice's
/// syllables fall anywhere, and the beats must still be the band's. Within 5 dB of the music a
/// voice takes away a string ensemble's beat (Training/README), not a band's.
final class VoiceOverMusicRenderTests: XCTestCase {
    func testABandUnderALoudVoiceKeepsItsBeats() throws {
        let r = try TrackedRender("dev0014_rock_voice_98")
        XCTAssertTrue(r.analysis.steady, "confidence \(r.analysis.confidence)")
        XCTAssertEqual(r.analysis.bpm, 98.5, accuracy: 2)
        XCTAssertGreaterThanOrEqual(r.beatF, 0.9)
        XCTAssertGreaterThanOrEqual(r.downbeatF, 0.9)
    }
}
