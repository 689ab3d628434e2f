/// The Xing/Info frame and its LAME extension (the "LAME tag", as specified at
/// gabriel.mp3-tech.org/mp3infotag.html): frame and byte counts, the 100-entry seek table, the
/// encoder delay and padding that gapless decoders trim, and two CRC-16s. A spliced stream's
/// counts are its own, so they are written here rather than taken from one encoder.
enum Mp3InfoTag {
    /// Whether the frame at `at` is a Xing ("Xing", VBR) or Info ("Info", CBR) frame.
    static func isInfoFrame(_ b: UnsafeBufferPointer<UInt8>, frameAt at: Int, frame f: Mp3Frame) -> Bool {
        let o = at + f.headerSize + f.sideInfoSize
        guard o + 4 <= b.count else { return false }
        let id = Array(b[o..<o + 4])
        return id == Array("Xing".utf8) || id == Array("Info".utf8)
    }

    /// What a finished stream says about itself.
    struct Counts {
        /// Audio frames after the info frame.
        var frames: Int
        /// Bytes from the start of the info frame to the end of the stream.
        var bytes: Int
        /// Byte offset (from the info frame's start) of the frame at each whole percent of the frames, 0...99.
        var seekOffsets: [Int]
        /// Samples of padding in the last frame.
        var padding: Int
        /// CRC-16 of all audio frames' bytes.
        var musicCRC: UInt16
    }

    /// `template` (an info frame LAME wrote) with the counts, seek table, padding, music length and
    /// both CRCs of `counts`; nil when the template is not an info frame.
    static func patched(_ template: [UInt8], with counts: Counts) -> [UInt8]? {
        var t = template
        let ok: Bool = t.withUnsafeMutableBufferPointer { b in
            guard let f = Mp3Frame.parse(UnsafeBufferPointer(b), at: 0), isInfoFrame(UnsafeBufferPointer(b), frameAt: 0, frame: f) else {
                return false
            }
            var o = f.headerSize + f.sideInfoSize + 4
            guard o + 4 <= b.count else { return false }
            let flags = readInt(b, o)
            o += 4
            if flags & 1 != 0 { writeInt(b, o, counts.frames); o += 4 }
            if flags & 2 != 0 { writeInt(b, o, counts.bytes); o += 4 }
            if flags & 4 != 0 {
                for i in 0..<100 {
                    let point = counts.bytes > 0 ? 256 * counts.seekOffsets[i] / counts.bytes : 0
                    b[o + i] = UInt8(min(255, point))
                }
                o += 100
            }
            if flags & 8 != 0 { o += 4 }
            // The LAME extension: 9-byte version, ..., delay and padding at +21, music length at +28,
            // music CRC at +32, and at +34 the CRC of every byte of the frame before it.
            guard o + 36 <= b.count, b[o] == 0x4C, b[o + 1] == 0x41, b[o + 2] == 0x4D, b[o + 3] == 0x45 else { return true }
            let delay = (Int(b[o + 21]) << 4) | Int(b[o + 22] >> 4)
            let padding = min(counts.padding, 0xFFF)
            b[o + 21] = UInt8(delay >> 4)
            b[o + 22] = UInt8((delay & 0xF) << 4) | UInt8(padding >> 8)
            b[o + 23] = UInt8(padding & 0xFF)
            writeInt(b, o + 28, counts.bytes)
            b[o + 32] = UInt8(counts.musicCRC >> 8)
            b[o + 33] = UInt8(counts.musicCRC & 0xFF)
            let tagCRC = crc16(UnsafeBufferPointer(rebasing: b[0..<o + 34]))
            b[o + 34] = UInt8(tagCRC >> 8)
            b[o + 35] = UInt8(tagCRC & 0xFF)
            return true
        }
        return ok ? t : nil
    }

    /// CRC-16 with polynomial 0x8005, bits reflected, starting from `crc` (the CRC the LAME tag uses).
    static func crc16(_ bytes: UnsafeBufferPointer<UInt8>, _ crc: UInt16 = 0) -> UInt16 {
        var c = crc
        for byte in bytes { c = (c >> 8) ^ crcTable[Int((c ^ UInt16(byte)) & 0xFF)] }
        return c
    }

    private static let crcTable: [UInt16] = (0..<256).map { n in
        var c = UInt16(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }

    private static func readInt(_ b: UnsafeMutableBufferPointer<UInt8>, _ o: Int) -> Int {
        (Int(b[o]) << 24) | (Int(b[o + 1]) << 16) | (Int(b[o + 2]) << 8) | Int(b[o + 3])
    }

    private static func writeInt(_ b: UnsafeMutableBufferPointer<UInt8>, _ o: Int, _ v: Int) {
        for i in 0..<4 { b[o + i] = UInt8((v >> (24 - 8 * i)) & 0xFF) }
    }
}
