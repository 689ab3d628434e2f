import Foundation

/// Where the sound starts and ends in a per-hop peak envelope, in hops [start, end); nil when every
/// hop is under the threshold.
///
/// A hop is sound when its peak reaches `thresholdDB`. So that a soft attack is never cut, the
/// start then walks back through earlier hops while they are still rising out of the background
/// (within `attackRangeDB` below the threshold, at most `maxWalkHops`), and the same forward at the
/// end for a decaying tail; `padHops` of margin go on both sides.
public func silenceBounds(peakDB: [Float], thresholdDB: Float, padHops: Int,
                          attackRangeDB: Float = 15, maxWalkHops: Int = 30) -> Range<Int>? {
    guard let first = peakDB.firstIndex(where: { $0 >= thresholdDB }),
          let last = peakDB.lastIndex(where: { $0 >= thresholdDB }) else { return nil }
    let floor = thresholdDB - attackRangeDB
    var start = first
    while start > 0, first - start < maxWalkHops, peakDB[start - 1] >= floor, peakDB[start - 1] <= peakDB[start] { start -= 1 }
    var end = last + 1
    while end < peakDB.count, end - last - 1 < maxWalkHops, peakDB[end] >= floor, peakDB[end] <= peakDB[end - 1] { end += 1 }
    return max(0, start - padHops)..<min(peakDB.count, end + padHops)
}

/// Raised-cosine fade gain at position `i` of `length` (0 → 1); the ramp of a fade-in.
@inline(__always) public func fadeGain(_ i: Int, length: Int) -> Float {
    guard length > 0 else { return 1 }
    if i >= length { return 1 }
    return Float(0.5 - 0.5 * cos(Double.pi * (Double(i) + 0.5) / Double(length)))
}
