import Foundation

/// Generated drum-and-bass patterns with exact beat times: kick, snare, hi-hat eighths (optionally
/// swung), a bass note and a chord change on every downbeat.
public struct DrumPattern: Sendable {
    public var bpm: Double
    /// Tempo at the end (a linear ramp from `bpm`); nil for a steady tempo.
    public var endBPM: Double?
    public var beatsPerBar = 4
    /// Swing: the off-beat eighth is delayed by this fraction of a beat (0.167 = triplet feel).
    public var swing = 0.0
    /// Random timing error of every hit, ± seconds.
    public var jitter = 0.0
    /// White noise RMS relative to the music's RMS, dB (nil = none).
    public var noiseDB: Double?
    public var seconds = 30.0
    public var seed: UInt64 = 1

    public init(bpm: Double, beatsPerBar: Int = 4) {
        self.bpm = bpm
        self.beatsPerBar = beatsPerBar
    }

    /// Mono samples and the true beats (time, position in bar).
    public func render(rate: Int) -> (samples: [Float], beats: [(time: Double, position: Int)]) {
        var rng = SeededRandom(seed: seed)
        let n = Int(seconds * Double(rate))
        var x = [Float](repeating: 0, count: n)
        // Beat times by integrating the tempo: dt = 60 / bpm(t).
        var beats: [(Double, Int)] = []
        var t = 0.5, k = 0
        while t < seconds - 0.1 {
            beats.append((t, k % beatsPerBar + 1))
            let b = endBPM.map { bpm + ($0 - bpm) * t / seconds } ?? bpm
            t += 60 / b
            k += 1
        }
        let chords: [[Double]] = [[130.8, 164.8, 196.0], [110.0, 130.8, 164.8], [87.3, 110.0, 130.8], [98.0, 123.5, 146.8]]
        func jittered(_ time: Double) -> Int { Int(((time + jitter * rng.nextSigned()) * Double(rate)).rounded()) }
        for (i, (time, position)) in beats.enumerated() {
            let next = i + 1 < beats.count ? beats[i + 1].0 : time + 60 / bpm
            let beatLength = next - time
            let bar = i / beatsPerBar
            let kickHere = position == 1 || (beatsPerBar == 4 && position == 3)
            if kickHere { kick(&x, at: jittered(time), rate: rate) }
            if !kickHere || beatsPerBar != 4 && position != 1 { snare(&x, at: jittered(time), rate: rate, rng: &rng) }
            hat(&x, at: jittered(time), rate: rate, rng: &rng, level: 0.12)
            hat(&x, at: jittered(time + beatLength * (0.5 + swing)), rate: rate, rng: &rng, level: 0.07)
            if position == 1 {
                let barLength = beatLength * Double(beatsPerBar)
                chord(&x, at: jittered(time), seconds: barLength * 0.95, freqs: chords[bar % chords.count], rate: rate)
            }
        }
        if let noiseDB {
            let rms = (x.reduce(0) { $0 + Double($1) * Double($1) } / Double(n)).squareRoot()
            let g = rms * pow(10, noiseDB / 20) * 3.0.squareRoot()
            for i in 0..<n { x[i] += Float(g * rng.nextSigned()) }
        }
        let peak = x.reduce(0) { max($0, abs($1)) }
        if peak > 0.9 { x = x.map { $0 * 0.9 / peak } }
        return (x, beats.map { (time: $0.0, position: $0.1) })
    }

    private func kick(_ x: inout [Float], at: Int, rate: Int) {
        var phase = 0.0
        for k in 0..<Int(0.2 * Double(rate)) where at + k >= 0 && at + k < x.count {
            let t = Double(k) / Double(rate)
            phase += 2 * Double.pi * (45 + 90 * exp(-t * 25)) / Double(rate)
            x[at + k] += Float(0.8 * exp(-t * 12) * sin(phase))
        }
    }

    private func snare(_ x: inout [Float], at: Int, rate: Int, rng: inout SeededRandom) {
        for k in 0..<Int(0.15 * Double(rate)) where at + k >= 0 && at + k < x.count {
            let t = Double(k) / Double(rate)
            x[at + k] += Float(0.45 * exp(-t * 25) * (rng.nextSigned() + 0.5 * sin(2 * Double.pi * 190 * t)))
        }
    }

    private func hat(_ x: inout [Float], at: Int, rate: Int, rng: inout SeededRandom, level: Double) {
        var previous = 0.0
        for k in 0..<Int(0.04 * Double(rate)) where at + k >= 0 && at + k < x.count {
            let t = Double(k) / Double(rate)
            let white = rng.nextSigned()
            let high = white - previous   // crude high-pass
            previous = white
            x[at + k] += Float(level * exp(-t * 90) * high)
        }
    }

    private func chord(_ x: inout [Float], at: Int, seconds: Double, freqs: [Double], rate: Int) {
        let length = Int(seconds * Double(rate))
        for f in freqs + [freqs[0] / 2] {
            for k in 0..<length where at + k >= 0 && at + k < x.count {
                let t = Double(k) / Double(rate)
                let env = min(1, t / 0.01) * exp(-t * 1.5)
                x[at + k] += Float(0.12 * env * sin(2 * Double.pi * f * t))
            }
        }
    }
}
