import Foundation
import SeedFiles

/// MP3 through libmp3lame, on every core: the stream is cut into chunks a whole number of frames
/// long, each encoded by its own LAME with a little of the audio before and after it (so its
/// filter bank, MDCT overlap and psychoacoustic state are settled where it is joined), and the
/// encodings are joined on a frame where both agree on the block type and the bit reservoir
/// allows, with every frame's main data laid out again (`Mp3StreamWriter`). The first encoder
/// writes an ID3v2 tag and a Xing/LAME info frame, whose counts are those of the joined stream.
/// Chunk boundaries depend only on the sample count, so the file is the same on any machine.
public final class Mp3Sink: AudioSink {
    /// LAME's accepted output rates (MPEG-1, 2 and 2.5).
    public static let sampleRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]
    /// Standard bitrates for MPEG-1 Layer III (32-48 kHz).
    public static let mpeg1Bitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    /// Standard bitrates for MPEG-2/2.5 Layer III (8-24 kHz).
    public static let mpeg2Bitrates = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

    /// Samples per channel in one frame: 1152 for MPEG-1 (32-48 kHz), 576 below.
    public static func samplesPerFrame(sampleRate: Int) -> Int { sampleRate >= 32_000 ? 1152 : 576 }

    /// Bytes of one frame at `kbps` and `sampleRate`, without the padding byte (ISO/IEC 11172-3
    /// §2.4.3.1: 144000·kbps/rate for MPEG-1, half that for MPEG-2 and 2.5).
    public static func frameBytes(kbps: Int, sampleRate: Int) -> Int {
        (sampleRate >= 32_000 ? 144_000 : 72_000) * kbps / sampleRate
    }

    private let settings: EncoderSettings
    private let title: String?
    private let path: String
    private var file: UnsafeMutablePointer<FILE>?
    private let writer: Mp3StreamWriter
    private let plan: Mp3ChunkPlan
    /// Input not yet handed to an encoder, from sample `bufferStart` on (interleaved).
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var nextChunk = 0
    private let queue: Mp3ChunkQueue
    /// The last joined encoding, whose frames from `nextFrame` on wait for the next one.
    private var held: Mp3FrameRun?
    private var nextFrame = 0
    /// The first encoder's finished info frame, and the last one's padding, for the info frame.
    private var infoTemplate: [UInt8]?
    private var lastPadding = 0

    /// - Parameter expectedFrames: how many frames will be written, when known; a short stream is
    ///   then cut in two, so both cores encode half.
    public init(path: String, settings: EncoderSettings, title: String? = nil, expectedFrames: Int64? = nil) throws {
        _ = try LameEncoder(settings: settings, title: title, header: false)  // rejects what LAME cannot write, before a file exists
        self.settings = settings
        self.title = title
        self.path = path
        plan = Mp3ChunkPlan(sampleRate: settings.sampleRate, expectedFrames: expectedFrames)
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        queue = Mp3ChunkQueue(settings: settings, title: title, depth: workers)
        errno = 0
        guard let f = fopen(path, "w+b") else { throw FileError.fromWriteErrno(errno, path: path) }
        file = f
        writer = Mp3StreamWriter(file: f, path: path)
        buffer.reserveCapacity((plan.length + plan.postRoll) * settings.channels)
    }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        guard file != nil, frames > 0 else { return }
        let ch = settings.channels
        var from = 0
        while from < frames {
            // Up to the end of the chunk being filled (with its post-roll), then hand it over.
            let end = plan.end(of: nextChunk) + plan.postRoll
            let n = min(frames - from, end - (bufferStart + buffer.count / ch))
            buffer.append(contentsOf: samples[from * ch..<(from + n) * ch])
            from += n
            if bufferStart + buffer.count / ch == end {
                // The chunk takes the buffer; the next one starts with the overlap.
                let next = plan.start(of: nextChunk + 1)
                var tail = [Float]()
                tail.reserveCapacity((plan.length + plan.preRoll + plan.postRoll) * ch)
                tail.append(contentsOf: buffer[((next - bufferStart) * ch)...])
                let chunk = buffer
                buffer = tail
                try submit(chunk, start: bufferStart, last: false)
                bufferStart = next
            }
        }
    }

    public func finish() throws {
        guard let f = file else { return }
        let start = plan.start(of: nextChunk)
        try submit(Array(buffer[((start - bufferStart) * settings.channels)...]), start: start, last: true)
        buffer = []
        while let done = try queue.next(wait: true) { try join(done) }
        try writer.finish(padding: lastPadding, infoTemplate: infoTemplate)
        errno = 0
        let flushed = fflush(f) == 0 && ferror(f) == 0
        let e = errno
        let closed = fclose(f) == 0
        file = nil
        if !flushed || !closed { throw FileError.fromWriteErrno(e == 0 ? EIO : e, path: path) }
    }

    /// Hands `audio` (from sample `start` on, a whole number of frames in) to a free encoder.
    private func submit(_ audio: [Float], start: Int, last: Bool) throws {
        // Joins what is finished, then waits for a free encoder.
        while let done = try queue.next(wait: queue.isFull) { try join(done) }
        queue.add(Mp3Chunk(index: nextChunk, firstFrame: start / plan.samplesPerFrame, audio: audio, last: last))
        nextChunk += 1
    }

    /// Writes an encoded chunk's frames up to where the next chunk may take over.
    private func join(_ encoded: Mp3EncodedChunk) throws {
        var done = encoded
        let index = done.chunk.index
        if index == 0 {
            try writer.writeHeader(id3: done.run.id3, infoFrame: done.run.infoFrame)
            infoTemplate = done.run.infoTemplate
            nextFrame = 0
        } else if let previous = held {
            let nominal = plan.start(of: index, preRoll: false) / plan.samplesPerFrame
            let candidates = plan.candidates(joining: index)
            func choose(_ run: Mp3FrameRun, anyBlockTypes: Bool = false) -> Int? {
                Mp3Splice.frame(from: previous, to: run, writtenUpTo: nextFrame, writer: writer, nominal: nominal,
                                candidates: candidates, anyBlockTypes: anyBlockTypes)
            }
            var k = choose(done.run)
            if k == nil {
                // Rare (the two encoders' reservoirs never line up, or their block types differ
                // all through the overlap): this chunk again without the bit reservoir, whose
                // frames fit after any join; failing that, the join ignores block types.
                done = try Mp3ChunkQueue.encode(done.chunk, settings: settings, title: title, reservoir: false)
                k = choose(done.run) ?? choose(done.run, anyBlockTypes: true)
            }
            guard let k else { throw AudioError.encoderFailed("no frame to join two MP3 encodings on") }
            for g in nextFrame..<k { try writer.append(previous, frame: g) }
            nextFrame = k
        }
        let run = done.run
        let until = done.chunk.last ? run.endFrame : min(run.endFrame, plan.candidates(joining: index + 1).lowerBound)
        for g in nextFrame..<until { try writer.append(run, frame: g) }
        nextFrame = max(nextFrame, until)
        held = run
        lastPadding = done.padding
    }

    deinit {
        queue.cancel()
        if let f = file { fclose(f) }
    }
}
