import Foundation

/// What a take is, for where its cuts may go: a solo voice (humming, singing, whistling, one
/// melodic instrument alone) is cut in its breaths and gaps whatever pulse it has; music with
/// accompaniment or percussion may be cut on bars.
public enum TakeKind: String, Sendable, Codable {
    case soloVoice = "solo-voice"
    case music

    /// Melodic share at or above which a take is one voice alone. A single line keeps one clear
    /// pitch (autocorrelation clarity, Boersma 1993) on most of its sounding hops; chords and
    /// drums blur it (`scoreHops`). Unaccompanied singing, a trumpet loop and a solo fiddle reach
    /// 0.83-0.94; songs, a sax quartet, piano pieces and bands 0.26-0.66.
    public static let soloShare: Float = 0.7

    /// The kind of a take from the melodic share of its best stretch (`melodicShare(_:levelDB:window:)`).
    public init(melodicShare: Float) {
        self = melodicShare >= Self.soloShare ? .soloVoice : .music
    }
}

/// The share of the sounding hops in `window` that are pitched and sustained: what the take is
/// made of there (speech or noise around a take says nothing about what the take is).
public func melodicShare(_ scores: WindowScores, levelDB: [Float], window: Range<Int>) -> Float {
    var active = 0, melodic: Float = 0
    for i in window where i < levelDB.count && i < scores.melody.count && levelDB[i] > scores.floorDB + 6 {
        active += 1
        melodic += scores.melody[i]
    }
    return active > 0 ? melodic / Float(active) : scores.melodicShare
}

/// The hops scored as melodic (a solo voice) or musical (a mix): what a window should be made of.
/// A hop counts when its score reaches half the median score of `reference` (the best free window),
/// so speech, noise and coughs around a take fall out while its quieter notes stay.
public func musicalHops(_ scores: WindowScores, reference: Range<Int>) -> [Bool] {
    let inside = scores.score[reference].sorted()
    let threshold = inside.isEmpty ? 0 : 0.5 * inside[inside.count / 2]
    return scores.score.map { $0 > 0 && $0 >= threshold }
}

/// The stretch of material around `window`: it grows outward over musical hops and over gaps of
/// non-musical ones shorter than `maxGap` hops (breaths, rests), and stops at a longer run
/// (speech, noise, silence before or after the take) or at `range`'s ends.
public func materialStretch(_ musical: [Bool], around window: Range<Int>, within range: Range<Int>, maxGap: Int) -> Range<Int> {
    var lo = window.lowerBound, gap = 0
    var i = window.lowerBound - 1
    while i >= range.lowerBound {
        if musical[i] { lo = i; gap = 0 } else { gap += 1; if gap > maxGap { break } }
        i -= 1
    }
    var hi = window.upperBound
    gap = 0
    i = window.upperBound
    while i < range.upperBound {
        if musical[i] { hi = i + 1; gap = 0 } else { gap += 1; if gap > maxGap { break } }
        i += 1
    }
    return min(lo, window.lowerBound)..<max(hi, window.upperBound)
}
