import Foundation

/// Constructed recordings with a known answer: which stretch is the music. Parts are generated
/// from a seeded random source, so every run builds the same audio.
public enum Scenes {
    /// One part of a scene.
    public enum Part: Sendable {
        /// Pink room noise (air conditioning, traffic).
        case room(seconds: Double, dbfs: Double)
        /// Digital silence.
        case silence(seconds: Double)
        /// A hummed melody: vibrato tones with note changes, in phrases with breath gaps.
        case hum(seconds: Double, dbfs: Double)
        /// Speech-like: syllable-rate bursts of band-limited noise, with brief pitch glides (voiced onsets).
        case speech(seconds: Double, dbfs: Double)
        /// Coughs (broadband bursts with a sharp attack) and clicks (single-sample impulses).
        case cough(seconds: Double, dbfs: Double)
        /// A hum in rhythm: notes start on a beat grid at `bpm` and last one to three beats, with a
        /// beat's breath after every few notes (people hum in time).
        case rhythmicHum(seconds: Double, dbfs: Double, bpm: Double)
        /// A hum with pink room noise `roomDB` under it the whole time.
        case humInRoom(seconds: Double, dbfs: Double, roomDB: Double)
        /// A whistled tune: near-sine notes between 900 Hz and 2 kHz with vibrato and gaps.
        case whistle(seconds: Double, dbfs: Double)
        /// A recording's own samples at the scene's rate (`melodic`: it is the take).
        case recording(samples: [Float], dbfs: Double, melodic: Bool)

        var seconds: Double {
            switch self {
            case .room(let s, _), .silence(let s), .hum(let s, _), .speech(let s, _), .cough(let s, _),
                 .rhythmicHum(let s, _, _), .humInRoom(let s, _, _), .whistle(let s, _): return s
            case .recording: return 0
            }
        }
        var isMelody: Bool {
            switch self {
            case .hum, .rhythmicHum, .humInRoom, .whistle: return true
            case .recording(_, _, let melodic): return melodic
            default: return false
            }
        }
    }

    /// Renders the parts in order; returns mono samples and where each melodic part lies (seconds).
    public static func build(_ parts: [Part], rate: Int, seed: UInt64 = 7) -> (samples: [Float], melody: [ClosedRange<Double>]) {
        var rng = SeededRandom(seed: seed)
        var out: [Float] = []
        var melody: [ClosedRange<Double>] = []
        for part in parts {
            let start = Double(out.count) / Double(rate)
            var n = Int(part.seconds * Double(rate))
            if case .recording(let x, _, _) = part { n = x.count }
            var chunk: [Float]
            switch part {
            case .silence: chunk = [Float](repeating: 0, count: n)
            case .room(let s, let db): chunk = scaled(Signals.pinkNoise(rate: rate, seconds: s, amplitude: 1, seed: rng.next()), rmsDB: db)
            case .hum(_, let db): chunk = scaled(hum(n: n, rate: rate, rng: &rng), rmsDB: db)
            case .speech(_, let db): chunk = scaled(speech(n: n, rate: rate, rng: &rng), rmsDB: db)
            case .cough(_, let db): chunk = scaled(cough(n: n, rate: rate, rng: &rng), rmsDB: db)
            case .rhythmicHum(_, let db, let bpm): chunk = scaled(hum(n: n, rate: rate, rng: &rng, beat: 60 / bpm), rmsDB: db)
            case .humInRoom(let s, let db, let roomDB):
                let room = scaled(Signals.pinkNoise(rate: rate, seconds: s, amplitude: 1, seed: rng.next()), rmsDB: roomDB)
                chunk = zip(scaled(hum(n: n, rate: rate, rng: &rng), rmsDB: db), room).map { $0 + $1 }
            case .whistle(_, let db): chunk = scaled(hum(n: n, rate: rate, rng: &rng, root: 990, harmonics: 2), rmsDB: db)
            case .recording(let x, let db, _): chunk = scaled(x, rmsDB: db)
            }
            out += chunk
            if part.isMelody { melody.append(start...(Double(out.count) / Double(rate))) }
        }
        return (out, melody)
    }

    /// Intersection over union of two time ranges.
    public static func iou(_ a: ClosedRange<Double>, _ b: ClosedRange<Double>) -> Double {
        let inter = max(0, min(a.upperBound, b.upperBound) - max(a.lowerBound, b.lowerBound))
        let union = max(a.upperBound, b.upperBound) - min(a.lowerBound, b.lowerBound)
        return union > 0 ? inter / union : 0
    }

