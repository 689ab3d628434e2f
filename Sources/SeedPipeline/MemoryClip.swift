import Foundation
import SeedAudio

/// A short clip held in memory, already in the output's rate and channels, so the loudness passes
/// read it back instead of decoding, resampling and fading the window again each time.
final class MemorySource: AudioSource {
    let path: String
    let info: SourceInfo
    private let samples: [Float]
    private var position = 0

    init(path: String, samples: [Float], sampleRate: Int, channels: Int) {
        self.path = path
        self.samples = samples
        info = SourceInfo(container: "memory", codec: "32 bit float", sampleRate: sampleRate, channels: channels,
                          frames: Int64(samples.count / channels), decoder: "seed")
    }

    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        try ReadInterruption.check()
        let ch = info.channels
        let n = min(frames, samples.count / ch - position)
        guard n > 0 else { return 0 }
        samples.withUnsafeBufferPointer { s in
            buffer.update(from: s.baseAddress! + position * ch, count: n * ch)
        }
        position += n
        return n
    }

    func seek(toFrame frame: Int64) throws { position = max(0, min(Int(frame), samples.count / info.channels)) }
    func close() {}
}

/// Collects what it is given.
final class BufferingSink: AudioSink {
    var samples: [Float] = []

    init(capacity: Int) { samples.reserveCapacity(capacity) }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws { self.samples.append(contentsOf: samples) }
    func finish() throws {}
}

/// Clips up to this many samples (all channels) are rendered in memory: 64 MB, three minutes of
/// 48 kHz stereo. Longer ones stream from the file on every pass.
public let memoryClipLimit = 16_000_000

/// Reads `clip` once in the output's rate and channels and measures its loudness there, on a
/// second thread as it goes; keeps the samples when they fit under `limit` (samples, all
/// channels), so the loudness passes read them back instead of decoding, resampling and fading
/// the window again.
func readClip(_ clip: AudioSource, settings: EncoderSettings, resample: ResampleOptions, limit: Int = memoryClipLimit,
              progress: ProgressHandler?) throws -> (kept: MemorySource?, before: LoudnessReport) {
    try clip.seek(toFrame: 0)
    let metering = try MeteringSink(sampleRate: settings.sampleRate, channels: settings.channels)
    var buffer: BufferingSink?
    if let frames = clip.info.frames {
        let samples = (Int(Double(frames) * Double(settings.sampleRate) / Double(clip.info.sampleRate)) + 1) * settings.channels
        if samples <= limit { buffer = BufferingSink(capacity: samples + 4096) }
    }
    let measured = ThreadedSink(metering)
    try transcode(clip, into: buffer.map { TeeSink($0, measured) } ?? measured, settings: settings, resample: resample,
                  progress: progress)
    let kept = buffer.map { MemorySource(path: clip.path, samples: $0.samples, sampleRate: settings.sampleRate, channels: settings.channels) }
    return (kept, metering.meter.report)
}
