import Foundation
import SeedFiles
import SeedAudio
import SeedDSP

/// What a trim keeps.
public enum TrimMode: Sendable, Equatable {
    /// Leading and trailing silence removed (see `TrimJob.thresholdDB`), `padSeconds` kept around the sound.
    case silence(padSeconds: Double)
    /// The best window of this many seconds.
    case best(seconds: Double)
}

/// `seed trim`: analysis pass over the whole file, then only the chosen stretch is read again,
/// faded, optionally loudness-normalized, and encoded.
public struct TrimJob: Sendable {
    public var input: String
    public var output: String
    public var mode: TrimMode
    /// Fade in and out, seconds (raised cosine).
    public var fadeSeconds: Double
    /// Peak level (dBFS) where sound starts and ends: the whole of `--silence`, and the bounds a
    /// best-window search stays within.
    public var thresholdDB: Double = -50
    public var loudness: LoudnessTarget?
    public var force = false
    public var resample = ResampleOptions()
    /// Rate, bitrate and size budget of the output; nil: the format's defaults at the input's rate.
    public var encoding: EncodeRequest?
    /// Most samples (all channels) of the clip held in memory for the loudness passes; a longer
    /// clip is read from the file again on every pass.
    public var memoryLimitSamples = memoryClipLimit

    public init(input: String, output: String, mode: TrimMode, fadeSeconds: Double? = nil) {
        self.input = input
        self.output = output
        self.mode = mode
        switch mode {
        case .silence:
            self.fadeSeconds = fadeSeconds ?? 0.005
        case .best:
            self.fadeSeconds = fadeSeconds ?? 0.02
        }
    }
}

/// A stretch of the input in seconds.
public struct TrimWindow: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
    public var score: Double?
    public var duration: Double { end - start }

    enum CodingKeys: String, CodingKey { case start, end, score, duration }
    public init(start: Double, end: Double, score: Double?) {
        self.start = start; self.end = end; self.score = score
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode((start * 1000).rounded() / 1000, forKey: .start)
        try c.encode((end * 1000).rounded() / 1000, forKey: .end)
        try c.encode(((end - start) * 1000).rounded() / 1000, forKey: .duration)
        try c.encodeIfPresent(score.map { ($0 * 1000).rounded() / 1000 }, forKey: .score)
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decode(Double.self, forKey: .start)
        end = try c.decode(Double.self, forKey: .end)
        score = try c.decodeIfPresent(Double.self, forKey: .score)
    }
}

/// Shares of a window's hops scored as the take's material (melodic or musical): over the whole
/// window and over its first and last 2 s.
public struct MaterialShares: Sendable, Codable, Equatable {
    public var window: Double
    public var start: Double
    public var end: Double

    init(_ musical: [Bool], window: TrimWindow, hop: Double) {
        func share(_ from: Double, _ to: Double) -> Double {
            let lo = max(0, Int((from / hop).rounded())), hi = min(musical.count, Int((to / hop).rounded()))
            guard hi > lo else { return 0 }
            return (Double(musical[lo..<hi].filter { $0 }.count) / Double(hi - lo) * 100).rounded() / 100
        }
        self.window = share(window.start, window.end)
        start = share(window.start, min(window.end, window.start + 2))
        end = share(max(window.start, window.end - 2), window.end)
    }
}

