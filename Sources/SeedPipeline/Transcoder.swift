import SeedAudio
import SeedDSP

/// Progress callback: fraction done in 0...1.
public typealias ProgressHandler = (Double) -> Void

/// How the sample rate is converted when it must be.
public struct ResampleOptions: Sendable {
    public var engine: ResamplerEngine
    public var quality: ResampleQuality

    public init(engine: ResamplerEngine = .soxr, quality: ResampleQuality = .hq) {
        self.engine = engine
        self.quality = quality
    }
}

/// Streams `source` into `sink` block by block: downmix when the sink has fewer channels, resample
/// when its rate differs. Memory is a few blocks, whatever the input length.
/// Returns the number of frames written.
@discardableResult
public func transcode(_ source: AudioSource, into sink: AudioSink, settings: EncoderSettings,
                      resample: ResampleOptions = ResampleOptions(), totalFrames: Int64? = nil,
                      progress: ProgressHandler? = nil) throws -> Int64 {
    let inCh = source.info.channels, outCh = settings.channels
    let block = 16_384
    // Fixed buffers for the whole run: the loop itself allocates nothing.
    let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * inCh)
    let mixed = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * outCh)
    defer { input.deallocate(); mixed.deallocate() }
    let matrix = inCh == outCh ? nil : downmixMatrix(channels: inCh, to: outCh == 1 ? .mono : .stereo)
    let resampler = source.info.sampleRate == settings.sampleRate ? nil :
        try makeResampler(engine: resample.engine, quality: resample.quality,
                          from: source.info.sampleRate, to: settings.sampleRate, channels: outCh)
    var read: Int64 = 0, written: Int64 = 0
    let total = totalFrames ?? source.info.frames
    func emit(_ buffer: UnsafeBufferPointer<Float>) throws {
        let frames = buffer.count / outCh
        try sink.write(buffer, frames: frames)
        written += Int64(frames)
    }
    while true {
        let n = try source.read(into: input.baseAddress!, frames: block)
        if n == 0 { break }
        read += Int64(n)
        var stage = UnsafeBufferPointer(rebasing: input[0..<n * inCh])
        if let matrix {
            downmix(stage, frames: n, matrix: matrix, into: mixed)
            stage = UnsafeBufferPointer(rebasing: mixed[0..<n * outCh])
        }
        if let resampler { stage = try resampler.process(stage, frames: n) }
        try emit(stage)
        if let total, total > 0, let progress { progress(min(1, Double(read) / Double(total))) }
    }
    if let resampler { try emit(try resampler.flush()) }
    try sink.finish()
    progress?(1)
    return written
}

/// Counts the frames of a source by decoding it (for streams whose length the container does not state),
/// then rewinds it.
public func countFrames(_ source: AudioSource) throws -> Int64 {
    let block = 65_536
    var buffer = [Float](repeating: 0, count: block * source.info.channels)
    var total: Int64 = 0
    while true {
        let n = try buffer.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, frames: block) }
        if n == 0 { break }
        total += Int64(n)
    }
    try source.seek(toFrame: 0)
    return total
}
