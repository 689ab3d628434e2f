import SeedDSP
import SeedTestSupport
import XCTest

/// The analysis level (`AnalysisLevel`): the gated RMS of what plays, the gain into the range the
/// beat networks read best, and band features read at that gain equal to those of the scaled input.
final class AnalysisLevelTests: XCTestCase {
    private let rate = 16_000

    /// The extractor's frames of `x` (band features and per-frame energy).
    private func frames(_ x: [Float]) -> OnsetTrack {
        let ex = OnsetStrengthExtractor(sampleRate: Double(rate), keepsBands: true)
        x.withUnsafeBufferPointer { ex.push($0) }
        return ex.finish(totalSamples: x.count)
    }

    private func level(_ x: [Float]) -> AnalysisLevel {
        let track = frames(x)
        var meter = AnalysisLevel(fps: track.fps)
        meter.add(track.energy)
        return meter
    }

    func testTheLevelIsTheRMSOfWhatPlaysWithSilenceGatedOut() throws {
        // A sine of amplitude 0.1 (RMS -23.01 dBFS) for 4 s between 6 s of silence and 6 s of
        // hiss 80 dB down: the plain RMS of the whole is 5.4 dB lower, the gated level is the sine's.
        let hiss = Signals.pinkNoise(rate: rate, seconds: 6, amplitude: 1e-4 * 0.1)
        let x = [Float](repeating: 0, count: 6 * rate) + Signals.sine(440, rate: rate, seconds: 4, amplitude: 0.1) + hiss
        let gated = try XCTUnwrap(level(x).levelDB)
        XCTAssertEqual(gated, 20 * log10(0.1 / 2.0.squareRoot()), accuracy: 0.1)
        XCTAssertLessThan(20 * log10(Measure.rms(x[...])), gated - 5)
    }

    func testTheGainBringsTheLevelIntoTheTrainedRangeAndLeavesItAloneThere() throws {
        let range = AnalysisLevel.targetRange
        let cases: [(rmsDB: Double, gainDB: Double)] = [
            (-45, range.lowerBound + 45),           // a quiet phone take: up to the bottom
            ((range.lowerBound + range.upperBound) / 2, 0),
            (-8, range.upperBound + 8),             // a loud master: down to the top
        ]
        for (rmsDB, gainDB) in cases {
            let amplitude = pow(10, rmsDB / 20) * 2.0.squareRoot()
            let meter = level(Signals.sine(440, rate: rate, seconds: 3, amplitude: amplitude))
            XCTAssertEqual(try XCTUnwrap(meter.levelDB), rmsDB, accuracy: 0.1)
            XCTAssertEqual(20 * log10(Double(meter.gain)), gainDB, accuracy: 0.1, "at \(rmsDB) dBFS")
        }
        // Silence and no input at all have no level and keep gain 1.
        let silent = level([Float](repeating: 0, count: 2 * rate))
        XCTAssertNil(silent.levelDB)
        XCTAssertEqual(silent.gain, 1)
        XCTAssertEqual(AnalysisLevel(fps: 100).gain, 1)
    }

    func testFeaturesReadAtAGainAreThoseOfTheScaledInput() {
        let x = DrumPattern(bpm: 120).render(rate: rate).samples.prefix(8 * rate).map { $0 * 0.5 }
        let track = frames(x)
        let bands = track.bands, count = track.count, width = bands.count / count
        for gain: Float in [0.02, 8] {
            let expected = frames(x.map { $0 * gain }).bands
            var out = bands
            out.withUnsafeMutableBufferPointer { rescaleBandFeatures($0, frames: count, bands: width / 2, gain: gain, previous: nil) }
            let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 1
            XCTAssertLessThan(worst, 2e-3, "gain \(gain)")
            // Not trivially equal: the gain moves the features a great deal.
            XCTAssertGreaterThan(zip(bands, expected).map { abs($0 - $1) }.max() ?? 0, 1, "gain \(gain)")
        }
    }

