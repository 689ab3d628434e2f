import Foundation

/// Walks an MP3 file frame by frame before it is decoded, to find what a decoder would pass over
/// quietly: a start that is missing (the first frame cut), garbage or zeros between frames, a
/// stream cut short of the frame count its Xing/Info header declares, and a last frame cut in
/// half. Tags (ID3v2 at the start, ID3v1 and APEv2 at the end) are not damage.
struct Mp3StreamCheck {
    /// A stretch between frames that is not a frame.
    struct Junk: Equatable {
        /// Frames decoded before it.
        var afterFrame: Int
        var bytes: Int
    }

    var sampleRate = 0
    /// Samples per frame.
    var frameSamples = 1152
    /// Audio frames found (the Xing/Info frame not counted).
    var frames = 0
    /// Frames the Xing/Info header declares, when there is one.
    var declaredFrames: Int?
    /// Encoder delay and padding from the LAME tag (trimmed by a gapless decoder).
    var delay = 0, padding = 0
    /// Bytes before the first frame that are not a tag (the start of the stream is missing).
    var leadingJunk = 0
    var junk: [Junk] = []
    /// Bytes of a last frame that runs past the end of the file.
    var cutTail = 0
    /// Bytes in all taken by frames, for estimating the time a gap of bytes held.
    var frameBytes = 0
    /// The byte ranges that are tags or whole frames: what a decoder is given when salvaging.
    var keep: [Range<Int>] = []

    /// Consecutive headers a resync must find before it is believed (random bytes hold a
    /// plausible header every few kilobytes, rarely three in a row).
    static let resyncRun = 3

