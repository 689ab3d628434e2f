/// Which library converts the sample rate.
public enum ResamplerEngine: String, Sendable, Codable, CaseIterable {
    /// libsoxr: the default; measured 3-30x faster than libsamplerate at higher quality.
    case soxr
    /// libsamplerate (Secret Rabbit Code): the design's original choice, kept selectable.
    case libsamplerate
}

/// Conversion quality. `hq` is the default: above 100 dB SNR with either engine.
public enum ResampleQuality: String, Sendable, Codable, CaseIterable {
    /// soxr VHQ (28-bit) / libsamplerate SINC_BEST_QUALITY.
    case vhq
    /// soxr HQ (20-bit) / libsamplerate SINC_MEDIUM_QUALITY.
    case hq
    /// soxr MQ (16-bit) / libsamplerate SINC_FASTEST.
    case mq
}

/// A streaming sample-rate converter over interleaved float frames.
public protocol Resampler: AnyObject {
    var inputRate: Int { get }
    var outputRate: Int { get }
    var channels: Int { get }
    /// Converts `frames` input frames and returns the frames produced so far (a view valid until the next call).
    func process(_ input: UnsafeBufferPointer<Float>, frames: Int) throws -> UnsafeBufferPointer<Float>
    /// Drains the filter's delay line at the end of the input.
    func flush() throws -> UnsafeBufferPointer<Float>
}

/// Creates a resampler of the given engine and quality.
public func makeResampler(engine: ResamplerEngine, quality: ResampleQuality,
                          from inputRate: Int, to outputRate: Int, channels: Int) throws -> Resampler {
    try AudioLimits.check(sampleRate: outputRate, channels: channels)
    switch engine {
    case .soxr: return try SoxrResampler(from: inputRate, to: outputRate, channels: channels, quality: quality)
    case .libsamplerate:
        return try SampleRateResampler(from: inputRate, to: outputRate, channels: channels, quality: quality)
    }
}

/// Growable output storage owned by an engine, so the steady state allocates nothing and the
/// views handed out stay valid until the next call.
final class ResampleBuffer {
    private(set) var pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var capacity = 1

    /// Makes room for `samples` samples, keeping the first `keep` ones.
    func reserve(samples: Int, keep: Int = 0) {
        guard samples > capacity else { return }
        let bigger = UnsafeMutablePointer<Float>.allocate(capacity: samples)
        if keep > 0 { bigger.update(from: pointer, count: keep) }
        pointer.deallocate()
        pointer = bigger
        capacity = samples
    }

    func view(_ count: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }

    deinit { pointer.deallocate() }
}
