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

/// Reads `input` for a plot `columns` wide; `best` adds the chosen window of that length.
public func makePlotData(input: String, columns: Int, best: Double?, progress: ProgressHandler? = nil) throws -> PlotData {
    let source = try AudioOpener.open(input)
    defer { source.close() }
    let info = source.info
    let frames = try info.frames ?? countFrames(source)
    guard frames > 0 else { throw AudioError.emptyFile(input) }
    let ch = info.channels
    let perColumn = max(1, Double(frames) / Double(columns))
    var envelope = [(min: Float, max: Float)](repeating: (0, 0), count: columns)
    let meter = try LoudnessMeter(sampleRate: info.sampleRate, channels: ch, truePeak: false, shortTerm: true)
    let step = max(0.1, Double(frames) / Double(info.sampleRate) / 600)  // at most ~600 loudness points
    let stepFrames = max(1, Int(step * Double(info.sampleRate)))
    var loudness: [Double?] = []
    let block = 16_384
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * ch)
    defer { buffer.deallocate() }
    var position: Int64 = 0, sinceStep = 0
    try source.seek(toFrame: 0)
    while true {
        let n = try source.read(into: buffer.baseAddress!, frames: block)
        if n == 0 { break }
        var f = 0
        while f < n {
            // Meter in step-sized pieces so a reading lands on every step.
            let take = min(n - f, stepFrames - sinceStep)
            meter.add(UnsafeBufferPointer(rebasing: buffer[(f * ch)..<((f + take) * ch)]), frames: take)
            for i in f..<(f + take) {
                var m: Float = 0
                for c in 0..<ch { m += buffer[i * ch + c] }
                m /= Float(ch)
                let col = min(columns - 1, Int(Double(position + Int64(i - f)) / perColumn))
                if m < envelope[col].min { envelope[col].min = m }
                if m > envelope[col].max { envelope[col].max = m }
            }
            position += Int64(take)
            sinceStep += take
            f += take
            if sinceStep == stepFrames { loudness.append(meter.shortTermLUFS); sinceStep = 0 }
        }
        progress?(0.5 * Double(position) / Double(frames))
    }
    try source.seek(toFrame: 0)
    let title = URL(fileURLWithPath: input).lastPathComponent
    var data = PlotData(title: title, seconds: Double(frames) / Double(info.sampleRate), envelope: envelope,
                        loudness: loudness, loudnessStep: Double(stepFrames) / Double(info.sampleRate),
                        integratedLUFS: meter.report.integratedLUFS, beats: nil)
    if let best {
        let analysis = try analyzeForTrim(source, progress: { progress?(0.5 + 0.5 * $0) })
        let choice = try TrimJob(input: input, output: "", mode: .best(seconds: best)).choose(analysis)
        data.window = choice.window
        data.windowReason = choice.reason
        data.beats = analysis.onsets.map { trackBeats($0) }
    } else {
        data.beats = try analyzeBeats(source, progress: { progress?(0.5 + 0.5 * $0) })
    }
    if data.beats?.steady != true { data.beats = nil }
    return data
}
