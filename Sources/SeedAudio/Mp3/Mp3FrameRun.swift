/// One encoder's output cut into Layer III frames, with each frame's main data found in the bit
/// reservoir (the concatenated main-data slots), so the frames can be laid out again in another
/// stream.
struct Mp3FrameRun {
    /// Global index (in the whole stream's audio frames) of `frames[0]`.
    let firstFrame: Int
    let frames: [Mp3Frame]
    /// Where each frame starts in `bytes`.
    private let offsets: [Int]
    private let bytes: [UInt8]
    /// The main-data slots of all frames, end to end.
    private let reservoir: [UInt8]
    /// Where each frame's main data starts in `reservoir`.
    private let mainDataStart: [Int]
    /// The ID3v2 tag before the first frame, if any.
    let id3: [UInt8]
    /// The Xing/Info frame placeholder, if the output starts with one.
    let infoFrame: [UInt8]?
    /// The info frame the encoder made when it finished, for the joined stream's.
    var infoTemplate: [UInt8]?

    /// - Parameter infoFirst: the first frame (after any ID3v2 tag) is the info frame placeholder
    ///   (LAME's, whose tag fields are still empty).
    init(_ output: [UInt8], firstFrame: Int, infoFirst: Bool) throws {
        self.firstFrame = firstFrame
        bytes = output
        var frames: [Mp3Frame] = [], offsets: [Int] = [], reservoir: [UInt8] = [], starts: [Int] = []
        var id3: [UInt8] = [], info: [UInt8]? = nil
        try output.withUnsafeBufferPointer { b in
            var at = 0
            // ID3v2: "ID3", version, flags, then a 28-bit syncsafe size of what follows the 10-byte header.
            if b.count >= 10, b[0] == 0x49, b[1] == 0x44, b[2] == 0x33 {
                let size = (Int(b[6]) << 21) | (Int(b[7]) << 14) | (Int(b[8]) << 7) | Int(b[9])
                at = min(b.count, 10 + size)
                id3 = Array(b[0..<at])
            }
            while at < b.count {
                guard let f = Mp3Frame.parse(b, at: at) else {
                    throw AudioError.encoderFailed("LAME wrote bytes that are not an MP3 frame at byte \(at)")
                }
                let side = at + f.headerSize + f.sideInfoSize
                if infoFirst && frames.isEmpty && info == nil {
                    info = Array(b[at..<at + f.size])
                } else {
                    let start = reservoir.count - f.mainDataBegin
                    guard start >= 0 else {
                        throw AudioError.encoderFailed("an MP3 frame points before the start of its stream")
                    }
                    frames.append(f)
                    offsets.append(at)
                    starts.append(start)
                    reservoir.append(contentsOf: b[side..<at + f.size])
                }
                at += f.size
            }
        }
        for (i, f) in frames.enumerated() where starts[i] + f.mainDataBytes > reservoir.count {
            throw AudioError.encoderFailed("an MP3 frame's main data runs past the end of its stream")
        }
        self.frames = frames
        self.offsets = offsets
        self.reservoir = reservoir
        mainDataStart = starts
        self.id3 = id3
        infoFrame = info
    }

    /// Global index just past the last frame.
    var endFrame: Int { firstFrame + frames.count }

    /// The frame with global index `g`.
    func frame(_ g: Int) -> Mp3Frame { frames[g - firstFrame] }

    /// Calls `body` with frame `g`'s header and side information, and its main data.
    func withParts<R>(_ g: Int, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let i = g - firstFrame, f = frames[i]
        return try bytes.withUnsafeBufferPointer { b in
            try reservoir.withUnsafeBufferPointer { r in
                try body(UnsafeBufferPointer(rebasing: b[offsets[i]..<offsets[i] + f.headerSize + f.sideInfoSize]),
                         UnsafeBufferPointer(rebasing: r[mainDataStart[i]..<mainDataStart[i] + f.mainDataBytes]))
            }
        }
    }
}
