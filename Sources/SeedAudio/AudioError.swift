import Foundation

/// Errors from reading, writing and converting audio; each carries a one-line message for the user.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(String)
    /// A folder given where an audio file was expected.
    case isFolder(String)
    case emptyFile(String)
    case unreadable(String, reason: String)
    case unsupportedFormat(String, detail: String)
    case truncated(String, readableSeconds: Double)
    /// A compressed stream with missing or undecodable audio; `--salvage` keeps what decodes.
    case damaged(String, StreamDamage)
    /// Not audio in any format seed reads ("MP3 frames not found").
    case notAudio(String, detail: String)
    case nonFiniteSamples(String, atSeconds: Double)
    case unsupportedSampleRate(Int)
    case unsupportedChannelCount(Int)
    case decoderFailed(String, reason: String)
    case encoderFailed(String)
    case resamplerFailed(String)
    case doesNotFit(String)
    case tooQuiet(String, level: String)
    /// Stopped on request (Ctrl-C in `seed chat`); see `ReadInterruption`.
    case interrupted

    public var description: String { message }

    /// The one-line message shown to the user.
    public var message: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .isFolder(let p): return "\(p) is a folder, not an audio file"
        case .emptyFile(let p): return "\(p): the file is empty (0 bytes)"
        case .unreadable(let p, let r): return "\(p): cannot read audio: \(r)"
        case .unsupportedFormat(let p, let d): return "\(p): \(d)"
        case .truncated(let p, let s):
            return "\(p): the file is truncated or corrupt (only \(String(format: "%.2f", s)) s readable)"
        case .damaged(let p, let d):
            return "\(URL(fileURLWithPath: p).lastPathComponent) is damaged: \(d.summary); use --salvage to keep what decodes"
        case .notAudio(let p, let d): return "\(p): not an audio file seed can read (\(d))"
        case .nonFiniteSamples(let p, let s):
            return "\(p): contains NaN or infinite samples (first at \(String(format: "%.3f", s)) s)"
        case .unsupportedSampleRate(let r):
            return "sample rate \(r) Hz is not supported (8000 to 384000 Hz)"
        case .unsupportedChannelCount(let c):
            return "\(c) channels are not supported (1 to 8)"
        case .decoderFailed(let p, let r): return "\(p): decoding failed: \(r)"
        case .encoderFailed(let r): return "encoder failed: \(r)"
        case .resamplerFailed(let r): return "resampler failed: \(r)"
        case .doesNotFit(let r): return r
        case .tooQuiet(let p, let level):
            return "\(p) is silence or near-silence (\(level)); normalizing it would only amplify noise"
        case .interrupted: return "stopped"
        }
    }
}

/// Sample rates and channel counts seed accepts anywhere in the chain.
public enum AudioLimits {
    public static let sampleRates = 8_000...384_000
    public static let channels = 1...8

    /// Throws when a stream's shape is outside what seed supports.
    public static func check(sampleRate: Int, channels: Int) throws {
        guard Self.sampleRates.contains(sampleRate) else { throw AudioError.unsupportedSampleRate(sampleRate) }
        guard Self.channels.contains(channels) else { throw AudioError.unsupportedChannelCount(channels) }
    }
}
