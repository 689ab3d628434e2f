/// Chooses the frame where one chunk's encoding takes over from the previous one's.
enum Mp3Splice {
    /// The first frame `next` supplies: among `candidates`, the one nearest `nominal` where
    /// - both encodings gave the frame before it the same block types, so the window sequence
    ///   (long, start, short, stop) stays valid and the MDCT overlap-add cancels its aliasing, and
    /// - every later frame of `next` still finds room for its main data in the joined stream's
    ///   bit reservoir.
    /// Long blocks on both sides are preferred, away from the transients short blocks are for.
    /// Nil when no candidate qualifies; with `anyBlockTypes`, block types are not compared.
    static func frame(from previous: Mp3FrameRun, to next: Mp3FrameRun, writtenUpTo written: Int,
                      writer: Mp3StreamWriter, nominal: Int, candidates: Range<Int>, anyBlockTypes: Bool = false) -> Int? {
        let usable = max(candidates.lowerBound, written, next.firstFrame + 1)..<min(candidates.upperBound, previous.endFrame, next.endFrame)
        let ordered = usable.sorted { abs($0 - nominal) < abs($1 - nominal) || (abs($0 - nominal) == abs($1 - nominal) && $0 < $1) }
        for longOnly in [true, false] {
            for k in ordered {
                let types = previous.frame(k - 1).lastBlockTypes
                if !anyBlockTypes {
                    guard types == next.frame(k - 1).lastBlockTypes, !longOnly || types.allSatisfy({ $0 == 0 }) else { continue }
                }
                if writer.canJoin(previous, from: written, to: next, at: k) { return k }
            }
        }
        return nil
    }
}
