import Foundation

/// Onset strength per frame, in three frequency regions, and the band features the beat network reads.
public struct OnsetTrack: Sendable {
    /// Frames per second.
    public var fps: Double
    /// Summed spectral flux over all bands, per frame.
    public var total: [Float] = []
    /// Flux below 200 Hz (kick, bass), 200 Hz-2 kHz, above 2 kHz (snare, hats), per frame.
    public var low: [Float] = []
    public var mid: [Float] = []
    public var high: [Float] = []
    /// Per frame, when the extractor keeps them (`keepsBands`): the log band spectrum, then each
    /// band's positive SuperFlux difference, `bandFeatureCount` values in all, flattened. The
    /// learned beat activation's input (`BeatActivationNetwork`).
    public var bands: [Float] = []
    /// Per frame, when the extractor keeps the band features: the mean square of the input samples
    /// of its hop (the hop around the frame's centre, so each sample counts once), the level the
    /// beat networks' gain is set from (`AnalysisLevel`).
    public var energy: [Float] = []

    public init(fps: Double) { self.fps = fps }
    public var count: Int { total.count }

    /// Adds the frames of `more` (the next ones from the same extractor) at the end.
    public mutating func append(_ more: OnsetTrack) {
        total += more.total
        low += more.low
        mid += more.mid
        high += more.high
        bands += more.bands
        energy += more.energy
    }
}

/// Streaming onset-strength function after Böck & Widmer (2013), "Maximum filter vibrato
/// suppression for onset detection" (SuperFlux): magnitude spectrogram → triangular filterbank
/// with 12 bands per octave (30 Hz to Nyquist) → log(1 + x) → positive difference against the
/// previous frame's spectrum widened by a 3-band maximum filter (so vibrato and glides, which move
/// energy to a neighbouring band, do not count as onsets). The flux is kept separately in three
/// regions, as multi-band onset functions help tempo induction (Klapuri, Eronen & Astola 2006).
public final class OnsetStrengthExtractor {
    public let sampleRate: Double
    public let hop: Int
    private let frameLength: Int
    private let fft: RealFFT
    private let window: [Float]
    private let bandStart: [Int]            // first FFT bin of each band
    private let bandWeights: [[Float]]      // its triangular weights from there, normalized to sum 1
    private let bandRegion: [UInt8]
    private var previous: [Float]
    private var current: [Float]
    private var widened: [Float]
    // Scratch buffers as raw pointers: array properties of a class pay exclusivity checks on
    // every element access in the per-frame loops.
    private let re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>
    private let mag: UnsafeMutablePointer<Float>, frame: UnsafeMutablePointer<Float>, win: UnsafeMutablePointer<Float>
    private let bins: Int
    private var pending: [Float] = []
    private var start = 0
    public private(set) var track: OnsetTrack
    private var taken = 0
    /// Whether each frame's band features go into `track.bands`.
    public let keepsBands: Bool
    /// Features per frame in `track.bands`: two per band.
    public var bandFeatureCount: Int { 2 * bandStart.count }

    /// The frame rate `init(sampleRate:fps:)` gives (a whole number of samples per hop).
    public static func fps(sampleRate: Double, fps: Double = 100) -> Double {
        sampleRate / (sampleRate / fps).rounded()
    }

