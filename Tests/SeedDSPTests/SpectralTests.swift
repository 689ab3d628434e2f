import SeedDSP
import SeedTestSupport
import XCTest

/// The FFT against a direct DFT, and pitch salience on signals with known pitch.
final class SpectralTests: XCTestCase {
    func testRealFFTMatchesDirectDFTAndInverts() {
        for n in [8, 64, 1024] {
            var rng = SeededRandom(seed: UInt64(n))
            let x = (0..<n).map { _ in Float(rng.nextSigned()) }
            let fft = RealFFT(size: n)
            var re = [Float](repeating: 0, count: n / 2 + 1), im = re
            x.withUnsafeBufferPointer { fft.forward($0.baseAddress!, real: &re, imag: &im) }
            for k in 0...(n / 2) {
                var sr = 0.0, si = 0.0
                for j in 0..<n {
                    let a = -2 * Double.pi * Double(j * k) / Double(n)
                    sr += Double(x[j]) * cos(a); si += Double(x[j]) * sin(a)
                }
                XCTAssertEqual(Double(re[k]), sr, accuracy: 1e-3 * Double(n).squareRoot(), "n \(n) bin \(k)")
                XCTAssertEqual(Double(im[k]), si, accuracy: 1e-3 * Double(n).squareRoot(), "n \(n) bin \(k)")
            }
            var back = [Float](repeating: 0, count: n)
            fft.inverse(real: re, imag: im, into: &back)
            for j in 0..<n { XCTAssertEqual(back[j], x[j], accuracy: 1e-4) }
        }
    }

    private func estimate(_ x: [Float], rate: Double) -> PitchEstimate {
        let spectrum = FrameSpectrum(frameLength: 512)
        let pitch = PitchSalience(spectrum: spectrum, sampleRate: rate)
        x.withUnsafeBufferPointer { spectrum.compute($0.baseAddress!) }
        return pitch.estimate()
    }

    func testPitchOfHarmonicTonesAndClarityOfNoise() {
        let rate = 8000.0
        for f0 in [82.0, 110, 196, 262, 440, 880] {
            // Six harmonics, the fundamental weakest: the pitch is still f0, not a harmonic.
            var x = [Float](repeating: 0, count: 512)
            for i in 0..<512 {
                let t = Double(i) / rate
                var v = 0.0
                for h in 1...6 {
                    let amplitude = h == 1 ? 0.3 : 1 / Double(h)
                    v += amplitude * sin(2 * Double.pi * f0 * Double(h) * t)
                }
                x[i] = Float(v)
            }
            let e = estimate(x, rate: rate)
            XCTAssertEqual(Double(e.hz), f0, accuracy: f0 * 0.01, "f0 \(f0)")
            XCTAssertGreaterThan(e.clarity, 0.9, "f0 \(f0)")
        }
        var rng = SeededRandom(seed: 5)
        let noise = (0..<512).map { _ in Float(rng.nextSigned()) }
        XCTAssertLessThan(estimate(noise, rate: rate).clarity, 0.4)
        XCTAssertEqual(estimate([Float](repeating: 0, count: 512), rate: rate).clarity, 0)
    }

    func testFeatureTrackFollowsAMelody() {
        // Notes at known times: the per-hop pitch follows them and the level drops in the gap.
        let rate = 8000.0
        var x: [Float] = []
        for (f, seconds) in [(220.0, 1.0), (0, 0.5), (330.0, 1.0)] {
            x += (0..<Int(seconds * rate)).map { Float(0.3 * sin(2 * Double.pi * f * Double($0) / rate)) }
        }
        let ex = FeatureExtractor(sampleRate: rate)
        x.withUnsafeBufferPointer { ex.push($0) }
        let track = ex.finish(totalSamples: x.count)
        XCTAssertEqual(track.count, 125)   // 2.5 s of 20 ms hops
        XCTAssertEqual(Double(track.pitchHz[25]), 220, accuracy: 2.2)
        XCTAssertEqual(Double(track.pitchHz[100]), 330, accuracy: 3.3)
        XCTAssertLessThan(track.levelDB[62], -100)
        XCTAssertEqual(Double(track.levelDB[25]), 20 * log10(0.3 / 2.0.squareRoot()), accuracy: 0.5)
        XCTAssertEqual(track.blocks, 5)
    }
}
