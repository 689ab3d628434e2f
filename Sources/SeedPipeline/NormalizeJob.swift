import Foundation
import SeedAudio

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
    public static let quietestLUFS = -55.0

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
    public var passes: Int
    public var bytes: Int64
    /// Set when the target could not be reached under the ceiling (the output is as close as it got).
    public var warning: String?
}

extension NormalizeJob {
    public func run(progress: ProgressHandler? = nil) throws -> NormalizeSummary {
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

        var gain: Double
        let mode: String
        let ceiling: Double
        if let peak = peakDBFS {
            guard let samplePeak = before.loudness.samplePeakDBFS, samplePeak > -60 else { throw Self.tooQuiet(input, before) }
            gain = peak - samplePeak
            ceiling = 0  // plain peak mode: the limiter only stops inter-sample overs of full scale
            mode = String(format: "peak %.1f dBFS", peak)
        } else {
            guard let lufs = before.loudness.integratedLUFS, lufs > Self.quietestLUFS else { throw Self.tooQuiet(input, before) }
            gain = targetLUFS - lufs
            ceiling = ceilingDBTP
            mode = String(format: "%.1f LUFS, true peak ≤ %.1f dBTP", targetLUFS, ceilingDBTP)
        }
        // The result is measured as it is written, in the output's own rate and channels (a downmix
        // changes loudness). Two corrections, at most 6 passes in all: a time-varying gain makes
        // inter-sample peaks of its own, so any overshoot of the ceiling lowers the limiter's
        // internal ceiling by as much; and a loudness miss (from a downmix, or from limiting, which
        // returns less than each added dB of gain) is corrected with a secant step.
        var limit = ceiling - 0.1
        var passes = 0
        var result: (LoudnessReport, Double)
        var previous: (gain: Double, lufs: Double)?
        while true {
            passes += 1
            try source.seek(toFrame: 0)
            result = try render(source, out, settings, gain: gain, ceiling: limit, progress: { progress?(0.4 + 0.6 * $0) })
            guard passes < 6 else { break }
            var again = false
            if let tp = result.0.truePeakDBTP, tp > ceiling {
                limit -= tp - ceiling + 0.05
                again = true
            }
            if peakDBFS == nil, let got = result.0.integratedLUFS, abs(got - targetLUFS) > 0.1 {
                var slope = 1.0
                if let p = previous, abs(gain - p.gain) > 0.01 { slope = min(1, max(0.25, (got - p.lufs) / (gain - p.gain))) }
                previous = (gain, got)
                // More than 24 dB of limiting only makes distortion, never the target.
                let most = ceiling - (before.loudness.truePeakDBTP ?? 0) + 24
                let next = min(most, gain + (targetLUFS - got) / slope)
                again = abs(next - gain) > 0.01
                gain = next
            }
            if !again { break }
        }
        let bytes = out.writtenBytes
        try out.commit()
        var warning: String?
        if peakDBFS == nil, let got = result.0.integratedLUFS, abs(got - targetLUFS) > 0.5 {
            warning = String(format: "%.1f LUFS is out of reach under a %.1f dBTP ceiling for this material; reached %.1f LUFS",
                             targetLUFS, ceilingDBTP, got)
        }
        if let tp = result.0.truePeakDBTP, tp > ceiling + 0.05 {
            warning = (warning.map { $0 + "; " } ?? "") + String(format: "true peak %.2f dBTP is over the ceiling", tp)
        }
        return NormalizeSummary(input: input, output: output, mode: mode, before: before.loudness, after: result.0,
                                gainDB: gain, limiterMaxReductionDB: result.1, passes: passes, bytes: bytes, warning: warning)
    }

    private func render(_ source: AudioSource, _ out: OutputFile, _ settings: EncoderSettings, gain: Double,
                        ceiling: Double, progress: ProgressHandler?) throws -> (LoudnessReport, Double) {
        do {
            let title = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
            let encoder = try makeSink(path: out.tempPath, settings: settings, title: title)
            let sink = try LimitingSink(next: encoder, sampleRate: settings.sampleRate, channels: settings.channels,
                                        gainDB: gain, ceilingDB: ceiling)
            try transcode(source, into: sink, settings: settings, resample: resample, progress: progress)
            return (sink.meter.report, sink.maxReductionDB)
        } catch {
            out.discard()
            throw error
        }
    }

    static func tooQuiet(_ path: String, _ info: InfoReport) -> AudioError {
        let level = info.loudness.integratedLUFS.map { String(format: "%.1f LUFS", $0) } ?? "digital silence"
        return .tooQuiet(path, level: level)
    }
}
