import Foundation

/// Autocorrelation of an onset function accumulated frame by frame: each new frame adds its
/// products with the `maxLag` frames before it, so a long input needs only that much history.
/// The sums for each lag are taken in the same order as a direct Σ x[i]·x[i+lag] over i.
public struct OnsetAutocorrelation: Sendable {
    public let maxLag: Int
    /// Frames pushed so far.
    public private(set) var count = 0
    private var sums: [Float]
    private var total: Double = 0
    // Linear history; the newest `maxLag` frames move to the front when it fills.
    private var history: [Float]
    private var filled = 0

    public init(maxLag: Int) {
        self.maxLag = maxLag
        sums = [Float](repeating: 0, count: maxLag + 1)
        history = [Float](repeating: 0, count: 4 * (maxLag + 1) + 4096)
    }

    /// Adds frames in order.
    public mutating func push(_ x: UnsafeBufferPointer<Float>) {
        let lags = maxLag
        var seen = count
        sums.withUnsafeMutableBufferPointer { s in
            history.withUnsafeMutableBufferPointer { h in
                for value in x {
                    if filled == h.count {
                        let keep = lags
                        for i in 0..<keep { h[i] = h[filled - keep + i] }
                        filled = keep
                    }
                    h[filled] = value
                    total += Double(value)
                    let top = min(lags, seen)
                    let newest = filled
                    for lag in 0...top { s[lag] += h[newest - lag] * value }
                    filled += 1
                    seen += 1
                }
            }
        }
        count = seen
    }

    /// The mean of the frames pushed so far (0 before any).
    var mean: Float { count > 0 ? Float(total / Double(count)) : 0 }

    /// The autocorrelation at `lag` with the mean removed, over the variance (the correlation of
    /// the input with itself `lag` frames on, -1...1); 0 for a lag past the input or `maxLag`, and
    /// for a flat input, whose variance is rounding error in single precision (under 10⁻⁴ of
    /// its power).
    public func normalized(atLag lag: Int) -> Float {
        guard lag >= 0, lag <= maxLag, count - lag > 0 else { return 0 }
        let power = sums[0] / Float(count), square = mean * mean
        let variance = power - square
        guard variance > 1e-4 * power else { return 0 }
        return (sums[lag] / Float(count - lag) - square) / variance
    }

    /// Unbiased autocorrelation r[0...maxLag]: each lag's sum over its number of products
    /// (long lags have fewer); lags at or beyond the input's length are 0.
    public var unbiased: [Float] {
        (0...maxLag).map { lag in count - lag > 0 ? sums[lag] / Float(count - lag) : 0 }
    }
}
