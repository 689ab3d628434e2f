import SeedAudio
import SeedTestSupport
import XCTest

/// Both engines, through the same protocol, at the default quality.
final class ResamplerTests: XCTestCase {
    /// Runs `x` through a resampler in uneven blocks, as the streaming transcoder does.
    private func resample(_ x: [Float], engine: ResamplerEngine, quality: ResampleQuality = .hq,
                          from: Int, to: Int, channels: Int = 1) throws -> [Float] {
        let r = try makeResampler(engine: engine, quality: quality, from: from, to: to, channels: channels)
        var out: [Float] = []
        var i = 0, block = 1000
        try x.withUnsafeBufferPointer { buf in
            while i < x.count / channels {
                let n = min(block, x.count / channels - i)
                out.append(contentsOf: try r.process(UnsafeBufferPointer(rebasing: buf[(i * channels)..<((i + n) * channels)]), frames: n))
                i += n
                block = block == 1000 ? 4093 : 1000
            }
        }
        out.append(contentsOf: try r.flush())
        return out
    }

    func testSineKeepsFrequencyAmplitudeAndSNRAbove100dB() throws {
        for engine in ResamplerEngine.allCases {
            for (from, to) in [(44100, 48000), (48000, 22050)] {
                let x = Signals.sine(1000, rate: from, seconds: 2, amplitude: 0.5)
                let y = try resample(x, engine: engine, from: from, to: to)
                let expected = Int((Double(x.count) * Double(to) / Double(from)).rounded())
                XCTAssertEqual(Double(y.count), Double(expected), accuracy: 2, "\(engine) \(from)->\(to) length")
                // Skip the filter's start-up; fit over whole seconds of the steady state.
                let body = y[(to / 4)..<(to / 4 + to)]
                let fit = Measure.sineFit(body, frequency: 1000, rate: to)
                XCTAssertEqual(20 * log10(fit.amplitude / 0.5), 0, accuracy: 0.01, "\(engine) \(from)->\(to) amplitude")
                XCTAssertGreaterThan(fit.snrDB, 100, "\(engine) \(from)->\(to) SNR")
            }
        }
    }

    func testLowerQualityIsMeasurablyWorseForLibsamplerate() throws {
        // Guards that the quality option reaches the engine at all.
        let x = Signals.sine(1000, rate: 44100, seconds: 1.5)
        let fast = try resample(x, engine: .libsamplerate, quality: .mq, from: 44100, to: 48000)
        let best = try resample(x, engine: .libsamplerate, quality: .vhq, from: 44100, to: 48000)
        let f = Measure.sineFit(fast[12000..<60000], frequency: 1000, rate: 48000).snrDB
        let b = Measure.sineFit(best[12000..<60000], frequency: 1000, rate: 48000).snrDB
        XCTAssertGreaterThan(b, f + 10)
    }

    func testSweepDownsampledShowsNoAliasingAboveMinus90dB() throws {
        // 48 kHz → 22.05 kHz: everything above 11.025 kHz must be removed, not folded back.
        let seconds = 4.0, f0 = 20.0, f1 = 23_000.0
        let x = Signals.sweep(from: f0, to: f1, rate: 48000, seconds: seconds, amplitude: 1.0)
        for engine in ResamplerEngine.allCases {
            let y = try resample(x, engine: engine, from: 48000, to: 22050)
            // Output samples whose input frequency was above 12 kHz (past the transition band), with a
            // 20 ms guard against filter ringing at the edge.
            let tStart = (12_000 - f0) / (f1 - f0) * seconds + 0.02
            let alias = y[Int(tStart * 22050)..<(y.count - 2205)]
            let level = 20 * log10(Measure.rms(alias) * 2.0.squareRoot() + 1e-20)  // relative to the sweep's full scale
            XCTAssertLessThan(level, -90, "\(engine): aliasing at \(level) dB")
            // And the passband is intact: the part below 9 kHz keeps its level.
            let tPass = (9_000 - f0) / (f1 - f0) * seconds
            let pass = y[Int(0.2 * 22050)..<Int(tPass * 22050)]
            XCTAssertEqual(Measure.rms(pass) * 2.0.squareRoot(), 1.0, accuracy: 0.01)
        }
    }

    func testStereoChannelsStayApart() throws {
        let rate = 44100
        let l = Signals.sine(500, rate: rate, seconds: 1), r = Signals.sine(3000, rate: rate, seconds: 1, amplitude: 0.25)
        let x = zip(l, r).flatMap { [$0, $1] }
        for engine in ResamplerEngine.allCases {
            let y = try resample(x, engine: engine, from: rate, to: 96000, channels: 2)
            let left = stride(from: 0, to: y.count, by: 2).map { y[$0] }
            let right = stride(from: 1, to: y.count, by: 2).map { y[$0] }
            XCTAssertGreaterThan(Measure.sineFit(left[9600..<86400], frequency: 500, rate: 96000).snrDB, 100)
            XCTAssertEqual(Measure.sineFit(right[9600..<86400], frequency: 3000, rate: 96000).amplitude, 0.25, accuracy: 0.001)
        }
    }
}
