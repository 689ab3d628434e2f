import Foundation

/// Power spectrum of one Hann-windowed analysis frame, zero-padded to twice its length so the
/// autocorrelation taken back from it has no circular wrap (Boersma 1993, section 2).
public final class FrameSpectrum {
    /// Samples per frame.
    public let frameLength: Int
    public let fft: RealFFT
    public let window: [Float]
    /// |X[k]|², k = 0 ... fft.size/2, of the last frame.
    public private(set) var power: [Float]
    private var padded: [Float]
    private var re: [Float]
    private var im: [Float]

    public init(frameLength: Int) {
        self.frameLength = frameLength
        fft = RealFFT(size: 2 * frameLength)
        window = (0..<frameLength).map { Float(0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(frameLength))) }
        power = [Float](repeating: 0, count: frameLength + 1)
        padded = [Float](repeating: 0, count: 2 * frameLength)
        re = power
        im = power
    }

    /// Windows `frame` (frameLength samples) and computes its power spectrum into `power`.
    public func compute(_ frame: UnsafePointer<Float>) {
        padded.withUnsafeMutableBufferPointer { p in
            for i in 0..<frameLength { p[i] = frame[i] * window[i] }
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    fft.forward(p.baseAddress!, real: r.baseAddress!, imag: m.baseAddress!)
                    power.withUnsafeMutableBufferPointer { pw in
                        for k in 0..<pw.count { pw[k] = r[k] * r[k] + m[k] * m[k] }
                    }
                }
            }
        }
    }
}
