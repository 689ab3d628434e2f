import CFFTW
import Foundation

/// Real-input FFT of a fixed size, for the analysis features (pitch, chroma, onsets), on FFTW
/// (Frigo & Johnson 2005, "The design and implementation of FFTW3") with split real/imaginary
/// arrays (the guru split-array interface), so callers keep their layout. `forward` and
/// `inverse` allocate nothing; the plans are made once per instance.
public final class RealFFT: @unchecked Sendable {
    /// Transform size (real samples in, n/2 + 1 bins out).
    public let size: Int
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan
    // Scratch for the inverse, which FFTW lets overwrite its input.
    private let scratchRe: UnsafeMutablePointer<Float>, scratchIm: UnsafeMutablePointer<Float>

    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two ≥ 4")
        self.size = size
        let bins = size / 2 + 1
        scratchRe = .allocate(capacity: bins); scratchRe.initialize(repeating: 0, count: bins)
        scratchIm = .allocate(capacity: bins); scratchIm.initialize(repeating: 0, count: bins)
        let samples = UnsafeMutablePointer<Float>.allocate(capacity: size)
        samples.initialize(repeating: 0, count: size)
        defer { samples.deallocate() }
        var dim = fftw_iodim(n: Int32(size), is: 1, os: 1)
        // The planner is not thread-safe (FFTW manual §5.4); executing plans is.
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)
        fftwPlannerLock.lock()
        forwardPlan = fftwf_plan_guru_split_dft_r2c(1, &dim, 0, nil, samples, scratchRe, scratchIm, flags)!
        inversePlan = fftwf_plan_guru_split_dft_c2r(1, &dim, 0, nil, scratchRe, scratchIm, samples, flags)!
        fftwPlannerLock.unlock()
    }

    deinit {
        fftwPlannerLock.lock()
        fftwf_destroy_plan(forwardPlan)
        fftwf_destroy_plan(inversePlan)
        fftwPlannerLock.unlock()
        scratchRe.deallocate()
        scratchIm.deallocate()
    }

    /// Number of output bins: n/2 + 1 (DC to Nyquist).
    public var bins: Int { size / 2 + 1 }

    /// Transforms `size` real samples into `bins` complex bins (unnormalized: a full-scale sine of
    /// bin frequency gives magnitude n/2).
    public func forward(_ x: UnsafePointer<Float>, real outRe: UnsafeMutablePointer<Float>,
                        imag outIm: UnsafeMutablePointer<Float>) {
        fftwf_execute_split_dft_r2c(forwardPlan, UnsafeMutablePointer(mutating: x), outRe, outIm)
    }

    /// Inverse of `forward`: `bins` complex bins back to `size` real samples (forward then inverse is the identity).
    public func inverse(real inRe: UnsafePointer<Float>, imag inIm: UnsafePointer<Float>,
                        into x: UnsafeMutablePointer<Float>) {
        let n = bins
        scratchRe.update(from: inRe, count: n)
        scratchIm.update(from: inIm, count: n)
        fftwf_execute_split_dft_c2r(inversePlan, scratchRe, scratchIm, x)
        let scale = 1 / Float(size)
        for k in 0..<size { x[k] *= scale }
    }
}

private let fftwPlannerLock = NSLock()
