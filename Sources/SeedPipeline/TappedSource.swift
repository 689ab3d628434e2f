import Foundation
import SeedAudio

/// A source that shows every block it reads to `tap` on the way through, so a second consumer
/// (a meter, an envelope) shares one decode with the first.
final class TappedSource: AudioSource {
    private let base: AudioSource
    private let tap: (UnsafeBufferPointer<Float>, Int) -> Void

    init(_ base: AudioSource, tap: @escaping (UnsafeBufferPointer<Float>, Int) -> Void) {
        self.base = base
        self.tap = tap
    }

    var path: String { base.path }
    var info: SourceInfo { base.info }

    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let n = try base.read(into: buffer, frames: frames)
        if n > 0 { tap(UnsafeBufferPointer(start: buffer, count: n * base.info.channels), n) }
        return n
    }

    func seek(toFrame frame: Int64) throws { try base.seek(toFrame: frame) }
    func close() { base.close() }
}
