import SeedAudio
import SeedTestSupport
import XCTest

/// libebur128 through LoudnessMeter against the EBU Tech 3341 reference points.
final class LoudnessMeterTests: XCTestCase {
    func testStereoSineAtMinus23dBFSIsMinus23LUFS() throws {
        // EBU Tech 3341 test 1: 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS (±0.1).
        let x = Signals.sine(1000, rate: 48000, seconds: 20, amplitude: pow(10, -23.0 / 20), channels: 2)
        let m = try LoudnessMeter(sampleRate: 48000, channels: 2)
        m.add(x)
        XCTAssertEqual(m.report.integratedLUFS ?? 0, -23, accuracy: 0.1)
        XCTAssertEqual(m.report.samplePeakDBFS ?? 0, -23, accuracy: 0.01)
    }

    func testMonoReadsThreeDecibelsLower() throws {
        let x = Signals.sine(1000, rate: 44100, seconds: 10, amplitude: pow(10, -20.0 / 20))
        let m = try LoudnessMeter(sampleRate: 44100, channels: 1)
        m.add(x)
        XCTAssertEqual(m.report.integratedLUFS ?? 0, -23.01, accuracy: 0.1)
    }

    func testInterSamplePeakIsSeenByTruePeak() throws {
        // fs/4 sine with 45° phase: every sample sits at 0.707 of the real peak (1.0).
        let n = 48000
        let x = (0..<n).map { Float(sin(Double.pi / 2 * Double($0) + Double.pi / 4)) }
        let m = try LoudnessMeter(sampleRate: 48000, channels: 1)
        m.add(x)
        XCTAssertEqual(m.report.samplePeakDBFS ?? 0, -3.01, accuracy: 0.05)
        XCTAssertEqual(m.report.truePeakDBTP ?? -99, 0, accuracy: 0.6)
    }

    func testSilenceHasNoLoudness() throws {
        let m = try LoudnessMeter(sampleRate: 48000, channels: 2)
        m.add([Float](repeating: 0, count: 96000))
        XCTAssertNil(m.report.integratedLUFS)
        XCTAssertNil(m.report.samplePeakDBFS)
    }
}
