import CSampleRate

/// Resampling through libsamplerate (Secret Rabbit Code), interleaved float in and out.
public final class SampleRateResampler: Resampler {
    public let inputRate: Int
    public let outputRate: Int
    public let channels: Int
    private var state: OpaquePointer?
    private var out = ResampleBuffer()
    private let ratio: Double

    public init(from inputRate: Int, to outputRate: Int, channels: Int, quality: ResampleQuality) throws {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        ratio = Double(outputRate) / Double(inputRate)
        let converter: Int32
        switch quality {
        case .vhq: converter = Int32(SRC_SINC_BEST_QUALITY)
        case .hq: converter = Int32(SRC_SINC_MEDIUM_QUALITY)
        case .mq: converter = Int32(SRC_SINC_FASTEST)
        }
        var err: Int32 = 0
        state = src_new(converter, Int32(channels), &err)
        if state == nil || err != 0 { throw AudioError.resamplerFailed(String(cString: src_strerror(err))) }
    }

    private var framesIn = 0
    private var framesOut = 0

    public func process(_ input: UnsafeBufferPointer<Float>, frames: Int) throws -> UnsafeBufferPointer<Float> {
        guard frames > 0 else { return out.view(0) }
        framesIn += frames
        let out = try run(input.baseAddress!, frames: frames)
        framesOut += out.count / channels
        return out
    }

    /// libsamplerate's own end-of-input flag leaves part of the filter's tail inside; instead,
    /// silence is pushed through until the output has round(input × ratio) frames, and it is cut
    /// there, the same length soxr gives.
    public func flush() throws -> UnsafeBufferPointer<Float> {
        let expected = Int((Double(framesIn) * ratio).rounded())
        let zeros = [Float](repeating: 0, count: 4096 * channels)
        var tail: [Float] = []
        var pushes = 0
        while framesOut + tail.count / channels < expected && pushes < 64 {
            let out = try zeros.withUnsafeBufferPointer { try run($0.baseAddress!, frames: 4096) }
            tail.append(contentsOf: out)
            pushes += 1
        }
        let keep = max(0, expected - framesOut)
        tail.removeLast(max(0, tail.count - keep * channels))
        framesOut += tail.count / channels
        out.reserve(samples: max(1, tail.count))
        tail.withUnsafeBufferPointer { out.pointer.update(from: $0.baseAddress!, count: $0.count) }
        return out.view(tail.count)
    }

    /// libsamplerate may stop before consuming all input when the output is full; loop until done.
    private func run(_ input: UnsafePointer<Float>, frames: Int) throws -> UnsafeBufferPointer<Float> {
        var produced = 0
        var consumed = 0
        while true {
            let chunkOut = Int(Double(frames - consumed) * ratio) + 4096
            out.reserve(samples: (produced + chunkOut) * channels, keep: produced * channels)
            var data = SRC_DATA()
            data.data_in = input + consumed * channels
            data.input_frames = frames - consumed
            data.data_out = out.pointer + produced * channels
            data.output_frames = chunkOut
            data.end_of_input = 0
            data.src_ratio = ratio
            let err = src_process(state, &data)
            if err != 0 { throw AudioError.resamplerFailed(String(cString: src_strerror(err))) }
            consumed += data.input_frames_used
            produced += data.output_frames_gen
            if consumed >= frames || (data.input_frames_used == 0 && data.output_frames_gen == 0) { break }
        }
        return out.view(produced * channels)
    }

    deinit { if let s = state { src_delete(s) } }
}
