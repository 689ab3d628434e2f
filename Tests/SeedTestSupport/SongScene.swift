import Foundation

/// A song-like track with known sections: pad, bass, lead melody and drums at 120 BPM in 4/4.
/// Choruses repeat the same chords and melody at a high level; verses are quieter; the bridge is as
/// loud as a chorus but heard once, so only repetition tells it from a chorus.
public enum SongScene {
    public enum Section: String, Sendable { case intro, verse, chorus, bridge, outro }

    public static let structure: [(Section, bars: Int)] = [
        (.intro, 4), (.verse, 8), (.chorus, 8), (.verse, 8), (.chorus, 8), (.bridge, 8), (.chorus, 8), (.outro, 4),
    ]

    /// Mono samples and each section's time range.
    public static func build(rate: Int, seed: UInt64 = 3) -> (samples: [Float], sections: [(Section, ClosedRange<Double>)]) {
        var rng = SeededRandom(seed: seed)
        let bar = 2.0   // 120 BPM, 4 beats
        var out: [Float] = []
        var sections: [(Section, ClosedRange<Double>)] = []
        for (section, bars) in structure {
            let start = Double(out.count) / Double(rate)
            let n = Int(Double(bars) * bar * Double(rate))
            var part = [Float](repeating: 0, count: n)
            let (chords, melody, level, drums) = Self.material(section)
            for b in 0..<bars {
                let chord = chords[b % chords.count]
                let barStart = Int(Double(b) * bar * Double(rate))
                addChord(&part, at: barStart, length: Int(bar * Double(rate)), notes: chord, rate: rate)
                for beat in 0..<4 {
                    let at = barStart + Int(Double(beat) * 0.5 * Double(rate))
                    let note = melody[(b * 4 + beat) % melody.count]
                    addTone(&part, at: at, length: Int(0.45 * Double(rate)), midi: note, rate: rate, amplitude: 0.5)
                    if drums {
                        if beat % 2 == 0 { addKick(&part, at: at, rate: rate) } else { addNoise(&part, at: at, seconds: 0.12, amplitude: 0.4, rng: &rng, rate: rate) }
                        addNoise(&part, at: at + Int(0.25 * Double(rate)), seconds: 0.03, amplitude: 0.15, rng: &rng, rate: rate)
                    }
                }
            }
            out += Scenes.scaled(part, rmsDB: level)
            sections.append((section, start...(Double(out.count) / Double(rate))))
        }
        return (out, sections)
    }

    private static func material(_ s: Section) -> (chords: [[Int]], melody: [Int], level: Double, drums: Bool) {
        switch s {
        case .intro, .outro: return ([[57, 60, 64], [53, 57, 60]], [69, 72, 76, 72], -30, false)
        case .verse: return ([[57, 60, 64], [53, 57, 60], [48, 52, 55], [55, 59, 62]], [69, 69, 72, 71, 69, 67, 65, 64], -24, true)
        case .chorus: return ([[48, 52, 55], [55, 59, 62], [57, 60, 64], [53, 57, 60]], [76, 79, 76, 74, 72, 74, 76, 72], -14, true)
        case .bridge: return ([[50, 53, 57], [52, 56, 59], [50, 53, 57], [46, 50, 53]], [74, 77, 80, 77, 71, 74, 68, 71], -14, true)
        }
    }

    private static func hz(_ midi: Int) -> Double { 440 * pow(2, Double(midi - 69) / 12) }

    private static func addTone(_ x: inout [Float], at: Int, length: Int, midi: Int, rate: Int, amplitude: Double) {
        let f = hz(midi)
        for k in 0..<length where at + k < x.count {
            let t = Double(k) / Double(rate)
            let env = min(1, t / 0.01) * exp(-t * 2)
            let p = 2 * Double.pi * f * t
            x[at + k] += Float(amplitude * env * (sin(p) + 0.4 * sin(2 * p) + 0.2 * sin(3 * p)))
        }
    }

    private static func addChord(_ x: inout [Float], at: Int, length: Int, notes: [Int], rate: Int) {
        for note in notes + [notes[0] - 24] {
            let f = hz(note)
            for k in 0..<length where at + k < x.count {
                let t = Double(k) / Double(rate)
                let env = min(1, t / 0.05, (Double(length - k) / Double(rate)) / 0.05)
                x[at + k] += Float(0.2 * env * (sin(2 * Double.pi * f * t) + 0.3 * sin(4 * Double.pi * f * t)))
            }
        }
    }

    private static func addKick(_ x: inout [Float], at: Int, rate: Int) {
        var phase = 0.0
        for k in 0..<Int(0.15 * Double(rate)) where at + k < x.count {
            let t = Double(k) / Double(rate)
            phase += 2 * Double.pi * (50 + 100 * exp(-t * 30)) / Double(rate)
            x[at + k] += Float(0.9 * exp(-t * 20) * sin(phase))
        }
    }

    private static func addNoise(_ x: inout [Float], at: Int, seconds: Double, amplitude: Double, rng: inout SeededRandom, rate: Int) {
        for k in 0..<Int(seconds * Double(rate)) where at + k < x.count {
            let t = Double(k) / Double(rate)
            x[at + k] += Float(amplitude * exp(-t / (seconds / 4)) * rng.nextSigned())
        }
    }
}
