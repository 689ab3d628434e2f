import Foundation

/// A stretch of the stream for one encoder.
struct Mp3Chunk: @unchecked Sendable {
    var index: Int
    /// The stream's frame that `audio` starts with.
    var firstFrame: Int
    var audio: [Float]
    var last: Bool
}

/// A chunk's encoding, cut into frames.
struct Mp3EncodedChunk: @unchecked Sendable {
    var chunk: Mp3Chunk
    var run: Mp3FrameRun
    /// Samples LAME padded the end with (used from the last chunk).
    var padding: Int
}

/// Encodes chunks on other threads, at most `depth` at a time, and gives the encodings back in
/// chunk order. An encoder's error is thrown by `next`.
final class Mp3ChunkQueue: @unchecked Sendable {
    private let settings: EncoderSettings
    private let title: String?
    private let depth: Int
    private let condition = NSCondition()
    private var finished: [Int: Result<Mp3EncodedChunk, Error>] = [:]
    private var nextIndex = 0
    private var submitted = 0
    private var cancelled = false

    init(settings: EncoderSettings, title: String?, depth: Int) {
        self.settings = settings
        self.title = title
        self.depth = depth
    }

    /// Whether `depth` chunks are being encoded or waiting to be taken.
    var isFull: Bool {
        condition.lock(); defer { condition.unlock() }
        return submitted - nextIndex >= depth
    }

    /// Starts encoding `chunk` on another thread.
    func add(_ chunk: Mp3Chunk) {
        condition.lock()
        submitted += 1
        condition.unlock()
        let settings = self.settings, title = self.title
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = Result { try Self.encode(chunk, settings: settings, title: title) }
            condition.lock()
            if !cancelled { finished[chunk.index] = result }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next encoding in chunk order; with `wait`, waits for it unless nothing more was
    /// submitted; nil when it is not ready.
    func next(wait: Bool) throws -> Mp3EncodedChunk? {
        condition.lock()
        defer { condition.unlock() }
        while wait && finished[nextIndex] == nil && nextIndex < submitted { condition.wait() }
        guard let result = finished.removeValue(forKey: nextIndex) else { return nil }
        nextIndex += 1
        condition.broadcast()
        return try result.get()
    }

    /// Drops what is still being encoded.
    func cancel() {
        condition.lock()
        cancelled = true
        finished.removeAll()
        condition.unlock()
    }

    /// Encodes one chunk (the first with the ID3v2 tag and info frame).
    static func encode(_ chunk: Mp3Chunk, settings: EncoderSettings, title: String?, reservoir: Bool = true) throws -> Mp3EncodedChunk {
        let first = chunk.index == 0
        let lame = try LameEncoder(settings: settings, title: title, header: first, reservoir: reservoir)
        try chunk.audio.withUnsafeBufferPointer { try lame.encode($0, frames: $0.count / settings.channels) }
        try lame.flush()
        // LAME leaves the info frame out when it would not fit a frame (low rates and bitrates).
        let info = first ? lame.infoFrame() : []
        var run = try Mp3FrameRun(lame.output, firstFrame: chunk.firstFrame, infoFirst: !info.isEmpty)
        if !info.isEmpty { run.infoTemplate = info }
        return Mp3EncodedChunk(chunk: chunk, run: run, padding: lame.padding)
    }
}
