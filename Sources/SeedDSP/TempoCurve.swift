import Foundation

/// Segments of steady tempo from beat times: a new segment starts where the local tempo
/// (`localBPM`) moves more than 4% away from the current segment's tempo.
public func tempoCurve(_ times: [Double]) -> [TempoSegment] {
    guard times.count >= 3 else { return [] }
    let local = localBPM(times)
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
