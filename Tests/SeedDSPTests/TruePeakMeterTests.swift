import Foundation
import SeedDSP
import SeedTestSupport
import XCTest

/// The meter skips interpolants whose bound cannot raise the peak so far; a later inter-sample
/// peak above an earlier sample peak, made of samples below it, must still be found.
final class TruePeakMeterTests: XCTestCase {
    func testALateInterSamplePeakAboveAnEarlierSamplePeakIsFound() {
        for rate in [44100, 22050, 8000] {
            var x = [Float](repeating: 0, count: rate / 2)
            x[100] = 0.8                                            // a click: sample peak 0.8
            let quiet = [Float](repeating: 0, count: rate / 2)
            // A quarter-rate sine at 45°: every sample at 0.707 of its true peak of 0.95.
            let sine = (0..<rate).map { Float(0.95 * sin(Double.pi / 2 * Double($0) + Double.pi / 4)) }
            let signal = x + quiet + sine + quiet
            let meter = TruePeakMeter(sampleRate: rate, channels: 1)
            signal.withUnsafeBufferPointer { meter.add($0, frames: signal.count) }
            let reference = TruePeakReference.dBTP(signal, rate: rate)
            XCTAssertEqual(meter.peakDBTP ?? -99, reference, accuracy: 0.1, "\(rate) Hz")
            XCTAssertGreaterThan(meter.peakDBTP ?? -99, 20 * log10(0.8) + 1, "above the click's sample peak")
        }
    }
}