    /// Scales so the RMS over the sounding samples is `rmsDB` dBFS (peaks limited to 0.99).
    static func scaled(_ x: [Float], rmsDB: Double) -> [Float] {
        let sounding = x.filter { $0 != 0 }
        guard !sounding.isEmpty else { return x }
        let rms = (sounding.reduce(0) { $0 + Double($1) * Double($1) } / Double(sounding.count)).squareRoot()
        var g = Float(pow(10, rmsDB / 20) / max(rms, 1e-12))
        let peak = x.reduce(0) { max($0, abs($1)) }
        if peak * g > 0.99 { g = 0.99 / peak }
        return x.map { $0 * g }
    }

    /// Notes of 0.4-1.2 s from a pentatonic scale around 220 Hz, 5.5 Hz vibrato of ±30 cents,
    /// six harmonics, 30 ms attack and 60 ms release; a 120-250 ms breath gap every 3-5 notes.
    /// With `beat`, note lengths are one to three beats and breaths one beat, so every note starts
    /// on the grid.
    static func hum(n: Int, rate: Int, rng: inout SeededRandom, beat: Double? = nil, root: Double = 196,
                    harmonics: Int = 6) -> [Float] {
        let scale = [0, 2, 4, 7, 9, 12, 14]
        var out = [Float](repeating: 0, count: n)
        var i = 0, phase = 0.0, notesInPhrase = 0
        var phraseLength = 3 + Int(rng.next() % 3)
        while i < n {
            let seconds = beat.map { $0 * Double(1 + rng.next() % 3) } ?? 0.4 + 0.8 * Double(rng.next() % 1000) / 1000
            let dur = Int(seconds * Double(rate))
            let f0 = root * pow(2, Double(scale[Int(rng.next() % UInt64(scale.count))]) / 12)
            let attack = Int(0.03 * Double(rate)), release = Int(0.06 * Double(rate))
            for k in 0..<dur where i + k < n {
                let t = Double(k) / Double(rate)
                let f = f0 * pow(2, 0.3 / 12 * sin(2 * Double.pi * 5.5 * t))
                phase += 2 * Double.pi * f / Double(rate)
                var v = 0.0
                // A hum's harmonics fall as 1/h; a whistle is nearly a sine.
                for h in 1...harmonics { v += sin(Double(h) * phase) * (harmonics >= 6 ? 1 / Double(h) : (h == 1 ? 1 : 0.08)) }
                let env = min(1, Double(k) / Double(attack), Double(dur - k) / Double(release))
                out[i + k] = Float(v * env)
            }
            i += dur
            notesInPhrase += 1
            if notesInPhrase == phraseLength, i < n {
                i += Int((beat ?? (0.12 + 0.13 * Double(rng.next() % 1000) / 1000)) * Double(rate))
                notesInPhrase = 0
                phraseLength = 3 + Int(rng.next() % 3)
            }
        }
        return out
    }

    static func speech(n: Int, rate: Int, rng: inout SeededRandom) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        var i = 0
        var low = 0.0, band = 0.0
        while i < n {
            let syllable = Int((0.1 + 0.2 * Double(rng.next() % 1000) / 1000) * Double(rate))
            let voicedOnset = rng.next() % 2 == 0
            let f0 = 110 + Double(rng.next() % 60)
            var phase = 0.0
            for k in 0..<syllable where i + k < n {
                let env = sin(Double.pi * Double(k) / Double(syllable))
                // Noise through a crude band-pass (one-pole low-pass minus a slower one).
                let white = rng.nextSigned()
                low += 0.25 * (white - low)
                band += 0.02 * (low - band)
                var v = (low - band) * 2
                if voicedOnset, k < syllable / 3 {   // a short gliding voiced bit, as at a vowel onset
                    phase += 2 * Double.pi * f0 * (1 + Double(k) / Double(syllable)) / Double(rate)
                    v += 0.6 * sin(phase) + 0.3 * sin(2 * phase)
                }
                out[i + k] = Float(v * env)
            }
            i += syllable + Int((0.03 + 0.15 * Double(rng.next() % 1000) / 1000) * Double(rate))
        }
        return out
    }

    static func cough(n: Int, rate: Int, rng: inout SeededRandom) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        var i = Int(0.1 * Double(rate))
        while i < n {
            if rng.next() % 3 == 0 {
                out[i] = 1; if i + 1 < n { out[i + 1] = -0.8 }     // a click
                i += Int(0.2 * Double(rate))
                continue
            }
            let length = Int(0.25 * Double(rate))
            for k in 0..<length where i + k < n {
                out[i + k] = Float(rng.nextSigned() * exp(-Double(k) / (0.06 * Double(rate))))
            }
            i += length + Int((0.2 + 0.4 * Double(rng.next() % 1000) / 1000) * Double(rate))
        }
        return out
    }
}
