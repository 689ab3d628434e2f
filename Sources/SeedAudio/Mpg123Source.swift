import CMpg123
import Foundation

/// Decodes MP3 through libmpg123 directly, quiet (it never writes to the terminal), gapless, as
/// 32-bit float. The stream is walked first (`Mp3StreamCheck`): a damaged or truncated file is
/// refused with the figures, or under `--salvage` decoded with unlimited resync past the damage.
public final class Mpg123Source: AudioSource {
    public let path: String
    public let info: SourceInfo
    private var handle: OpaquePointer?
    private var framesRead: Int64 = 0
    /// The bytes mpg123 reads when salvaging: the file without what is not a frame.
    private var spliced: SplicedBytes?

    private static let initialized: Bool = { mpg123_init() == MPG123_OK.rawValue }()

    public init(path: String) throws {
        self.path = path
        guard let check = try Mp3StreamCheck.scan(path) else {
            throw AudioError.notAudio(path, detail: "MP3 frames not found")
        }
        var splice: SplicedBytes?
        if let damage = check.damage() {
            try DamagePolicy.handle(path, damage)
            splice = try SplicedBytes(path: path, keep: check.keep)
        }
        guard Self.initialized else { throw AudioError.decoderFailed(path, reason: "libmpg123 did not start") }
        var err: Int32 = 0
        guard let h = mpg123_new(nil, &err) else {
            throw AudioError.decoderFailed(path, reason: String(cString: mpg123_plain_strerror(err)))
        }
        let flags = Int(MPG123_QUIET.rawValue | MPG123_GAPLESS.rawValue | MPG123_FORCE_FLOAT.rawValue)
        mpg123_param2(h, Int32(MPG123_FLAGS.rawValue), flags, 0)
        mpg123_param2(h, Int32(MPG123_ADD_FLAGS.rawValue), flags, 0)
        do {
            let opened: Int32
            if let splice {
                // Salvaging: mpg123 gets the frames only, so it never resyncs into garbage.
                mpg123_replace_reader_handle(h, { io, buffer, count in
                    Unmanaged<SplicedBytes>.fromOpaque(io!).takeUnretainedValue().read(buffer!, count)
                }, { io, offset, whence in
                    Unmanaged<SplicedBytes>.fromOpaque(io!).takeUnretainedValue().seek(offset, whence)
                }, nil)
                opened = mpg123_open_handle(h, Unmanaged.passUnretained(splice).toOpaque())
            } else {
                opened = mpg123_open(h, path)
            }
            guard opened == MPG123_OK.rawValue else {
                throw AudioError.decoderFailed(path, reason: "cannot open the stream: \(String(cString: mpg123_strerror(h)))")
            }
            var rate = 0, channels: Int32 = 0, encoding: Int32 = 0
            guard mpg123_getformat(h, &rate, &channels, &encoding) == MPG123_OK.rawValue else {
                throw AudioError.notAudio(path, detail: "MP3 frames not found")
            }
            // One output format for the whole stream, so a stray header cannot change it midway.
            mpg123_format_none(h)
            mpg123_format(h, rate, channels, Int32(MPG123_ENC_FLOAT_32.rawValue))
            try AudioLimits.check(sampleRate: rate, channels: Int(channels))
            // The exact sample count (gapless), from the frames themselves.
            _ = mpg123_scan(h)
            let length = mpg123_length(h)
            let version = check.sampleRate >= 32_000 ? "MPEG-1" : (check.sampleRate >= 16_000 ? "MPEG-2" : "MPEG-2.5")
            info = SourceInfo(container: "\(version) Audio", codec: "MPEG Layer III", sampleRate: rate,
                              channels: Int(channels), frames: length > 0 ? Int64(length) : nil, decoder: "libmpg123")
            handle = h
            spliced = splice
        } catch {
            mpg123_delete(h)
            throw error
        }
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        try ReadInterruption.check()
        guard let h = handle else { return 0 }
        let bytesPerFrame = MemoryLayout<Float>.size * info.channels
        var filled = 0
        while filled < frames {
            var done = 0
            let r = mpg123_read(h, UnsafeMutableRawPointer(buffer + filled * info.channels), (frames - filled) * bytesPerFrame, &done)
            filled += done / bytesPerFrame
            if r == MPG123_DONE.rawValue { break }
            if r == MPG123_NEW_FORMAT.rawValue || r == MPG123_OK.rawValue { continue }
            throw failure("stream error at \(StreamDamage.clock(Double(framesRead + Int64(filled)) / Double(info.sampleRate)))")
        }
        if filled > 0 { try checkFinite(buffer, frames: filled, info: info, path: path, firstFrame: framesRead) }
        framesRead += Int64(filled)
        return filled
    }

    public func seek(toFrame frame: Int64) throws {
        guard let h = handle else { return }
        if mpg123_seek(h, off_t(frame), SEEK_SET) < 0 {
            throw AudioError.decoderFailed(path, reason: "cannot seek to frame \(frame)")
        }
        framesRead = frame
    }

    public func close() {
        if let h = handle {
            mpg123_close(h)
            mpg123_delete(h)
        }
        handle = nil
    }

    deinit { close() }

    private func failure(_ what: String) -> AudioError {
        let detail = handle.flatMap { mpg123_strerror($0) }.map { String(cString: $0) } ?? ""
        return .decoderFailed(path, reason: detail.isEmpty ? what : "\(what): \(detail)")
    }
}

/// A file seen without some of its byte ranges, for mpg123's reader callbacks.
final class SplicedBytes {
    private let data: Data
    private let keep: [Range<Int>]
    /// Start of each kept range in the spliced stream.
    private let starts: [Int]
    let count: Int
    private var position = 0

    init(path: String, keep: [Range<Int>]) throws {
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw AudioError.unreadable(path, reason: error.localizedDescription)
        }
        self.keep = keep
        var s: [Int] = [], total = 0
        for r in keep { s.append(total); total += r.count }
        starts = s
        count = total
    }

    func read(_ buffer: UnsafeMutableRawPointer, _ n: Int) -> Int {
        var done = 0
        while done < n, position < count {
            // The kept range that holds `position`.
            var i = keep.count - 1
            while i > 0 && starts[i] > position { i -= 1 }
            let within = position - starts[i]
            let take = min(n - done, keep[i].count - within)
            data.withUnsafeBytes { raw in
                (buffer + done).copyMemory(from: raw.baseAddress! + keep[i].lowerBound + within, byteCount: take)
            }
            done += take
            position += take
        }
        return done
    }

    func seek(_ offset: off_t, _ whence: Int32) -> off_t {
        let base = whence == SEEK_CUR ? position : (whence == SEEK_END ? count : 0)
        let target = base + Int(offset)
        guard target >= 0, target <= count else { return -1 }
        position = target
        return off_t(target)
    }
}
