import Foundation

/// A chosen stretch of hops [start, end) and how good it is.
public struct WindowChoice: Sendable, Equatable, Codable {
    public var start: Int
    public var end: Int
    /// Mean hop score over the full requested length, minus the cut penalties.
    public var score: Float

    public init(start: Int, end: Int, score: Float) {
        self.start = start
        self.end = end
        self.score = score
    }
}

/// Finds the best window of `length` hops (or a little shorter, down to `minLength`, so both ends
/// can land on cheap cut points) inside `range`.
///
/// Objective: (Σ score over the window − `cutHops` · reference · (cost of the start cut + cost of
/// the end cut)) / length, where the reference is the score of good material (90th percentile):
/// a cut straight through a note weighs as much as losing `cutHops` hops of the best material,
/// so the window moves or shrinks a little to cut in a gap, but never gives up much music for it. A cut's cost is the quieter of the two hops it separates: a cut is clean when
/// either side is quiet (just before an onset, just after a release), and costly only through a
/// sounding note. `cuts`, when given (e.g. bar lines from the beat
/// tracker), are the only boundaries allowed. Returns the best window first, then up to
/// `alternatives` runner-ups that overlap every earlier pick by less than half.
public func findBestWindows(scores: WindowScores, range: Range<Int>, length: Int, minLength: Int,
                            cuts: [Int]? = nil, cutHops: Int, alternatives: Int = 3) -> [WindowChoice] {
    let n = scores.score.count
    let lo = max(0, range.lowerBound), hi = min(n, range.upperBound)
    guard hi > lo, length > 0 else { return [] }
    if hi - lo <= length {
        return [WindowChoice(start: lo, end: hi, score: windowScore(scores, lo, hi, length: length))]
    }
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + scores.score[i] }
    func boundaryCost(_ b: Int) -> Float {
        // The file's own start and end are free cuts.
        if b <= 0 || b >= n { return 0 }
        return min(scores.cutCost[b - 1], scores.cutCost[b])
    }
    let allowed = (cuts?.filter { $0 >= lo && $0 <= hi }.sorted()) ?? Array(lo...hi)
    let inv = 1 / Float(length)
    let sorted = scores.score[lo..<hi].sorted()
    let cutWeight = Float(cutHops) * sorted[min(sorted.count - 1, sorted.count * 9 / 10)] * inv
    var perStart: [WindowChoice] = []
    perStart.reserveCapacity(allowed.count)
    var j = 0
    for (index, s) in allowed.enumerated() {
        guard s + minLength <= hi else { break }
        let startCost = boundaryCost(s)
        var best: WindowChoice?
        if j < index { j = index }
        while j < allowed.count, allowed[j] < s + minLength { j += 1 }
        var k = j
        while k < allowed.count, allowed[k] <= s + length {
            let e = allowed[k]
            let value = (prefix[e] - prefix[s]) * inv - cutWeight * (startCost + boundaryCost(e))
            if best == nil || value > best!.score { best = WindowChoice(start: s, end: e, score: value) }
            k += 1
        }
        if let best { perStart.append(best) }
    }
    perStart.sort { $0.score > $1.score || ($0.score == $1.score && $0.start < $1.start) }
    var picked: [WindowChoice] = []
    for c in perStart {
        let clashes = picked.contains { p in
            let overlap = min(p.end, c.end) - max(p.start, c.start)
            return Double(overlap) >= 0.5 * Double(min(p.end - p.start, c.end - c.start))
        }
        if !clashes { picked.append(c) }
        if picked.count > alternatives { break }
    }
    return picked
}

private func windowScore(_ s: WindowScores, _ a: Int, _ b: Int, length: Int) -> Float {
    var sum: Float = 0
    for i in a..<b { sum += s.score[i] }
    return sum / Float(length)
}
