import Foundation

/// Beat decoding with a dynamic Bayesian network over (beat period, position in the beat),
/// decoded by Viterbi: the state space of Krebs, Böck & Widmer (2015), "An efficient state-space
/// model for joint tempo and meter tracking", at the beat level as in Böck, Krebs & Widmer
/// (2014), "A multi-model approach to beat tracking considering heterogeneous music styles".
///
/// - Every beat period τ (in frames) has τ position states; the position advances by one per
///   frame, and only at the end of a beat may the period change, with probability
///   exp(-λ·|τ'/τ - 1|) (λ = 100 by default), so the tempo can drift and jump but not wander.
/// - Observation: the first 1/16 of each beat are "beat" states, which expect a high activation;
///   the rest expect a low one.
/// - A tempo prior (from `tempoSalience`) is added once per beat, which settles the metrical level
///   the way the autocorrelation comb found it.
/// Memory is O(frames · periods) bytes for the back-pointers (2 bytes each), so long inputs are
/// decoded in overlapping chunks by the caller.
public struct BeatDecoder: Sendable {
    public var periods: ClosedRange<Int>
    public var transitionLambda: Double = 100
    public var observationLambda: Int = 16
    /// log-prior weight per beat for each period (index 0 = `periods.lowerBound`).
    public var logPrior: [Float]

    public init(periods: ClosedRange<Int>, logPrior: [Float]? = nil) {
        self.periods = periods
        self.logPrior = logPrior ?? [Float](repeating: 0, count: periods.count)
    }

    /// The frames at which beats fall, given an activation in [0, 1] per frame.
    public func decode(_ activation: [Float]) -> [Int] {
        let frames = activation.count
        guard frames > 2 else { return [] }
        let taus = Array(periods)
        let nt = taus.count
        var offset = [Int](repeating: 0, count: nt + 1)
        for j in 0..<nt { offset[j + 1] = offset[j] + taus[j] }
        let states = offset[nt]
        let beatPositions = taus.map { max(1, Int((Double($0) / Double(observationLambda)).rounded(.up))) }

        // Period changes: P(τ_i → τ_j) ∝ exp(-λ·|τ_j/τ_i - 1|), normalized over j for each i; only
        // changes within 25% are kept (the rest have negligible probability). Stored flat, per
        // destination j: sources fromIndex[fromStart[j]..<fromStart[j+1]] with log-probabilities.
        var fromList: [[(Int, Float)]] = Array(repeating: [], count: nt)
        for i in 0..<nt {
            var row: [(Int, Double)] = []
            for j in 0..<nt {
                let change = abs(Double(taus[j]) / Double(taus[i]) - 1)
                if change < 0.25 { row.append((j, -transitionLambda * change)) }
            }
            let norm = log(row.reduce(0.0) { $0 + exp($1.1) })
            for (j, lp) in row { fromList[j].append((i, Float(lp - norm))) }
        }
        var fromStart = [Int](repeating: 0, count: nt + 1)
        for j in 0..<nt { fromStart[j + 1] = fromStart[j] + fromList[j].count }
        let fromIndex = fromList.flatMap { $0.map(\.0) }
        let fromLogP = fromList.flatMap { $0.map(\.1) }

        // Each tempo's states live in a ring: position p at frame t sits in slot (t - p) mod τ, so
        // advancing every position is free and only the new beat state (p = 0) is written, into
        // the slot the end-of-beat state leaves. Observations add the same log-probability to all
        // non-beat states, which cannot change the arg-max, so only beat states get the
        // difference. Per frame that is O(tempi · neighbours + beat states), not O(all states).
        // Working arrays as raw buffers: the frame loop below runs ~100 times a second of audio
        // over every tempo, and array accesses there would pay bounds and exclusivity checks.
        let d = UnsafeMutableBufferPointer<Float>.allocate(capacity: states)
        d.initialize(repeating: -Float(log(Double(states))))
        let ends = UnsafeMutableBufferPointer<Float>.allocate(capacity: nt)
        ends.initialize(repeating: 0)
        let back = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: frames * nt)
        back.initialize(repeating: 0)
        let slot = UnsafeMutableBufferPointer<Int>.allocate(capacity: nt)   // t mod τ_j, kept by counting
        slot.initialize(repeating: 0)
        defer { d.deallocate(); ends.deallocate(); back.deallocate(); slot.deallocate() }
        let lambda = Float(observationLambda)
        fromIndex.withUnsafeBufferPointer { fromIndex in
        fromLogP.withUnsafeBufferPointer { fromLogP in
        logPrior.withUnsafeBufferPointer { logPrior in
            for t in 0..<frames {
                let a = min(0.999, max(0.001, activation[t]))
                let bonus = log(a) - log((1 - a) / (lambda - 1))
                if t > 0 {
                    for i in 0..<nt {
                        slot[i] += 1
                        if slot[i] == taus[i] { slot[i] = 0 }
                        ends[i] = d[offset[i] + slot[i]]
                    }
                    for j in 0..<nt {
                        var best = -Float.infinity, arg = 0
                        for k in fromStart[j]..<fromStart[j + 1] {
                            let v = ends[fromIndex[k]] + fromLogP[k]
                            if v > best { best = v; arg = fromIndex[k] }
                        }
                        d[offset[j] + slot[j]] = best + logPrior[j]
                        back[t * nt + j] = UInt16(arg)
                    }
                }
                for j in 0..<nt {
                    let tau = taus[j], o = offset[j]
                    var q = slot[j]
                    for _ in 0..<beatPositions[j] {
                        d[o + q] += bonus
                        q = q == 0 ? tau - 1 : q - 1
                    }
                }
                if t % 64 == 63 {
                    var m = -Float.infinity
                    for s in 0..<states { m = max(m, d[s]) }
                    for s in 0..<states { d[s] -= m }
                }
            }
        }}}
        // Backtrack from the best final state.
        let last = frames - 1
        let s = d.indices.max { d[$0] < d[$1] } ?? 0
        var j = 0
        while offset[j + 1] <= s { j += 1 }
        var p = ((last - (s - offset[j])) % taus[j] + taus[j]) % taus[j]
        var beats: [Int] = []
        var t = last
        while t >= 0 {
            if p == 0 {
                beats.append(t)
                if t > 0 {
                    let i = Int(back[t * nt + j])
                    j = i
                    p = taus[i] - 1
                }
            } else {
                p -= 1
            }
            t -= 1
        }
        return beats.reversed()
    }
}
