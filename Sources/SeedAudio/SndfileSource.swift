import CSndfile
import Foundation

/// Decodes everything libsndfile reads (WAV/WAVE_FORMAT_EXTENSIBLE, AIFF, FLAC, OGG/Vorbis, Opus, MP3, …).
public final class SndfileSource: AudioSource {
    public let path: String
    public let info: SourceInfo
    private var handle: OpaquePointer?
    private var framesRead: Int64 = 0
    /// Damage found when the file was opened (Ogg pages), completed when the end is reached.
    private var damage: StreamDamage?
    private var isFlac = false

    /// Frames delivered since the start (or the last seek's target).
    var framesDecoded: Int64 { framesRead }
    /// Whether reaching the end checks the count against the container's (off while salvaging).
    private let checksEnd: Bool

    /// Opens `path`; throws `AudioError` with a user message when libsndfile cannot read it.
    public convenience init(path: String) throws {
        try self.init(path: path, checksEnd: true)
    }

    init(path: String, checksEnd: Bool) throws {
        self.path = path
        self.checksEnd = checksEnd
        var sfinfo = SF_INFO()
        guard let h = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            let reason = String(cString: sf_strerror(nil))
            if reason.hasPrefix("Format not recognised") { throw AudioError.notAudio(path, detail: Self.missingHeader(path)) }
            throw AudioError.unreadable(path, reason: reason)
        }
        handle = h
        // Integer files are scaled to [-1, 1); float files pass through untouched.
        sf_command(h, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
        let major = sfinfo.format & Int32(SF_FORMAT_TYPEMASK)
        let sub = sfinfo.format & Int32(SF_FORMAT_SUBMASK)
        info = SourceInfo(container: Self.formatName(h, major, command: SFC_GET_FORMAT_MAJOR) ?? "unknown",
                          codec: Self.formatName(h, sub, command: SFC_GET_FORMAT_SUBTYPE) ?? "unknown",
                          sampleRate: Int(sfinfo.samplerate), channels: Int(sfinfo.channels),
                          frames: sfinfo.frames >= 0 && sfinfo.frames < Int64.max / 2 ? sfinfo.frames : nil,
                          decoder: "libsndfile")
        do {
            try AudioLimits.check(sampleRate: info.sampleRate, channels: info.channels)
            try checkHeaderAgainstFileSize()
            isFlac = major == Int32(SF_FORMAT_FLAC)
            if major == Int32(SF_FORMAT_OGG) {
                damage = try OggStreamCheck.scan(path).damage(rate: info.sampleRate, declared: info.frames)
                // Refused at once; under --salvage the figures are made exact at the end.
                if let d = damage, !DamagePolicy.salvage { try DamagePolicy.handle(path, d) }
            }
        } catch {
            close()
            throw error
        }
    }

    /// The libsndfile subtype of the input (e.g. SF_FORMAT_PCM_24), so lossless outputs can keep it.
    public var subtypeCode: Int32 {
        var i = SF_INFO()
        guard let h = handle else { return 0 }
        sf_command(h, Int32(SFC_GET_CURRENT_SF_INFO), &i, Int32(MemoryLayout<SF_INFO>.size))
        return i.format & Int32(SF_FORMAT_SUBMASK)
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        try ReadInterruption.check()
        guard let h = handle else { return 0 }
        let n = Int(sf_readf_float(h, buffer, sf_count_t(frames)))
        if n == 0 {
            if sf_error(h) != 0 {
                throw AudioError.decoderFailed(path, reason: String(cString: sf_strerror(h)))
            }
            if checksEnd { try checkEnd() }
            return 0
        }
        try checkFinite(buffer, frames: n, info: info, path: path, firstFrame: framesRead)
        framesRead += Int64(n)
        return n
    }

    public func seek(toFrame frame: Int64) throws {
        guard let h = handle else { return }
        if sf_seek(h, sf_count_t(frame), SEEK_SET) < 0 {
            throw AudioError.decoderFailed(path, reason: "cannot seek to frame \(frame)")
        }
        framesRead = frame
    }

    public func close() {
        if let h = handle { sf_close(h) }
        handle = nil
    }

    deinit { close() }

    /// At the end of the stream: fewer frames than the container declares (FLAC's STREAMINFO,
    /// Ogg's last granule) means frames that did not decode; libsndfile stops or skips silently.
    private func checkEnd() throws {
        let decoded = Double(framesRead) / Double(info.sampleRate)
        if var d = damage {
            // Ogg: the walk found the damage; the decoder says how much really decoded.
            d.decoded = decoded
            damage = nil
            try DamagePolicy.handle(path, d)
            return
        }
        guard let declared = info.frames else { return }
        let tolerance: Int64 = isFlac ? 0 : Int64(info.sampleRate / 100)
        guard declared - framesRead > tolerance else { return }
        let d = StreamDamage(expected: Double(declared) / Double(info.sampleRate), decoded: decoded,
                             gaps: [.init(at: decoded, seconds: Double(declared - framesRead) / Double(info.sampleRate))],
                             cause: "stream error at \(StreamDamage.clock(decoded))")
        try DamagePolicy.handle(path, d)
    }

    /// What a file that libsndfile does not recognize lacks, by its extension.
    static func missingHeader(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "flac": return "no FLAC stream header"
        case "ogg", "oga", "opus": return "no Ogg pages"
        case "wav", "w64", "rf64": return "no RIFF/WAVE header"
        case "aif", "aiff": return "no AIFF header"
        default: return "format not recognised"
        }
    }

    /// libsndfile opens a truncated WAV/AIFF and quietly shortens it; its log says "(should be …)"
    /// on the data chunk. A user must hear about that rather than get half a song.
    private func checkHeaderAgainstFileSize() throws {
        guard let h = handle else { return }
        var log = [CChar](repeating: 0, count: 8192)
        sf_command(h, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(cString: log)
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if (t.hasPrefix("data") || t.hasPrefix("SSND")) && t.contains("should be") {
                throw AudioError.truncated(path, readableSeconds: info.durationSeconds ?? 0)
            }
        }
    }

    private static func formatName(_ h: OpaquePointer, _ code: Int32, command: Int) -> String? {
        var count: Int32 = 0
        let countCommand = command == SFC_GET_FORMAT_MAJOR ? SFC_GET_FORMAT_MAJOR_COUNT : SFC_GET_FORMAT_SUBTYPE_COUNT
        sf_command(nil, Int32(countCommand), &count, Int32(MemoryLayout<Int32>.size))
        for i in 0..<count {
            var fi = SF_FORMAT_INFO()
            fi.format = i
            sf_command(nil, Int32(command), &fi, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            if fi.format == code, let name = fi.name { return String(cString: name) }
        }
        return nil
    }
}