/// What a trim did, for the summary line and `--json`.
public struct TrimSummary: Sendable, Codable {
    public var input: String
    public var output: String
    public var mode: String
    public var inputSeconds: Double
    /// The stretch kept.
    public var window: TrimWindow
    /// Other good windows, best first (best-window mode).
    public var runnersUp: [TrimWindow]
    /// What the content looked like: share of the sounding part that is pitched and sustained.
    public var melodicShare: Double?
    /// The same share in the best gap-cut window, which decides `kind` and is the figure the reason
    /// quotes (best-window mode; nil where the whole input is kept).
    public var windowMelodicShare: Double?
    public var fadeSeconds: Double
    /// Why the window is where it is, in words.
    public var reason: String
    /// Set when the result is not what was asked (e.g. the input is shorter than the window).
    public var note: String?
    /// What the take is (best-window mode): a solo voice is never cut on bars.
    public var kind: TakeKind?
    /// How much of the window, and of each of its ends, is made of the take's material (hops
    /// scored as melodic or musical).
    public var material: MaterialShares?
    /// The best window's cuts fall on downbeats (music with a steady beat).
    public var barAligned: Bool?
    /// Tempo and meter of the input when a steady beat was found (best-window mode).
    public var bpm: Double?
    public var beatsPerBar: Int?
    /// The time signature ("4/4", "12/8": a compound meter's bpm counts its dotted quarters).
    public var meter: String?
    public var loudnessBefore: LoudnessReport?
    public var loudnessAfter: LoudnessReport?
    public var gainDB: Double?
    /// Loudness passes over the window, and MP3 encodings made again after the decoded check.
    public var loudnessPasses: Int?
    public var reencodes: Int?
    public var warning: String?
    public var bytes: Int64
    /// How the clip was encoded ("192 kbit/s CBR"), its rate and channels, and why.
    public var encoding: String?
    public var sampleRate: Int?
    public var channels: Int?
    public var encodingReason: String?
    /// Set when a damaged input was salvaged (`--salvage`): how much decoded and where audio is missing.
    public var damage: StreamDamage?
}

extension TrimJob {
    public func run(progress: ProgressHandler? = nil) throws -> TrimSummary {
        try runWithBeats(progress: progress).summary
    }