    /// Checks the file at `path`; nil when no run of frames is found at all (not an MP3).
    static func scan(_ path: String) throws -> Mp3StreamCheck? {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw AudioError.unreadable(path, reason: error.localizedDescription)
        }
        return data.withUnsafeBytes { raw in scan(raw.bindMemory(to: UInt8.self)) }
    }

    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Mp3StreamCheck? {
        var c = Mp3StreamCheck()
        var p = id3v2Size(b)
        let end = b.count - trailingTagSize(b)
        if p > 0 { c.keep.append(0..<p) }
        // The first frame: where the stream starts, or after the bytes left of a cut one.
        guard let first = resync(b, from: p, end: end) else { return nil }
        c.leadingJunk = containsNonZero(b, p, first) ? first - p : 0
        p = first
        var runStart = p
        guard let h0 = Mp3Header.parse(b, at: p) else { return nil }
        c.sampleRate = h0.sampleRate
        c.frameSamples = h0.samples
        if let f = Mp3Frame.parse(b, at: p), Mp3InfoTag.isInfoFrame(b, frameAt: p, frame: f) {
            c.readInfo(b, at: p, frame: f)
            p += f.size
        }
        while p < end {
            if let h = Mp3Header.parse(b, at: p), h.sampleRate == c.sampleRate {
                if p + h.size > end {
                    c.cutTail = end - p
                    break
                }
                c.frames += 1
                c.frameBytes += h.size
                p += h.size
                continue
            }
            if p > runStart { c.keep.append(runStart..<p) }
            guard let next = resync(b, from: p + 1, end: end) else {
                // Nothing decodable follows: trailing zeros are padding, anything else is damage.
                if containsNonZero(b, p, end) { c.junk.append(Junk(afterFrame: c.frames, bytes: end - p)) }
                break
            }
            c.junk.append(Junk(afterFrame: c.frames, bytes: next - p))
            p = next
            runStart = p
        }
        let runEnd = min(p, end)
        if runEnd > runStart, c.keep.last?.upperBound ?? -1 < runEnd { c.keep.append(runStart..<runEnd) }
        return c
    }

    /// What is wrong, in seconds, or nil when the stream is whole.
    func damage() -> StreamDamage? {
        let rate = Double(sampleRate), spf = Double(frameSamples)
        let trim = Double(delay + padding)
        let decoded = max(0, (Double(frames) * spf - trim) / rate)
        let expected = declaredFrames.map { max(0, (Double($0) * spf - trim) / rate) }
        let meanFrame = frames > 0 ? Double(frameBytes) / Double(frames) : 1
        var gaps: [StreamDamage.Gap] = []
        if leadingJunk > 0 { gaps.append(.init(at: 0, seconds: Double(leadingJunk) / meanFrame * spf / rate)) }
        for j in junk { gaps.append(.init(at: Double(j.afterFrame) * spf / rate, seconds: Double(j.bytes) / meanFrame * spf / rate)) }
        let short = declaredFrames.map { frames < $0 - 1 } ?? false
        if cutTail > 0 || (short && junk.isEmpty) {
            let missing = expected.map { max(0, $0 - decoded) } ?? Double(cutTail) / meanFrame * spf / rate
            gaps.append(.init(at: decoded, seconds: missing))
        }
        guard !gaps.isEmpty || short else { return nil }
        // The declared count says exactly how much is missing; share it among the gaps by bytes.
        if let expected, !gaps.isEmpty {
            let estimated = gaps.reduce(0) { $0 + $1.seconds }
            if estimated > 0 { gaps = gaps.map { .init(at: $0.at, seconds: $0.seconds * max(0, expected - decoded) / estimated) } }
        }
        let cause: String
        if leadingJunk > 0 {
            cause = "the start is missing: \(leadingJunk) bytes before the first whole frame"
        } else if let j = junk.first {
            let bytes = junk.reduce(0) { $0 + $1.bytes }
            cause = "\(bytes) bytes that are not MP3 frames at \(StreamDamage.clock(Double(j.afterFrame) * spf / rate))"
                + (junk.count > 1 ? " and \(junk.count - 1) more places" : "")
        } else {
            cause = "cut off at \(StreamDamage.clock(decoded))"
        }
        return StreamDamage(expected: expected, decoded: decoded, gaps: gaps, cause: cause)
    }

    /// The frame count and the LAME tag's delay and padding.
    private mutating func readInfo(_ b: UnsafeBufferPointer<UInt8>, at p: Int, frame f: Mp3Frame) {
        var o = p + f.headerSize + f.sideInfoSize + 4
        guard o + 4 <= b.count else { return }
        let flags = Self.int(b, o)
        o += 4
        if flags & 1 != 0, o + 4 <= b.count { declaredFrames = Self.int(b, o); o += 4 }
        if flags & 2 != 0 { o += 4 }
        if flags & 4 != 0 { o += 100 }
        if flags & 8 != 0 { o += 4 }
        guard o + 24 <= b.count, b[o] == 0x4C, b[o + 1] == 0x41, b[o + 2] == 0x4D, b[o + 3] == 0x45 else { return }
        // LAME tag: 12-bit delay and 12-bit padding at +21 (plus the decoder's 529-sample lag,
        // which a gapless decoder also trims).
        delay = ((Int(b[o + 21]) << 4) | Int(b[o + 22] >> 4)) + 529
        padding = max(0, ((Int(b[o + 22] & 0x0F) << 8) | Int(b[o + 23])) - 529)
    }

    /// The first offset from `from` where `resyncRun` frames follow one another (or run to the end).
    static func resync(_ b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int? {
        var q = max(0, from)
        while q + 4 <= end {
            if b[q] == 0xFF, let h = Mp3Header.parse(b, at: q) {
                var r = q, run = 0, ok = true
                while run < resyncRun {
                    guard let hr = Mp3Header.parse(b, at: r), hr.sampleRate == h.sampleRate, hr.channels == h.channels else {
                        ok = r >= end && run > 0
                        break
                    }
                    r += hr.size
                    run += 1
                    if r >= end { break }
                }
                if ok { return q }
            }
            q += 1
        }
        return nil
    }

    /// An ID3v2 tag's size at the start (header, body and footer), or 0.
    static func id3v2Size(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard b.count >= 10, b[0] == 0x49, b[1] == 0x44, b[2] == 0x33 else { return 0 }
        let body = (Int(b[6] & 0x7F) << 21) | (Int(b[7] & 0x7F) << 14) | (Int(b[8] & 0x7F) << 7) | Int(b[9] & 0x7F)
        return min(b.count, 10 + body + (b[5] & 0x10 != 0 ? 10 : 0))
    }

    /// ID3v1 ("TAG", 128 bytes) and APEv2 ("APETAGEX" footer) at the end.
    static func trailingTagSize(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var size = 0
        if b.count >= 128, b[b.count - 128] == 0x54, b[b.count - 127] == 0x41, b[b.count - 126] == 0x47 { size = 128 }
        let f = b.count - size - 32
        if f >= 0, Array(b[f..<f + 8]) == Array("APETAGEX".utf8) {
            let tag = Int(b[f + 12]) | (Int(b[f + 13]) << 8) | (Int(b[f + 14]) << 16) | (Int(b[f + 15]) << 24)
            let hasHeader = b[f + 23] & 0x80 != 0
            size += min(b.count - size, tag + (hasHeader ? 32 : 0))
        }
        return size
    }


    static func int(_ b: UnsafeBufferPointer<UInt8>, _ o: Int) -> Int {
        (Int(b[o]) << 24) | (Int(b[o + 1]) << 16) | (Int(b[o + 2]) << 8) | Int(b[o + 3])
    }
}