    /// 100 frames per second with 64 ms frames at any analysis rate (16 kHz is what seed uses).
    public init(sampleRate: Double, fps: Double = 100, keepsBands: Bool = false) {
        self.sampleRate = sampleRate
        self.keepsBands = keepsBands
        hop = Int((sampleRate / fps).rounded())
        var n = 1
        while n < Int(0.064 * sampleRate) { n *= 2 }
        frameLength = n
        fft = RealFFT(size: n)
        window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(n))) }
        // Triangular bands at 12 per octave; bands narrower than a bin are merged upward.
        var centers: [Int] = []
        var f = 30.0
        while f < sampleRate / 2 * 0.95 {
            let bin = Int((f * Double(n) / sampleRate).rounded())
            if bin > (centers.last ?? 0) { centers.append(bin) }
            f *= pow(2, 1.0 / 12)
        }
        var edges: [(Int, Int, Int)] = []
        var regions: [UInt8] = []
        for i in 1..<(centers.count - 1) {
            edges.append((centers[i - 1], centers[i], centers[i + 1]))
            let hz = Double(centers[i]) * sampleRate / Double(n)
            regions.append(hz < 200 ? 0 : (hz < 2000 ? 1 : 2))
        }
        bandStart = edges.map(\.0)
        bandWeights = edges.map { e in
            let w = (e.0...e.2).map { k -> Float in
                k <= e.1 ? (e.1 == e.0 ? 1 : Float(k - e.0) / Float(e.1 - e.0))
                    : (e.2 == e.1 ? 1 : Float(e.2 - k) / Float(e.2 - e.1))
            }
            let total = max(1, w.reduce(0, +))
            return w.map { $0 / total }
        }
        bandRegion = regions
        previous = [Float](repeating: 0, count: edges.count)
        current = previous
        widened = previous
        bins = n / 2 + 1
        re = .allocate(capacity: n / 2 + 1); re.initialize(repeating: 0, count: n / 2 + 1)
        im = .allocate(capacity: n / 2 + 1); im.initialize(repeating: 0, count: n / 2 + 1)
        mag = .allocate(capacity: n / 2 + 1); mag.initialize(repeating: 0, count: n / 2 + 1)
        frame = .allocate(capacity: n); frame.initialize(repeating: 0, count: n)
        win = .allocate(capacity: n)
        for i in 0..<n { win[i] = window[i] }
        track = OnsetTrack(fps: Self.fps(sampleRate: sampleRate, fps: fps))
        pending = [Float](repeating: 0, count: (n - hop) / 2)   // centre frames on their hop
    }

    deinit {
        re.deallocate(); im.deallocate(); mag.deallocate(); frame.deallocate(); win.deallocate()
    }

    /// Adds mono samples at `sampleRate`.
    public func push(_ samples: UnsafeBufferPointer<Float>) {
        pending.append(contentsOf: samples)
        while pending.count - start >= frameLength { step() }
        if start > 8 * frameLength {
            pending.removeFirst(start)
            start = 0
        }
    }

    /// The frames computed since the last call, removed from the track (for streaming consumers
    /// such as `BeatTracker`, so the track does not grow with the input).
    public func takeFrames() -> OnsetTrack {
        let frames = track
        taken += track.count
        track = OnsetTrack(fps: track.fps)
        return frames
    }

    /// Flushes and returns the track with one frame per hop of input (after `takeFrames`, the
    /// frames since then).
    public func finish(totalSamples: Int) -> OnsetTrack {
        let frames = (totalSamples + hop - 1) / hop
        pending.append(contentsOf: [Float](repeating: 0, count: frameLength))
        while taken + track.count < frames, pending.count - start >= frameLength { step() }
        return track
    }

    private func step() {
        let length = frameLength
        pending.withUnsafeBufferPointer { p in
            let src = p.baseAddress! + start
            for i in 0..<length { frame[i] = src[i] * win[i] }
            if keepsBands {
                let centre = src + (length - hop) / 2
                var power: Float = 0
                for i in 0..<hop { power += centre[i] * centre[i] }
                track.energy.append(power / Float(hop))
            }
        }
        fft.forward(frame, real: re, imag: im)
        for k in 0..<bins { mag[k] = (re[k] * re[k] + im[k] * im[k]).squareRoot() }
        // Filterbank and log compression.
        let scale = 1 / Float(frameLength) * 4   // a full-scale sine ≈ 1 in its band
        do {
            let m = mag
            for b in 0..<bandStart.count {
                let lo = bandStart[b]
                var sum: Float = 0
                bandWeights[b].withUnsafeBufferPointer { w in
                    for k in 0..<w.count { sum += w[k] * m[lo + k] }
                }
                current[b] = log1p(1000 * scale * sum)
            }
        }
        // SuperFlux: difference against the max-filtered previous frame.
        let n = bandStart.count
        for b in 0..<n {
            widened[b] = max(previous[max(0, b - 1)], previous[b], previous[min(n - 1, b + 1)])
        }
        var sums: (Float, Float, Float) = (0, 0, 0)
        if keepsBands {
            track.bands.append(contentsOf: current)
            for b in 0..<n { track.bands.append(max(0, current[b] - widened[b])) }
        }
        for b in 0..<n {
            let d = current[b] - widened[b]
            if d > 0 {
                switch bandRegion[b] {
                case 0: sums.0 += d
                case 1: sums.1 += d
                default: sums.2 += d
                }
            }
        }
        swap(&previous, &current)
        track.low.append(sums.0)
        track.mid.append(sums.1)
        track.high.append(sums.2)
        track.total.append(sums.0 + sums.1 + sums.2)
        start += hop
    }
}
