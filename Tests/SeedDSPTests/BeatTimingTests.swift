import Foundation
import SeedDSP
import SeedTestSupport
import XCTest

/// Beat times between frames and the tempo read from them: a song at 152 BPM is reported as
/// 152, not as the 153.8 that one interval of 39 frames (at 100 frames a second) gives.
final class BeatTimingTests: XCTestCase {
    func testPeakOffsetFindsTheVertexBetweenFrames() {
        // A peak shaped like the network's (a Gaussian bump) sampled at frames, its top at 0.3.
        for top in [-0.45, -0.3, 0.0, 0.2, 0.3, 0.45] {
            let y = [-1.0, 0, 1].map { exp(-pow($0 - top, 2) / (2 * 1.2 * 1.2)) }
            XCTAssertEqual(peakOffset(y[0], y[1], y[2]), top, accuracy: 0.05, "top at \(top)")
        }
        // A flat top, a dip or a rising edge has no vertex to move to.
        XCTAssertEqual(peakOffset(0.5, 0.5, 0.5), 0)
        XCTAssertEqual(peakOffset(0.6, 0.2, 0.6), 0)
        XCTAssertEqual(peakOffset(0.2, 0.5, 0.9), 0)
        // A peak frame at the edge of the ±30 ms search with a higher neighbour beyond it: the
        // vertex lies past that neighbour, and the beat moves at most half a frame.
        XCTAssertEqual(peakOffset(0.1, 0.5, 0.8), 0.5)
        XCTAssertEqual(peakOffset(0.8, 0.5, 0.1), -0.5)
    }

    func testTypicalBPMOfFrameRoundedBeats() {
        // Beats rounded to 10 ms frames: single intervals say 150 or 153.8; the tempo is 152.
        for bpm in [61.0, 97, 131, 152, 173, 199] {
            let times = (0..<60).map { (Double($0) * 60 / bpm * 100).rounded() / 100 }
            let single = 60 / zip(times.dropFirst(), times).map { $0 - $1 }.sorted()[29]
            XCTAssertEqual(typicalBPM(times), bpm, accuracy: bpm * 0.004, "\(bpm) BPM (one interval: \(single))")
        }
        // Half the piece at 100 BPM and more than half at 120: the tempo most of it keeps.
        let slow = (0..<20).map { Double($0) * 0.6 }
        let fast = (1...30).map { slow.last! + Double($0) * 0.5 }
        XCTAssertEqual(typicalBPM(slow + fast), 120, accuracy: 0.5)
        XCTAssertEqual(typicalBPM([1.0]), 0)
    }

    func testTrackedTempoOfDrumPatternsIsTheirs() {
        for bpm in [97.0, 131, 152, 173] {
            var p = DrumPattern(bpm: bpm)
            p.seconds = 25
            p.seed = UInt64(bpm) + 3
            let (x, _) = p.render(rate: 16000)
            let ex = OnsetStrengthExtractor(sampleRate: 16000, keepsBands: true)
            x.withUnsafeBufferPointer { ex.push($0) }
            let a = trackBeats(ex.finish(totalSamples: x.count), networks: TestFiles.beatNetworks)
            XCTAssertEqual(a.bpm, bpm, accuracy: bpm * 0.004, "\(bpm) BPM")
            XCTAssertEqual(a.tempoCurve.count, 1, "one steady segment at \(bpm) BPM")
            XCTAssertEqual(a.tempoCurve.first?.bpm ?? 0, bpm, accuracy: bpm * 0.006, "\(bpm) BPM curve")
        }
    }
}
