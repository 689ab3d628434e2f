import Foundation
import SeedAudio

/// What the user asked of an encode; every field optional, the planner fills in the rest.
public struct EncodeRequest: Sendable {
    public var format: OutputFormat
    public var sampleRate: Int?
    public var bitrateKbps: Int?
    public var vbrQuality: Int?
    public var depth: PCMDepth?
    public var maxBytes: Int64?

    public init(format: OutputFormat, sampleRate: Int? = nil, bitrateKbps: Int? = nil, vbrQuality: Int? = nil,
                depth: PCMDepth? = nil, maxBytes: Int64? = nil) {
        self.format = format
        self.sampleRate = sampleRate
        self.bitrateKbps = bitrateKbps
        self.vbrQuality = vbrQuality
        self.depth = depth
        self.maxBytes = maxBytes
    }
}

/// The shape of the audio going into the encoder.
public struct StreamShape: Sendable {
    public var sampleRate: Int
    public var channels: Int
    public var frames: Int64
    /// The source's PCM depth when it has one (kept by lossless outputs).
    public var depth: PCMDepth?

    public init(sampleRate: Int, channels: Int, frames: Int64, depth: PCMDepth? = nil) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
        self.depth = depth
    }

    public var seconds: Double { Double(frames) / Double(sampleRate) }
}

/// The chosen settings, with the byte bound that proves they fit and a safer step to fall back to
/// when the chosen one is only expected (not proven) to fit.
public struct EncodePlan: Sendable {
    public var settings: EncoderSettings
    /// Upper bound on the output size in bytes when it can be proven; nil when only measured.
    public var provenMaxBytes: Int64?
    /// Settings that provably fit, used when the measured output of `settings` exceeds the budget.
    public var fallback: EncoderSettings?
    /// Why these settings, for `--json` and the summary line.
    public var reason: String
}

/// Picks encoder settings, under a size budget when one is given.
///
/// MP3: the provable sizes come from the Layer III frame formula (ISO/IEC 11172-3 §2.4.3.1):
/// every frame of a CBR stream is floor(144000·kbps/rate) bytes (72000 for MPEG-2), plus one
/// padding byte; the frame count follows from the sample count, LAME's 576-sample encoder delay,
/// its end padding and the Xing info frame. Between CBR steps (up to 25% apart) an ABR encode aimed
/// just under the budget, with a hard floor at the lower step, uses it better (on music LAME's ABR
/// lands within a few percent of its target); its bytes are counted and the CBR step is the fallback.
public enum EncodePlanner {
    /// Bytes reserved for the ID3v2 tag and container headers.
    static let tagReserve: Int64 = 2048
    /// Lowest MP3 bitrate seed will use to meet a budget (kbit/s).
    public static let lowestMp3Kbps = 32

    public static func plan(_ request: EncodeRequest, input: StreamShape) throws -> EncodePlan {
        let channels = min(input.channels, request.format.maxChannels)
        switch request.format {
        case .mp3: return try planMp3(request, input: input, channels: channels)
        case .wav, .flac: return try planLossless(request, input: input, channels: channels)
        }
    }

    // MARK: MP3

    /// The LAME output rate for a stream at `rate`. Only MPEG-1 rates (32-48 kHz) by default:
    /// decoders (mpg123, ffmpeg) apply the LAME tag's gapless trim to MPEG-1 only, so MPEG-2 files
    /// come back up to three frames longer. An explicitly requested rate is kept.
    public static func mp3Rate(for rate: Int, requested: Bool = false) -> Int {
        if requested && Mp3Sink.sampleRates.contains(rate) { return rate }
        if rate > 48_000 { return rate % 11_025 == 0 ? 44_100 : 48_000 }
        return [32_000, 44_100, 48_000].first { $0 >= rate } ?? 48_000
    }

    /// Largest possible size of a CBR MP3 of `frames` frames at `rate` (output rate).
    public static func mp3MaxBytes(frames: Int64, rate: Int, kbps: Int) -> Int64 {
        let samplesPerFrame = Int64(Mp3Sink.samplesPerFrame(sampleRate: rate))
        let frameBytes = Int64(Mp3Sink.frameBytes(kbps: kbps, sampleRate: rate)) + 1  // a padding byte
        let mp3Frames = (frames + 576 + 1152 + samplesPerFrame - 1) / samplesPerFrame + 2  // delay, padding, Xing
        return mp3Frames * frameBytes + tagReserve
    }

    /// The rate used for bitrates below 64 kbit/s: 32 kHz, the lowest MPEG-1 rate, where LAME's
    /// narrow low-pass costs nothing audible and gapless decoding still holds.
    static func lowRate(for rate: Int) -> Int { rate >= 32_000 ? 32_000 : rate }

    /// The CBR ladder from best to worst, each with its output rate.
    static func mp3Ladder(rate: Int) -> [(kbps: Int, rate: Int)] {
        if rate >= 32_000 {
            let high = Mp3Sink.mpeg1Bitrates.filter { $0 >= 64 }.reversed().map { ($0, rate) }
            let low = [56, 48, 40, 32].map { ($0, lowRate(for: rate)) }
            return high + low
        }
        let cap = rate >= 16_000 ? 160 : 64
        return Mp3Sink.mpeg2Bitrates.filter { $0 >= lowestMp3Kbps && $0 <= cap }.reversed().map { ($0, rate) }
    }

    static func frames(_ input: StreamShape, at rate: Int) -> Int64 {
        Int64((Double(input.frames) * Double(rate) / Double(input.sampleRate)).rounded(.up))
    }