    /// Runs the job; also returns the beats found on the input when the window was cut on bars.
    func runWithBeats(progress: ProgressHandler? = nil) throws -> (summary: TrimSummary, beats: BeatAnalysis?) {
        if case .best(let s) = mode, !(s > 0) {
            throw AudioError.unsupportedFormat(input, detail: "the window length must be more than 0 s")
        }
        guard let format = OutputFormat(path: output) else {
            throw AudioError.unsupportedFormat(output, detail: "the output must end in .wav, .flac or .mp3")
        }
        let source = try AudioOpener.open(input)
        defer { source.close() }
        let out = try OutputFile(output, inputs: [input], force: force)
        let analysis: TrimAnalysis
        do {
            var wantsFeatures = true
            if case .silence = mode { wantsFeatures = false }
            analysis = try analyzeForTrim(source, features: wantsFeatures, progress: { progress?($0 * 0.6) })
        } catch {
            out.discard()
            throw error
        }
        let choice: Choice
        do { choice = try choose(analysis, beatsAround: { try analyzeBeats(source, from: $0, to: $1) }) } catch { out.discard(); throw error }

        let rate = Double(analysis.sampleRate)
        let startFrame = Int64((choice.window.start * rate).rounded())
        let endFrame = min(analysis.frames, Int64((choice.window.end * rate).rounded()))
        let fade = Int((fadeSeconds * rate).rounded())
        let clip = try ClipSource(source, start: startFrame, end: endFrame, fadeIn: startFrame > 0 ? fade : 0,
                                  fadeOut: endFrame < analysis.frames ? fade : 0)
        let shape = StreamShape(sampleRate: analysis.sampleRate, channels: analysis.channels,
                                frames: endFrame - startFrame, depth: EncodeJob.depth(of: source))
        var request = encoding ?? EncodeRequest(format: format)
        request.format = format
        let plan = try EncodePlanner.plan(request, input: shape)
        let title = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
        var summary = TrimSummary(input: input, output: output, mode: describeMode(), inputSeconds: analysis.seconds,
                                  window: choice.window, runnersUp: choice.runnersUp, melodicShare: choice.melodicShare,
                                  windowMelodicShare: choice.windowMelodicShare,
                                  fadeSeconds: fadeSeconds, reason: choice.reason, note: choice.note,
                                  kind: choice.kind, material: choice.material, barAligned: choice.barAligned, bpm: choice.beats?.bpm,
                                  beatsPerBar: choice.beats?.beatsPerBar, meter: choice.beats?.meter, bytes: 0)
        summary.damage = DamagePolicy.report(for: input)
        // "Before" is measured in the output's rate and channels, as the loudness passes see it; a
        // clip of a few minutes is kept in memory by the same read, and the passes start from there.
        var before: LoudnessReport? = nil
        var memory: MemorySource? = nil
        if loudness != nil {
            do {
                let read = try readClip(clip, settings: plan.settings, resample: resample, limit: memoryLimitSamples, progress: { progress?(0.6 + 0.1 * $0) })
                (memory, before) = (read.kept, read.before)
            } catch { out.discard(); throw error }
        }
        func render(_ settings: EncoderSettings) throws {
            if let loudness, let before {
                var from: AudioSource = clip
                if let memory, memory.info.sampleRate == settings.sampleRate, memory.info.channels == settings.channels { from = memory }
                let r = try renderAtLoudness(from, before: before, target: loudness, out: out, settings: settings,
                                             resample: resample, title: title, progress: { progress?(0.7 + 0.3 * $0) })
                summary.loudnessBefore = before
                summary.loudnessAfter = r.after
                summary.gainDB = r.gainDB
                summary.loudnessPasses = r.passes
                summary.reencodes = settings.format == .mp3 ? r.reencodes : nil
                summary.warning = r.warning
            } else {
                do {
                    try clip.seek(toFrame: 0)
                    let sink = try makeSink(path: out.tempPath, settings: settings, title: title,
                                            expectedFrames: outputFrames(clip.info.frames, from: clip.info.sampleRate, to: settings))
                    try transcode(clip, into: sink, settings: settings, resample: resample, progress: { progress?(0.6 + 0.4 * $0) })
                } catch {
                    out.discard()
                    throw error
                }
            }
        }
        var settings = plan.settings
        summary.encodingReason = plan.reason
        try render(settings)
        // An ABR aim that overran the budget is encoded again at the CBR step that provably fits.
        if let budget = request.maxBytes, out.writtenBytes > budget {
            guard let fallback = plan.fallback else {
                let bytes = out.writtenBytes
                out.discard()
                throw AudioError.doesNotFit("the clip came out at \(formatBytes(bytes)), over the \(formatBytes(budget)) budget; choose a shorter window or .mp3")
            }
            settings = fallback
            summary.encodingReason = "ABR overran the budget; re-encoded as \(EncodeJob.describe(settings))"
            try render(settings)
        }
        summary.encoding = EncodeJob.describe(settings)
        summary.sampleRate = settings.sampleRate
        summary.channels = settings.channels
        summary.bytes = out.writtenBytes
        try out.commit()
        return (summary, choice.barAligned == true ? choice.beats : nil)
    }

    private func describeMode() -> String {
        switch mode {
        case .silence(let p): return String(format: "silence (threshold %.0f dBFS, pad %.0f ms)", thresholdDB, p * 1000)
        case .best(let s): return "best \(formatDuration(s))"
        }
    }

    struct Choice {
        var window: TrimWindow
        var runnersUp: [TrimWindow] = []
        var melodicShare: Double?
        var windowMelodicShare: Double?
        var reason: String
        var note: String?
        var barAligned: Bool?
        var beats: BeatAnalysis?
        var kind: TakeKind?
        var material: MaterialShares?
    }

    /// Seconds of context either side of the stretch a bar-aligned window is looked for in, when
    /// its beats are tracked: the beat network's receptive field, so beats inside are as good as
    /// the whole input's.
    static let beatContext = 10.0

