import Foundation

/// A look-ahead limiter that keeps the true (inter-sample) peak under a ceiling.
///
/// Peak detection follows ITU-R BS.1770-4 Annex 2: the signal is oversampled to 192 kHz or more
/// (`TruePeak.factor`: 4x at 48 kHz, 5x at 44.1 kHz, 9x at 22.05 kHz) with a polyphase low-pass
/// FIR and the largest absolute value of the samples and interpolants is the true peak.
/// The gain curve is the standard look-ahead construction (as in e.g. Giannoulis, Massberg & Reiss,
/// "Digital Dynamic Range Compressor Design", JAES 2012, with a sliding-minimum hold): the gain
/// each frame needs is held with a sliding minimum over the look-ahead window, smoothed by a moving
/// average of the same length (so it reaches the needed value by the peak, without a step), and
/// released exponentially. Where no frame needs reduction the gain is exactly 1, so a signal
/// under the ceiling passes through bit-identical apart from the make-up gain.
public struct TruePeakLimiter {
    public let channels: Int
    /// Output delay in frames (look-ahead plus the oversampling filter's delay).
    public let latency: Int

    private let ceiling: Float
    private let lookahead: Int
    private let releaseCoefficient: Float
    // Phases 1..<factor of the interpolation filter, `taps / 16` vectors each: vector multiplies
    // and a tree sum per phase instead of a chain of dependent adds.
    private let phases: [SIMD16<Float>]
    /// No frame's true peak exceeds the largest sample its interpolants use times this.
    private let gainBound: Float
    private let taps: Int
    private let filterDelay: Int

    // Per channel, the last `taps - 1` gained samples and then a block of new ones, so every
    // frame's FIR window is one contiguous run, oldest first; channel c's line starts at c·lineLength.
    // The block's peaks are found before its gains, so no load waits on a store just made.
    private static let block = 1024
    private var lines: [Float]
    private var lineLength: Int { taps - 1 + Self.block }
    private var peaks: [Float]
    private var delay: [Float]               // input frames waiting for their gain, ring of `latency + 1`
    private var delayPos = 0
    private var minQueue: [(index: Int, value: Float)] = []  // monotonic deque for the sliding minimum
    private var minHead = 0
    private var boxRing: [Float]
    private var boxPos = 0
    private var boxSum: Double
    private var released: Float = 1
    private var frameIndex = 0
    /// Largest gain reduction applied so far (dB, ≤ 0).
    public var maxReductionDB: Double { lowestGain < 1 ? 20 * log10(Double(lowestGain)) : 0 }
    private var lowestGain: Float = 1

    /// - Parameters:
    ///   - ceilingDB: true-peak ceiling in dBTP.
    ///   - lookaheadMs: how early the gain starts to fall before a peak.
    ///   - releaseMs: time constant of the gain's return to 1.
    public init(sampleRate: Int, channels: Int, ceilingDB: Double, lookaheadMs: Double = 5, releaseMs: Double = 100) {
        self.channels = channels
        ceiling = Float(pow(10, ceilingDB / 20))
        lookahead = max(2, Int(lookaheadMs / 1000 * Double(sampleRate)))
        releaseCoefficient = Float(1 - exp(-1 / (releaseMs / 1000 * Double(sampleRate))))
        taps = TruePeak.limiterTaps
        filterDelay = taps / 2
        phases = TruePeak.phaseVectors(factor: TruePeak.factor(sampleRate: sampleRate), taps: taps)
        gainBound = TruePeak.gainBound(phases, taps: taps)
        latency = lookahead - 1 + filterDelay
        lines = [Float](repeating: 0, count: (taps - 1 + Self.block) * channels)
        peaks = [Float](repeating: 0, count: Self.block)
        delay = [Float](repeating: 0, count: (latency + 1) * channels)
        boxRing = [Float](repeating: 1, count: lookahead)
        boxSum = Double(lookahead)
        minQueue.reserveCapacity(lookahead + 1)
    }

