import Foundation

/// Index of the first NaN or infinite sample, or nil when every sample is finite.
///
/// Decoders call this on every block: a float file with NaN/Inf would otherwise poison loudness
/// measurement, resampling filters and encoders downstream.
public func firstNonFiniteSample(_ samples: UnsafeBufferPointer<Float>) -> Int? {
    for i in samples.indices where !samples[i].isFinite { return i }
    return nil
}

/// Largest absolute sample value.
public func samplePeak(_ samples: UnsafeBufferPointer<Float>) -> Float {
    var peak: Float = 0
    for v in samples { peak = max(peak, abs(v)) }
    return peak
}

/// Converts a linear amplitude to dBFS (-inf for zero).
public func decibels(_ linear: Double) -> Double {
    linear > 0 ? 20 * log10(linear) : -.infinity
}
