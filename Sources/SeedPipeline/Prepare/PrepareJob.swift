import Foundation
import SeedFiles
import SeedAudio
import SeedClient
import SeedDSP

/// `seed prepare`: one source file to a seed clip for a product, plus its JSON sidecar.
///
/// Two passes over the source (architecture.md): the analysis pass picks the window (on bars when
/// a steady beat is found), then only that window is decoded again, resampled to the clip rate,
/// normalized (EBU R128 with a true-peak ceiling), faded and encoded under the product's size
/// limit. Beats are then tracked on the finished clip, so their times are the clip's own.
public struct PrepareJob: Sendable {
    public var input: String
    /// Folder for the clip and sidecar; nil: next to the input.
    public var outputDirectory: String?
    public var target: SkillTarget
    /// Clip length; nil: the product's default.
    public var seconds: Double?
    /// Size budget; nil: the product's upload limit.
    public var maxBytes: Int64?
    public var loudness = LoudnessTarget()
    public var force = false
    /// Names the files for the product too (`<name>.<product>.seed.mp3`): `seed run` uses these
    /// names when the plain ones hold another product's clip of the same input.
    public var namesProduct = false

    public init(input: String, target: SkillTarget, outputDirectory: String? = nil) {
        self.input = input
        self.target = target
        self.outputDirectory = outputDirectory
    }

    /// `<folder>/<input name>.seed.mp3` (`.<product>.seed.mp3` with `namesProduct`)
    public var clipPath: String { path(ext: "mp3") }
    /// `<folder>/<input name>.seed.json` (`.<product>.seed.json` with `namesProduct`)
    public var sidecarPath: String { path(ext: "json") }

    private func path(ext: String) -> String {
        let url = URL(fileURLWithPath: input)
        let dir = outputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? url.deletingLastPathComponent()
        let product = namesProduct ? ".\(target.rawValue)" : ""
        return dir.appendingPathComponent("\(url.deletingPathExtension().lastPathComponent)\(product).seed.\(ext)").path
    }
}

