import Foundation
import SeedFiles
import SeedAudio

/// One file in, one file out: decode, downmix/resample as needed, encode, under an optional budget.
/// Used by `seed encode` and `seed resample`.
public struct EncodeJob: Sendable {
    public var input: String
    public var output: String
    public var request: EncodeRequest
    public var resample: ResampleOptions
    public var force: Bool

    public init(input: String, output: String, request: EncodeRequest,
                resample: ResampleOptions = ResampleOptions(), force: Bool = false) {
        self.input = input
        self.output = output
        self.request = request
        self.resample = resample
        self.force = force
    }
}

/// What an encode produced, for the summary line and `--json`.
public struct EncodeSummary: Sendable, Codable {
    public var input: String
    public var output: String
    public var format: String
    public var sampleRate: Int
    public var channels: Int
    public var mode: String
    public var inputSeconds: Double
    public var outputFrames: Int64
    public var bytes: Int64
    public var maxBytes: Int64?
    public var provenMaxBytes: Int64?
    public var passes: Int
    public var reason: String
    /// Set when a damaged input was salvaged (`--salvage`): how much decoded and where audio is missing.
    public var damage: StreamDamage?
}

extension EncodeJob {
    /// Runs the job; the output appears only when everything succeeded.
    public func run(progress: ProgressHandler? = nil) throws -> EncodeSummary {
        let source = try AudioOpener.open(input)
        defer { source.close() }
        let out = try OutputFile(output, inputs: [input], force: force)
        let frames = try source.info.frames ?? countFrames(source)
        let shape = StreamShape(sampleRate: source.info.sampleRate, channels: source.info.channels,
                                frames: frames, depth: Self.depth(of: source))
        let plan = try EncodePlanner.plan(request, input: shape)
        var settings = plan.settings
        var passes = 1
        // With a fallback the output gets a second pass only if the first one overran the budget.
        var written = try encodePass(source, out, settings, frames, plan.fallback == nil ? progress : { progress?($0 * 0.9) })
        if let budget = request.maxBytes, out.writtenBytes > budget {
            guard let fallback = plan.fallback else {
                let bytes = out.writtenBytes
                out.discard()
                throw AudioError.doesNotFit("\(request.format.rawValue.uppercased()) came out at \(formatBytes(bytes)), over the \(formatBytes(budget)) budget; trim the input or encode to .mp3")
            }
            try source.seek(toFrame: 0)
            settings = fallback
            passes = 2
            written = try encodePass(source, out, settings, frames, progress)
            if out.writtenBytes > budget {  // cannot happen when the bound is right; never ship an overrun
                out.discard()
                throw AudioError.encoderFailed("output exceeded the proven size bound; please report this")
            }
        }
        let bytes = out.writtenBytes
        try out.commit()
        var summary = EncodeSummary(input: input, output: output, format: settings.format.rawValue,
                                    sampleRate: settings.sampleRate, channels: settings.channels,
                                    mode: Self.describe(settings), inputSeconds: shape.seconds, outputFrames: written,
                                    bytes: bytes, maxBytes: request.maxBytes,
                                    provenMaxBytes: passes == 2 ? nil : plan.provenMaxBytes, passes: passes,
                                    reason: passes == 2 ? "ABR overran the budget; re-encoded as \(Self.describe(settings))" : plan.reason)
        summary.damage = DamagePolicy.report(for: input)
        return summary
    }

    private func encodePass(_ source: AudioSource, _ out: OutputFile, _ settings: EncoderSettings,
                            _ frames: Int64, _ progress: ProgressHandler?) throws -> Int64 {
        do {
            let title = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
            let sink = try makeSink(path: out.tempPath, settings: settings, title: title,
                                    expectedFrames: outputFrames(frames, from: source.info.sampleRate, to: settings))
            return try transcode(source, into: sink, settings: settings, resample: resample, totalFrames: frames,
                          progress: progress)
        } catch {
            out.discard()
            throw error
        }
    }

    static func depth(of source: AudioSource) -> PCMDepth? {
        guard let s = source as? SndfileSource else { return nil }
        switch s.subtypeCode {
        case 0x0002: return .int16          // SF_FORMAT_PCM_16
        case 0x0003: return .int24          // SF_FORMAT_PCM_24
        case 0x0004, 0x0006, 0x0007: return .float32  // PCM_32, FLOAT, DOUBLE
        default: return nil
        }
    }

    static func describe(_ s: EncoderSettings) -> String {
        switch s.format {
        case .mp3:
            switch s.mp3 {
            case .cbr(let k): return "\(k) kbit/s CBR"
            case .abr(let k, _): return "\(k) kbit/s ABR"
            case .vbr(let q): return "VBR V\(q)"
            }
        case .wav, .flac: return "\(s.depth.rawValue)-bit PCM"
        }
    }
}
