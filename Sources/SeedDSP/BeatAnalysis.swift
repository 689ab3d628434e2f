import Foundation

/// One beat: its time and its place in the bar (1 = downbeat).
public struct Beat: Sendable, Codable, Equatable {
    public var time: Double
    public var position: Int
    public init(time: Double, position: Int) {
        self.time = time
        self.position = position
    }
}

/// A stretch at one tempo.
public struct TempoSegment: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
    public var bpm: Double
    public init(start: Double, end: Double, bpm: Double) {
        self.start = start
        self.end = end
        self.bpm = bpm
    }
}

/// Everything the beat tracker found.
public struct BeatAnalysis: Sendable, Codable {
    /// Overall tempo (median beat interval), BPM; 0 when no steady beat was found.
    public var bpm: Double
    /// 0...1: the steady-beat decision's probability that there is a steady beat (`steady` from 0.5).
    public var confidence: Double
    public var beatsPerBar: Int
    public var beats: [Beat]
    public var downbeats: [Double] { beats.filter { $0.position == 1 }.map(\.time) }
    /// Where the tempo holds within 4%; one segment for a steady piece.
    public var tempoCurve: [TempoSegment]
    /// False for silence, speech and other material without a steady beat (then `beats` is empty).
    public var steady: Bool
    /// True when each beat is a dotted quarter of three eighths (6/8, 9/8, 12/8).
    public var compound = false
    /// What the steady-beat decision read (nil where no beats were decoded at all).
    public var cues: SteadyBeatCues? = nil

    /// The time signature a musician would write: 6/8 or 12/8 for a compound meter, 7/8 for 7
    /// beats (counted in eighths far more often than in quarters), else beats per bar over 4.
    public var meter: String {
        guard beatsPerBar > 0 else { return "" }
        if compound { return "\(3 * beatsPerBar)/8" }
        return beatsPerBar == 7 ? "7/8" : "\(beatsPerBar)/4"
    }
}

/// Tracking options.
public struct BeatTrackingOptions: Sendable {
    /// The slowest pulse the decoder tracks, and the slowest a halved level may reach.
    public var minBPM: Double = 55
    public var maxBPM: Double = 215
    /// The slowest dotted-quarter beat a compound meter's tracked eighths are grouped into. The
    /// decoder's floor is for the pulse it follows; a slow 6/8 ballad or 12/8 blues at 40-55 BPM
    /// is tracked in its eighths (120-165) and is grouped down to the beat a musician taps, as
    /// slow as people still hear one: about 1.8 s between beats (Repp 2005, "Sensorimotor
    /// synchronization: a review of the tapping literature").
    public var minCompoundBPM: Double = 33
    /// Frames per decoding chunk and overlap, so memory stays bounded on long inputs.
    public var chunkSeconds: Double = 120
    public var overlapSeconds: Double = 20
    /// Default bounds, or with `minBPM` given, that floor for every beat, compound ones too.
    public init(minBPM: Double? = nil, maxBPM: Double = 215) {
        if let minBPM {
            self.minBPM = minBPM
            minCompoundBPM = minBPM
        }
        self.maxBPM = maxBPM
    }
}
