import Foundation

/// Walks the pages of an Ogg file (RFC 3533) before it is decoded: bytes between pages that are
/// not a page (garbage or zeros written over part of the file), and a stream that stops without
/// its end-of-stream page (a cut download). libvorbis passes over both without a word.
struct OggStreamCheck {
    /// Bytes that are not pages, and the granule position (samples) of the page before them.
    struct Junk: Equatable {
        var afterGranule: Int64
        var bytes: Int
        /// Granule of the first page after them that has one, when there is one.
        var nextGranule: Int64?
    }

    var pages = 0
    var junk: [Junk] = []
    /// Granule position of the last whole page (samples of the stream that end there).
    var lastGranule: Int64 = 0
    /// The last page carries the end-of-stream flag.
    var ended = false
    /// Bytes of a page cut off by the end of the file.
    var cutTail = 0

    static func scan(_ path: String) throws -> OggStreamCheck {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw AudioError.unreadable(path, reason: error.localizedDescription)
        }
        return data.withUnsafeBytes { raw in scan(raw.bindMemory(to: UInt8.self)) }
    }

    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> OggStreamCheck {
        var c = OggStreamCheck()
        var p = 0
        var pendingJunk: Int?
        while p < b.count {
            switch page(b, at: p) {
            case .whole(let length, let granule, let eos):
                if let i = pendingJunk, granule >= 0 { c.junk[i].nextGranule = granule; pendingJunk = nil }
                c.pages += 1
                if granule >= 0 { c.lastGranule = granule }
                c.ended = eos
                p += length
            case .cut:
                c.cutTail = b.count - p
                c.ended = false
                p = b.count
            case .none:
                var q = p + 1
                while q < b.count, !(b[q] == 0x4F && isPage(b, q)) { q += 1 }
                // Zeros after the last page are padding, not damage.
                if q >= b.count, c.ended, !containsNonZero(b, p, b.count) { p = q; break }
                c.junk.append(Junk(afterGranule: c.lastGranule, bytes: q - p))
                pendingJunk = c.junk.count - 1
                p = q
            }
        }
        return c
    }

    /// What is wrong (samples at `rate`), or nil when the stream is whole. `declared` is the
    /// decoder's own length, when it knows one.
    func damage(rate: Int, declared: Int64?) -> StreamDamage? {
        guard !junk.isEmpty || !ended || cutTail > 0 else { return nil }
        let r = Double(rate)
        var gaps = junk.map { j -> StreamDamage.Gap in
            let lost = j.nextGranule.map { Double(max(0, $0 - j.afterGranule)) / r } ?? 0
            return .init(at: Double(j.afterGranule) / r, seconds: lost)
        }
        let decoded = Double(lastGranule) / r - gaps.reduce(0) { $0 + $1.seconds }
        let cause: String
        if let j = junk.first {
            cause = "\(junk.reduce(0) { $0 + $1.bytes }) bytes that are not Ogg pages at \(StreamDamage.clock(Double(j.afterGranule) / r))"
        } else {
            cause = "cut off at \(StreamDamage.clock(Double(lastGranule) / r)): the end-of-stream page is missing"
            gaps.append(.init(at: Double(lastGranule) / r, seconds: 0))
        }
        let expected = ended ? declared.map { Double($0) / r } : nil
        return StreamDamage(expected: expected, decoded: max(0, decoded), gaps: gaps, cause: cause)
    }

    enum Page { case whole(length: Int, granule: Int64, eos: Bool), cut, none }

    /// The page at `p`: its header ("OggS", version 0) and segment table give its length.
    static func page(_ b: UnsafeBufferPointer<UInt8>, at p: Int) -> Page {
        guard p + 27 <= b.count else { return p + 4 <= b.count && isCapture(b, p) ? .cut : .none }
        guard isCapture(b, p), b[p + 4] == 0 else { return .none }
        let segments = Int(b[p + 26])
        guard p + 27 + segments <= b.count else { return .cut }
        var body = 0
        for i in 0..<segments { body += Int(b[p + 27 + i]) }
        let length = 27 + segments + body
        guard p + length <= b.count else { return .cut }
        var granule: Int64 = 0
        for i in (0..<8).reversed() { granule = (granule << 8) | Int64(b[p + 6 + i]) }
        return .whole(length: length, granule: granule, eos: b[p + 5] & 0x04 != 0)
    }

    /// A page starts at `q` and the next one (or the end of the file) follows it.
    static func isPage(_ b: UnsafeBufferPointer<UInt8>, _ q: Int) -> Bool {
        guard case .whole(let length, _, _) = page(b, at: q) else { return false }
        let next = q + length
        if next == b.count { return true }
        if case .none = page(b, at: next) { return false }
        return true
    }

    static func isCapture(_ b: UnsafeBufferPointer<UInt8>, _ p: Int) -> Bool {
        b[p] == 0x4F && b[p + 1] == 0x67 && b[p + 2] == 0x67 && b[p + 3] == 0x53
    }
}
