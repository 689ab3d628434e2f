import Foundation

/// The standard beat-tracking metrics, as defined by the MIREX evaluation and implemented in
/// mir_eval.beat (Davies, Degara & Plumbley 2009, "Evaluation methods for musical audio beat
/// tracking algorithms"): F-measure with a ±70 ms window, and the continuity-based CMLt/AMLt with
/// 17.5% phase and period tolerances. Beats before 5 s are ignored, as mir_eval does by default.
public enum BeatMetrics {
    public static func trim(_ beats: [Double], from: Double = 5) -> [Double] { beats.filter { $0 >= from } }

    /// F-measure: one-to-one matches within `window` seconds.
    public static func fMeasure(reference: [Double], estimated: [Double], window: Double = 0.07) -> Double {
        let ref = trim(reference), est = trim(estimated)
        if ref.isEmpty && est.isEmpty { return 1 }
        guard !ref.isEmpty, !est.isEmpty else { return 0 }
        // Greedy matching by distance is maximal here: beats are further apart than 2 windows.
        var pairs: [(Double, Int, Int)] = []
        for (i, r) in ref.enumerated() {
            for (j, e) in est.enumerated() where abs(r - e) <= window { pairs.append((abs(r - e), i, j)) }
        }
        pairs.sort { $0.0 < $1.0 }
        var usedR = Set<Int>(), usedE = Set<Int>()
        for (_, i, j) in pairs where !usedR.contains(i) && !usedE.contains(j) { usedR.insert(i); usedE.insert(j) }
        let matches = Double(usedR.count)
        let precision = matches / Double(est.count), recall = matches / Double(ref.count)
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    /// (CMLc, CMLt, AMLc, AMLt) as mir_eval.beat.continuity computes them.
    public static func continuity(reference: [Double], estimated: [Double], phase: Double = 0.175,
                                  period: Double = 0.175) -> (cmlc: Double, cmlt: Double, amlc: Double, amlt: Double) {
        let ref = trim(reference), est = trim(estimated)
        guard ref.count >= 2, est.count >= 2 else { return (0, 0, 0, 0) }
        let offbeat = zip(ref, ref.dropFirst()).map { ($0 + $1) / 2 }
        var double: [Double] = []
        for (i, r) in ref.enumerated() { double.append(r); if i < offbeat.count { double.append(offbeat[i]) } }
        let variations = [ref, offbeat, double, stride(from: 0, to: ref.count, by: 2).map { ref[$0] },
                          stride(from: 1, to: ref.count, by: 2).map { ref[$0] }]
        var cont: [Double] = [], total: [Double] = []
        for r in variations {
            guard r.count >= 2 else { cont.append(0); total.append(0); continue }
            let n = max(r.count, est.count)
            var success = [Int](repeating: 0, count: n)
            var used = [Bool](repeating: false, count: r.count)
            for m in 0..<est.count {
                var nearest = 0
                for k in 1..<r.count where abs(est[m] - r[k]) < abs(est[m] - r[nearest]) { nearest = k }
                let diff = abs(est[m] - r[nearest])
                guard !used[nearest] else { continue }
                let refInterval: Double, estInterval: Double
                if m == 0 || nearest == 0 {
                    refInterval = nearest + 1 < r.count ? r[nearest + 1] - r[nearest] : r[nearest] - r[nearest - 1]
                    estInterval = m + 1 < est.count ? est[m + 1] - est[m] : est[m] - est[m - 1]
                } else {
                    refInterval = r[nearest] - r[nearest - 1]
                    estInterval = est[m] - est[m - 1]
                }
                guard refInterval > 0 else { continue }
                if diff / refInterval < phase && abs(1 - estInterval / refInterval) < period {
                    used[nearest] = true
                    success[m] = 1
                }
            }
            var longest = 0, run = 0
            for s in success { run = s == 1 ? run + 1 : 0; longest = max(longest, run) }
            cont.append(Double(longest) / Double(n))
            total.append(Double(success.reduce(0, +)) / Double(n))
        }
        return (cont[0], total[0], cont.max()!, total.max()!)
    }
}
