import Foundation
import SeedAudio
import SeedDSP

/// The JSON written next to every seed clip: every decision `seed prepare` made, and the hashes
/// that tie the clip to its source.
public struct ClipSidecar: Codable, Sendable {
    public struct Source: Codable, Sendable {
        public var path: String
        public var sha256: String
        public var bytes: Int64
        public var seconds: Double
    }
    public struct Clip: Codable, Sendable {
        public var path: String
        public var sha256: String
        public var bytes: Int64
        public var seconds: Double
        public var format: String
        public var sampleRate: Int
        public var channels: Int
        /// "256 kbit/s CBR"
        public var encoding: String
        public var encodingReason: String
        /// The size budget the clip was encoded under.
        public var maxBytes: Int64
    }
    public struct Window: Codable, Sendable {
        public var start: Double
        public var end: Double
        public var duration: Double
        public var fadeSeconds: Double
        public var reason: String
        public var note: String?
        public var barAligned: Bool
        /// What the take is (`solo-voice` or `music`): a solo voice is never cut on bars.
        public var kind: TakeKind?
    }
    public struct Loudness: Codable, Sendable {
        public var target: LoudnessTarget
        public var before: LoudnessReport?
        public var after: LoudnessReport?
        public var gainDB: Double?
        /// Passes over the window to reach the target, and encodings made again because the
        /// decoded MP3 missed the ceiling or the loudness.
        public var passes: Int?
        public var reencodes: Int?
        public var warning: String?
    }
    public struct Tempo: Codable, Sendable {
        public var steady: Bool
        public var bpm: Double
        public var confidence: Double
        public var beatsPerBar: Int
        /// The time signature: "4/4", "3/4", "6/8", "12/8", … ("" without a steady beat).
        public var meter: String?
        public var firstDownbeat: Double?
        public var tempoCurve: [TempoSegment]
    }

    public var version = 1
    public var target: String
    public var source: Source
    public var clip: Clip
    public var window: Window
    public var loudness: Loudness
    public var tempo: Tempo
    /// Beat times in seconds from the clip's start, with their position in the bar (1 = downbeat).
    public var beats: [Beat]
    public var downbeats: [Double]
    /// Segments for editing video to the beat (music-video-clip).
    public var cuts: [CutSegment]?
    /// The marker line `seed run` writes into the prompt.
    public var markers: String
    /// Set when a damaged input was salvaged (`--salvage`): how much decoded and where audio is missing.
    public var damage: StreamDamage?

    /// Pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a sidecar written by `seed prepare`.
    public static func read(_ path: String) throws -> ClipSidecar {
        guard let data = FileManager.default.contents(atPath: path) else { throw AudioError.fileNotFound(path) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(ClipSidecar.self, from: data) } catch {
            throw AudioError.unsupportedFormat(path, detail: "not a seed sidecar (\(error.localizedDescription))")
        }
    }
}

/// Milliseconds are all anyone needs of a time in the sidecar.
func millis(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
