import Foundation
import SeedAudio
import SeedDSP

/// The first pass of a trim: everything window choice and silence trim need, from one streamed
/// read of the file. Memory is a few floats per 10 ms, whatever the length.
public struct TrimAnalysis: Sendable {
    public var sampleRate: Int
    public var channels: Int
    public var frames: Int64
    /// Peak over all channels per 10 ms hop at the full rate, dBFS.
    public var peakDB: [Float]
    /// Whether each 10 ms hop holds clipped samples (two or more at full scale).
    public var clipped: [Bool]
    /// Seconds per `peakDB` hop.
    public var peakHopSeconds: Double
    /// Low-rate features (20 ms hops) of a mono mix resampled to `analysisRate`.
    public var features: FeatureTrack
    /// Tempo, beats and downbeats of the whole input from the same read (16 kHz onset frames
    /// into a `BeatTracker`), when asked for (`seed plot`); nil otherwise.
    public var beats: BeatAnalysis?

    public var seconds: Double { Double(frames) / Double(sampleRate) }

    /// The analysis rate: pitch and chroma need no more than 4 kHz of bandwidth.
    public static let analysisRate = 8000

    /// Clip flags at the feature hop rate.
    public var clippedFeatureHops: [Bool] {
        let ratio = max(1, Int((features.hopSeconds / peakHopSeconds).rounded()))
        return (0..<features.count).map { i in
            let lo = i * ratio, hi = min(clipped.count, lo + ratio)
            return lo < hi && clipped[lo..<hi].contains(true)
        }
    }
}

/// Streams `source` once from its start and returns its analysis; without `features` only the
/// peak envelope is taken (all a silence trim needs). What grows with the input is a few numbers
/// per 10 ms hop and per beat; the onset frames go to the beat tracker as they are made.
public func analyzeForTrim(_ source: AudioSource, features: Bool = true, beats wantsBeats: Bool = false,
                           progress: ProgressHandler? = nil) throws -> TrimAnalysis {
    let info = source.info
    let ch = info.channels
    let hop = max(1, info.sampleRate / 100)
    let block = 16_384
    let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * ch)
    let mono = UnsafeMutableBufferPointer<Float>.allocate(capacity: block)
    defer { input.deallocate(); mono.deallocate() }
    let rate = TrimAnalysis.analysisRate
    // One chain: the mono mix goes to 16 kHz for the onset track (beats need 8 kHz of
    // bandwidth), and that stream on to 8 kHz for pitch and chroma.
    var onsetResampler: Resampler? = nil, resampler: Resampler? = nil
    if features {
        if info.sampleRate != beatAnalysisRate {
            onsetResampler = try makeResampler(engine: .soxr, quality: .mq, from: info.sampleRate, to: beatAnalysisRate, channels: 1)
        }
        resampler = try makeResampler(engine: .soxr, quality: .mq, from: beatAnalysisRate, to: rate, channels: 1)
    }
    let extractor = FeatureExtractor(sampleRate: Double(rate))
    // Onsets and beats of the whole input (for a plot) run on the second core; a trim tracks
    // beats later, only around the stretch it cuts in.
    let beatTracking = features && wantsBeats ? try BeatTrackingSink() : nil
    let beatStage = beatTracking.map { ThreadedSink($0, depth: 8) }
    var peaks: [Float] = [], clipped: [Bool] = []
    var hopPeak: Float = 0, hopClips = 0, hopFill = 0
    var frames: Int64 = 0, analysisSamples = 0
    let matrix = downmixMatrix(channels: ch, to: .mono)
    while true {
        let n = try source.read(into: input.baseAddress!, frames: block)
        if n == 0 { break }
        for f in 0..<n {
            var p: Float = 0
            for c in 0..<ch {
                let v = abs(input[f * ch + c])
                if v > p { p = v }
                if v >= 0.999 { hopClips += 1 }
            }
            if p > hopPeak { hopPeak = p }
            hopFill += 1
            if hopFill == hop {
                peaks.append(hopPeak > 1e-6 ? 20 * log10(hopPeak) : -120)
                clipped.append(hopClips >= 2)
                hopPeak = 0; hopClips = 0; hopFill = 0
            }
        }
        frames += Int64(n)
        if features {
            downmix(UnsafeBufferPointer(rebasing: input[0..<n * ch]), frames: n, matrix: matrix, into: mono)
            var onsetStage = UnsafeBufferPointer(rebasing: mono[0..<n])
            if let onsetResampler { onsetStage = try onsetResampler.process(onsetStage, frames: n) }
            try beatStage?.write(onsetStage, frames: onsetStage.count)
            if let resampler {
                let stage = try resampler.process(onsetStage, frames: onsetStage.count)
                extractor.push(stage)
                analysisSamples += stage.count
            }
        }
        if let total = info.frames, total > 0 { progress?(min(1, Double(frames) / Double(total))) }
    }
    if let onsetResampler {
        let tail = try onsetResampler.flush()
        try beatStage?.write(tail, frames: tail.count)
        if let resampler {
            let stage = try resampler.process(tail, frames: tail.count)
            extractor.push(stage)
            analysisSamples += stage.count
        }
    }
    if let resampler {
        let tail = try resampler.flush()
        extractor.push(tail)
        analysisSamples += tail.count
    }
    if hopFill > 0 {
        peaks.append(hopPeak > 1e-6 ? 20 * log10(hopPeak) : -120)
        clipped.append(hopClips >= 2)
    }
    try beatStage?.finish()
    let beats = beatTracking?.result
    return TrimAnalysis(sampleRate: info.sampleRate, channels: ch, frames: frames, peakDB: peaks, clipped: clipped,
                        peakHopSeconds: Double(hop) / Double(info.sampleRate),
                        features: extractor.finish(totalSamples: analysisSamples), beats: beats)
}
