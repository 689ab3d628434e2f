import Foundation

/// Per-hop "how much would a musician want this in the clip" and "how bad is a cut here".
public struct WindowScores: Sendable {
    /// 0...1 per hop.
    public var score: [Float]
    /// Cost of a cut at the boundary before each hop, 0 (silence) ... 1 (loudest sound).
    public var cutCost: [Float]
    /// The level below which a hop counts as background (dBFS), and the loud reference.
    public var floorDB: Float
    public var loudDB: Float
    /// Share of active hops that are pitched and sustained (a hum or song) rather than noise.
    public var melodicShare: Float
    /// Repetition strength per hop, 0...1 (chorus-like material).
    public var repetition: [Float] = []
    /// How much each hop is a pitched, sustained note, 0...1.
    public var melody: [Float] = []

    public init(score: [Float], cutCost: [Float], floorDB: Float, loudDB: Float, melodicShare: Float, repetition: [Float] = [],
                melody: [Float] = []) {
        self.score = score
        self.cutCost = cutCost
        self.floorDB = floorDB
        self.loudDB = loudDB
        self.melodicShare = melodicShare
        self.repetition = repetition
        self.melody = melody
    }
}

/// Scores each hop from its features.
///
/// - Melodic: pitched (autocorrelation clarity, Boersma 1993) and sustained (the pitch stays within
///   a semitone over 160 ms or more), which is what separates a hummed or sung note from speech,
///   breaths, coughs, clicks and handling noise, all of which are unpitched or briefly pitched.
/// - Active: above the recording's own background level (its 10th percentile, at most 25 dB
///   under its loud parts).
/// - Loud: relative level within the recording (songs: the energetic sections).
/// - Repeated: chroma repetition strength at lags of at least `windowSeconds` (songs: the chorus
///   recurs).
/// - Clipping: hops with clipped samples are penalized.
public func scoreHops(_ track: FeatureTrack, windowSeconds: Double, clippedHops: [Bool]? = nil) -> WindowScores {
    let n = track.count
    guard n > 0 else { return WindowScores(score: [], cutCost: [], floorDB: -120, loudDB: -120, melodicShare: 0) }
    let audible = track.levelDB.filter { $0 > -100 }.sorted()
    let loud = audible.isEmpty ? -120 : audible[min(audible.count - 1, audible.count * 95 / 100)]
    // The background is the quietest tenth of the recording, but at least 25 dB under its loud
    // parts: a take that is music from end to end has no background of its own.
    let floor = audible.isEmpty ? -120 : max(-90, min(audible[audible.count / 10], loud - 25))
    let range = max(6, loud - floor)

    // Runs of stable pitch: a note is held when consecutive pitched hops stay within a semitone.
    var stable = [Float](repeating: 0, count: n)
    var runStart = 0
    func closeRun(_ end: Int) {
        let length = end - runStart
        let minHold = Int((0.16 / track.hopSeconds).rounded())
        let value: Float = length >= minHold ? 1 : (length >= minHold / 2 ? 0.5 : 0)
        for i in runStart..<end { stable[i] = value }
    }
    for i in 0..<n {
        let voiced = track.clarity[i] > 0.5 && track.pitchHz[i] > 0
        let continues = i > runStart && voiced && track.pitchHz[i - 1] > 0 &&
            abs(12 * log2(track.pitchHz[i] / track.pitchHz[i - 1])) < 1
        if !continues {
            closeRun(i)
            runStart = voiced ? i : i + 1
        }
    }
    closeRun(n)

    // Loudness over about a second, so a single loud hit does not pull a window.
    let smoothHops = max(1, Int((0.5 / track.hopSeconds).rounded()))
    let smoothLevel = movingAverage(track.levelDB.map { max($0, floor) }, halfWidth: smoothHops)

    // Repetition per chroma block, stretched to 0...1 between its 10th percentile and maximum
    // (cosine similarities of chroma all sit near 1; what matters is the contrast).
    var factor = 1
    while track.blocks / factor > 2400 { factor *= 2 }
    let blockSeconds = Double(track.blockHops) * track.hopSeconds * Double(factor)
    // Sections repeat at lags of a window length or more; shorter lags are a section repeating
    // its own bars (a four-chord loop), which says nothing about which section is the chorus.
    let rep = repetitionStrength(chroma: coarsenChroma(track.chroma, factor: factor),
                                 minLagBlocks: Int((max(4, windowSeconds) / blockSeconds).rounded(.up)),
                                 halfWidth: Int((min(8, max(2, windowSeconds / 2)) / blockSeconds).rounded()))
    let repSorted = rep.sorted()
    let repMid = repSorted.isEmpty ? 0 : repSorted[repSorted.count / 10]
    let repTop = repSorted.last ?? 0

    var melody = [Float](repeating: 0, count: n)
    var active = 0, melodic: Float = 0
    for i in 0..<n {
        let voiced = smoothstep((track.clarity[i] - 0.45) / 0.35)
        melody[i] = voiced * (0.4 + 0.6 * stable[i])
        if track.levelDB[i] > floor + 6 { active += 1; melodic += melody[i] }
    }
    let share = active > 0 ? melodic / Float(active) : 0
    // Hums and a cappella takes are mostly pitched and sustained; in a full mix, drums and
    // polyphony blur pitch, and the representative section is the loud, repeated one. The two
    // scores blend by how melodic the whole take is.
    let humWeight = smoothstep((share - 0.35) / 0.3)
    var score = [Float](repeating: 0, count: n)
    var repetition = [Float](repeating: 0, count: n)
    for i in 0..<n {
        let act = smoothstep((track.levelDB[i] - (floor + 3)) / 6)
        let loudness = min(1, max(0, (smoothLevel[i] - floor) / range))
        let block = min(rep.count - 1, i / (track.blockHops * factor))
        let repeated = rep.isEmpty || repTop - repMid < 0.01 ? 0.5 : min(1, max(0, (rep[block] - repMid) / (repTop - repMid)))
        repetition[i] = repeated
        let clip: Float = clippedHops.map { i < $0.count && $0[i] ? 0.8 : 0 } ?? 0
        let hum = (0.15 + 0.85 * melody[i]) * (0.6 + 0.4 * loudness) * (0.8 + 0.2 * repeated)
        let song = (0.2 + 0.8 * loudness) * (0.4 + 0.6 * repeated) * (0.8 + 0.2 * melody[i])
        score[i] = act * (humWeight * hum + (1 - humWeight) * song) * (1 - clip)
    }

    // A cut is cheap in the recording's background and at local dips of level.
    let localHops = max(1, Int((1 / track.hopSeconds).rounded()))
    let localMin = movingMinimum(track.levelDB, halfWidth: localHops)
    var cost = [Float](repeating: 0, count: n)
    for i in 0..<n {
        let absolute = min(1, max(0, (track.levelDB[i] - floor) / range))
        let local = min(1, max(0, (track.levelDB[i] - max(floor, localMin[i])) / 20))
        cost[i] = 0.5 * absolute + 0.5 * local
    }
    return WindowScores(score: score, cutCost: cost, floorDB: floor, loudDB: loud, melodicShare: share,
                        repetition: repetition, melody: melody)
}

