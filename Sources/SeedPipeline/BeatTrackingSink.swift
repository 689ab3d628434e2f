import SeedAudio
import SeedDSP

/// A sink that tracks beats in mono samples at the beat analysis rate (16 kHz): onset frames
/// straight into a `BeatTracker`. Behind a `ThreadedSink` it runs on the second core while the
/// analysis pass goes on with the other features.
final class BeatTrackingSink: AudioSink {
    private let extractor = OnsetStrengthExtractor(sampleRate: Double(beatAnalysisRate), keepsBands: true)
    private let tracker: BeatTracker
    private var samples = 0
    /// The analysis, once `finish` has run.
    private(set) var result: BeatAnalysis?

    init(options: BeatTrackingOptions = BeatTrackingOptions()) throws {
        tracker = BeatTracker(fps: extractor.track.fps, networks: try BeatModel.networks(), options: options)
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        extractor.push(samples)
        tracker.push(extractor.takeFrames())
        self.samples += frames
    }

    func finish() throws {
        tracker.push(extractor.finish(totalSamples: samples))
        result = tracker.finish()
    }
}