    /// Training's features (`readAtAnalysisLevel`, through `seed-bench --beat-features-at-level`)
    /// are what the stream feeds the network for an input of one chunk, quiet or loud.
    func testATrackReadAtItsLevelIsWhatTheStreamHears() throws {
        let net = TestFiles.beatNetworks[0]
        var pattern = DrumPattern(bpm: 100)
        pattern.seconds = 20
        let music = pattern.render(rate: rate).samples
        for scale: Float in [0.003, 4] {
            var track = frames(music.map { $0 * scale })
            let stream = BeatActivationStream(networks: [net], fps: track.fps)
            var streamed = stream.push(track.bands, energy: track.energy)
            streamed += stream.finish()
            let gain = track.readAtAnalysisLevel()
            XCTAssertEqual(gain, try XCTUnwrap(stream.gain), "scale \(scale)")
            XCTAssertTrue(scale < 1 ? gain > 10 : gain < 0.5, "scale \(scale): gain \(gain)")
            let whole = track.bands.withUnsafeBufferPointer { net.run($0, frames: track.count) }
            let n = BeatActivationStream.outputsPerFrame
            XCTAssertEqual(streamed.count / n, whole.count / 2)
            var worst: Float = 0
            for t in 0..<min(streamed.count / n, whole.count / 2) {
                worst = max(worst, abs(streamed[n * t] - whole[2 * t]), abs(streamed[n * t + 1] - whole[2 * t + 1]))
            }
            XCTAssertLessThan(worst, 1e-4, "scale \(scale)")
        }
        // Within the range the features are left as they are, and so are a track's without energy.
        let own = try XCTUnwrap(level(music).levelDB)
        let mid = (AnalysisLevel.targetRange.lowerBound + AnalysisLevel.targetRange.upperBound) / 2
        let inRange = frames(music.map { $0 * Float(pow(10, (mid - own) / 20)) })
        var noEnergy = frames(music.map { $0 * 0.003 })
        noEnergy.energy = []
        for var track in [inRange, noEnergy] {
            let before = track.bands
            XCTAssertEqual(track.readAtAnalysisLevel(), 1)
            XCTAssertEqual(track.bands, before)
        }

    }

    func testAStreamReadsAQuietInputAtItsGainAcrossChunks() throws {
        let net = TestFiles.beatNetworks[0]
        var pattern = DrumPattern(bpm: 100)
        pattern.seconds = 40
        let x = pattern.render(rate: rate).samples.map { $0 * 0.003 }   // about -50 dBFS
        let track = frames(x)
        let stream = BeatActivationStream(networks: [net], chunk: 500, fps: track.fps)
        var streamed: [Float] = [], logBands: [Float] = []
        let width = net.features
        for start in stride(from: 0, to: track.count, by: 333) {
            let end = min(track.count, start + 333)
            streamed += stream.push(Array(track.bands[(start * width)..<(end * width)]), energy: Array(track.energy[start..<end]))
            logBands += stream.takeLogBands()
        }
        streamed += stream.finish()
        logBands += stream.takeLogBands()
        let gain = try XCTUnwrap(stream.gain)
        XCTAssertGreaterThan(gain, 10)
        // One run over the features of the input scaled by that gain.
        let scaled = frames(x.map { $0 * gain })
        let whole = scaled.bands.withUnsafeBufferPointer { net.run($0, frames: scaled.count) }
        let n = BeatActivationStream.outputsPerFrame
        XCTAssertEqual(streamed.count, whole.count / 2 * n)
        var worst: Float = 0
        for t in 0..<min(streamed.count / n, whole.count / 2) {
            worst = max(worst, abs(streamed[n * t] - whole[2 * t]), abs(streamed[n * t + 1] - whole[2 * t + 1]))
        }
        XCTAssertLessThan(worst, 1e-3)
        // The log bands handed back with the activations (for the tracker's spectral change) are
        // those of the scaled input too, frame for frame.
        let bands = width / 2
        XCTAssertEqual(logBands.count, scaled.count * bands)
        var worstBand: Float = 0
        for t in 0..<min(logBands.count / bands, scaled.count) {
            for b in 0..<bands { worstBand = max(worstBand, abs(logBands[t * bands + b] - scaled.bands[t * width + b])) }
        }
        XCTAssertLessThan(worstBand, 2e-3)
        // And it fires on this music at that level.
        XCTAssertGreaterThan(stride(from: 0, to: streamed.count, by: n).map { streamed[$0] }.max() ?? 0, 0.5)
    }
}
