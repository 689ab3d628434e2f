import Foundation
import SeedAudio
import SeedDSP

/// A window [start, end) of another source, with raised-cosine fades at both ends; rewindable, so
/// the loudness passes read only the window again, never the whole file.
public final class ClipSource: AudioSource {
    private let base: AudioSource
    public let start: Int64
    public let end: Int64
    public let fadeIn: Int
    public let fadeOut: Int
    private var position: Int64 = 0   // relative to start

    public init(_ base: AudioSource, start: Int64, end: Int64, fadeIn: Int, fadeOut: Int) throws {
        self.base = base
        self.start = start
        self.end = end
        let length = Int(end - start)
        self.fadeIn = min(fadeIn, length / 2)
        self.fadeOut = min(fadeOut, length / 2)
        try base.seek(toFrame: start)
    }

    public var path: String { base.path }
    public var info: SourceInfo {
        var i = base.info
        i.frames = end - start
        return i
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        let remaining = Int(end - start - position)
        guard remaining > 0 else { return 0 }
        let n = try base.read(into: buffer, frames: min(frames, remaining))
        let ch = base.info.channels
        let length = Int(end - start)
        for f in 0..<n {
            let at = Int(position) + f
            var g: Float = 1
            if at < fadeIn { g = fadeGain(at, length: fadeIn) }
            let fromEnd = length - 1 - at
            if fromEnd < fadeOut { g = min(g, fadeGain(fromEnd, length: fadeOut)) }
            if g < 1 { for c in 0..<ch { buffer[f * ch + c] *= g } }
        }
        position += Int64(n)
        return n
    }

    public func seek(toFrame frame: Int64) throws {
        try base.seek(toFrame: start + frame)
        position = frame
    }

    public func close() { base.close() }
}
