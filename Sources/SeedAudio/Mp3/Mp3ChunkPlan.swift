/// Where a stream is cut for encoding on several cores, in samples per channel. Chunk `c` covers
/// `c·length ..< (c+1)·length`; its encoder also gets `preRoll` samples before (chunks after the
/// first) and `postRoll` after, so the frames around each join are encoded by both neighbours
/// from the same audio and one of them can be picked.
struct Mp3ChunkPlan {
    let samplesPerFrame: Int
    /// Chunk length, a whole number of frames.
    let length: Int
    let preRoll: Int
    let postRoll: Int
    /// Frames at the start of an encoding whose filter bank and psychoacoustic state are not yet
    /// settled, and at its end that already see the flush's zeros: never used at a join.
    private let settle = 4
    private let tail = 3

    init(sampleRate: Int, expectedFrames: Int64?) {
        samplesPerFrame = Mp3Sink.samplesPerFrame(sampleRate: sampleRate)
        let rolls = 12
        preRoll = rolls * samplesPerFrame
        postRoll = rolls * samplesPerFrame
        // About 10 s a chunk (bounded memory). With the length known, an even number of equal
        // chunks, so both cores stay busy to the end; a stream of up to about 36 s is cut in two
        // halves, a few seconds are one chunk (the join would cost more than it saves).
        var frames = 400 * 1152 / samplesPerFrame
        if let n = expectedFrames, n > 0 {
            let total = Int((n + Int64(samplesPerFrame) - 1) / Int64(samplesPerFrame))
            if total < 160 {
                frames = total + 1
            } else if total <= 1400 * 1152 / samplesPerFrame {
                frames = (total + 1) / 2
            } else {
                let chunks = (total + frames - 1) / frames
                frames = (total + (chunks + chunks % 2) - 1) / (chunks + chunks % 2)
            }
        }
        length = frames * samplesPerFrame
    }

    /// First sample of chunk `c`'s encoder input (with its pre-roll unless `preRoll` is false).
    func start(of c: Int, preRoll withRoll: Bool = true) -> Int {
        c == 0 ? 0 : c * length - (withRoll ? preRoll : 0)
    }

    /// End of chunk `c` proper (without its post-roll).
    func end(of c: Int) -> Int { (c + 1) * length }

    /// Frames where chunk `c` may take over from chunk `c - 1`: the first frame chunk `c` supplies.
    func candidates(joining c: Int) -> Range<Int> {
        let nominal = c * length / samplesPerFrame
        return (nominal - preRoll / samplesPerFrame + settle + 1)..<(nominal + postRoll / samplesPerFrame - tail + 1)
    }
}
