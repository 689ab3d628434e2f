import Foundation
import SeedFiles
import SeedAudio
import SeedDSP

/// Loudness normalization (ITU-R BS.1770-4 / EBU R128 via libebur128) with a true-peak ceiling,
/// or plain peak normalization.
public struct NormalizeJob: Sendable {
    public var input: String
    public var output: String
    /// Target integrated loudness in LUFS.
    public var targetLUFS: Double = -14
    /// True-peak ceiling in dBTP.
    public var ceilingDBTP: Double = -1
    /// When set: plain peak normalization of the sample peak to this dBFS instead of loudness.
    public var peakDBFS: Double?
    public var force = false
    public var resample = ResampleOptions()

    /// Quieter than this is treated as silence or near-silence and refused.
    public static let quietestLUFS = LoudnessTarget.quietestLUFS

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}

/// What a normalization did, for the summary line and `--json`.
public struct NormalizeSummary: Sendable, Codable {
    public var input: String
    public var output: String
    public var mode: String
    public var before: LoudnessReport
    public var after: LoudnessReport
    public var gainDB: Double
    public var limiterMaxReductionDB: Double
    /// Passes over the audio after the measurement: limiting and metering, and encoding.
    public var passes: Int
    /// MP3 only: encodings done again because the decoded file's true peak was over the ceiling.
    public var reencodes: Int?
    public var bytes: Int64
    /// Set when the target could not be reached under the ceiling (the output is as close as it got).
    public var warning: String?
    /// Set when a damaged input was salvaged (`--salvage`): how much decoded and where audio is missing.
    public var damage: StreamDamage?
}

extension NormalizeJob {
    public func run(progress: ProgressHandler? = nil) throws -> NormalizeSummary {
        if let peak = peakDBFS { return try runPeak(peak, progress: progress) }
        let before = try scanInfo(path: input, progress: { progress?($0 * 0.4) })
        let source = try AudioOpener.open(input)
        defer { source.close() }
        guard let format = OutputFormat(path: output) else {
            throw AudioError.unsupportedFormat(output, detail: "the output must end in .wav, .flac or .mp3")
        }
        let shape = StreamShape(sampleRate: before.sampleRate, channels: before.channels, frames: before.frames,
                                depth: EncodeJob.depth(of: source))
        let settings = try EncodePlanner.plan(EncodeRequest(format: format), input: shape).settings
        let out = try OutputFile(output, inputs: [input], force: force)
        let target = LoudnessTarget(lufs: targetLUFS, ceilingDBTP: ceilingDBTP, peakDBFS: peakDBFS)
        let title = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
        let r = try renderAtLoudness(source, before: before.loudness, target: target, out: out, settings: settings,
                                     resample: resample, title: title, progress: { progress?(0.4 + 0.6 * $0) })
        let bytes = out.writtenBytes
        try out.commit()
        var summary = NormalizeSummary(input: input, output: output, mode: target.description, before: before.loudness,
                                       after: r.after, gainDB: r.gainDB, limiterMaxReductionDB: r.limiterMaxReductionDB,
                                       passes: r.passes, reencodes: settings.format == .mp3 ? r.reencodes : nil,
                                       bytes: bytes, warning: r.warning)
        summary.damage = DamagePolicy.report(for: input)
        return summary
    }

    /// Plain peak normalization: one pass to find the sample peak, one to apply the gain. No
    /// limiter is needed (the target is at or under full scale) and no loudness is measured.
    private func runPeak(_ target: Double, progress: ProgressHandler?) throws -> NormalizeSummary {
        let source = try AudioOpener.open(input)
        defer { source.close() }
        guard let format = OutputFormat(path: output) else {
            throw AudioError.unsupportedFormat(output, detail: "the output must end in .wav, .flac or .mp3")
        }
        let out = try OutputFile(output, inputs: [input], force: force)
        let info = source.info
        let block = 65_536
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * info.channels)
        defer { buffer.deallocate() }
        var peak: Float = 0, frames: Int64 = 0
        do {
            while true {
                let n = try source.read(into: buffer.baseAddress!, frames: block)
                if n == 0 { break }
                peak = max(peak, samplePeak(UnsafeBufferPointer(rebasing: buffer[0..<n * info.channels])))
                frames += Int64(n)
                if let total = info.frames, total > 0 { progress?(0.3 * min(1, Double(frames) / Double(total))) }
            }
        } catch { out.discard(); throw error }
        let peakDB = peak > 0 ? 20 * log10(Double(peak)) : -Double.infinity
        guard peakDB > -60 else {
            out.discard()
            throw AudioError.tooQuiet(input, level: peak > 0 ? String(format: "sample peak %.1f dBFS", peakDB) : "digital silence")
        }
        let gain = target - peakDB
        let shape = StreamShape(sampleRate: info.sampleRate, channels: info.channels, frames: frames, depth: EncodeJob.depth(of: source))
        let settings = try EncodePlanner.plan(EncodeRequest(format: format), input: shape).settings
        let sink: GainSink
        do {
            try source.seek(toFrame: 0)
            let title = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
            sink = GainSink(next: try makeSink(path: out.tempPath, settings: settings, title: title,
                                               expectedFrames: outputFrames(frames, from: info.sampleRate, to: settings)),
                            gainDB: gain)
            try transcode(source, into: sink, settings: settings, resample: resample, totalFrames: frames,
                          progress: { progress?(0.3 + 0.7 * $0) })
        } catch { out.discard(); throw error }
        let bytes = out.writtenBytes
        try out.commit()
        var before = LoudnessReport()
        before.samplePeakDBFS = peakDB
        var after = LoudnessReport()
        after.samplePeakDBFS = sink.peak > 0 ? 20 * log10(Double(sink.peak)) : nil
        var summary = NormalizeSummary(input: input, output: output, mode: LoudnessTarget(peakDBFS: target).description,
                                       before: before, after: after, gainDB: gain, limiterMaxReductionDB: 0, passes: 1,
                                       bytes: bytes, warning: nil)
        summary.damage = DamagePolicy.report(for: input)
        return summary
    }
}