    static func planMp3(_ r: EncodeRequest, input: StreamShape, channels: Int) throws -> EncodePlan {
        let rate = mp3Rate(for: r.sampleRate ?? input.sampleRate, requested: r.sampleRate != nil)
        func settings(_ mode: Mp3Mode, _ rate: Int) -> EncoderSettings {
            EncoderSettings(format: .mp3, sampleRate: rate, channels: channels, mp3: mode)
        }
        guard let budget = r.maxBytes else {
            if let q = r.vbrQuality {
                return EncodePlan(settings: settings(.vbr(quality: q), rate), provenMaxBytes: nil, fallback: nil,
                                  reason: "VBR quality \(q) as asked")
            }
            let kbps = r.bitrateKbps ?? 192
            return EncodePlan(settings: settings(.cbr(kbps: kbps), rate),
                              provenMaxBytes: mp3MaxBytes(frames: frames(input, at: rate), rate: rate, kbps: kbps),
                              fallback: nil, reason: "\(kbps) kbit/s CBR")
        }
        // An explicit bitrate or VBR quality is a ceiling; the budget may still lower it.
        let ceiling = r.bitrateKbps ?? 320
        let ladder = mp3Ladder(rate: rate).filter { $0.kbps <= ceiling }
        guard let best = ladder.first(where: { mp3MaxBytes(frames: frames(input, at: $0.rate), rate: $0.rate, kbps: $0.kbps) <= budget }) else {
            throw AudioError.doesNotFit(trimAdvice(budget: budget, input: input, rate: lowRate(for: rate)))
        }
        let bound = mp3MaxBytes(frames: frames(input, at: best.rate), rate: best.rate, kbps: best.kbps)
        let cbr = settings(.cbr(kbps: best.kbps), best.rate)
        if best.kbps == ladder.first?.kbps || Double(bound) >= 0.88 * Double(budget) {
            return EncodePlan(settings: cbr, provenMaxBytes: bound, fallback: nil,
                              reason: "\(best.kbps) kbit/s CBR at \(best.rate) Hz, at most \(formatBytes(bound)) of \(formatBytes(budget))")
        }
        // The next CBR step is too big and this one wastes the budget: aim an ABR encode between them.
        let usable = Double(budget - tagReserve) * 8 / input.seconds / 1000
        let target = min(ceiling, Int(usable * 0.97))
        return EncodePlan(settings: settings(.abr(kbps: target, minKbps: best.kbps), best.rate),
                          provenMaxBytes: nil, fallback: cbr,
                          reason: "\(target) kbit/s ABR at \(best.rate) Hz, aimed under \(formatBytes(budget)) (fallback \(best.kbps) kbit/s CBR)")
    }

    static func trimAdvice(budget: Int64, input: StreamShape, rate: Int) -> String {
        // The longest stream that still fits, found on the same bound the plan uses, so trimming
        // the advised amount is guaranteed to fit.
        var lo: Int64 = 0, hi = frames(input, at: rate)
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if mp3MaxBytes(frames: mid, rate: rate, kbps: lowestMp3Kbps) <= budget { lo = mid } else { hi = mid - 1 }
        }
        let fits = Double(lo) / Double(rate)
        let trim = ((input.seconds - fits) * 10).rounded(.up) / 10
        return String(format: "%@ does not fit %.1f s of audio even at %d kbit/s MP3; it holds about %.1f s, so trim at least %.1f s",
                      formatBytes(budget), input.seconds, lowestMp3Kbps, fits, max(0.1, trim))
    }

    // MARK: WAV and FLAC

    /// Exact size of a WAV (WAVE_FORMAT_EXTENSIBLE header included) and an upper bound for FLAC,
    /// whose verbatim subframes never exceed the PCM size plus frame headers.
    public static func losslessMaxBytes(format: OutputFormat, frames: Int64, channels: Int, depth: PCMDepth) -> Int64 {
        let pcm = frames * Int64(channels * depth.bytesPerSample)
        if format == .wav { return pcm + 80 }
        return pcm + (frames / 4096 + 1) * 24 + 8192
    }

    static func planLossless(_ r: EncodeRequest, input: StreamShape, channels: Int) throws -> EncodePlan {
        let rate = r.sampleRate ?? input.sampleRate
        let n = frames(input, at: rate)
        var depth = r.depth ?? input.depth ?? .int16
        if r.format == .flac && depth == .float32 { depth = .int24 }
        func s(_ d: PCMDepth) -> EncoderSettings {
            EncoderSettings(format: r.format, sampleRate: rate, channels: channels, depth: d)
        }
        let bound = losslessMaxBytes(format: r.format, frames: n, channels: channels, depth: depth)
        guard let budget = r.maxBytes else {
            return EncodePlan(settings: s(depth), provenMaxBytes: bound, fallback: nil, reason: "\(depth.rawValue)-bit")
        }
        if bound <= budget {
            return EncodePlan(settings: s(depth), provenMaxBytes: bound, fallback: nil, reason: "\(depth.rawValue)-bit, fits")
        }
        let bound16 = losslessMaxBytes(format: r.format, frames: n, channels: channels, depth: .int16)
        if depth != .int16 && bound16 <= budget {
            return EncodePlan(settings: s(.int16), provenMaxBytes: bound16, fallback: nil, reason: "16-bit to fit the budget")
        }
        if r.format == .flac {
            // FLAC usually halves PCM; only counting the bytes can tell. The caller checks them.
            return EncodePlan(settings: s(.int16), provenMaxBytes: nil, fallback: nil,
                              reason: "16-bit FLAC, size measured against the budget")
        }
        let perSecond = Double(bound16) / input.seconds
        let fits = Double(budget) / perSecond
        throw AudioError.doesNotFit(String(format:
            "%@ does not fit %.1f s of 16-bit WAV (%@); trim at least %.1f s, or encode to .mp3",
            formatBytes(budget), input.seconds, formatBytes(bound16), max(0.1, input.seconds - fits)))
    }
}
