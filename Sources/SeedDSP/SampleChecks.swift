import Foundation

/// Index of the first NaN or infinite sample, or nil when every sample is finite.
///
/// Decoders call this on every block: a float file with NaN/Inf would otherwise poison loudness
/// measurement, resampling filters and encoders downstream.
public func firstNonFiniteSample(_ samples: UnsafeBufferPointer<Float>) -> Int? {
    guard let base = samples.baseAddress, !samples.isEmpty else { return nil }
    // NaN and ±inf are the floats whose exponent bits are all set. Integer tests on the bit
    // patterns vectorise, so each block of 1024 is cleared at once and only a block that fails is
    // searched sample by sample.
    return base.withMemoryRebound(to: UInt32.self, capacity: samples.count) { bits in
        let n = samples.count, block = 1024
        var start = 0
        while start < n {
            let end = min(n, start + block)
            var bad: UInt32 = 0
            var i = start
            while i < end { bad |= (bits[i] & 0x7f80_0000) == 0x7f80_0000 ? 1 : 0; i &+= 1 }
            if bad != 0 {
                for j in start..<end where (bits[j] & 0x7f80_0000) == 0x7f80_0000 { return j }
            }
            start = end
        }
        return nil
    }
}

/// Largest absolute sample value.
public func samplePeak(_ samples: UnsafeBufferPointer<Float>) -> Float {
    guard let base = samples.baseAddress else { return 0 }
    return peakAndCount(base, count: samples.count, atLeast: .infinity).peak
}

/// Largest absolute value among `count` finite samples and how many reach `level` in magnitude.
/// The trim pass calls this on every sample: on the magnitudes' bit patterns (sign cleared),
/// integer order is float order, and integer max and count loops vectorise where float max does not.
public func peakAndCount(_ samples: UnsafePointer<Float>, count: Int, atLeast level: Float) -> (peak: Float, count: Int) {
    let threshold = Int32(bitPattern: abs(level).bitPattern)
    return samples.withMemoryRebound(to: Int32.self, capacity: count) { bits in
        var peak: Int32 = 0, over: Int32 = 0
        var i = 0
        while i < count {
            let magnitude = bits[i] & 0x7fff_ffff
            peak = magnitude > peak ? magnitude : peak
            over &+= magnitude >= threshold ? 1 : 0
            i &+= 1
        }
        return (Float(bitPattern: UInt32(bitPattern: peak)), Int(over))
    }
}

/// Converts a linear amplitude to dBFS (-inf for zero).
public func decibels(_ linear: Double) -> Double {
    linear > 0 ? 20 * log10(linear) : -.infinity
}
