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
    // One chain: the mono mix goes to 16 kHz for the onset track (beats need 8 kHz of
    // bandwidth), and that stream on to 8 kHz for pitch and chroma.
    var onsetResampler: Resampler? = nil
    if features, info.sampleRate != beatAnalysisRate {
        onsetResampler = try makeResampler(engine: .soxr, quality: .mq, from: info.sampleRate, to: beatAnalysisRate, channels: 1)
    }
    // Pitch and chroma run on the second core while this thread decodes, takes peaks and mixes;
    // onsets and beats of the whole input (for a plot) on a core too. A trim tracks beats later,
    // only around the stretch it cuts in.
    let featureSink = features ? try FeatureSink(from: beatAnalysisRate) : nil
    let featureStage = featureSink.map { ThreadedSink($0, depth: 8) }
    let beatTracking = features && wantsBeats ? try BeatTrackingSink() : nil
    let beatStage = beatTracking.map { ThreadedSink($0, depth: 8) }
    var peaks: [Float] = [], clipped: [Bool] = []
    var hopPeak: Float = 0, hopClips = 0, hopFill = 0
    var frames: Int64 = 0
    let matrix = downmixMatrix(channels: ch, to: .mono)
    while true {
        let n = try source.read(into: input.baseAddress!, frames: block)
        if n == 0 { break }
        var f = 0
        while f < n {
            // The rest of the current hop, all channels at once (interleaved frames are contiguous).
            let take = min(n - f, hop - hopFill)
            let (p, clips) = peakAndCount(input.baseAddress! + f * ch, count: take * ch, atLeast: 0.999)
            if p > hopPeak { hopPeak = p }
            hopClips += clips
            hopFill += take
            f += take
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
            try featureStage?.write(onsetStage, frames: onsetStage.count)
        }
        if let total = info.frames, total > 0 { progress?(min(1, Double(frames) / Double(total))) }
    }
    if let onsetResampler {
        let tail = try onsetResampler.flush()
        try beatStage?.write(tail, frames: tail.count)
        try featureStage?.write(tail, frames: tail.count)
    }
    if hopFill > 0 {
        peaks.append(hopPeak > 1e-6 ? 20 * log10(hopPeak) : -120)
        clipped.append(hopClips >= 2)
    }
    try featureStage?.finish()
    try beatStage?.finish()
    let beats = beatTracking?.result
    return TrimAnalysis(sampleRate: info.sampleRate, channels: ch, frames: frames, peakDB: peaks, clipped: clipped,
                        peakHopSeconds: Double(hop) / Double(info.sampleRate),
                        features: featureSink?.track ?? FeatureExtractor(sampleRate: Double(TrimAnalysis.analysisRate)).finish(totalSamples: 0),
                        beats: beats)
}

/// The window features of a mono stream: resampled to `TrimAnalysis.analysisRate`, then pitch,
/// chroma and level per 20 ms hop (`FeatureExtractor`); the track is ready after `finish`.
private final class FeatureSink: AudioSink {
    private let resampler: Resampler
    private let extractor = FeatureExtractor(sampleRate: Double(TrimAnalysis.analysisRate))
    private var samples = 0
    /// The features, once `finish` has run.
    private(set) var track: FeatureTrack?

    init(from rate: Int) throws {
        resampler = try makeResampler(engine: .soxr, quality: .mq, from: rate, to: TrimAnalysis.analysisRate, channels: 1)
    }

    func write(_ input: UnsafeBufferPointer<Float>, frames: Int) throws {
        let stage = try resampler.process(input, frames: frames)
        extractor.push(stage)
        samples += stage.count
    }

    func finish() throws {
        let tail = try resampler.flush()
        extractor.push(tail)
        samples += tail.count
        track = extractor.finish(totalSamples: samples)
    }
}
