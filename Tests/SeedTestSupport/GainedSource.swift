import Foundation
import SeedAudio

/// Another source's samples scaled by a gain, unclipped: the same recording louder or quieter.
public final class GainedSource: AudioSource {
    private let inner: AudioSource
    private let gain: Float
    public var path: String { inner.path }
    public var info: SourceInfo { inner.info }

    /// `inner` at `db` decibels.
    public init(_ inner: AudioSource, db: Double) {
        self.inner = inner
        gain = Float(pow(10, db / 20))
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let n = try inner.read(into: buffer, frames: frames)
        for i in 0..<(n * info.channels) { buffer[i] *= gain }
        return n
    }

    public func seek(toFrame frame: Int64) throws { try inner.seek(toFrame: frame) }
    public func close() { inner.close() }
}
