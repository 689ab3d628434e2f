import SeedDSP
import SeedTestSupport
import XCTest

/// Beat tracking on generated drum patterns with exact beats: steady tempi from 60 to 200 BPM in
/// 4/4 and 3/4, swing, tempo ramps, timing jitter and noise.
final class BeatTrackerTests: XCTestCase {
    private func track(_ x: [Float], rate: Int) -> BeatAnalysis {
        let ex = OnsetStrengthExtractor(sampleRate: Double(rate), keepsBands: true)
        x.withUnsafeBufferPointer { ex.push($0) }
        return trackBeats(ex.finish(totalSamples: x.count), networks: TestFiles.beatNetworks)
    }

    private struct Score { var f: Double; var amlt: Double; var cmlt: Double; var bpm: Double; var meter: Int }

    private func score(_ p: DrumPattern) -> Score {
        let rate = 16000
        let (x, truth) = p.render(rate: rate)
        let a = track(x, rate: rate)
        let ref = truth.map(\.time), est = a.beats.map(\.time)
        let c = BeatMetrics.continuity(reference: ref, estimated: est)
        return Score(f: BeatMetrics.fMeasure(reference: ref, estimated: est), amlt: c.amlt, cmlt: c.cmlt, bpm: a.bpm, meter: a.beatsPerBar)
    }

    func testSteadyPatternsFrom60To200BPM() {
        var fs: [Double] = []
        for (bpm, meter) in [(60.0, 4), (75, 3), (90, 4), (105, 3), (120, 4), (135, 4), (150, 3), (170, 4), (200, 4)] {
            var p = DrumPattern(bpm: bpm, beatsPerBar: meter)
            p.seconds = 25
            p.seed = UInt64(bpm)
            let s = score(p)
            fs.append(s.f)
            print(String(format: "steady %3.0f BPM %d/4: F %.3f CMLt %.3f AMLt %.3f tempo %.1f meter %d", bpm, meter, s.f, s.cmlt, s.amlt, s.bpm, s.meter))
            if bpm == 60 || bpm == 200 {
                // At the ends of the range seed taps the eighths of 60 BPM and every other beat of
                // 200 BPM: the beats are right at the neighbouring metrical level (AMLt), the
                // tempo is 2x or 1/2 within 2%.
                XCTAssertGreaterThanOrEqual(s.amlt, 0.95, "\(bpm) BPM")
                XCTAssertTrue([1, 2, 0.5].contains { abs(s.bpm / (bpm * $0) - 1) < 0.02 }, "\(bpm) BPM: \(s.bpm)")
            } else {
                XCTAssertGreaterThanOrEqual(s.f, 0.95, "\(bpm) BPM")
                XCTAssertEqual(s.bpm, bpm, accuracy: bpm * 0.02, "\(bpm) BPM")
                XCTAssertEqual(s.meter, meter, "\(bpm) BPM")
            }
        }
    }

    func testSwingJitterRampsAndNoise() {
        var cases: [(String, DrumPattern, Double)] = []
        var swing = DrumPattern(bpm: 96); swing.swing = 0.167; cases.append(("swing 96", swing, 0.95))
        var jitter = DrumPattern(bpm: 110); jitter.jitter = 0.02; cases.append(("jitter ±20 ms", jitter, 0.9))
        var up = DrumPattern(bpm: 100); up.endBPM = 110; cases.append(("ramp 100→110", up, 0.9))
        var down = DrumPattern(bpm: 140); down.endBPM = 126; cases.append(("ramp 140→126", down, 0.9))
        var noisy = DrumPattern(bpm: 128); noisy.noiseDB = -10; cases.append(("noise -10 dB", noisy, 0.95))
        var waltz = DrumPattern(bpm: 160, beatsPerBar: 3); waltz.jitter = 0.01; cases.append(("waltz 160 jitter", waltz, 0.9))
        for (name, p, minimum) in cases {
            let s = score(p)
            print(String(format: "%@: F %.3f CMLt %.3f AMLt %.3f tempo %.1f", name, s.f, s.cmlt, s.amlt, s.bpm))
            XCTAssertGreaterThanOrEqual(s.f, minimum, name)
        }
    }

    func testSilenceAndNoiseHaveNoBeats() {
        let rate = 16000
        XCTAssertFalse(track([Float](repeating: 0, count: rate * 10), rate: rate).steady)
        var rng = SeededRandom(seed: 3)
        let noise = (0..<(rate * 10)).map { _ in Float(0.1 * rng.nextSigned()) }
        let a = track(noise, rate: rate)
        XCTAssertFalse(a.steady, "steady noise has no beat")
        XCTAssertTrue(a.beats.isEmpty)
    }

