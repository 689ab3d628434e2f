import Foundation

/// Frame features of a whole recording at a low rate: what window choice and silence trim work from.
/// A few floats per hop, so hours of audio stay small.
public struct FeatureTrack: Sendable {
    /// Seconds per hop.
    public var hopSeconds: Double
    /// RMS level of each hop in dBFS (−120 for digital silence).
    public var levelDB: [Float] = []
    /// Pitch clarity per hop (see `PitchEstimate.clarity`).
    public var clarity: [Float] = []
    /// Pitch per hop in Hz, 0 when unpitched.
    public var pitchHz: [Float] = []
    /// Hops per chroma block.
    public var blockHops: Int
    /// Unit-length 12-bin chroma per block, flattened.
    public var chroma: [Float] = []

    public init(hopSeconds: Double, blockHops: Int) {
        self.hopSeconds = hopSeconds
        self.blockHops = blockHops
    }

    public var count: Int { levelDB.count }
    public var blocks: Int { chroma.count / 12 }
    public var seconds: Double { Double(count) * hopSeconds }
}

/// Streams mono samples at the analysis rate and fills a `FeatureTrack`: level per hop, pitch
/// salience per hop from a frame centred on it, and chroma summed over blocks.
public final class FeatureExtractor {
    public let sampleRate: Double
    public let hop: Int
    private let spectrum: FrameSpectrum
    private let pitch: PitchSalience
    private let chromaMap: ChromaMap
    private var pending: [Float]
    private var start = 0           // first unconsumed sample in `pending`
    private var blockChroma = [Float](repeating: 0, count: 12)
    private var blockFill = 0
    public private(set) var track: FeatureTrack

    /// Defaults: 20 ms hops, 64 ms frames, chroma over 0.5 s blocks.
    public init(sampleRate: Double, hopSeconds: Double = 0.02, frameSeconds: Double = 0.064, blockSeconds: Double = 0.5) {
        self.sampleRate = sampleRate
        hop = Int((hopSeconds * sampleRate).rounded())
        var frame = 1
        while frame < Int(frameSeconds * sampleRate) { frame *= 2 }
        spectrum = FrameSpectrum(frameLength: frame)
        pitch = PitchSalience(spectrum: spectrum, sampleRate: sampleRate)
        chromaMap = ChromaMap(sampleRate: sampleRate, fftSize: spectrum.fft.size)
        track = FeatureTrack(hopSeconds: Double(hop) / sampleRate, blockHops: max(1, Int((blockSeconds / hopSeconds).rounded())))
        // Centre each frame on its hop: lead with zeros for the first frame.
        pending = [Float](repeating: 0, count: (frame - hop) / 2)
        pending.reserveCapacity(frame * 8)
    }

    /// Adds samples; computes every hop whose frame is complete.
    public func push(_ samples: UnsafeBufferPointer<Float>) {
        pending.append(contentsOf: samples)
        drain()
    }

    /// Flushes the last partial hop (zero-padded) and returns the finished track.
    public func finish(totalSamples: Int) -> FeatureTrack {
        let hops = (totalSamples + hop - 1) / hop
        let lead = (spectrum.frameLength - hop) / 2
        pending.append(contentsOf: [Float](repeating: 0, count: spectrum.frameLength))
        while track.count < hops, pending.count - start >= spectrum.frameLength { step(lead: lead) }
        if blockFill > 0 { closeBlock() }
        return track
    }

    private func drain() {
        let lead = (spectrum.frameLength - hop) / 2
        while pending.count - start >= spectrum.frameLength { step(lead: lead) }
        if start > 4 * spectrum.frameLength {
            pending.removeFirst(start)
            start = 0
        }
    }

    private func step(lead: Int) {
        pending.withUnsafeBufferPointer { p in
            let frame = p.baseAddress! + start
            var energy: Float = 0
            for i in lead..<(lead + hop) { energy += frame[i] * frame[i] }
            let rms = (energy / Float(hop)).squareRoot()
            track.levelDB.append(rms > 1e-6 ? 20 * log10(rms) : -120)
            spectrum.compute(frame)
            let e = pitch.estimate()
            track.clarity.append(e.clarity)
            track.pitchHz.append(e.hz)
            spectrum.power.withUnsafeBufferPointer { pw in
                blockChroma.withUnsafeMutableBufferPointer { chromaMap.accumulate(power: pw, into: $0.baseAddress!) }
            }
        }
        start += hop
        blockFill += 1
        if blockFill == track.blockHops { closeBlock() }
    }

    private func closeBlock() {
        blockChroma.withUnsafeMutableBufferPointer { normalizeChroma($0) }
        track.chroma.append(contentsOf: blockChroma)
        for i in 0..<12 { blockChroma[i] = 0 }
        blockFill = 0
    }
}
