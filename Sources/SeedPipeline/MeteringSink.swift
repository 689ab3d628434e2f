import SeedAudio

/// A sink that only measures: loudness, true peak and sample peak of what passes.
final class MeteringSink: AudioSink {
    let meter: LoudnessMeter

    init(sampleRate: Int, channels: Int) throws {
        meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels, truePeak: true)
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws { meter.add(samples, frames: frames) }
    func finish() throws {}
}