    /// Events at random times have no beat: a running tap (drips at 1 to 6 a second) and a
    /// recording of coughs, each over faint room noise.
    func testRandomTapsAndCoughsHaveNoBeats() {
        let rate = 16000
        for (name, perSecond, cough) in [("tap 1/s", 1.0, false), ("tap 6/s", 6.0, false), ("coughs", 0.8, true)] {
            var rng = SeededRandom(seed: UInt64(perSecond * 10) + (cough ? 7 : 0))
            let uniform = { (r: inout SeededRandom) in (r.nextSigned() + 1) / 2 }
            var x = (0..<(rate * 30)).map { _ in Float(0.002 * rng.nextSigned()) }
            var t = -log(max(1e-9, uniform(&rng))) / perSecond
            while t < 29.5 {
                let start = Int(t * Double(rate))
                let length = cough ? Int((0.15 + 0.3 * uniform(&rng)) * Double(rate)) : Int(0.03 * Double(rate))
                let pitch = 800 + 3000 * uniform(&rng), level = 0.2 + 0.6 * uniform(&rng)
                for i in 0..<min(length, x.count - start) {
                    let s = Double(i) / Double(rate)
                    let v = cough ? rng.nextSigned() * exp(-s / 0.08) * (1 - exp(-s / 0.005))
                                  : sin(2 * Double.pi * pitch * s) * exp(-s / 0.004)
                    x[start + i] += Float(level * v)
                }
                t += -log(max(1e-9, uniform(&rng))) / perSecond
            }
            let a = track(x, rate: rate)
            print(String(format: "%@: steady %@, confidence %.2f", name, a.steady ? "yes" : "no", a.confidence))
            XCTAssertFalse(a.steady, name)
            XCTAssertTrue(a.beats.isEmpty, name)
        }
    }

    /// 4 minutes, a slow ramp 118 → 130 BPM in 4/4, streamed in blocks through 1-minute chunks
    /// (five), each decoded with the tempo prior heard so far. The tracker holds no more than two
    /// chunks of frames, and the beats are those of the whole track tracked at once.
    func testLongInputStreamsInBoundedMemory() {
        let rate = 16000
        var p = DrumPattern(bpm: 118)
        p.endBPM = 130
        p.seconds = 250
        let (x, truth) = p.render(rate: rate)
        let extractor = OnsetStrengthExtractor(sampleRate: Double(rate), keepsBands: true)
        var options = BeatTrackingOptions()
        options.chunkSeconds = 60
        options.overlapSeconds = 15
        let tracker = BeatTracker(fps: extractor.track.fps, networks: TestFiles.beatNetworks, options: options)
        var whole = OnsetTrack(fps: extractor.track.fps)
        var held = 0
        let block = 16_384
        func hand(_ frames: OnsetTrack) {
            whole.append(frames)
            tracker.push(frames)
            held = max(held, tracker.bufferedFrames)
        }
        x.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: block) {
                extractor.push(UnsafeBufferPointer(rebasing: all[start..<min(all.count, start + block)]))
                hand(extractor.takeFrames())
            }
        }
        hand(extractor.finish(totalSamples: x.count))
        let a = tracker.finish()
        let fps = whole.fps
        XCTAssertEqual(whole.count, (x.count + Int(Double(rate) / fps) - 1) / Int(Double(rate) / fps))
        // Two chunks less their overlap (the last whole chunk stays for the final decode), the
        // 2 s margins and one block of frames.
        XCTAssertLessThanOrEqual(held, Int((2 * options.chunkSeconds - options.overlapSeconds + 4) * fps) + block / 160 + 2)
        XCTAssertLessThan(held, whole.count / 2)

        let ref = truth.map(\.time), est = a.beats.map(\.time)
        let f = BeatMetrics.fMeasure(reference: ref, estimated: est)
        let downs = BeatMetrics.fMeasure(reference: truth.filter { $0.position == 1 }.map(\.time), estimated: a.downbeats)
        print(String(format: "long ramp 118→130: F %.3f downbeat F %.3f tempo %.1f meter %d held %d of %d frames",
                     f, downs, a.bpm, a.beatsPerBar, held, whole.count))
        XCTAssertGreaterThanOrEqual(f, 0.95)
        XCTAssertGreaterThanOrEqual(downs, 0.9)
        XCTAssertEqual(a.beatsPerBar, 4)
        // The ramp is cut into segments each spanning about 8% of tempo, labelled with its median:
        // the first starts at 118 and is named at most about 4% above it; each is faster than the one before.
        XCTAssertGreaterThan(a.tempoCurve.first?.bpm ?? 0, 118)
        XCTAssertLessThan(a.tempoCurve.first?.bpm ?? 0, 118 * 1.05)
        XCTAssertEqual(zip(a.tempoCurve.dropFirst(), a.tempoCurve).filter { $0.bpm <= $1.bpm }.count, 0, "\(a.tempoCurve)")
        XCTAssertEqual(a.tempoCurve.last?.bpm ?? 0, 130, accuracy: 130 * 0.03)

        // Streamed in blocks or pushed whole: the same beats.
        let once = trackBeats(whole, networks: TestFiles.beatNetworks, options: options)
        XCTAssertEqual(once.beats, a.beats)
        XCTAssertEqual(once.bpm, a.bpm)
    }
}
