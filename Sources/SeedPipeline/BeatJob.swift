import Foundation
import SeedAudio
import SeedDSP

/// The onset analysis rate: 8 kHz of bandwidth covers kick to hi-hat attack.
public let beatAnalysisRate = 16000

/// Streams `source` once (mono mix, resampled to 16 kHz) through the onset function into a
/// `BeatTracker` (`BeatTrackingSink`). Memory does not grow with the input: onset frames are
/// handed on as they are made.
public func analyzeBeats(_ source: AudioSource, options: BeatTrackingOptions = BeatTrackingOptions(),
                         progress: ProgressHandler? = nil) throws -> BeatAnalysis {
    let tracking = try BeatTrackingSink(options: options)
    try streamAtBeatRate(source, progress: progress, into: tracking)
    return tracking.result!
}

/// Beats of `source` between `start` and `end` seconds only (read from there; times are the
/// source's own): what a bar-aligned cut needs around the stretch it is made in, at a fraction
/// of the cost of the whole input.
public func analyzeBeats(_ source: AudioSource, from start: Double, to end: Double,
                         options: BeatTrackingOptions = BeatTrackingOptions()) throws -> BeatAnalysis {
    let rate = Double(source.info.sampleRate)
    let first = max(0, Int64((start * rate).rounded(.down)))
    try source.seek(toFrame: first)
    let tracking = try BeatTrackingSink(options: options)
    try streamAtBeatRate(source, progress: nil, into: tracking, frames: max(0, Int64((end * rate).rounded(.up)) - first))
    var a = tracking.result!
    let offset = Double(first) / rate
    a.beats = a.beats.map { Beat(time: $0.time + offset, position: $0.position) }
    a.tempoCurve = a.tempoCurve.map { TempoSegment(start: $0.start + offset, end: $0.end + offset, bpm: $0.bpm) }
    return a
}

/// The onset track of a whole source, from its current position, in memory (a development aid:
/// `seed-bench --odf`).
public func onsetTrack(_ source: AudioSource, keepsBands: Bool = false, progress: ProgressHandler? = nil) throws -> OnsetTrack {
    let collecting = OnsetCollectingSink(keepsBands: keepsBands)
    try streamAtBeatRate(source, progress: progress, into: collecting)
    return collecting.extractor.track
}

/// Keeps every onset frame.
private final class OnsetCollectingSink: AudioSink {
    let extractor: OnsetStrengthExtractor
    private var samples = 0
    init(keepsBands: Bool) { extractor = OnsetStrengthExtractor(sampleRate: Double(beatAnalysisRate), keepsBands: keepsBands) }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        extractor.push(samples)
        self.samples += frames
    }

    func finish() throws { _ = extractor.finish(totalSamples: samples) }
}

/// Reads `source` to its end (or `limit` frames) and writes its mono mix at `beatAnalysisRate`
/// into `sink`, then finishes it.
func streamAtBeatRate(_ source: AudioSource, progress: ProgressHandler?, into sink: AudioSink, frames limit: Int64? = nil) throws {
    let info = source.info
    let ch = info.channels
    let block = 16_384
    let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * ch)
    let mono = UnsafeMutableBufferPointer<Float>.allocate(capacity: block)
    defer { input.deallocate(); mono.deallocate() }
    let resampler = info.sampleRate == beatAnalysisRate ? nil :
        try makeResampler(engine: .soxr, quality: .mq, from: info.sampleRate, to: beatAnalysisRate, channels: 1)
    let matrix = downmixMatrix(channels: ch, to: .mono)
    var frames: Int64 = 0
    while true {
        let want = limit.map { Int(min(Int64(block), $0 - frames)) } ?? block
        if want <= 0 { break }
        let n = try source.read(into: input.baseAddress!, frames: want)
        if n == 0 { break }
        downmix(UnsafeBufferPointer(rebasing: input[0..<n * ch]), frames: n, matrix: matrix, into: mono)
        var stage = UnsafeBufferPointer(rebasing: mono[0..<n])
        if let resampler { stage = try resampler.process(stage, frames: n) }
        try sink.write(stage, frames: stage.count)
        frames += Int64(n)
        if let total = info.frames, total > 0 { progress?(min(1, Double(frames) / Double(total))) }
    }
    if let resampler {
        let tail = try resampler.flush()
        try sink.write(tail, frames: tail.count)
    }
    try sink.finish()
}

