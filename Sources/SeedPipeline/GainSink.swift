import Foundation
import SeedAudio

/// An AudioSink in front of another that applies a fixed gain and tracks the sample peak written.
final class GainSink: AudioSink {
    private let next: AudioSink
    private let gain: Float
    private var scratch: [Float] = []
    /// Largest absolute sample passed on.
    private(set) var peak: Float = 0

    init(next: AudioSink, gainDB: Double) {
        self.next = next
        gain = Float(pow(10, gainDB / 20))
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        if scratch.count < samples.count { scratch = [Float](repeating: 0, count: samples.count) }
        for i in 0..<samples.count {
            let v = samples[i] * gain
            scratch[i] = v
            peak = max(peak, abs(v))
        }
        try scratch.withUnsafeBufferPointer { try next.write(UnsafeBufferPointer(rebasing: $0[0..<samples.count]), frames: frames) }
    }

    func finish() throws { try next.finish() }
}
