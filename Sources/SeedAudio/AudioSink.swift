/// Output file formats seed encodes.
public enum OutputFormat: String, Sendable, Codable, CaseIterable {
    case wav, flac, mp3

    /// The format named by a path's extension, or nil.
    public init?(path: String) {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        self.init(rawValue: ext)
    }

    /// Most channels the format is written with by seed (MP3 is mono or stereo).
    public var maxChannels: Int { self == .mp3 ? 2 : 8 }
}

/// Sample encoding of lossless outputs.
public enum PCMDepth: String, Sendable, Codable {
    case int16 = "16", int24 = "24", float32 = "32f"

    public var bytesPerSample: Int { self == .int16 ? 2 : (self == .int24 ? 3 : 4) }
}

/// How an MP3 is encoded: constant bitrate, LAME VBR quality 0 (best) to 9, or average bitrate
/// with a hard floor (no frame below `minKbps`, so it is never smaller than that CBR step).
public enum Mp3Mode: Sendable, Equatable, Codable {
    case cbr(kbps: Int)
    case vbr(quality: Int)
    case abr(kbps: Int, minKbps: Int)
}

/// Everything an encoder needs besides the samples.
public struct EncoderSettings: Sendable, Equatable, Codable {
    public var format: OutputFormat
    public var sampleRate: Int
    public var channels: Int
    public var depth: PCMDepth
    public var mp3: Mp3Mode

    public init(format: OutputFormat, sampleRate: Int, channels: Int,
                depth: PCMDepth = .int16, mp3: Mp3Mode = .cbr(kbps: 192)) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.depth = depth
        self.mp3 = mp3
    }
}

/// A consumer of interleaved float frames that writes an encoded file.
public protocol AudioSink: AnyObject {
    /// Encodes `frames` interleaved frames (`settings.channels` wide).
    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws
    /// Flushes the encoder and closes the file.
    func finish() throws
}

/// Creates the sink for `settings` writing to `path`; `expectedFrames` (when known) lets the MP3
/// encoder share a short stream evenly between cores.
public func makeSink(path: String, settings: EncoderSettings, title: String? = nil, expectedFrames: Int64? = nil) throws -> AudioSink {
    switch settings.format {
    case .wav, .flac: return try SndfileSink(path: path, settings: settings)
    case .mp3: return try Mp3Sink(path: path, settings: settings, title: title, expectedFrames: expectedFrames)
    }
}

/// How many frames `frames` of input at `inputRate` become at the output's rate.
public func outputFrames(_ frames: Int64?, from inputRate: Int, to settings: EncoderSettings) -> Int64? {
    frames.map { $0 * Int64(settings.sampleRate) / Int64(max(1, inputRate)) }
}
