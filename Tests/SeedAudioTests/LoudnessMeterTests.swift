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

    /// True peak oversampled to 192 kHz or more at every rate, against the tests' own reference
    /// (a long windowed sinc on the same grid): a sine at a quarter of the rate with its peaks
    /// between samples, a sine near Nyquist and dense music-like tones, within 0.1 dB.
    func testTruePeakAgreesWithA192kHzReferenceAtEveryRate() throws {
        for rate in [8000, 16000, 22050, 44100, 48000, 96000] {
            let signals: [(String, [Float])] = [
                ("fs/4 at 45°", Signals.fadedSine(fraction: 0.25, phase: .pi / 4, rate: rate, seconds: 0.5, peak: 0.5)),
                ("0.43 fs", Signals.fadedSine(fraction: 0.43, phase: 0.4, rate: rate, seconds: 0.5, peak: 0.5)),
                ("dense tones", Signals.denseTones(rate: rate, seconds: 0.5, seed: UInt64(rate))),
            ]
            for (name, x) in signals {
                let m = try LoudnessMeter(sampleRate: rate, channels: 1)
                m.add(x)
                let reference = TruePeakReference.dBTP(x, rate: rate)
                let measured = try XCTUnwrap(m.report.truePeakDBTP)
                let samplePeak = try XCTUnwrap(m.report.samplePeakDBFS)
                print(String(format: "%6d Hz %@: true peak %.3f, reference %.3f, sample peak %.3f", rate, name, measured, reference, samplePeak))
                XCTAssertEqual(measured, reference, accuracy: 0.1, "\(rate) Hz \(name)")
                // The peaks between the samples are found (3.01 dB over them where the grid meets them).
                if name == "fs/4 at 45°" { XCTAssertGreaterThan(measured - samplePeak, 2.8, "\(rate) Hz: peaks between samples") }
            }
        }
    }

    func testSilenceHasNoLoudness() throws {
        let m = try LoudnessMeter(sampleRate: 48000, channels: 2)
        m.add([Float](repeating: 0, count: 96000))
        XCTAssertNil(m.report.integratedLUFS)
        XCTAssertNil(m.report.samplePeakDBFS)
    }
}
