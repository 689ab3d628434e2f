import Foundation

/// Segments of steady tempo from beat times: local tempo is the mean over the 8 beats around
/// each interval (one frame-rounded interval is off by up to 2.5%); a new segment starts where
/// it moves more than 4% away from the current segment's tempo.
public func tempoCurve(_ times: [Double]) -> [TempoSegment] {
    guard times.count >= 3 else { return [] }
    let local = (0..<(times.count - 1)).map { i -> Double in
        let lo = max(0, i - 4), hi = min(times.count - 1, i + 4)
        return 60 * Double(hi - lo) / (times[hi] - times[lo])
    }
    var segments: [TempoSegment] = []
    var start = 0
    var values: [Double] = [local[0]]
    for i in 1..<local.count {
        let current = values.sorted()[values.count / 2]
        if abs(local[i] / current - 1) > 0.04 {
            segments.append(TempoSegment(start: times[start], end: times[i], bpm: current))
            start = i
            values = []
        }
        values.append(local[i])
    }
    segments.append(TempoSegment(start: times[start], end: times.last!, bpm: values.sorted()[values.count / 2]))
    return segments.map { TempoSegment(start: $0.start, end: $0.end, bpm: ($0.bpm * 10).rounded() / 10) }
}
