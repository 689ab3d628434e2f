import Foundation

/// Where a FLAC file's audio frames are (RFC 9639): the metadata blocks before them, STREAMINFO's
/// block size, and the frame headers that a decoder can start again from after damage.
struct FlacLayout {
    /// Byte offset of the first frame (after "fLaC" and the metadata blocks).
    var audioStart: Int
    /// STREAMINFO's minimum and maximum block size (equal for a fixed-blocksize stream).
    var minBlock: Int, maxBlock: Int
    var totalSamples: Int64

    /// The metadata of `b`, or nil when it does not start with a FLAC stream header.
    static func read(_ b: UnsafeBufferPointer<UInt8>) -> FlacLayout? {
        guard b.count >= 42, Array(b[0..<4]) == Array("fLaC".utf8) else { return nil }
        var p = 4
        var layout = FlacLayout(audioStart: 0, minBlock: 0, maxBlock: 0, totalSamples: 0)
        while p + 4 <= b.count {
            let header = b[p], length = (Int(b[p + 1]) << 16) | (Int(b[p + 2]) << 8) | Int(b[p + 3])
            if header & 0x7F == 0, p + 4 + 18 <= b.count {
                let s = p + 4
                layout.minBlock = (Int(b[s]) << 8) | Int(b[s + 1])
                layout.maxBlock = (Int(b[s + 2]) << 8) | Int(b[s + 3])
                // 36-bit total sample count at bits 108-143 of STREAMINFO.
                var total = Int64(b[s + 13] & 0x0F)
                for i in 14..<18 { total = (total << 8) | Int64(b[s + i]) }
                layout.totalSamples = total
            }
            p += 4 + length
            if header & 0x80 != 0 { break }
        }
        layout.audioStart = min(p, b.count)
        return layout
    }

    /// The first frame header at or after `from` whose first sample is past `sample`, as
    /// (byte offset, first sample). A header counts when its CRC-8 holds and the next frame
    /// header follows within the largest frame size, so a sync code in garbage is not taken.
    func resync(_ b: UnsafeBufferPointer<UInt8>, after sample: Int64, from: Int) -> (offset: Int, sample: Int64)? {
        var q = max(from, audioStart)
        while q + 6 <= b.count {
            if b[q] == 0xFF, b[q + 1] & 0xFE == 0xF8, let first = firstSample(b, at: q), first > sample, first < totalSamples {
                if followedByFrame(b, at: q, first: first) { return (q, first) }
            }
            q += 1
        }
        return nil
    }

    /// Whether another header with a later first sample starts within 64 KB after `at`, or the file ends first.
    private func followedByFrame(_ b: UnsafeBufferPointer<UInt8>, at: Int, first: Int64) -> Bool {
        let limit = min(b.count, at + 65_536)
        var r = at + 6
        while r + 6 <= limit {
            if b[r] == 0xFF, b[r + 1] & 0xFE == 0xF8, let next = firstSample(b, at: r), next > first { return true }
            r += 1
        }
        return limit == b.count
    }

    /// The first sample of the frame whose header starts at `q`, or nil when it is not a valid header.
    func firstSample(_ b: UnsafeBufferPointer<UInt8>, at q: Int) -> Int64? {
        let variable = b[q + 1] & 1 == 1
        let blockCode = b[q + 2] >> 4, rateCode = b[q + 2] & 0x0F
        guard blockCode != 0, rateCode != 15, b[q + 3] & 1 == 0, (b[q + 3] >> 4) < 11, (b[q + 3] >> 1) & 7 != 3 else { return nil }
        // The frame or sample number, UTF-8 coded (up to 7 bytes).
        var p = q + 4
        let lead = b[p]
        var extra = 0
        var value: Int64
        if lead < 0x80 { value = Int64(lead) } else {
            extra = 1
            while lead & (0x40 >> UInt8(extra)) != 0, extra < 6 { extra += 1 }
            guard lead & 0xC0 == 0xC0 else { return nil }
            value = Int64(lead & (0x3F >> UInt8(extra)))
            for i in 1...extra {
                guard p + i < b.count, b[p + i] & 0xC0 == 0x80 else { return nil }
                value = (value << 6) | Int64(b[p + i] & 0x3F)
            }
        }
        p += 1 + extra
        if blockCode == 6 { p += 1 } else if blockCode == 7 { p += 2 }
        if rateCode == 12 { p += 1 } else if rateCode == 13 || rateCode == 14 { p += 2 }
        guard p < b.count, crc8(b, q, p) == b[p] else { return nil }
        return variable ? value : value * Int64(max(1, minBlock))
    }

    /// CRC-8, polynomial x^8 + x^2 + x + 1, over `b[from..<to]` (the frame header's check).
    private func crc8(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt8 {
        var c: UInt8 = 0
        for i in from..<to {
            c ^= b[i]
            for _ in 0..<8 { c = c & 0x80 != 0 ? (c << 1) ^ 0x07 : c << 1 }
        }
        return c
    }
}
