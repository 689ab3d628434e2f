import Foundation

/// Tempo, beats, meter and downbeats from a whole onset track in memory (see `BeatTracker`).
/// The track must carry band features (`OnsetStrengthExtractor(keepsBands: true)`).
public func trackBeats(_ onsets: OnsetTrack, networks: [BeatActivationNetwork],
                       options: BeatTrackingOptions = BeatTrackingOptions()) -> BeatAnalysis {
    let tracker = BeatTracker(fps: onsets.fps, networks: networks, options: options)
    tracker.push(onsets)
    return tracker.finish()
}

/// Tempo, beats, meter and downbeats from onset frames pushed as they are computed, after the
/// processor chain of Böck, Krebs & Widmer (2016), "Joint beat and downbeat tracking with
/// recurrent neural networks" (madmom): features → a learned activation
/// (`BeatActivationNetwork`, streamed by `BeatActivationStream`) → beat decoding by a dynamic
/// Bayesian network (`BeatDecoder`) in overlapping chunks → meter and downbeats from the
/// downbeat activation at the beats → the steady-beat decision.
///
/// Memory does not grow with the input: activation frames are buffered only until the chunks
/// that need them are decoded (at most two chunks less their overlap, plus ±30 ms), and what is
/// kept for the whole input is a few numbers per beat. Each chunk is decoded with the tempo prior
/// of everything heard up to its end; an input of one chunk (2 minutes) with that of the whole input.
public final class BeatTracker {
    public let fps: Double
    public let options: BeatTrackingOptions
    private let periods: ClosedRange<Int>
    private let chunk: Int, overlap: Int
    /// Frames either side of a beat searched for the activation's peak (±30 ms); decoding chunks
    /// read that far past their ends.
    private let reach: Int
    private let stream: BeatActivationStream

    // Activation frames buffered from `base` on.
    private var base = 0
    private var beatActivation: [Float] = [], downbeatActivation: [Float] = []
    /// The strongest single network's beat activation, for whether a beat is heard at all.
    private var presence: [Float] = []
    /// Log band magnitudes (the first half of each frame's band features, as the networks read
    /// them) from `bandBase` on, `bandCount` per frame: for the spectral change at each beat.
    private var bandFrames: [Float] = []
    private var bandBase = 0
    private let bandCount: Int
    private var received: Int { base + beatActivation.count }
    /// Activation frames held now: at most two chunks less their overlap and ±30 ms,
    /// whatever the input's length.
    public var bufferedFrames: Int { beatActivation.count }

    private var begin = 0               // the next chunk's first frame
    private var keptUpTo = 0            // beats before this frame are final
    private var fed = 0                 // frames given to the autocorrelation
    private var autocorrelation: OnsetAutocorrelation

    /// What the end needs of each beat.
    private struct Tracked {
        var frame: Int
        var offset: Double = 0          // the peak's sub-frame position, -0.5...0.5 frames
        var activation: Float           // the beat activation's peak at the beat
        var downbeat: Float             // the downbeat activation's peak there
        var heard: Float                // the strongest single network's beat activation there
        var change: Float = 0           // spectral change at the beat: the interval after it against the one before
    }
    private var beats: [Tracked] = []
    private var lastDecoded: Int?
    /// Mean log spectrum between the last two kept beats, for the next beat's change.
    private var lastInterval: [Float] = []
    private var interval: [Float] = []

    /// A tracker whose observation is the mean activation of `networks` (an ensemble).
    public init(fps: Double, networks: [BeatActivationNetwork], options: BeatTrackingOptions = BeatTrackingOptions()) {
        self.fps = fps
        self.options = options
        stream = BeatActivationStream(networks: networks, fps: fps)
        let range = tempoPeriodRange(fps: fps, minBPM: options.minBPM, maxBPM: options.maxBPM)
        periods = range.periods
        autocorrelation = OnsetAutocorrelation(maxLag: range.maxLag)
        chunk = Int(options.chunkSeconds * fps)
        overlap = Int(options.overlapSeconds * fps)
        reach = max(1, Int(0.03 * fps))
        bandCount = networks[0].features / 2
        // Bands are held with their activations and a second longer; the stream returns a whole
        // chunk at once, so about three chunks at most, reserved once so appending never copies.
        bandFrames.reserveCapacity((3 * chunk + 4096) * bandCount)
    }

    /// Adds the next onset frames (`OnsetStrengthExtractor.takeFrames()`), with their band features.
    public func push(_ frames: OnsetTrack) {
        append(stream.push(frames.bands, energy: frames.energy))
    }

