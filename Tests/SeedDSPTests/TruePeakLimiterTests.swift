import SeedDSP
import SeedTestSupport
import XCTest

final class TruePeakLimiterTests: XCTestCase {
    /// Runs the limiter over `x` and returns the output aligned with the input (latency removed).
    private func limit(_ x: [Float], channels: Int = 1, rate: Int = 48000, gain: Float, ceilingDB: Double) -> (out: [Float], limiter: TruePeakLimiter) {
        var lim = TruePeakLimiter(sampleRate: rate, channels: channels, ceilingDB: ceilingDB)
        let padded = x + [Float](repeating: 0, count: lim.latency * channels)
        var out = [Float](repeating: 0, count: padded.count)
        padded.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { lim.process(i, frames: padded.count / channels, gain: gain, into: $0) }
        }
        return (Array(out[(lim.latency * channels)...]), lim)
    }

    /// True peak by 32x band-limited (windowed-sinc, 64 zero crossings) interpolation: a reference
    /// independent of the limiter's own 4x detector.
    private func truePeakDB(_ x: [Float]) -> Double {
        var peak = Double(x.map { abs($0) }.max() ?? 0)
        let half = 64
        for n in half..<(x.count - half) {
            for q in 1..<32 {
                let frac = Double(q) / 32
                var acc = 0.0
                for k in -half + 1...half {
                    let t = Double(k) - frac
                    let w = 0.5 + 0.5 * cos(.pi * t / Double(half))
                    acc += Double(x[n + k]) * sin(.pi * t) / (.pi * t) * w
                }
                peak = max(peak, abs(acc))
            }
        }
        return 20 * log10(peak)
    }

    func testToneUnderTheCeilingIsBitIdenticalApartFromGain() {
        let x = Signals.sine(997, rate: 48000, seconds: 1, amplitude: 0.25)
        let (y, lim) = limit(x, gain: 2, ceilingDB: -1)
        XCTAssertEqual(y, x.map { $0 * 2 })
        XCTAssertEqual(lim.maxReductionDB, 0)
    }

    func testInterSamplePeaksEndUnderTheCeiling() {
        // fs/4 at 45°: samples at ±0.99, true peak 1.4 (+2.9 dBTP). Short, so the reference is quick.
        let x = (0..<4800).map { Float(0.99 * 2.0.squareRoot() * sin(Double.pi / 2 * Double($0) + Double.pi / 4)) }
        XCTAssertGreaterThan(truePeakDB(x), 2.5)
        let (y, lim) = limit(x, gain: 1, ceilingDB: -1)
        XCTAssertLessThanOrEqual(truePeakDB(y), -1.0 + 0.05)
        XCTAssertLessThan(lim.maxReductionDB, -3.5)
    }

    func testTransientsAreCaughtBeforeThePeak() {
        // Quiet tone with one loud burst: the look-ahead must pull the gain down before it arrives.
        var x = Signals.sine(440, rate: 48000, seconds: 1, amplitude: 0.1)
        for i in 24000..<24480 { x[i] = Float(0.95 * sin(2 * Double.pi * 3000 * Double(i) / 48000)) }
        let (y, _) = limit(x, gain: 1.5, ceilingDB: -1)
        XCTAssertLessThanOrEqual(truePeakDB(Array(y[23000..<26000])), -1.0 + 0.05)
        // Far from the burst the tone is untouched (after the release).
        XCTAssertEqual(Array(y[0..<20000]), Array(x[0..<20000]).map { $0 * 1.5 })
    }

    func testSteadyToneIsLimitedWithoutPumping() {
        let x = Signals.sine(1000, rate: 48000, seconds: 2, amplitude: 0.9, channels: 2)
        let (y, _) = limit(x, channels: 2, gain: 2, ceilingDB: -1)
        // After the attack, every 10 ms block has the same level to within 0.05 dB.
        var levels: [Double] = []
        for start in stride(from: 24000 * 2, to: 2 * 95000, by: 2 * 480) {
            levels.append(20 * log10(Measure.rms(y[start..<(start + 2 * 480)])))
        }
        XCTAssertLessThan(levels.max()! - levels.min()!, 0.05)
        XCTAssertEqual(levels[0], 20 * log10(pow(10, -1.0 / 20) / 2.0.squareRoot()), accuracy: 0.1)
    }
}
