import Foundation
import SeedAudio

/// A short clip held in memory, already in the output's rate and channels, so the loudness passes
/// read it back instead of decoding, resampling and fading the window again each time.
public final class MemorySource: AudioSource {
    public let path: String
    public let info: SourceInfo
    private let samples: [Float]
    private var position = 0

    init(path: String, samples: [Float], sampleRate: Int, channels: Int) {
        self.path = path
        self.samples = samples
        info = SourceInfo(container: "memory", codec: "32 bit float", sampleRate: sampleRate, channels: channels,
                          frames: Int64(samples.count / channels), decoder: "seed")
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let ch = info.channels
        let n = min(frames, samples.count / ch - position)
        guard n > 0 else { return 0 }
        samples.withUnsafeBufferPointer { s in
            buffer.update(from: s.baseAddress! + position * ch, count: n * ch)
        }
        position += n
        return n
    }

    public func seek(toFrame frame: Int64) throws { position = max(0, min(Int(frame), samples.count / info.channels)) }
    public func close() {}
}

/// Collects what it is given.
final class BufferingSink: AudioSink {
    var samples: [Float] = []

    init(capacity: Int) { samples.reserveCapacity(capacity) }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws { self.samples.append(contentsOf: samples) }
    func finish() throws {}
}

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

/// Clips up to this many samples (all channels) are rendered in memory: 64 MB, three minutes of
/// 48 kHz stereo. Longer ones stream from the file on every pass.
let memoryClipLimit = 16_000_000

/// Reads `clip` once into memory in the output's rate and channels, measuring its loudness on a
/// second thread as it goes. Nil when the clip is too long to hold.
func loadClip(_ clip: AudioSource, settings: EncoderSettings, resample: ResampleOptions,
              progress: ProgressHandler?) throws -> (source: MemorySource, before: LoudnessReport)? {
    guard let frames = clip.info.frames else { return nil }
    let outFrames = Int(Double(frames) * Double(settings.sampleRate) / Double(clip.info.sampleRate)) + 1
    guard outFrames * settings.channels <= memoryClipLimit else { return nil }
    try clip.seek(toFrame: 0)
    let buffer = BufferingSink(capacity: outFrames * settings.channels + 4096)
    let metering = try MeteringSink(sampleRate: settings.sampleRate, channels: settings.channels)
    try transcode(clip, into: TeeSink(buffer, ThreadedSink(metering)), settings: settings, resample: resample, progress: progress)
    let source = MemorySource(path: clip.path, samples: buffer.samples, sampleRate: settings.sampleRate, channels: settings.channels)
    return (source, metering.meter.report)
}
