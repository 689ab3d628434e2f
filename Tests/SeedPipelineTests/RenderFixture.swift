import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport

/// A render in testdata/renders tracked end to end, with its exact beats and downbeats from the
/// `.beats` file beside it (time, tab, position in the bar; 1 is a downbeat).
struct TrackedRender {
    var analysis: BeatAnalysis
    var beats: [Double]
    var downbeats: [Double]

    /// The render `db` decibels louder (or quieter) than it is.
    init(_ name: String, options: BeatTrackingOptions = BeatTrackingOptions(), db: Double = 0) throws {
        let source = try AudioOpener.open(TestFiles.testdata("renders/\(name).ogg"))
        defer { source.close() }
        analysis = try analyzeBeats(db == 0 ? source : GainedSource(source, db: db), options: options)
        let text = try String(contentsOfFile: TestFiles.testdata("renders/\(name).beats"), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t") }
        beats = rows.compactMap { Double($0[0]) }
        downbeats = rows.filter { $0.count > 1 && $0[1] == "1" }.compactMap { Double($0[0]) }
    }

    /// Beat F-measure of the tracked beats against the exact ones (±70 ms).
    var beatF: Double { BeatMetrics.fMeasure(reference: beats, estimated: analysis.beats.map(\.time)) }
    /// Downbeat F-measure likewise.
    var downbeatF: Double { BeatMetrics.fMeasure(reference: downbeats, estimated: analysis.downbeats) }
}
