import Foundation

/// Segments of steady tempo from beat times: local tempo is the median of 8 intervals; a new
/// segment starts where it moves more than 4% away from the current segment's tempo.
public func tempoCurve(_ times: [Double]) -> [TempoSegment] {
    guard times.count >= 3 else { return [] }
    let ibi = zip(times.dropFirst(), times).map { $0 - $1 }
    let local = ibi.indices.map { i -> Double in
        let w = ibi[max(0, i - 4)..<min(ibi.count, i + 4)].sorted()
        return 60 / w[w.count / 2]
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
