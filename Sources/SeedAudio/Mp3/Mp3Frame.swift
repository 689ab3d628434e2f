/// What the splicer needs of one MPEG audio Layer III frame: its size, where its side information
/// sits, and from the side information the bit reservoir pointer, how many bits of main data the
/// frame has and the block types of its last granule (ISO/IEC 11172-3 §2.4.1.7 and, for the
/// 16-24 kHz and 8-12 kHz rates, ISO/IEC 13818-3 §2.4.1.7).
struct Mp3Frame: Equatable {
    /// Whole frame in bytes (header, CRC, side information and main-data slot).
    var size: Int
    /// Header and CRC, then the side information: the main-data slot starts after them.
    var headerSize: Int
    var sideInfoSize: Int
    /// Bytes of main data that come from the slots of earlier frames (`main_data_begin`).
    var mainDataBegin: Int
    /// Sum of part2_3_length over granules and channels: the frame's main data in bits.
    var mainDataBits: Int
    /// Block type (0 long, 1 start, 2 short, 3 stop) of the last granule, per channel.
    var lastBlockTypes: [UInt8]
    var isMpeg1: Bool

    /// Bytes of main data the frame's own slot holds.
    var slotSize: Int { size - headerSize - sideInfoSize }
    /// Main data in whole bytes.
    var mainDataBytes: Int { (mainDataBits + 7) / 8 }
    /// Furthest `main_data_begin` can reach back (9 bits in MPEG-1, 8 in MPEG-2).
    var maxMainDataBegin: Int { isMpeg1 ? 511 : 255 }

    /// The Layer III frame starting at `offset`, or nil when the bytes there are not one (or the
    /// frame runs past the end).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Mp3Frame? {
        guard let h = Mp3Header.parse(bytes, at: offset) else { return nil }
        let isMpeg1 = h.isMpeg1, channels = h.channels, size = h.size, headerSize = h.headerSize
        let sideInfoSize = isMpeg1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17)
        guard offset + size <= bytes.count, headerSize + sideInfoSize <= size else { return nil }

        var bits = BitReader(bytes, byteOffset: offset + headerSize)
        let mainDataBegin = bits.read(isMpeg1 ? 9 : 8)
        bits.skip(isMpeg1 ? (channels == 1 ? 5 : 3) : channels)  // private bits
        if isMpeg1 { bits.skip(4 * channels) }                    // scfsi
        var total = 0
        var last = [UInt8](repeating: 0, count: channels)
        for _ in 0..<(isMpeg1 ? 2 : 1) {
            for ch in 0..<channels {
                total += bits.read(12)                            // part2_3_length
                bits.skip(9 + 8 + (isMpeg1 ? 4 : 9))              // big_values, global_gain, scalefac_compress
                let switching = bits.read(1) == 1
                last[ch] = switching ? UInt8(bits.read(2)) : 0
                bits.skip(switching ? 1 + 10 + 9 : 15 + 4 + 3)   // the rest of both layouts is 22 bits
                bits.skip(isMpeg1 ? 3 : 2)                        // (preflag,) scalefac_scale, count1table_select
            }
        }
        return Mp3Frame(size: size, headerSize: headerSize, sideInfoSize: sideInfoSize, mainDataBegin: mainDataBegin,
                        mainDataBits: total, lastBlockTypes: last, isMpeg1: isMpeg1)
    }

    /// Writes `value` as the frame's `main_data_begin` into its side information at `sideInfo`.
    func setMainDataBegin(_ value: Int, at sideInfo: UnsafeMutablePointer<UInt8>) {
        if isMpeg1 {
            sideInfo[0] = UInt8(value >> 1)
            sideInfo[1] = (sideInfo[1] & 0x7F) | UInt8((value & 1) << 7)
        } else {
            sideInfo[0] = UInt8(value)
        }
    }
}

/// The 4-byte header of a Layer III frame (ISO/IEC 11172-3 §2.4.2.3, 13818-3 for the low rates).
struct Mp3Header: Equatable {
    var size: Int
    var headerSize: Int
    var sampleRate: Int
    var channels: Int
    var isMpeg1: Bool

    /// Samples per channel the frame decodes to.
    var samples: Int { Mp3Sink.samplesPerFrame(sampleRate: sampleRate) }

    /// The header at `offset`, or nil when the 4 bytes there are not a Layer III header
    /// (free format and reserved values included). The frame may run past the buffer.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Mp3Header? {
        guard offset >= 0, offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] & 0xE0 == 0xE0 else { return nil }
        let b1 = bytes[offset + 1], b2 = bytes[offset + 2], b3 = bytes[offset + 3]
        let version = (b1 >> 3) & 3           // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        guard version != 1, (b1 >> 1) & 3 == 1 else { return nil }  // Layer III only
        let bitrateIndex = Int(b2 >> 4), rateIndex = Int((b2 >> 2) & 3)
        guard bitrateIndex > 0, bitrateIndex < 15, rateIndex < 3, b3 & 3 != 2 else { return nil }  // no free format; emphasis 2 reserved
        let isMpeg1 = version == 3
        let baseRate = [44100, 48000, 32000][rateIndex]
        let sampleRate = isMpeg1 ? baseRate : (version == 2 ? baseRate / 2 : baseRate / 4)
        // Bitrate index 1-14 into the standard tables (0 is free format, 15 forbidden).
        let kbps = (isMpeg1 ? Mp3Sink.mpeg1Bitrates : Mp3Sink.mpeg2Bitrates)[bitrateIndex - 1]
        let size = Mp3Sink.frameBytes(kbps: kbps, sampleRate: sampleRate) + Int((b2 >> 1) & 1)
        return Mp3Header(size: size, headerSize: b1 & 1 == 0 ? 6 : 4, sampleRate: sampleRate,
                         channels: b3 >> 6 == 3 ? 1 : 2, isMpeg1: isMpeg1)
    }
}

/// Most-significant-bit-first reader over a byte buffer.
private struct BitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int  // in bits

    init(_ bytes: UnsafeBufferPointer<UInt8>, byteOffset: Int) {
        self.bytes = bytes
        position = byteOffset * 8
    }

    mutating func read(_ count: Int) -> Int {
        var v = 0
        for _ in 0..<count {
            let byte = bytes[position >> 3]
            v = (v << 1) | Int((byte >> (7 - UInt8(position & 7))) & 1)
            position += 1
        }
        return v
    }

    mutating func skip(_ count: Int) { position += count }
}