    /// Applies `gain` (linear) then limits; writes `frames` frames to `out` (interleaved), delayed
    /// by `latency` frames (the first `latency` frames of the stream come out as silence; callers
    /// drop them, as `LimitingSink` does).
    public mutating func process(_ input: UnsafeBufferPointer<Float>, frames: Int, gain: Float,
                                 into out: UnsafeMutableBufferPointer<Float>) {
        let ch = channels, taps = taps, lag = taps - 1 - filterDelay, lineLength = lineLength, per = taps / 16
        var start = 0
        while start < frames {
            let n = min(Self.block, frames - start)
            // 1. The block's gained samples after each channel's history, then each frame's true
            //    peak: phase 0 is the sample itself, phases 1-3 the interpolants before it.
            phases.withUnsafeBufferPointer { phases in
            lines.withUnsafeMutableBufferPointer { lines in
            peaks.withUnsafeMutableBufferPointer { peaks in
                for c in 0..<ch {
                    let line = lines.baseAddress! + c * lineLength
                    for i in 0..<n { line[taps - 1 + i] = input[(start + i) * ch + c] * gain }
                }
                // Only whether a frame's true peak passes the ceiling matters (step 2), so sixteen
                // frames whose bound (the largest sample they use times the filter's absolute
                // sum) stays under it are not interpolated: the output is the same.
                var skipTo = 0
                for i in 0..<n {
                    if i & 15 == 0 {
                        var m: Float = 0
                        for c in 0..<ch {
                            m = max(m, TruePeak.groupMagnitude(lines.baseAddress! + c * lineLength + i, taps: taps))
                        }
                        if m * gainBound <= ceiling { skipTo = i + 16 }
                    }
                    if i < skipTo {
                        peaks[i] = 0
                        continue
                    }
                    var peak: Float = 0
                    for c in 0..<ch {
                        let window = lines.baseAddress! + c * lineLength + i
                        let raw = UnsafeRawPointer(window)
                        let w = raw.loadUnaligned(as: SIMD16<Float>.self)
                        peak = max(peak, abs(window[lag]))
                        var q = 0
                        while q < phases.count {
                            var acc = w * phases[q]
                            for v in 1..<max(1, per) {
                                acc += raw.loadUnaligned(fromByteOffset: 64 * v, as: SIMD16<Float>.self) * phases[q + v]
                            }
                            peak = max(peak, abs(acc.sum()))
                            q += per
                        }
                    }
                    peaks[i] = peak
                }
            }
            }
            }
            limit(from: start, frames: n, into: out)
            // The block's last `taps - 1` samples are the next block's history.
            lines.withUnsafeMutableBufferPointer { lines in
                for c in 0..<ch {
                    let line = lines.baseAddress! + c * lineLength
                    line.update(from: line + n, count: taps - 1)
                }
            }
            start += n
        }
    }

    /// Steps 2-6 for the frames of one block, whose peaks are in `peaks`.
    private mutating func limit(from start: Int, frames n: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let ch = channels, taps = taps, lineLength = lineLength
        lines.withUnsafeBufferPointer { lines in
        peaks.withUnsafeBufferPointer { peaks in
        delay.withUnsafeMutableBufferPointer { delay in
        for i in 0..<n {
            let f = start + i
            for c in 0..<ch { delay[delayPos * ch + c] = lines[c * lineLength + taps - 1 + i] }
            let peak = peaks[i]
            // 2. The gain this frame needs (for the sample `filterDelay` frames back).
            let need: Float = peak > ceiling ? ceiling / peak : 1
            // 3. Sliding minimum over the look-ahead window.
            while minQueue.count > minHead && minQueue[minQueue.count - 1].value >= need { minQueue.removeLast() }
            minQueue.append((frameIndex, need))
            while minQueue[minHead].index <= frameIndex - lookahead { minHead += 1 }
            if minHead > 4096 { minQueue.removeFirst(minHead); minHead = 0 }
            let held = minQueue[minHead].value
            // 4. Moving average of the held gain: reaches `need` by the peak, without a step.
            boxSum += Double(held) - Double(boxRing[boxPos])
            boxRing[boxPos] = held
            boxPos = boxPos + 1 == lookahead ? 0 : boxPos + 1
            let smooth = Float(boxSum / Double(lookahead))
            // 5. Falls at once with the smoothed curve, rises with the release time constant.
            released = smooth < released ? smooth : released + (smooth - released) * releaseCoefficient
            let g = min(released, 1)
            lowestGain = min(lowestGain, g)
            // 6. Emit the frame that entered `latency` frames ago.
            let outPos = delayPos == latency ? 0 : delayPos + 1
            for c in 0..<ch { out[f * ch + c] = g >= 1 ? delay[outPos * ch + c] : delay[outPos * ch + c] * g }
            delayPos = outPos
            frameIndex += 1
        }
        }
        }
        }
    }
}
