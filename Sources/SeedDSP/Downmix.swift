/// Channel downmixing of interleaved buffers.
///
/// Mono is the plain mean of all channels (analysis only needs energy and pitch, and the mean
/// never clips). Stereo from 3 to 8 channels follows the ITU-R BS.775 matrix with SMPTE/WAV
/// channel order (L R C LFE Ls Rs [Lb Rb]): centre and surrounds at -3 dB, LFE dropped, then the
/// result scaled by the largest row sum so a full-scale input cannot clip.
public enum DownmixTarget: Sendable, Equatable {
    case mono
    case stereo
}

/// The gains that map `channels` input channels to the target, row-major `[out][in]`.
public func downmixMatrix(channels: Int, to target: DownmixTarget) -> [[Float]] {
    precondition(channels >= 1)
    switch target {
    case .mono:
        return [Array(repeating: 1 / Float(channels), count: channels)]
    case .stereo:
        if channels == 1 { return [[1], [1]] }
        if channels == 2 { return [[1, 0], [0, 1]] }
        let c: Float = 0.70710678  // -3 dB
        var left = Array(repeating: Float(0), count: channels)
        var right = left
        left[0] = 1; right[1] = 1
        if channels >= 3 { left[2] = c; right[2] = c }          // centre
        // channel 3 is LFE in 4+ channel WAV order: dropped, as BS.775 does.
        if channels == 4 { left[3] = 0; right[3] = 0 }
        if channels >= 5 { left[4] = c }                         // Ls
        if channels >= 6 { right[5] = c }                        // Rs
        if channels >= 7 { left[6] = c }                         // Lb (or Cs)
        if channels >= 8 { right[7] = c }                        // Rb
        if channels == 7 { right[6] = c }                        // 6.1: back centre to both
        let norm = max(left.reduce(0, +), right.reduce(0, +))
        return [left.map { $0 / norm }, right.map { $0 / norm }]
    }
}

/// Mixes `frames` interleaved frames of `matrix[0].count` channels into `out`
/// (interleaved, `matrix.count` channels). `out` must hold `frames * matrix.count` samples.
public func downmix(_ input: UnsafeBufferPointer<Float>, frames: Int, matrix: [[Float]],
                   into out: UnsafeMutableBufferPointer<Float>) {
    let inCh = matrix[0].count, outCh = matrix.count
    precondition(input.count >= frames * inCh && out.count >= frames * outCh)
    // The analysis passes' common cases, as loops the compiler can vectorise.
    if outCh == 1 && inCh <= 2 {
        guard frames > 0 else { return }
        let (i, o) = (input.baseAddress!, out.baseAddress!)
        if inCh == 1 {
            let g = matrix[0][0]
            for f in 0..<frames { o[f] = g * i[f] }
        } else {
            let (g0, g1) = (matrix[0][0], matrix[0][1])
            for f in 0..<frames { o[f] = g0 * i[2 * f] + g1 * i[2 * f + 1] }
        }
        return
    }
    for (o, row) in matrix.enumerated() {
        row.withUnsafeBufferPointer { gains in
            for f in 0..<frames {
                var acc: Float = 0
                let base = f * inCh
                for c in 0..<inCh { acc += gains[c] * input[base + c] }
                out[f * outCh + o] = acc
            }
        }
    }
}
