import Foundation

/// Share of neighbouring 6 s windows (2 s apart) whose best beat periods agree within 9%, allowing
/// for one being 2 or 3 times the other, fed the detrended onset function frame by frame. Music
/// with a beat, even one that speeds up, keeps its period from one window to the next; speech and
/// noise pick a different period every time. 9% and not less: an accelerando (122 → 170 BPM in
/// 30 s on the beatset) moves ~2% between windows and a 6 s estimate smears it; speech on the
/// negatives still agrees in at most half of its pairs. Up to `maxPairs` pairs are compared, spread
/// evenly over the input without knowing its length: every pair while there are few, then every
/// second, fourth, … (the results off the new stride are dropped each time it doubles).
public struct TempoConsistency: Sendable {
    public let fps: Double
    public let minBPM: Double, maxBPM: Double
    /// At most this many pairs are kept (each costs two 6 s tempo estimates).
    public static let maxPairs = 120
    private let length: Int, step: Int
    private var stride = 1
    private var results: [(pair: Int, agree: Bool)] = []
    private var window: [Float]
    private var filled = 0
    private var seen = 0
    private var previousBPM: (window: Int, bpm: Double)?

    public init(fps: Double, minBPM: Double, maxBPM: Double) {
        self.fps = fps
        self.minBPM = minBPM
        self.maxBPM = maxBPM
        length = Int(6 * fps)
        step = Int(2 * fps)
        window = [Float](repeating: 0, count: 4 * length)
    }

    /// Window pairs compared.
    public var pairs: Int { results.count }
    /// The share of agreeing pairs; 0 before two windows have been seen.
    public var share: Float { results.isEmpty ? 0 : Float(results.filter(\.agree).count) / Float(results.count) }

    /// Adds frames in order.
    public mutating func push(_ x: UnsafeBufferPointer<Float>) {
        for value in x {
            if filled == window.count {
                window.replaceSubrange(0..<length, with: window[(filled - length)..<filled])
                filled = length
            }
            window[filled] = value
            filled += 1
            seen += 1
            if seen >= length, (seen - length) % step == 0 { measure(window: (seen - length) / step) }
        }
    }

    /// Window `w` ends here; it is estimated when it opens a pair on the stride or closes one.
    private mutating func measure(window w: Int) {
        let opens = w % stride == 0, closes = w > 0 && (w - 1) % stride == 0
        guard opens || closes else { return }
        let bpm = estimateTempo(Array(window[(filled - length)..<filled]), fps: fps, minBPM: minBPM, maxBPM: maxBPM).bestBPM
        if closes, let previous = previousBPM, previous.window == w - 1 {
            let ratio = previous.bpm / max(bpm, 1e-9)
            results.append((w - 1, [1.0, 2, 3, 0.5, 1.0 / 3].contains(where: { abs(ratio / $0 - 1) < 0.09 })))
            if results.count > Self.maxPairs {
                stride *= 2
                results.removeAll { $0.pair % stride != 0 }
            }
        }
        previousBPM = (w, bpm)
    }
}
