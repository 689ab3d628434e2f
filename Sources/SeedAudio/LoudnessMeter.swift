import CEbur128
import Foundation
import SeedDSP

/// Loudness and peaks as libebur128 measures them (ITU-R BS.1770-4 / EBU R128).
public struct LoudnessReport: Sendable, Equatable, Codable {
    /// Integrated loudness in LUFS; nil for silence (below the absolute gate).
    public var integratedLUFS: Double?
    /// Loudness range in LU; nil when not measured or undefined.
    public var loudnessRangeLU: Double?
    /// Highest sample value in dBFS; nil for digital silence.
    public var samplePeakDBFS: Double?
    /// Highest true (inter-sample) peak in dBTP, oversampled to 192 kHz or more; nil for silence.
    public var truePeakDBTP: Double?

    public init(integratedLUFS: Double? = nil, loudnessRangeLU: Double? = nil, samplePeakDBFS: Double? = nil,
                truePeakDBTP: Double? = nil) {
        self.integratedLUFS = integratedLUFS
        self.loudnessRangeLU = loudnessRangeLU
        self.samplePeakDBFS = samplePeakDBFS
        self.truePeakDBTP = truePeakDBTP
    }
}

/// Streaming loudness meter over interleaved float frames. Loudness and sample peak are
/// libebur128's; the true peak is seed's `TruePeakMeter`, oversampled to 192 kHz or more at every
/// rate (libebur128's 4x falls short below 48 kHz: 88.2 kHz from 22.05 kHz misses inter-sample
/// peaks).
public final class LoudnessMeter {
    private var state: UnsafeMutablePointer<ebur128_state>?
    private let channels: Int
    private let wantsRange: Bool
    private let ownTruePeak: TruePeakMeter?

    /// - Parameter truePeak: true peak costs an oversampling filter; skip it when only LUFS is needed.
    /// - Parameter shortTerm: keep the 3 s window for `shortTermLUFS`.
    public init(sampleRate: Int, channels: Int, truePeak: Bool = true, loudnessRange: Bool = false, shortTerm: Bool = false) throws {
        self.channels = channels
        wantsRange = loudnessRange
        var mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_SAMPLE_PEAK.rawValue)
        ownTruePeak = truePeak ? TruePeakMeter(sampleRate: sampleRate, channels: channels) : nil
        if loudnessRange { mode |= Int32(EBUR128_MODE_LRA.rawValue) }
        if shortTerm { mode |= Int32(EBUR128_MODE_S.rawValue) }
        guard let st = ebur128_init(UInt32(channels), UInt(sampleRate), mode) else {
            throw AudioError.decoderFailed("loudness", reason: "libebur128 cannot measure \(channels) ch at \(sampleRate) Hz")
        }
        state = st
        // WAV/SMPTE order: L R C LFE Ls Rs (Lb Rb). BS.1770 leaves LFE out and weights surrounds +1.5 dB.
        if channels >= 4 { ebur128_set_channel(st, 3, Int32(EBUR128_UNUSED.rawValue)) }
        if channels >= 5 { ebur128_set_channel(st, 4, Int32(EBUR128_LEFT_SURROUND.rawValue)) }
        if channels >= 6 { ebur128_set_channel(st, 5, Int32(EBUR128_RIGHT_SURROUND.rawValue)) }
        if channels >= 7 { ebur128_set_channel(st, 6, Int32(EBUR128_LEFT_SURROUND.rawValue)) }
        if channels >= 8 { ebur128_set_channel(st, 7, Int32(EBUR128_RIGHT_SURROUND.rawValue)) }
    }

    /// Adds `frames` interleaved frames.
    public func add(_ samples: UnsafeBufferPointer<Float>, frames: Int) {
        guard frames > 0 else { return }
        ebur128_add_frames_float(state, samples.baseAddress, frames)
        ownTruePeak?.add(samples, frames: frames)
    }

    /// Adds every frame of an interleaved array.
    public func add(_ samples: [Float]) {
        samples.withUnsafeBufferPointer { add($0, frames: $0.count / channels) }
    }

    /// The measurements so far.
    public var report: LoudnessReport {
        var lufs: Double = 0, sp: Double = 0, lra: Double = 0
        ebur128_loudness_global(state, &lufs)
        var maxTP: Double = 0, maxSP: Double = 0
        if let own = ownTruePeak { maxTP = Double(own.flushedPeak) }
        for c in 0..<channels {
            if ebur128_sample_peak(state, UInt32(c), &sp) == 0 { maxSP = max(maxSP, sp) }
        }
        let hasRange = wantsRange && ebur128_loudness_range(state, &lra) == 0
        let db = { (x: Double) -> Double? in x > 0 ? 20 * log10(x) : nil }
        return LoudnessReport(integratedLUFS: lufs.isFinite ? lufs : nil,
                              loudnessRangeLU: hasRange && lra.isFinite ? lra : nil,
                              samplePeakDBFS: db(maxSP), truePeakDBTP: maxTP > 0 ? db(maxTP) : nil)
    }

    /// Short-term loudness (the last 3 s, EBU Tech 3341) in LUFS; nil in silence or without `shortTerm`.
    public var shortTermLUFS: Double? {
        var v: Double = 0
        guard ebur128_loudness_shortterm(state, &v) == 0, v.isFinite, v > -70 else { return nil }
        return v
    }

    deinit { ebur128_destroy(&state) }
}