/// How a beat list is written out.
public enum BeatFormat: String, Sendable, CaseIterable {
    case json, csv, txt, labels
}

/// A segment of a cut list.
public struct CutSegment: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
}

/// Cut points every `count` beats, or every `count` bars (starting at the first downbeat).
public enum CutUnit: Sendable, Equatable {
    case beats(Int)
    case bars(Int)

    /// Parses `2bars`, `1bar`, `4beats`, `1beat`.
    public init(_ text: String) throws {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber }
        let unit = t.dropFirst(digits.count)
        guard let n = Int(digits), n > 0 else { throw QuantityError(message: "'\(text)' is not a cut length (try 1beat, 4beats, 2bars)") }
        switch unit {
        case "beat", "beats": self = .beats(n)
        case "bar", "bars": self = .bars(n)
        default: throw QuantityError(message: "'\(text)' is not a cut length (try 1beat, 4beats, 2bars)")
        }
    }
}

/// Segments between cut points; the last segment runs to `end` (the end of the audio).
public func cutList(_ analysis: BeatAnalysis, unit: CutUnit, end: Double) -> [CutSegment] {
    var points: [Double]
    switch unit {
    case .beats(let n): points = stride(from: 0, to: analysis.beats.count, by: n).map { analysis.beats[$0].time }
    case .bars(let n):
        let downs = analysis.downbeats
        points = stride(from: 0, to: downs.count, by: n).map { downs[$0] }
    }
    guard !points.isEmpty else { return [] }
    points.append(end)
    return zip(points, points.dropFirst()).filter { $1 > $0 }.map { CutSegment(start: $0, end: $1) }
}

/// Text of a beat list or cut list in the chosen format.
public func formatBeats(_ a: BeatAnalysis, format: BeatFormat, cuts: [CutSegment]?, input: String) throws -> String {
    let t = { (x: Double) in String(format: "%.3f", x) }
    switch format {
    case .json:
        struct Out: Encodable {
            var input: String
            var steady: Bool
            var bpm: Double
            var confidence: Double
            var beatsPerBar: Int
            var meter: String
            var tempoCurve: [TempoSegment]
            var beats: [Beat]
            var downbeats: [Double]
            var cuts: [CutSegment]?
        }
        let r = { (x: Double) in (x * 1000).rounded() / 1000 }
        let out = Out(input: input, steady: a.steady, bpm: (a.bpm * 10).rounded() / 10, confidence: (a.confidence * 100).rounded() / 100,
                      beatsPerBar: a.beatsPerBar, meter: a.meter, tempoCurve: a.tempoCurve,
                      beats: a.beats.map { Beat(time: r($0.time), position: $0.position) },
                      downbeats: a.downbeats.map(r), cuts: cuts.map { $0.map { CutSegment(start: r($0.start), end: r($0.end)) } })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(out), as: UTF8.self) + "\n"
    case .csv:
        if let cuts { return "start,end\n" + cuts.map { "\(t($0.start)),\(t($0.end))\n" }.joined() }
        return "time,position\n" + a.beats.map { "\(t($0.time)),\($0.position)\n" }.joined()
    case .txt:
        if let cuts { return cuts.map { "\(t($0.start))\t\(t($0.end))\n" }.joined() }
        return a.beats.map { "\(t($0.time))\n" }.joined()
    case .labels:
        // Audacity label track: start, end, label (point labels have start = end).
        if let cuts { return cuts.enumerated().map { "\(t($1.start))\t\(t($1.end))\t\($0 + 1)\n" }.joined() }
        return a.beats.map { "\(t($0.time))\t\(t($0.time))\t\($0.position)\n" }.joined()
    }
}
