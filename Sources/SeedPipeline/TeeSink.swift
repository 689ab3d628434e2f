import SeedAudio

/// Passes each block to two sinks.
final class TeeSink: AudioSink {
    private let first: AudioSink, second: AudioSink

    init(_ first: AudioSink, _ second: AudioSink) {
        self.first = first
        self.second = second
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        try first.write(samples, frames: frames)
        try second.write(samples, frames: frames)
    }

    func finish() throws {
        try first.finish()
        try second.finish()
    }
}
