import Foundation
import SeedFiles

/// Writes Layer III frames taken from several encoders' outputs as one stream, laying every
/// frame's main data out again in the bit reservoir: each frame's data goes as early as the
/// frames before it and `main_data_begin`'s reach allow (ISO/IEC 11172-3 §2.4.3.4.2), and its
/// side information is given the new pointer. Frames are written to the file once no later
/// frame's data can reach back into their slots. Counts, seek points and the music CRC are kept
/// for the info frame, which `finish` writes over its placeholder.
final class Mp3StreamWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    /// Frames not yet written: their bytes end to end, and where each one's slot is.
    private var pending: [UInt8] = []
    private var pendingSlots: [(byteOffset: Int, start: Int, size: Int)] = []
    /// In reservoir coordinates (all main-data slots end to end): where the next frame's slot
    /// starts, and where the main data placed so far ends.
    private var slotCursor = 0
    private var dataEnd = 0
    private var maxBack = 511

    private var infoSize = 0
    private var infoFileOffset: Int?
    private var streamBytes = 0   // from the info frame's start (or the first frame's)
    private var audioFrames = 0
    private var musicCRC: UInt16 = 0
    // Where every `seekStride`-th audio frame ends (bytes from the info frame's start), thinned
    // by half whenever 400 are kept; LAME's seek table points there too.
    private var seekPoints: [Int] = []
    private var seekStride = 1
    private var fileBytes = 0

    init(file: UnsafeMutablePointer<FILE>, path: String) {
        self.file = file
        self.path = path
    }

    /// Writes an ID3v2 tag and the info frame placeholder, which `finish` fills in.
    func writeHeader(id3: [UInt8], infoFrame: [UInt8]?) throws {
        try put(id3[...])
        if let info = infoFrame {
            infoSize = info.count
            infoFileOffset = fileBytes
            try put(info[...])
            streamBytes += info.count
        }
    }

    /// Whether appending `previous`'s frames `from..<k` and then `next`'s from `k` on leaves
    /// room for every frame's main data. Past the join the joined stream's data may lie later
    /// than in `next`'s own stream (less reservoir than its encoder counted on); once it lies no
    /// later, `next`'s own layout proves the rest fits.
    func canJoin(_ previous: Mp3FrameRun, from: Int, to next: Mp3FrameRun, at k: Int) -> Bool {
        var cursor = slotCursor, end = dataEnd
        func place(_ f: Mp3Frame) -> (begin: Int, fits: Bool) {
            let begin = max(end, cursor - f.maxMainDataBegin)
            let fits = begin + f.mainDataBytes <= cursor + f.slotSize
            end = begin + f.mainDataBytes
            cursor += f.slotSize
            return (begin, fits)
        }
        for g in from..<k { _ = place(previous.frame(g)) }
        for g in k..<next.endFrame {
            let slot = cursor
            let (begin, fits) = place(next.frame(g))
            if !fits { return false }
            if slot - begin >= next.frame(g).mainDataBegin { return true }
        }
        return true
    }

    /// Appends frame `g` of `run`.
    func append(_ run: Mp3FrameRun, frame g: Int) throws {
        let f = run.frame(g)
        maxBack = f.maxMainDataBegin
        let begin = max(dataEnd, slotCursor - maxBack)
        let back = slotCursor - begin
        guard begin + f.mainDataBytes <= slotCursor + f.slotSize else {
            throw AudioError.encoderFailed("an MP3 frame's main data does not fit where the streams were joined")
        }
        let frameOffset = pending.count
        run.withParts(g) { head, data in
            pending.append(contentsOf: head)
            pending.append(contentsOf: repeatElement(0, count: f.slotSize))
            pending.withUnsafeMutableBufferPointer { p in
                f.setMainDataBegin(back, at: p.baseAddress! + frameOffset + f.headerSize)
            }
            pendingSlots.append((frameOffset + f.headerSize + f.sideInfoSize, slotCursor, f.slotSize))
            place(data, at: begin)
        }
        dataEnd = begin + f.mainDataBytes
        slotCursor += f.slotSize
        try writeSettled(upTo: max(dataEnd, slotCursor - maxBack))
    }

    /// Copies main data into the slots that cover reservoir positions `at...`.
    private func place(_ data: UnsafeBufferPointer<UInt8>, at: Int) {
        var from = 0, position = at
        for slot in pendingSlots where from < data.count {
            guard position < slot.start + slot.size else { continue }
            let inSlot = position - slot.start
            let n = min(slot.size - inSlot, data.count - from)
            for i in 0..<n { pending[slot.byteOffset + inSlot + i] = data[from + i] }
            from += n
            position += n
        }
    }

    /// Writes the pending frames whose slots end at or before `settled`.
    private func writeSettled(upTo settled: Int) throws {
        var count = 0
        while count < pendingSlots.count, pendingSlots[count].start + pendingSlots[count].size <= settled {
            count += 1
        }
        guard count > 0 else { return }
        let bytes = frameStart(count)
        try writeFrames(pending[0..<bytes], count: count)
        pending.removeFirst(bytes)
        pendingSlots.removeFirst(count)
        for i in pendingSlots.indices { pendingSlots[i].byteOffset -= bytes }
    }

    /// Byte offset in `pending` where pending frame `i` starts (its header).
    private func frameStart(_ i: Int) -> Int {
        i == 0 ? 0 : pendingSlots[i - 1].byteOffset + pendingSlots[i - 1].size
    }

    private func writeFrames(_ bytes: ArraySlice<UInt8>, count: Int) throws {
        for i in 0..<count {
            if audioFrames % seekStride == 0 {
                seekPoints.append(streamBytes + (i + 1 < count ? frameStart(i + 1) : bytes.count))
                if seekPoints.count == 400 {
                    seekPoints = stride(from: 0, to: 400, by: 2).map { seekPoints[$0] }
                    seekStride *= 2
                }
            }
            audioFrames += 1
        }
        musicCRC = bytes.withUnsafeBufferPointer { Mp3InfoTag.crc16($0, musicCRC) }
        streamBytes += bytes.count
        try put(bytes)
    }

    /// Writes what is pending, and `infoTemplate` with this stream's counts over the placeholder;
    /// `padding` is the last encoder's.
    func finish(padding: Int, infoTemplate: [UInt8]?) throws {
        if !pendingSlots.isEmpty { try writeFrames(pending[...], count: pendingSlots.count) }
        pending.removeAll()
        pendingSlots.removeAll()
        guard let template = infoTemplate, template.count == infoSize, let at = infoFileOffset else { return }
        let offsets = (0..<100).map { i -> Int in
            let frame = i * audioFrames / 100
            return i == 0 || seekPoints.isEmpty ? 0 : seekPoints[min(seekPoints.count - 1, frame / seekStride)]
        }
        let counts = Mp3InfoTag.Counts(frames: audioFrames, bytes: streamBytes, seekOffsets: offsets, padding: padding,
                                       musicCRC: musicCRC)
        guard let info = Mp3InfoTag.patched(template, with: counts) else { return }
        errno = 0
        guard fseek(file, at, SEEK_SET) == 0 else { throw FileError.fromWriteErrno(errno == 0 ? EIO : errno, path: path) }
        try put(info[...])
    }

    private func put(_ bytes: ArraySlice<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        errno = 0
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count { throw FileError.fromWriteErrno(errno == 0 ? EIO : errno, path: path) }
        fileBytes += written
    }
}
