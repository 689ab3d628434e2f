import CLame
import Foundation

/// MP3 through libmp3lame directly, with an ID3v2 tag and a Xing/LAME info frame so players show
/// the right duration and gapless decoders know the encoder delay and padding.
public final class Mp3Sink: AudioSink {
    private var lame: OpaquePointer?
    private var file: UnsafeMutablePointer<FILE>?
    private let path: String
    private let channels: Int
    private var mp3buf: [UInt8] = []

    /// LAME's accepted output rates (MPEG-1, 2 and 2.5).
    public static let sampleRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]
    /// Standard bitrates for MPEG-1 Layer III (32-48 kHz).
    public static let mpeg1Bitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    /// Standard bitrates for MPEG-2/2.5 Layer III (8-24 kHz).
    public static let mpeg2Bitrates = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

    public init(path: String, settings: EncoderSettings, title: String? = nil) throws {
        guard Self.sampleRates.contains(settings.sampleRate) else {
            throw AudioError.encoderFailed("MP3 cannot be written at \(settings.sampleRate) Hz")
        }
        guard (1...2).contains(settings.channels) else {
            throw AudioError.encoderFailed("MP3 is mono or stereo; downmix \(settings.channels) channels first")
        }
        self.path = path
        self.channels = settings.channels
        guard let gf = lame_init() else { throw AudioError.encoderFailed("lame_init failed") }
        lame = gf
        lame_set_in_samplerate(gf, Int32(settings.sampleRate))
        lame_set_out_samplerate(gf, Int32(settings.sampleRate))
        lame_set_num_channels(gf, Int32(settings.channels))
        lame_set_mode(gf, settings.channels == 1 ? MONO : JOINT_STEREO)
        lame_set_quality(gf, 3)  // LAME's own default (-q 3): the speed/quality point the lame CLI uses
        switch settings.mp3 {
        case .cbr(let kbps):
            lame_set_VBR(gf, vbr_off)
            lame_set_brate(gf, Int32(kbps))
        case .vbr(let q):
            lame_set_VBR(gf, vbr_default)
            lame_set_VBR_quality(gf, Float(q))
        case .abr(let kbps, let minKbps):
            lame_set_VBR(gf, vbr_abr)
            lame_set_VBR_mean_bitrate_kbps(gf, Int32(kbps))
            lame_set_VBR_min_bitrate_kbps(gf, Int32(minKbps))
            lame_set_VBR_hard_min(gf, 1)
        }
        lame_set_bWriteVbrTag(gf, 1)
        id3tag_init(gf)
        id3tag_v2_only(gf)
        id3tag_set_title(gf, title ?? "")
        _ = id3tag_set_fieldvalue(gf, "TSSE=seed")
        guard lame_init_params(gf) >= 0 else {
            lame_close(gf); lame = nil
            throw AudioError.encoderFailed("LAME rejected \(settings.mp3) at \(settings.sampleRate) Hz, \(settings.channels) ch")
        }
        errno = 0
        guard let f = fopen(path, "w+b") else {
            let e = errno
            lame_close(gf); lame = nil
            throw AudioError.fromWriteErrno(e, path: path)
        }
        file = f
    }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        guard let gf = lame, frames > 0 else { return }
        let needed = frames + frames / 4 + 7200  // LAME's documented worst case
        if mp3buf.count < needed { mp3buf = [UInt8](repeating: 0, count: needed) }
        let n: Int32 = mp3buf.withUnsafeMutableBufferPointer { out in
            if channels == 2 {
                return lame_encode_buffer_interleaved_ieee_float(gf, samples.baseAddress, Int32(frames),
                                                                 out.baseAddress, Int32(out.count))
            }
            return lame_encode_buffer_ieee_float(gf, samples.baseAddress, samples.baseAddress, Int32(frames),
                                                 out.baseAddress, Int32(out.count))
        }
        guard n >= 0 else { throw AudioError.encoderFailed("LAME error \(n)") }
        try put(Int(n))
    }

    public func finish() throws {
        guard let gf = lame, let f = file else { return }
        if mp3buf.count < 7200 { mp3buf = [UInt8](repeating: 0, count: 7200) }
        let n = mp3buf.withUnsafeMutableBufferPointer { lame_encode_flush(gf, $0.baseAddress, Int32($0.count)) }
        guard n >= 0 else { throw AudioError.encoderFailed("LAME flush error \(n)") }
        try put(Int(n))
        // Rewrites the first frame as the Xing/LAME info frame (duration, delay, padding).
        lame_mp3_tags_fid(gf, f)
        errno = 0
        let flushed = fflush(f) == 0 && ferror(f) == 0
        let e = errno
        let closed = fclose(f) == 0
        file = nil
        lame_close(gf)
        lame = nil
        if !flushed || !closed { throw AudioError.fromWriteErrno(e == 0 ? EIO : e, path: path) }
    }

    private func put(_ count: Int) throws {
        guard count > 0, let f = file else { return }
        errno = 0
        let written = mp3buf.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, count, f) }
        if written != count { throw AudioError.fromWriteErrno(errno == 0 ? EIO : errno, path: path) }
    }

    deinit {
        if let f = file { fclose(f) }
        if let gf = lame { lame_close(gf) }
    }
}
