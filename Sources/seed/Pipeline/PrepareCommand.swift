import ArgumentParser
import Foundation
import SeedAudio
import SeedClient
import SeedPipeline

struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Make seed clips: best window, loudness, beats, encoded under the product's limit, with a JSON sidecar.",
        discussion: """
        One pass per file: decode, pick the best window (cut on bars when a steady beat is found), \
        resample to 44.1 kHz, normalize to -14 LUFS with a -1 dBTP true-peak ceiling, fade, encode \
        to MP3 under the product's upload limit, and track beats on the clip. Writes NAME.seed.mp3 \
        and NAME.seed.json (source and clip sha256, the window and why, loudness before and after, \
        tempo, meter, beats, downbeats, encoding, and the beat-marker line `seed run` puts in the \
        prompt). Clip length by product: mureka-ai 30 s, music-creator-ai 60 s, \
        music-generator-free-easy 30 s, music-video-clip the whole song up to 3 min (plus a 2-bar \
        cut list). Many files: --jobs N at a time; bad files are reported and skipped, a table \
        follows, and the exit code is non-zero if any failed.
        """)

    @Argument(help: "Audio files.")
    var files: [String]

    @Option(help: "Product the clip is for: mureka-ai, music-video-clip, music-creator-ai, music-generator-free-easy.")
    var target: SkillTarget = .murekaAI

    @Option(help: "Clip length instead of the product's default, e.g. 30s.")
    var best: String?

    @Option(name: .shortAndLong, help: "Folder for clips and sidecars (default: next to each input).")
    var output: String?

    @Option(help: "Files prepared at the same time.")
    var jobs: Int = 1

    @Option(name: .customLong("max-size"), help: "Size budget of a clip instead of the product's upload limit, e.g. 5MB.")
    var maxSize: String?

    @Flag(help: "Replace clips and sidecars that exist (never an input).")
    var force = false

    @OptionGroup var common: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one audio file") }
        if !(1...64).contains(jobs) { throw ValidationError("--jobs takes 1 to 64") }
        // `-o clip.mp3` would otherwise make a folder of that name: say what -o is instead.
        if let o = output, !isDirectory(o), Self.fileExtensions.contains(URL(fileURLWithPath: o).pathExtension.lowercased()) {
            throw ValidationError("-o is the folder for NAME.seed.mp3 and NAME.seed.json; \(o) looks like a file name (give a folder, e.g. -o clips/)")
        }
    }

    /// Extensions that make an -o path a file name rather than a folder: the audio seed reads, and the sidecar's.
    static let fileExtensions = Set(AudioOpener.sndfileExtensions).union(AudioOpener.ffmpegExtensions).union(["json"])

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            var template = PrepareJob(input: "", target: target, outputDirectory: output)
            template.seconds = try best.map(parseDuration)
            if let s = template.seconds, !(s > 0) { throw QuantityError(message: "--best needs a length above 0 s") }
            template.maxBytes = try maxSize.map(parseByteSize)
            template.force = force
            let jobs = files.map { f -> PrepareJob in var j = template; j.input = f; return j }
            if jobs.count == 1 { try single(jobs[0]) } else { try batch(jobs) }
        }
    }

    private func single(_ job: PrepareJob) throws {
        let s = try withProgress("preparing", quiet: common.hideProgress) { try job.run(progress: $0) }
        if let note = s.window.note, !common.json, !common.quiet { Console.err("seed: note: \(note)") }
        if let w = s.loudness.warning { Console.err("seed: warning: \(w)") }
        try common.report(s) { Self.line(s) + " (sidecar \(job.sidecarPath))" }
    }

    private func batch(_ jobs: [PrepareJob]) throws {
        let chatty = !common.json && !common.quiet
        let bar = ProgressBar("preparing \(jobs.count) files", quiet: common.hideProgress)
        let finished = LockedCounter()
        let outcomes = prepareAll(jobs, parallel: self.jobs) { _, outcome in
            bar.update(Double(finished.increment()) / Double(jobs.count))
            if case .failure(let f) = outcome.result, chatty {
                bar.finish()
                Console.err("seed: error: \(ErrorReporting.message(for: f))")
            }
        }
        bar.finish()
        let failed = outcomes.compactMap { o -> Error? in if case .failure(let f) = o.result { return f }; return nil }
        if common.json {
            try Console.json(outcomes.map(BatchLine.init))
        } else if !common.quiet {
            Console.out(Self.table(outcomes))
            Console.out("\(outcomes.count - failed.count) of \(outcomes.count) prepared" + (failed.isEmpty ? "" : ", \(failed.count) failed"))
        }
        if let first = failed.first { throw ExitCode(ErrorReporting.exitCode(for: first)) }
    }

    /// "120 BPM 4/4", or nil without a steady beat (a sidecar older than `meter` says N/4).
    static func tempo(_ t: ClipSidecar.Tempo) -> String? {
        t.steady ? String(format: "%.0f BPM ", t.bpm) + (t.meter ?? "\(t.beatsPerBar)/4") : nil
    }

    static func line(_ s: ClipSidecar) -> String {
        var parts = [String(format: "%.1f s from %.2f s to %.2f s of %.1f s", s.clip.seconds, s.window.start, s.window.end, s.source.seconds)]
        parts.append(tempo(s.tempo) ?? "no steady beat")
        if let l = s.loudness.after?.integratedLUFS { parts.append(String(format: "%.1f LUFS", l)) }
        parts.append("\(formatBytes(s.clip.bytes)) \(s.clip.encoding)")
        return "\(s.clip.path): " + parts.joined(separator: ", ")
    }

    /// The summary table of a batch, one row per input in the order given.
    static func table(_ outcomes: [PrepareOutcome]) -> String {
        var rows = [["file", "clip", "seconds", "tempo", "LUFS", "size", "result"]]
        for o in outcomes {
            let name = URL(fileURLWithPath: o.input).lastPathComponent
            switch o.result {
            case .success(let s):
                rows.append([name, URL(fileURLWithPath: s.clip.path).lastPathComponent, String(format: "%.1f", s.clip.seconds),
                             tempo(s.tempo) ?? "-",
                             s.loudness.after?.integratedLUFS.map { String(format: "%.1f", $0) } ?? "-",
                             formatBytes(s.clip.bytes), "ok"])
            case .failure(let f):
                rows.append([name, "-", "-", "-", "-", "-", "failed (exit \(ErrorReporting.exitCode(for: f)))"])
            }
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { r in
            r.enumerated().map { c, v in c == r.count - 1 ? v : v.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// One file of a batch in --json.
    struct BatchLine: Encodable {
        var input: String
        var ok: Bool
        var sidecar: ClipSidecar?
        var error: String?
        var exitCode: Int32?
        init(_ o: PrepareOutcome) {
            input = o.input
            switch o.result {
            case .success(let s): ok = true; sidecar = s
            case .failure(let f):
                ok = false
                error = ErrorReporting.message(for: f)
                exitCode = ErrorReporting.exitCode(for: f)
            }
        }
    }
}

/// A counter shared by worker threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