extension PrepareJob {
    /// Makes the clip and the sidecar; neither appears unless both can be written.
    public func run(progress: ProgressHandler? = nil) throws -> ClipSidecar {
        let profile = target.profile
        let seconds = self.seconds ?? profile.seconds
        let budget = maxBytes ?? profile.maxBytes
        if let dir = outputDirectory, !FileManager.default.fileExists(atPath: dir) {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw FileError.writeFailed(dir, reason: "cannot create the folder")
            }
        }
        try OutputFile.check(sidecarPath, inputs: [input], force: force)
        var trim = TrimJob(input: input, output: clipPath, mode: .best(seconds: seconds))
        trim.loudness = loudness
        trim.force = force
        trim.encoding = EncodeRequest(format: .mp3, sampleRate: profile.sampleRate, bitrateKbps: profile.bitrateKbps,
                                      maxBytes: budget)
        let (cut, sourceBeats) = try trim.runWithBeats(progress: { progress?(0.85 * $0) })
        do {
            let sidecar = try describe(cut, sourceBeats: sourceBeats, budget: budget, profile: profile, progress: progress)
            let out = try OutputFile(sidecarPath, inputs: [input], force: force)
            do {
                try sidecar.encoded().write(to: URL(fileURLWithPath: out.tempPath))
            } catch {
                out.discard()
                throw FileError.fromWriteErrno(errno == 0 ? EIO : errno, path: sidecarPath)
            }
            try out.commit()
            progress?(1)
            return sidecar
        } catch {
            // The clip alone would be a seed clip without its record; remove it.
            try? FileManager.default.removeItem(atPath: clipPath)
            throw error
        }
    }

    /// Beats of the clip and hashes of both files. When the window was cut on bars, the beats are
    /// the input's own within the window (the whole song gives the meter and downbeat phase more
    /// context than the clip alone); otherwise they are tracked on the finished clip.
    private func describe(_ cut: TrimSummary, sourceBeats: BeatAnalysis?, budget: Int64, profile: ClipProfile,
                          progress: ProgressHandler?) throws -> ClipSidecar {
        let clip = try AudioOpener.open(clipPath)
        defer { clip.close() }
        let clipSeconds = Double(clip.info.frames ?? 0) / Double(clip.info.sampleRate)
        let beats = try sourceBeats.map { $0.within(start: cut.window.start, end: cut.window.start + clipSeconds) }
            ?? analyzeBeats(clip, progress: { progress?(0.85 + 0.1 * $0) })
        let steady = beats.steady && beats.bpm > 0
        var cuts: [CutSegment]? = nil
        if let unit = profile.cutsEvery, steady {
            cuts = cutList(beats, unit: unit, end: clipSeconds).map { CutSegment(start: millis($0.start), end: millis($0.end)) }
        }
        let sourceBytes = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int64) ?? nil
        var sidecar = ClipSidecar(
            target: target.rawValue,
            source: .init(path: input, sha256: try sha256Hex(ofFile: input), bytes: sourceBytes ?? 0,
                          seconds: millis(cut.inputSeconds)),
            clip: .init(path: clipPath, sha256: try sha256Hex(ofFile: clipPath), bytes: cut.bytes, seconds: millis(clipSeconds),
                        format: "mp3", sampleRate: cut.sampleRate ?? clip.info.sampleRate, channels: cut.channels ?? clip.info.channels,
                        encoding: cut.encoding ?? "", encodingReason: cut.encodingReason ?? "", maxBytes: budget),
            window: .init(start: millis(cut.window.start), end: millis(cut.window.end), duration: millis(cut.window.duration),
                          fadeSeconds: cut.fadeSeconds, reason: cut.reason, note: cut.note, barAligned: cut.barAligned ?? false, kind: cut.kind),
            loudness: .init(target: loudness, before: cut.loudnessBefore, after: cut.loudnessAfter,
                            gainDB: cut.gainDB.map { ($0 * 100).rounded() / 100 }, passes: cut.loudnessPasses,
                            reencodes: cut.reencodes, warning: cut.warning),
            tempo: .init(steady: steady, bpm: (beats.bpm * 10).rounded() / 10, confidence: (beats.confidence * 100).rounded() / 100,
                         beatsPerBar: beats.beatsPerBar, meter: beats.meter, firstDownbeat: beats.downbeats.first.map(millis),
                         tempoCurve: beats.tempoCurve.map { TempoSegment(start: millis($0.start), end: millis($0.end), bpm: ($0.bpm * 10).rounded() / 10) }),
            beats: beats.beats.map { Beat(time: millis($0.time), position: $0.position) },
            downbeats: beats.downbeats.map(millis),
            cuts: cuts,
            markers: BeatMarkers.line(beats, clipSeconds: clipSeconds))
        sidecar.damage = cut.damage
        return sidecar
    }
}

extension PrepareJob {
    /// The clip and sidecar this job would make, when they already exist and match its source
    /// (by sha256), product and length, and the clip is unchanged since; nil otherwise.
    public func existingClip() throws -> ClipSidecar? {
        guard FileManager.default.fileExists(atPath: sidecarPath),
              let s = try? ClipSidecar.read(sidecarPath), s.target == target.rawValue,
              s.clip.path == clipPath, (try? sha256Hex(ofFile: clipPath)) == s.clip.sha256,
              try sha256Hex(ofFile: input) == s.source.sha256 else { return nil }
        if let wanted = seconds, abs(wanted - s.clip.seconds) > 2.5 && s.window.note == nil { return nil }
        return s
    }
}

extension BeatAnalysis {
    /// The beats between `start` and `end` (seconds of the input), in time from `start`.
    func within(start: Double, end: Double) -> BeatAnalysis {
        var a = self
        a.beats = beats.filter { $0.time >= start && $0.time < end }.map { Beat(time: $0.time - start, position: $0.position) }
        a.tempoCurve = tempoCurve.filter { $0.end > start && $0.start < end }.map {
            TempoSegment(start: max(0, $0.start - start), end: min(end, $0.end) - start, bpm: $0.bpm)
        }
        return a
    }
}