    private func append(_ activation: [Float]) {
        // The log bands come with their activations, read at the level the networks heard.
        bandFrames += stream.takeLogBands()
        for i in stride(from: 0, to: activation.count, by: BeatActivationStream.outputsPerFrame) {
            beatActivation.append(min(1, max(0, activation[i])))
            downbeatActivation.append(min(1, max(0, activation[i + 1])))
            presence.append(min(1, max(0, activation[i + 2])))
        }
        while received >= begin + chunk + reach {
            decodeChunk(from: begin, to: begin + chunk, keepTo: begin + chunk - overlap / 2)
            begin += chunk - overlap
            // The last whole chunk stays too, for the final decode (see `finish`).
            drop(before: min(begin - reach, received - chunk - reach))
        }
    }

    /// Decodes what is left and returns the analysis.
    public func finish() -> BeatAnalysis {
        append(stream.finish())
        let none = BeatAnalysis(bpm: 0, confidence: 0, beatsPerBar: 0, beats: [], tempoCurve: [], steady: false)
        let n = received
        guard n > Int(4 * fps) else { return none }
        while true {
            let end = min(n, begin + chunk)
            if end == n {
                // The last chunk reaches a whole chunk back where it can: decoded alone, a short
                // tail (the 22 s after a 2-minute chunk) can settle on another metrical level.
                decodeChunk(from: max(0, min(begin, n - chunk)), to: n, keepTo: n)
                break
            }
            decodeChunk(from: begin, to: end, keepTo: end - overlap / 2)
            begin = end - overlap
        }

        // The decoder keeps its pulse where nothing plays (silence at the ends, a pause); a beat
        // no network gives evidence for there is invented. Evidence is any one network's: the
        // mean halves a beat only one of them hears (a quiet intro without drums).
        var kept = beats[...]
        while let b = kept.first, b.heard < BeatDecision.presentActivation { kept.removeFirst() }
        while let b = kept.last, b.heard < BeatDecision.presentActivation { kept.removeLast() }
        guard kept.count >= 4 else { return none }
        let tracked = Array(kept)
        let frames = tracked.map(\.frame)

        // Whether the beats are a steady beat: how strongly the networks fire at them, and how
        // strongly their activation repeats at the beat period over the whole input.
        let decision = BeatDecision(atBeats: tracked.map(\.activation),
                                    periodicity: beatPeriodicity(autocorrelation, period: medianInterval(frames[...])))
        guard decision.steady else {
            return BeatAnalysis(bpm: 0, confidence: decision.confidence, beatsPerBar: 0, beats: [], tempoCurve: [], steady: false,
                                cues: decision.cues)
        }
        // The metrical level (MetricalLevel.swift): where every other beat is much weaker the
        // decoder took in the off-beat eighths; a compound meter's eighths become its dotted
        // quarters (a 12/8 blues, a 6/8 ballad), read from the downbeat activation or, failing
        // that, from every third beat standing out in the beat activation. Either only where the
        // new tempo is in range: `minBPM` for a halved level, `minCompoundBPM` for dotted quarters.
        // Halving is checked in each stretch of one tempo level (`levelStretches`), on less
        // evidence where the stretch beside it runs at half its tempo.
        var pulse: [Tracked] = [], compound = false
        let stretches = levelStretches(frames)
        for (stretch, besideHalf) in zip(stretches, runsAtTwiceANeighbour(frames, stretches: stretches)) {
            let part = Array(tracked[stretch])
            if let phase = doubledPhase(part.map(\.activation), downbeat: part.map(\.downbeat), besideHalf: besideHalf),
               let halved = thinned(part, every: 2, from: phase, floor: options.minBPM) {
                pulse += halved
            } else {
                pulse += part
            }
        }
        if let phase = compoundPhase(pulse.map(\.downbeat)) ?? tripledPhase(pulse.map(\.activation)), let grouped = thinned(pulse, every: 3, from: phase, floor: options.minCompoundBPM) {
            pulse = grouped
            compound = true
        }
        let meter = meterFromDownbeats(pulse.map(\.downbeat), change: pulse.map(\.change))
        let times = pulse.map { (Double($0.frame) + $0.offset) / fps }
        let result = times.enumerated().map { k, t in
            Beat(time: t, position: ((k - meter.firstDownbeat) % meter.beatsPerBar + meter.beatsPerBar) % meter.beatsPerBar + 1)
        }
        let bpm = typicalBPM(times)
        return BeatAnalysis(bpm: bpm, confidence: decision.confidence, beatsPerBar: meter.beatsPerBar, beats: result,
                            tempoCurve: tempoCurve(times), steady: true, compound: compound, cues: decision.cues)
    }

