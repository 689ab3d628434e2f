import Foundation
import SeedAudio
import SeedDSP

/// An AudioSink in front of another: applies a gain and the true-peak limiter, and hides the
/// limiter's latency (the output lines up with the input, same length). What it passes on is
/// measured, when it must be, by a `MeteringSink` behind it.
public final class LimitingSink: AudioSink {
    private let next: AudioSink
    private var limiter: TruePeakLimiter
    private let gain: Float
    private let channels: Int
    private var toSkip: Int
    private var scratch: [Float] = []

    public init(next: AudioSink, sampleRate: Int, channels: Int, gainDB: Double, ceilingDB: Double) {
        self.next = next
        self.channels = channels
        gain = Float(pow(10, gainDB / 20))
        limiter = TruePeakLimiter(sampleRate: sampleRate, channels: channels, ceilingDB: ceilingDB)
        toSkip = limiter.latency
    }

    /// Largest gain reduction the limiter applied (dB, ≤ 0).
    public var maxReductionDB: Double { limiter.maxReductionDB }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        if scratch.count < frames * channels { scratch = [Float](repeating: 0, count: frames * channels) }
        try scratch.withUnsafeMutableBufferPointer { out in
            limiter.process(samples, frames: frames, gain: gain, into: out)
            let skip = min(toSkip, frames)
            toSkip -= skip
            let ready = UnsafeBufferPointer(rebasing: out[(skip * channels)..<(frames * channels)])
            try next.write(ready, frames: frames - skip)
        }
    }

    public func finish() throws {
        // Push the frames still inside the look-ahead out with silence behind them.
        let tail = [Float](repeating: 0, count: (limiter.latency - toSkip) * channels)
        toSkip = 0
        let frames = tail.count / channels
        if frames > 0 {
            var out = [Float](repeating: 0, count: tail.count)
            tail.withUnsafeBufferPointer { t in out.withUnsafeMutableBufferPointer { limiter.process(t, frames: frames, gain: 0, into: $0) } }
            try out.withUnsafeBufferPointer { try next.write($0, frames: frames) }
        }
        try next.finish()
    }
}