    /// How far a bar cut may lie outside the free window: a bar of four beats at the tracker's
    /// slowest tempo. (A 5- or 7-beat bar is at most 7.6 s, and a 12/8 bar of four dotted
    /// quarters at `minCompoundBPM` 7.3 s, shorter than the 8.8 s either cut may move in, so a
    /// downbeat still falls in reach.) Bar cuts adjust the window the gaps chose;
    /// they never move it elsewhere, so beats are tracked around that window only.
    static let barReach = 4 * 60 / BeatTrackingOptions().minBPM

    /// Picks the stretch to keep, from the analysis and, for music, the beats `beatsAround` tracks
    /// between two times (seconds of the input; called once, around the chosen material).
    func choose(_ a: TrimAnalysis, beatsAround: (Double, Double) throws -> BeatAnalysis?) throws -> Choice {
        let peakHop = a.peakHopSeconds
        let pad: Double
        if case .silence(let p) = mode { pad = p } else { pad = 0.1 }
        guard let sound = silenceBounds(peakDB: a.peakDB, thresholdDB: Float(thresholdDB),
                                        padHops: Int((pad / peakHop).rounded())) else {
            throw AudioError.tooQuiet(input, level: String(format: "nothing reaches %.0f dBFS", thresholdDB))
        }
        let soundStart = Double(sound.lowerBound) * peakHop
        let soundEnd = min(a.seconds, Double(sound.upperBound) * peakHop)
        switch mode {
        case .silence:
            let cut = a.seconds - (soundEnd - soundStart)
            return Choice(window: TrimWindow(start: soundStart, end: soundEnd, score: nil),
                          reason: String(format: "sound from %.2f s to %.2f s; %.2f s of silence removed", soundStart, soundEnd, cut))
        case .best(let seconds):
            let track = a.features
            let hop = track.hopSeconds
            let scores = scoreHops(track, windowSeconds: seconds, clippedHops: a.clippedFeatureHops)
            let share = Double(scores.melodicShare)
            if soundEnd - soundStart <= seconds {
                return Choice(window: TrimWindow(start: soundStart, end: soundEnd, score: nil), melodicShare: share,
                              reason: "the whole sounding part",
                              note: String(format: "the input has %.1f s of sound, not more than the %@ asked for; kept all of it",
                                           soundEnd - soundStart, formatDuration(seconds)))
            }
            // The fades go outside the chosen hops (into the gap before an onset and after a
            // release), so the search window is shorter by both fades.
            let length = Int(((seconds - 2 * fadeSeconds) / hop).rounded(.down))
            // Up to 10% (at most 2 s) shorter, so both cuts can fall in a gap between notes.
            let flex = min(Int((0.1 * seconds / hop).rounded()), Int((2 / hop).rounded()))
            let range = Int((soundStart / hop).rounded(.down))..<Int((soundEnd / hop).rounded(.up))
            let cutHops = Int((1 / hop).rounded())
            // Cuts in the quietest gaps first, as for a hum: that window says where the take's best
            // material is.
            let free = findBestWindows(scores: scores, range: range, length: length, minLength: length - flex, cutHops: cutHops)
            guard let freeBest = free.first else {
                throw AudioError.tooQuiet(input, level: "no window found")
            }
            let stretchShare = melodicShare(scores, levelDB: track.levelDB, window: freeBest.start..<freeBest.end)
            let kind = TakeKind(melodicShare: stretchShare)
            let musical = musicalHops(scores, reference: freeBest.start..<freeBest.end)
            // Music with a steady beat is cut on downbeats instead: the window starts on a bar and
            // ends just before one, up to a bar (or the 10%) shorter than asked, and only inside
            // the stretch of material the free window lies in, so snapping never reaches into the
            // speech, noise or silence around it. A solo voice keeps its gap cuts, whatever pulse
            // was found in it.
            var picks = free
            var barAligned = false
            var cuts = "cuts placed in quiet gaps"
            var beats: BeatAnalysis?
            let stretch = materialStretch(musical, around: freeBest.start..<freeBest.end, within: range,
                                          maxGap: Int((1.5 / hop).rounded()))
            // Bar cuts fall within a bar of the free window, and inside the stretch of material.
            let reach = Int((Self.barReach / hop).rounded(.up))
            let near = max(stretch.lowerBound, freeBest.start - reach)..<min(stretch.upperBound, freeBest.end + reach)
            if kind != .soloVoice {
                // Beats only where a bar cut can fall, with the network's context either side.
                let from = max(0, Double(near.lowerBound) * hop - Self.beatContext)
                let to = min(a.seconds, Double(near.upperBound) * hop + Self.beatContext)
                beats = try beatsAround(from, to).flatMap { $0.steady && $0.bpm > 0 ? $0 : nil }
            }
            if kind != .soloVoice, let b = beats, b.downbeats.count >= 3 {
                let barHops = Int((60 / b.bpm * Double(b.beatsPerBar) / hop).rounded())
                let downbeatHops = b.downbeats.map { Int(($0 / hop).rounded()) }
                // Bar windows run from one fade before a downbeat to one fade before another, so
                // they may span the whole length asked for.
                let barLength = Int((seconds / hop).rounded(.down))
                let bars = findBestWindows(scores: scores, range: near, length: barLength,
                                           minLength: barLength - max(flex, barHops + 1), cuts: downbeatHops, cutHops: cutHops,
                                           alternatives: 0)
                if bars.isEmpty {
                    cuts += " (no two downbeats fit inside the music)"
                } else {
                    // The runner-ups keep their gap cuts: no beats are tracked around them.
                    picks = [bars[0]] + free.dropFirst()
                    barAligned = true
                    cuts = String(format: "cuts on downbeats (%.0f BPM, ", b.bpm) + b.meter + ")"
                }
            }
            let best = picks[0]
            // Free cuts: the fades go outside the chosen hops, into the gaps. Bar cuts: the fade-in
            // ends on the downbeat's attack and the fade-out ends one fade before the next bar's,
            // so neither clips an onset (beat times are accurate to about 20 ms).
            // Bar cuts use the downbeat's own time, not its 20 ms hop.
            let downbeats = barAligned ? beats?.downbeats ?? [] : []
            func snap(_ hopIndex: Int) -> Double {
                let t = Double(hopIndex) * hop
                return downbeats.min(by: { abs($0 - t) < abs($1 - t) }).flatMap { abs($0 - t) < hop ? $0 : nil } ?? t
            }
            func inSeconds(_ c: WindowChoice, onBars: Bool) -> TrimWindow {
                let start = max(soundStart, (onBars ? snap(c.start) : Double(c.start) * hop) - fadeSeconds)
                let end = onBars ? snap(c.end) - fadeSeconds : Double(c.end) * hop + fadeSeconds
                // Never longer than asked, whatever the snapped downbeats say.
                return TrimWindow(start: start, end: min(soundEnd, end, start + seconds), score: Double(c.score))
            }
            let w = inSeconds(best, onBars: barAligned)
            // The same thresholds as the score's blend between hum and song (scoreHops).
            let content = kind == .soloVoice ? "pitched, sustained sound (humming, singing or an instrument)" :
                (share > 0.35 ? "the most musical stretch (pitched, loud, recurring)" : "the loudest, most repeated stretch")
            let describedKind = String(format: "%@ (melodic share %.2f)", kind == .soloVoice ? "a solo voice" : "music", stretchShare)
            return Choice(window: w, runnersUp: picks.dropFirst().map { inSeconds($0, onBars: false) }, melodicShare: share,
                          windowMelodicShare: Double(stretchShare),
                          reason: "\(describedKind): \(content); \(cuts)", barAligned: barAligned,
                          beats: beats, kind: kind,
                          material: MaterialShares(musical, window: w, hop: hop))
        }
    }
}