    /// Every `step`-th beat from `phase` on, or nil where that tempo is below `floor`.
    private func thinned(_ pulse: [Tracked], every step: Int, from phase: Int, floor: Double) -> [Tracked]? {
        let kept = stride(from: phase, to: pulse.count, by: step).map { pulse[$0] }
        guard kept.count >= 4 else { return nil }
        let span = Double(kept.last!.frame - kept.first!.frame) / fps
        return Double(kept.count - 1) * 60 / span >= floor ? kept : nil
    }

    /// Decodes frames begin..<end and keeps the beats from where the chunk before stopped keeping
    /// up to `keepTo` (the chunk's middle; its end at the input's end).
    private func decodeChunk(from begin: Int, to end: Int, keepTo: Int) {
        let lo = max(base, begin - reach), hi = min(received, end + reach)
        if end > fed {
            beatActivation[(fed - base)..<(end - base)].withUnsafeBufferPointer { autocorrelation.push($0) }
            fed = end
        }
        let activation = Array(beatActivation[(begin - base)..<(end - base)])
        let keepFrom = keptUpTo
        keptUpTo = keepTo

        // The tempo prior from the activation's autocorrelation settles the metrical level the
        // way the whole piece repeats (Davies & Plumbley 2007; see `tempoSalience`).
        let tempo = tempoSalience(autocorrelation.unbiased, fps: fps, minBPM: options.minBPM, maxBPM: options.maxBPM)
        let decoder = BeatDecoder(periods: periods, logPrior: tempo.salience.map { BeatDecision.priorWeight * log($0 + 0.05) })
        for f in decoder.decode(activation).map({ $0 + begin }) where f >= keepFrom && f < keepTo {
            if let previous = lastDecoded, Double(f - previous) < 0.5 * Double(periods.lowerBound) { continue }
            lastDecoded = f
            // Each beat moves to the activation's peak within ±30 ms.
            var best = f
            for g in max(lo, f - reach)...min(hi - 1, f + reach) where beatActivation[g - base] > beatActivation[best - base] { best = g }
            var down: Float = 0, heard: Float = 0
            for g in max(lo, best - 2)...min(hi - 1, best + 2) {
                down = max(down, downbeatActivation[g - base])
                heard = max(heard, presence[g - base])
            }
            // The change between the intervals either side of the beat before this one is that beat's.
            if let previous = beats.last { beats[beats.count - 1].change = spectralChange(from: previous.frame, to: best) }
            var offset = 0.0
            if best > lo, best + 1 < hi {
                offset = peakOffset(Double(beatActivation[best - 1 - base]), Double(beatActivation[best - base]),
                                    Double(beatActivation[best + 1 - base]))
            }
            beats.append(Tracked(frame: best, offset: offset, activation: beatActivation[best - base], downbeat: down, heard: heard))
        }
    }

    /// How much the mean spectrum from `start` (the last beat) to `end` differs from that of the
    /// interval before `start`: harmony and bass change most at bar starts (Goto 2001;
    /// Davies & Plumbley 2006), which tells bar 1 from bar 3 where the downbeat activation
    /// fires on both.
    private func spectralChange(from start: Int, to end: Int) -> Float {
        let lo = max(start, bandBase), hi = min(end, bandBase + bandFrames.count / bandCount)
        guard hi > lo else { return 0 }
        // Two buffers, swapped each beat: the interval just measured becomes the one before.
        let hadInterval = lastInterval.count == bandCount
        if interval.count != bandCount { interval = [Float](repeating: 0, count: bandCount) }
        let scale = 1 / Float(hi - lo)
        var change: Float = 0
        bandFrames.withUnsafeBufferPointer { b in
            interval.withUnsafeMutableBufferPointer { mean in
                for k in 0..<bandCount { mean[k] = 0 }
                for f in lo..<hi {
                    let o = (f - bandBase) * bandCount
                    for k in 0..<bandCount { mean[k] += b[o + k] }
                }
                for k in 0..<bandCount { mean[k] *= scale }
                if hadInterval { for k in 0..<bandCount { change += abs(mean[k] - lastInterval[k]) } }
            }
        }
        swap(&interval, &lastInterval)
        return change
    }

    private func drop(before frame: Int) {
        let count = frame - base
        guard count > 0 else { return }
        beatActivation.removeFirst(count)
        downbeatActivation.removeFirst(count)
        presence.removeFirst(count)
        base = frame
        // Bands go with the activations, less a second before them for the interval in progress.
        let bandDrop = min(bandFrames.count / bandCount, frame - Int(fps) - bandBase)
        if bandDrop > 0 {
            bandFrames.removeFirst(bandDrop * bandCount)
            bandBase += bandDrop
        }
    }
}
