import CSndfile
import Foundation
import SeedFiles

/// `--salvage` for FLAC: libsndfile stops at the first frame it cannot decode, so the file is
/// decoded in passes. Each pass starts at the next intact frame header (its sample number says
/// how much was lost) with the stream header put in front, and the passes are joined into a
/// float RF64 file in the temporary folder that the job then reads. A whole file costs one
/// decode pass (counting only) and no copy.
enum FlacSalvage {
    /// A source for `path`: the file itself when it decodes whole, else the joined passes.
    static func open(_ path: String) throws -> AudioSource {
        let probe = try SndfileSource(path: path, checksEnd: false)
        guard let declared = probe.info.frames, declared > 0 else { return probe }
        // Most files are whole: count what decodes before copying anything.
        let whole = try decodedFrames(probe) >= declared
        probe.close()
        if whole { return try SndfileSource(path: path) }
        // Opened again: libsndfile cannot seek back once its FLAC decoder has failed.
        let first = try SndfileSource(path: path, checksEnd: false)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw AudioError.unreadable(path, reason: error.localizedDescription)
        }
        guard let layout = data.withUnsafeBytes({ FlacLayout.read($0.bindMemory(to: UInt8.self)) }) else { return first }

        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("seed-salvage-\(getpid())-\(UUID().uuidString)")
        let joined = temp.path + ".rf64", segment = temp.path + ".flac"
        var out: OpaquePointer?
        defer { try? FileManager.default.removeItem(atPath: segment) }
        var gaps: [StreamDamage.Gap] = []
        var written: Int64 = 0
        var source: SndfileSource? = first
        var streamStart: Int64 = 0, searchFrom = layout.audioStart
        let rate = Double(first.info.sampleRate), channels = first.info.channels
        var buffer = [Float](repeating: 0, count: 16_384 * channels)
        do {
            while let src = source {
                var n = 0
                repeat {
                    n = try buffer.withUnsafeMutableBufferPointer { try src.read(into: $0.baseAddress!, frames: 16_384) }
                    if n > 0 {
                        if out == nil { out = try openOutput(joined, like: first.info) }
                        guard sf_writef_float(out, buffer, sf_count_t(n)) == n else { throw FileError.fromWriteErrno(errno, path: joined) }
                        written += Int64(n)
                    }
                } while n > 0
                let reached = streamStart + src.framesDecoded
                src.close()
                source = nil
                if reached >= declared { break }
                guard let next = data.withUnsafeBytes({ layout.resync($0.bindMemory(to: UInt8.self), after: reached, from: searchFrom) }) else {
                    gaps.append(.init(at: Double(written) / rate, seconds: Double(declared - reached) / rate))
                    break
                }
                gaps.append(.init(at: Double(written) / rate, seconds: Double(next.sample - reached) / rate))
                try writeSegment(data, header: layout.audioStart, from: next.offset, to: segment)
                source = try SndfileSource(path: segment, checksEnd: false)
                streamStart = next.sample
                searchFrom = next.offset + 1
            }
        } catch {
            if let out { sf_close(out) }
            try? FileManager.default.removeItem(atPath: joined)
            throw error
        }
        if let out { sf_close(out) }
        let decoded = Double(written) / rate
        let firstGap = gaps[0]
        let cause = gaps.count == 1 && firstGap.at + 0.001 >= decoded
            ? "stream error at \(StreamDamage.clock(firstGap.at)); nothing decodes after it"
            : "stream error at \(StreamDamage.clock(firstGap.at))" + (gaps.count > 1 ? " and \(gaps.count - 1) more" : "")
        let damage = StreamDamage(expected: Double(declared) / rate, decoded: decoded, gaps: gaps, cause: cause)
        try DamagePolicy.handle(path, damage)
        guard written > 0 else { throw AudioError.damaged(path, damage) }
        return try SalvagedSource(original: path, decoded: joined, info: first.info, frames: written)
    }

    /// Frames `source` decodes from where it is to where it stops.
    private static func decodedFrames(_ source: SndfileSource) throws -> Int64 {
        var buffer = [Float](repeating: 0, count: 16_384 * source.info.channels)
        while try buffer.withUnsafeMutableBufferPointer({ try source.read(into: $0.baseAddress!, frames: 16_384) }) > 0 {}
        return source.framesDecoded
    }

    private static func openOutput(_ path: String, like info: SourceInfo) throws -> OpaquePointer {
        var sf = SF_INFO()
        sf.samplerate = Int32(info.sampleRate)
        sf.channels = Int32(info.channels)
        sf.format = Int32(SF_FORMAT_RF64 | SF_FORMAT_FLOAT)
        errno = 0
        guard let h = sf_open(path, Int32(SFM_WRITE), &sf) else {
            throw errno != 0 ? FileError.fromWriteErrno(errno, path: path) : FileError.writeFailed(path, reason: String(cString: sf_strerror(nil)))
        }
        return h
    }

    /// The stream header and metadata, then the frames from `from` on: a FLAC file libsndfile opens.
    private static func writeSegment(_ data: Data, header: Int, from: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let f = FileHandle(forWritingAtPath: path) else {
            throw FileError.writeFailed(path, reason: "cannot create a temporary file")
        }
        defer { try? f.close() }
        do {
            try f.write(contentsOf: data[data.startIndex..<data.startIndex + header])
            var p = from
            while p < data.count {
                let q = min(data.count, p + 4 << 20)
                try f.write(contentsOf: data[data.startIndex + p..<data.startIndex + q])
                p = q
            }
        } catch {
            throw FileError.writeFailed(path, reason: error.localizedDescription)
        }
    }
}

/// What a salvaged input decodes to, read from the joined temporary file under the input's
/// name; the temporary file goes when the source is closed.
final class SalvagedSource: AudioSource {
    let path: String
    let info: SourceInfo
    private let inner: SndfileSource
    private let decodedPath: String

    init(original: String, decoded: String, info original_info: SourceInfo, frames: Int64) throws {
        path = original
        decodedPath = decoded
        inner = try SndfileSource(path: decoded, checksEnd: false)
        var i = original_info
        i.frames = frames
        info = i
    }

    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int { try inner.read(into: buffer, frames: frames) }
    func seek(toFrame frame: Int64) throws { try inner.seek(toFrame: frame) }

    func close() {
        inner.close()
        try? FileManager.default.removeItem(atPath: decodedPath)
    }

    deinit { close() }
}