@inline(__always) func smoothstep(_ x: Float) -> Float {
    let t = min(1, max(0, x))
    return t * t * (3 - 2 * t)
}

/// Centered moving average with a window of 2·halfWidth+1 (shrinking at the ends).
public func movingAverage(_ x: [Float], halfWidth: Int) -> [Float] {
    var prefix = [Double](repeating: 0, count: x.count + 1)
    for i in 0..<x.count { prefix[i + 1] = prefix[i] + Double(x[i]) }
    return (0..<x.count).map { i in
        let lo = max(0, i - halfWidth), hi = min(x.count, i + halfWidth + 1)
        return Float((prefix[hi] - prefix[lo]) / Double(hi - lo))
    }
}

/// Centered moving minimum over 2·halfWidth+1 values (monotonic deque, O(n)).
public func movingMinimum(_ x: [Float], halfWidth: Int) -> [Float] {
    let n = x.count
    var out = [Float](repeating: 0, count: n)
    var deque = [Int](repeating: 0, count: n + 1)
    var head = 0, tail = 0, next = 0
    for i in 0..<n {
        while next < n, next <= i + halfWidth {
            while tail > head, x[deque[tail - 1]] >= x[next] { tail -= 1 }
            deque[tail] = next; tail += 1; next += 1
        }
        while deque[head] < i - halfWidth { head += 1 }
        out[i] = x[deque[head]]
    }
    return out
}
