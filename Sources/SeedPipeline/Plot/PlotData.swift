import Foundation
import SeedAudio
import SeedDSP

/// What `seed plot` draws: the waveform envelope, short-term loudness, beats and downbeats, and
/// (with a window length) the window `trim --best` would choose.
public struct PlotData: Sendable {
    public var title: String
    public var seconds: Double
    /// Lowest and highest sample of the mono mix per column.
    public var envelope: [(min: Float, max: Float)]
    /// Short-term loudness (3 s, EBU R128) every `loudnessStep` seconds; nil where silent.
    public var loudness: [Double?]
    public var loudnessStep: Double
    public var integratedLUFS: Double?
    /// Nil when the beat tracker found no steady beat.
    public var beats: BeatAnalysis?
    public var window: TrimWindow?
    public var windowReason: String?
}

/// Reads `input` once for a plot `columns` wide: the trim analysis pass (onsets for the beats,
/// features for the window) with the envelope and loudness taken from the same blocks.
/// `best` adds the chosen window of that length.
public func makePlotData(input: String, columns: Int, best: Double?, progress: ProgressHandler? = nil) throws -> PlotData {
    let source = try AudioOpener.open(input)
    defer { source.close() }
    let info = source.info
    let frames = try info.frames ?? countFrames(source)
    guard frames > 0 else { throw AudioError.emptyFile(input) }
    try source.seek(toFrame: 0)
    let trace = try PlotTrace(sampleRate: info.sampleRate, channels: info.channels, frames: frames, columns: columns)
    let analysis = try analyzeForTrim(TappedSource(source, tap: trace.add), beats: true, progress: progress)
    var data = PlotData(title: URL(fileURLWithPath: input).lastPathComponent, seconds: Double(frames) / Double(info.sampleRate),
                        envelope: trace.envelope, loudness: trace.loudness, loudnessStep: trace.step,
                        integratedLUFS: trace.meter.report.integratedLUFS, beats: analysis.beats)
    if data.beats?.steady != true { data.beats = nil }
    if let best {
        // The window trim and prepare would choose, from the beats they would track.
        let choice = try TrimJob(input: input, output: "", mode: .best(seconds: best))
            .choose(analysis, beatsAround: { try analyzeBeats(source, from: $0, to: $1) })
        data.window = choice.window
        data.windowReason = choice.reason
    }
    return data
}

/// The waveform envelope (mono mix, min and max per column) and short-term loudness every
/// `step` seconds, fed block by block.
final class PlotTrace {
    let meter: LoudnessMeter
    private(set) var envelope: [(min: Float, max: Float)]
    private(set) var loudness: [Double?] = []
    let step: Double
    private let channels: Int, stepFrames: Int, perColumn: Double
    private var position: Int64 = 0, sinceStep = 0

    init(sampleRate: Int, channels: Int, frames: Int64, columns: Int) throws {
        self.channels = channels
        meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels, truePeak: false, shortTerm: true)
        // At most ~600 loudness points, at least 0.1 s apart.
        stepFrames = max(1, Int(max(0.1, Double(frames) / Double(sampleRate) / 600) * Double(sampleRate)))
        step = Double(stepFrames) / Double(sampleRate)
        perColumn = max(1, Double(frames) / Double(columns))
        envelope = [(min: Float, max: Float)](repeating: (0, 0), count: columns)
    }

    func add(_ block: UnsafeBufferPointer<Float>, frames n: Int) {
        let ch = channels, last = envelope.count - 1
        var f = 0
        while f < n {
            // Meter in step-sized pieces so a reading lands on every step.
            let take = min(n - f, stepFrames - sinceStep)
            meter.add(UnsafeBufferPointer(rebasing: block[(f * ch)..<((f + take) * ch)]), frames: take)
            let first = position - Int64(f)
            envelope.withUnsafeMutableBufferPointer { env in
                for i in f..<(f + take) {
                    var m: Float = 0
                    for c in 0..<ch { m += block[i * ch + c] }
                    m /= Float(ch)
                    let col = min(last, Int(Double(first + Int64(i)) / perColumn))
                    if m < env[col].min { env[col].min = m }
                    if m > env[col].max { env[col].max = m }
                }
            }
            position += Int64(take)
            sinceStep += take
            f += take
            if sinceStep == stepFrames { loudness.append(meter.shortTermLUFS); sinceStep = 0 }
        }
    }
}
