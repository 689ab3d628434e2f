import Foundation

/// The level of the signal the beat networks hear, and the gain that brings it into the range of
/// levels they read best. The band features are log(1 + x) of linear band magnitudes, so they are
/// not level-invariant, and the networks know only the levels of their training data:
/// `Training/make_data.py` sets each excerpt, music or not, to an RMS level drawn from -32 to
/// -12 dBFS and then turns down any whose peak would pass 0.99, so renders with the crest factor
/// of unmastered music seldom end up above -16 dBFS (5% of the development split, which is drawn
/// the same way). A loudly mastered song (-8 to -12 dBFS RMS) lies above that: the beatset 10 dB
/// up reads beat F 0.902 for its 0.947 (a rubato hymn and a madrigal at twice their tempo, a
/// pizzicato 6/8 at half), and free-time singing 20 dB up gets beats. In the lower half of the range the networks hear less:
/// the development split 10 dB down reads F 0.936 for 0.952 and speech 20 dB down gets beats.
///
/// The level is gated as in ITU-R BS.1770-4 (400 ms blocks, here not overlapping; an absolute gate at -70 dBFS and a
/// relative gate 10 dB under the mean of the blocks above it; without the K-weighting filter), so
/// silence before and after a take does not count. Inputs within `targetRange` keep their level
/// (gain 1, the features untouched); others are brought to its nearer end. Not libebur128's
/// loudness (`LoudnessMeter`): that is K-weighted LUFS, while training set the plain RMS, and
/// SeedDSP stays free of I/O libraries.
public struct AnalysisLevel: Sendable {
    /// The gated RMS levels, in dBFS, left as they are. The top is the 95th percentile of the
    /// development split's levels (-15.9 dBFS): louder is seldom in the training data, and there
    /// non-music gets beats (the development split set to -17 and -14 dBFS: 1 and 2 of 53); the
    /// development split 10 dB up, brought down to -19, -16 and -13, read F 0.956, 0.962, 0.960. The
    /// bottom is their median (-23.2 dBFS): quieter inputs brought up to it read as well as the
    /// others (the development split 10 dB down: F 0.958 brought to -23, 0.954 to -31, the 5th
    /// percentile), with no beats on non-music either way.
    public static let targetRange: ClosedRange<Double> = -23 ... -16
    /// A gated level under this (dBFS) is no signal at all: nothing to bring up.
    static let absoluteGate = -70.0
    /// Blocks this far (dB) under the mean of the blocks above the absolute gate are left out.
    static let relativeGate = -10.0

    private let blockFrames: Int
    private var blocks: [Double] = []      // mean square of each whole block
    private var sum = 0.0
    private var count = 0

    /// A meter for frames at `fps` (each frame one value of `OnsetTrack.energy`).
    public init(fps: Double) {
        blockFrames = max(1, Int((0.4 * fps).rounded()))
    }

    /// Adds per-frame mean squares (`OnsetTrack.energy`).
    public mutating func add(_ energy: [Float]) {
        for e in energy {
            sum += Double(e)
            count += 1
            if count == blockFrames {
                blocks.append(sum / Double(count))
                sum = 0
                count = 0
            }
        }
    }

    /// The gated RMS level in dBFS of what was added, or nil where no block passes the absolute
    /// gate (silence; an input shorter than one block counts as one block).
    public var levelDB: Double? {
        var all = blocks
        if count > 0 && (all.isEmpty || count * 2 >= blockFrames) { all.append(sum / Double(count)) }
        let floor = pow(10, Self.absoluteGate / 10)
        let loud = all.filter { $0 > floor }
        guard !loud.isEmpty else { return nil }
        let relative = loud.reduce(0, +) / Double(loud.count) * pow(10, Self.relativeGate / 10)
        let kept = loud.filter { $0 > relative }
        return 10 * log10(kept.reduce(0, +) / Double(kept.count))
    }

    /// The amplitude gain that brings the level into `targetRange`: 1 within it and for silence.
    public var gain: Float {
        guard let level = levelDB else { return 1 }
        let target = min(max(level, Self.targetRange.lowerBound), Self.targetRange.upperBound)
        return target == level ? 1 : Float(pow(10, (target - level) / 20))
    }
}

extension OnsetTrack {
    /// Reads the band features (and the log bands in them) at the level `BeatActivationStream`
    /// reads an input of at most one chunk (two minutes) at, in place, and returns that gain:
    /// `Training/train.py --at-level` trains on exactly what `seed beats` hears. Needs `energy`
    /// (`OnsetStrengthExtractor(keepsBands: true)`); without it the gain is 1.
    @discardableResult
    public mutating func readAtAnalysisLevel() -> Float {
        var level = AnalysisLevel(fps: fps)
        level.add(energy)
        let gain = level.gain
        guard gain != 1, count > 0, !bands.isEmpty else { return 1 }
        let bandCount = bands.count / count / 2
        let frames = count
        bands.withUnsafeMutableBufferPointer {
            rescaleBandFeatures($0, frames: frames, bands: bandCount, gain: gain, previous: nil)
        }
        return gain
    }
}

/// `frames` frames of band features (`OnsetStrengthExtractor`: `bands` log band magnitudes
/// log(1 + x), then their positive SuperFlux differences), in place, as the extractor would have
/// computed them from the input scaled by `gain`: x is linear in the signal, so each log band v
/// becomes log(1 + gain·(eᵛ - 1)), and the differences are taken again against the previous
/// frame's bands widened by the same 3-band maximum filter. `previous` is the log bands of the
/// frame before the first, already rescaled (nil at the input's start, where the extractor starts
/// from zeros, which no gain changes).
public func rescaleBandFeatures(_ features: UnsafeMutableBufferPointer<Float>, frames: Int, bands: Int, gain: Float,
                                previous: UnsafeBufferPointer<Float>?) {
    let width = 2 * bands
    precondition(features.count >= frames * width && bands > 0 && (previous?.count ?? bands) >= bands)
    for t in 0..<frames {
        let row = t * width
        for b in 0..<bands { features[row + b] = rescaledLogBand(features[row + b], gain: gain) }
        for b in 0..<bands {
            let lo = max(0, b - 1), hi = min(bands - 1, b + 1)
            var widened: Float = 0
            if t > 0 {
                let p = row - width
                widened = max(features[p + lo], features[p + b], features[p + hi])
            } else if let previous {
                widened = max(previous[lo], previous[b], previous[hi])
            }
            features[row + bands + b] = max(0, features[row + b] - widened)
        }
    }
}

/// log(1 + gain·(eᵛ - 1)), written as v + log(gain + (1 - gain)·e⁻ᵛ): one exp and one log, cheaper
/// than expm1 and log1p; in Float within 1e-6 of the exact value for gains of 0.005 to 3 and
/// 4e-5 at 300 (50 dB), for every v ≥ 0.
@inline(__always) private func rescaledLogBand(_ v: Float, gain: Float) -> Float {
    v + logf(gain + (1 - gain) * expf(-v))
}
