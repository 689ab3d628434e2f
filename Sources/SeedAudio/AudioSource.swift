import SeedDSP

/// What is known about an input before decoding it.
public struct SourceInfo: Sendable, Equatable, Codable {
    /// Container name, e.g. "WAV (Microsoft)" or "FLAC (Free Lossless Audio Codec)".
    public var container: String
    /// Codec or sample encoding, e.g. "Signed 16 bit PCM".
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    /// Frame count as the container declares it; nil when unknown (a pipe from ffmpeg).
    public var frames: Int64?
    /// Which decoder reads it: "libsndfile" or "ffmpeg".
    public var decoder: String

    public var durationSeconds: Double? { frames.map { Double($0) / Double(sampleRate) } }

    public init(container: String, codec: String, sampleRate: Int, channels: Int, frames: Int64?, decoder: String) {
        self.container = container
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
        self.decoder = decoder
    }
}

/// A stream of interleaved float frames, read in blocks so inputs of any length stay in bounded memory.
public protocol AudioSource: AnyObject {
    var path: String { get }
    var info: SourceInfo { get }
    /// Reads up to `frames` frames into `buffer` (interleaved, `info.channels` wide); 0 at the end.
    /// Throws on corrupt data, truncation, or NaN/Inf samples.
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int
    /// Moves to `frame` (0-based) so the next read starts there.
    func seek(toFrame frame: Int64) throws
    func close()
}

/// Throws `.nonFiniteSamples` with the time of the first NaN/Inf in a decoded block;
/// `firstFrame` is the block's position in the stream.
func checkFinite(_ buffer: UnsafeMutablePointer<Float>, frames: Int, info: SourceInfo, path: String,
                 firstFrame: Int64) throws {
    let samples = UnsafeBufferPointer(start: buffer, count: frames * info.channels)
    if let bad = firstNonFiniteSample(samples) {
        let frame = firstFrame + Int64(bad / info.channels)
        throw AudioError.nonFiniteSamples(path, atSeconds: Double(frame) / Double(info.sampleRate))
    }
}
