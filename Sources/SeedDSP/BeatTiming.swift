import Foundation

/// Where a sampled peak lies between frames: the vertex of the parabola through the peak frame
/// and its two neighbours (quadratic interpolation, Smith & Serra 1987), in frames from the peak
/// frame, within ±0.5. Beat times at 100 frames a second would otherwise carry ±5 ms of rounding.
public func peakOffset(_ before: Double, _ peak: Double, _ after: Double) -> Double {
    let curvature = before - 2 * peak + after
    guard curvature < 0 else { return 0 }
    return min(0.5, max(-0.5, 0.5 * (before - after) / curvature))
}

/// The tempo a musician would name for these beat times: the median over the piece of the mean
/// tempo across `span` beats. One interval between frame-rounded beats is off by up to a frame
/// (2.5% at 150 BPM); across 8 beats that error shrinks eightfold, while the median still follows
/// the tempo most of the piece keeps where it changes.
public func typicalBPM(_ times: [Double], span: Int = 8) -> Double {
    guard times.count >= 2 else { return 0 }
    let n = min(span, times.count - 1)
    var local = (0..<(times.count - n)).map { k in 60 * Double(n) / (times[k + n] - times[k]) }
    local.sort()
    return local[local.count / 2]
}
