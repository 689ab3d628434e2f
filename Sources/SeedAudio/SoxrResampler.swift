import CSoxr

/// Resampling through libsoxr (the SoX resampler library), interleaved float32 in and out.
public final class SoxrResampler: Resampler {
    public let inputRate: Int
    public let outputRate: Int
    public let channels: Int
    private var soxr: soxr_t?
    private var out = ResampleBuffer()
    private let ratio: Double

    public init(from inputRate: Int, to outputRate: Int, channels: Int, quality: ResampleQuality) throws {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        ratio = Double(outputRate) / Double(inputRate)
        let recipe: Int32
        switch quality {
        case .vhq: recipe = Int32(SOXR_VHQ)
        case .hq: recipe = Int32(SOXR_HQ)
        case .mq: recipe = Int32(SOXR_MQ)
        }
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var q = soxr_quality_spec(UInt(recipe), 0)
        var runtime = soxr_runtime_spec(1)  // one thread: seed parallelises across files instead
        var error: soxr_error_t?
        soxr = soxr_create(Double(inputRate), Double(outputRate), UInt32(channels), &error, &io, &q, &runtime)
        if let error { throw AudioError.resamplerFailed(String(cString: error)) }
    }

    public func process(_ input: UnsafeBufferPointer<Float>, frames: Int) throws -> UnsafeBufferPointer<Float> {
        let capacity = Int(Double(frames) * ratio) + 64
        out.reserve(samples: capacity * channels)
        var done = 0, produced = 0
        if let err = soxr_process(soxr, input.baseAddress, frames, &done, out.pointer, capacity, &produced) {
            throw AudioError.resamplerFailed(String(cString: err))
        }
        return out.view(produced * channels)
    }

    public func flush() throws -> UnsafeBufferPointer<Float> {
        // soxr hands out the tail in pieces; collect all of it.
        var produced = 0
        while true {
            let room = 16384
            out.reserve(samples: (produced + room) * channels, keep: produced * channels)
            var got = 0
            if let err = soxr_process(soxr, nil, 0, nil, out.pointer + produced * channels, room, &got) {
                throw AudioError.resamplerFailed(String(cString: err))
            }
            if got == 0 { break }
            produced += got
        }
        return out.view(produced * channels)
    }

    deinit { if let s = soxr { soxr_delete(s) } }
}
