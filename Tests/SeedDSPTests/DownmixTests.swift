import SeedDSP
import SeedTestSupport
import XCTest

final class DownmixTests: XCTestCase {
    private func mix(_ input: [Float], channels: Int, to target: DownmixTarget) -> [Float] {
        let m = downmixMatrix(channels: channels, to: target)
        let frames = input.count / channels
        var out = [Float](repeating: 0, count: frames * m.count)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { downmix(i, frames: frames, matrix: m, into: $0) } }
        return out
    }

    func testMonoIsTheMeanOfAllChannels() {
        let out = mix([0.2, 0.4, -0.6, 0.0, 1.0, 1.0], channels: 3, to: .mono)
        XCTAssertEqual(out[0], 0.0, accuracy: 1e-6)
        XCTAssertEqual(out[1], 2.0 / 3.0, accuracy: 1e-6)
    }

    func testFivePointOneToStereoFollowsBS775AndDropsLFE() {
        // One frame per channel, only that channel active (L R C LFE Ls Rs).
        var gains: [[Float]] = []
        for c in 0..<6 {
            var frame = [Float](repeating: 0, count: 6)
            frame[c] = 1
            gains.append(mix(frame, channels: 6, to: .stereo))
        }
        let norm = gains[0][0]
        XCTAssertEqual(gains[0][1], 0)                                   // L only left
        XCTAssertEqual(gains[1][0], 0)                                   // R only right
        XCTAssertEqual(gains[2][0] / norm, 0.7071, accuracy: 1e-3)       // C at -3 dB in both
        XCTAssertEqual(gains[2][1] / norm, 0.7071, accuracy: 1e-3)
        XCTAssertEqual(gains[3], [0, 0])                                  // LFE dropped
        XCTAssertEqual(gains[4][0] / norm, 0.7071, accuracy: 1e-3)       // Ls left
        XCTAssertEqual(gains[5][1] / norm, 0.7071, accuracy: 1e-3)       // Rs right
    }

    func testFullScaleInEveryChannelCannotClip() {
        for channels in 3...8 {
            let out = mix([Float](repeating: 1, count: channels * 4), channels: channels, to: .stereo)
            XCTAssertLessThanOrEqual(out.max()!, 1.0001, "\(channels) channels")
            XCTAssertGreaterThan(out.min()!, 0.5, "\(channels) channels keep their level")
        }
    }

    func testNonFiniteSamplesAreFound() {
        var x = Signals.sine(440, rate: 8000, seconds: 0.1)
        x.withUnsafeBufferPointer { XCTAssertNil(firstNonFiniteSample($0)) }
        x[123] = .nan
        x.withUnsafeBufferPointer { XCTAssertEqual(firstNonFiniteSample($0), 123) }
        x[123] = 0; x[700] = -.infinity
        x.withUnsafeBufferPointer { XCTAssertEqual(firstNonFiniteSample($0), 700) }
        // Blocks and eight-lane groups: a bad sample in a later block, in the last lanes and in
        // the tail after the last full group; the largest finite values are not flagged.
        var long = Signals.sine(440, rate: 8000, seconds: 1.0)
        long[5] = .greatestFiniteMagnitude; long[6] = -.greatestFiniteMagnitude
        long.withUnsafeBufferPointer { XCTAssertNil(firstNonFiniteSample($0)) }
        for bad in [1031, 2047, 7999] {
            var y = long
            y[bad] = .infinity
            y[min(7999, bad + 1)] = .nan
            y.withUnsafeBufferPointer { XCTAssertEqual(firstNonFiniteSample($0), bad) }
        }
    }

    func testPeakAndCountMatchAPlainLoopAtEveryLength() {
        var x = Signals.sine(440, rate: 8000, seconds: 0.01).map { $0 * 0.9 }
        x[3] = -1; x[40] = 0.9995; x[79] = -0.9991
        for count in [0, 1, 7, 8, 9, 40, 41, 79, 80] {
            let slice = Array(x[0..<count])
            let got = slice.withUnsafeBufferPointer { peakAndCount($0.baseAddress ?? UnsafePointer(x), count: count, atLeast: 0.999) }
            XCTAssertEqual(got.peak, slice.map(abs).max() ?? 0, "\(count)")
            XCTAssertEqual(got.count, slice.filter { abs($0) >= 0.999 }.count, "\(count)")
            XCTAssertEqual(slice.withUnsafeBufferPointer { samplePeak($0) }, slice.map(abs).max() ?? 0, "samplePeak, \(count)")
        }
    }

    func testMonoAndStereoToMonoAreTheMean() {
        XCTAssertEqual(mix([0.5, -0.25, 1], channels: 1, to: .mono), [0.5, -0.25, 1])
        let stereo: [Float] = (0..<37).flatMap { [Float($0) / 37, -Float($0) / 74] }
        let out = mix(stereo, channels: 2, to: .mono)
        XCTAssertEqual(out.count, 37)
        for f in 0..<37 { XCTAssertEqual(out[f], (stereo[2 * f] + stereo[2 * f + 1]) / 2, accuracy: 1e-7) }
    }
}
