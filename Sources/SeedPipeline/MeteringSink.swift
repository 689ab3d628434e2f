import SeedAudio

/// A sink that only measures: loudness, sample peak and (unless turned off) true peak of what passes.
final class MeteringSink: AudioSink {
    let meter: LoudnessMeter

    init(sampleRate: Int, channels: Int, truePeak: Bool = true) throws {
        meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels, truePeak: truePeak)
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws { meter.add(samples, frames: frames) }
    func finish() throws {}
}
