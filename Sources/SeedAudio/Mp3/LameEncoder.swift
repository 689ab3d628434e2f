import CLame
import Foundation

/// One libmp3lame encoder set up the way seed writes MP3: LAME's default quality (-q 3, the
/// speed/quality point the lame CLI uses), joint stereo, and for the stream's first encoder an
/// ID3v2 tag and a Xing/LAME info frame so players show the right duration and gapless decoders
/// know the encoder delay and padding.
final class LameEncoder {
    private var lame: OpaquePointer?
    private let channels: Int
    private var scratch: [UInt8] = []
    /// Encoded bytes so far.
    private(set) var output: [UInt8] = []

    /// - Parameter header: write the ID3v2 tag (with `title`) and the info frame placeholder.
    /// - Parameter reservoir: let frames borrow unused bytes of earlier frames (LAME's default).
    init(settings: EncoderSettings, title: String?, header: Bool, reservoir: Bool = true) throws {
        guard Mp3Sink.sampleRates.contains(settings.sampleRate) else {
            throw AudioError.encoderFailed("MP3 cannot be written at \(settings.sampleRate) Hz")
        }
        guard (1...2).contains(settings.channels) else {
            throw AudioError.encoderFailed("MP3 is mono or stereo; downmix \(settings.channels) channels first")
        }
        channels = settings.channels
        guard let gf = lame_init() else { throw AudioError.encoderFailed("lame_init failed") }
        lame = gf
        lame_set_in_samplerate(gf, Int32(settings.sampleRate))
        lame_set_out_samplerate(gf, Int32(settings.sampleRate))
        lame_set_num_channels(gf, Int32(settings.channels))
        lame_set_mode(gf, settings.channels == 1 ? MONO : JOINT_STEREO)
        lame_set_quality(gf, 3)
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
        lame_set_bWriteVbrTag(gf, header ? 1 : 0)
        if !reservoir { lame_set_disable_reservoir(gf, 1) }
        if header {
            id3tag_init(gf)
            id3tag_v2_only(gf)
            id3tag_set_title(gf, title ?? "")
            _ = id3tag_set_fieldvalue(gf, "TSSE=seed")
        }
        guard lame_init_params(gf) >= 0 else {
            lame_close(gf); lame = nil
            throw AudioError.encoderFailed("LAME rejected \(settings.mp3) at \(settings.sampleRate) Hz, \(settings.channels) ch")
        }
    }

    /// Encodes `frames` interleaved frames, appending to `output`. LAME copies each call's input
    /// into buffers of its own, so a long input goes in blocks.
    func encode(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        guard let gf = lame, frames > 0 else { return }
        let block = 8192
        let needed = block + block / 4 + 7200  // LAME's documented worst case
        if scratch.count < needed { scratch = [UInt8](repeating: 0, count: needed) }
        var done = 0
        while done < frames {
            let n = min(block, frames - done)
            let input = samples.baseAddress! + done * channels
            let written: Int32 = scratch.withUnsafeMutableBufferPointer { out in
                if channels == 2 {
                    return lame_encode_buffer_interleaved_ieee_float(gf, input, Int32(n), out.baseAddress, Int32(out.count))
                }
                return lame_encode_buffer_ieee_float(gf, input, input, Int32(n), out.baseAddress, Int32(out.count))
            }
            guard written >= 0 else { throw AudioError.encoderFailed("LAME error \(written)") }
            output.append(contentsOf: scratch[0..<Int(written)])
            done += n
        }
    }

    /// Encodes what LAME still holds (the last frames, padded).
    func flush() throws {
        guard let gf = lame else { return }
        if scratch.count < 7200 { scratch = [UInt8](repeating: 0, count: 7200) }
        let n = scratch.withUnsafeMutableBufferPointer { lame_encode_flush(gf, $0.baseAddress, Int32($0.count)) }
        guard n >= 0 else { throw AudioError.encoderFailed("LAME flush error \(n)") }
        output.append(contentsOf: scratch[0..<Int(n)])
    }

    /// After `flush`: LAME's info frame for what it encoded (the splicer corrects its counts).
    func infoFrame() -> [UInt8] {
        guard let gf = lame else { return [] }
        var frame = [UInt8](repeating: 0, count: 2880)
        let n = frame.withUnsafeMutableBufferPointer { lame_get_lametag_frame(gf, $0.baseAddress, $0.count) }
        return n > 0 && n <= frame.count ? Array(frame[0..<n]) : []
    }

    /// After `flush`: samples of silence LAME added at the end to fill the last frame.
    var padding: Int { lame.map { Int(lame_get_encoder_padding($0)) } ?? 0 }

    deinit { if let gf = lame { lame_close(gf) } }
}
