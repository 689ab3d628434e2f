import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

struct TrimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trim",
        abstract: "Cut leading/trailing silence, or pick the best window of a given length.",
        discussion: """
        --best 30s picks the stretch a musician would pick: for humming and singing, sustained pitched \
        notes rather than breaths, coughs, speech or handling noise; for songs, the loud, repeated \
        (chorus-like) section. Both cuts land in quiet gaps (the window may come out up to 10%, at most \
        2 s, shorter for that) and get short fades. An input with less sound than the window is kept \
        whole, silence-trimmed, with a note. --normalize adds loudness normalization of the clip, and \
        the output's extension picks the format, so one command makes a finished clip:
          seed trim hum.wav --best 30s --normalize -14 -o clip.mp3
        The default output is INPUT.trim.<ext> (or INPUT.best.<ext>) next to the input.
        """)

    @Argument(help: "Input audio file.")
    var file: String

    @Flag(help: "Remove leading and trailing silence.")
    var silence = false

    @Option(help: "Keep the best window of this length, e.g. 30s or 1m.")
    var best: String?

    @Option(parsing: .unconditional, help: "Silence threshold (peak level), e.g. -50dB.")
    var threshold: String = "-50dB"

    @Option(help: "Margin kept around the sound with --silence, e.g. 100ms.")
    var pad: String = "100ms"

    @Option(help: "Fade in/out length, e.g. 20ms (default 20ms with --best, 5ms with --silence).")
    var fade: String?

    @Option(parsing: .unconditional, help: "Also normalize the clip to this integrated loudness (LUFS), e.g. -14.")
    var normalize: Double?

    @Option(name: .customLong("true-peak"), parsing: .unconditional, help: "True-peak ceiling with --normalize, dBTP.")
    var truePeak: Double = -1

    @OptionGroup var write: WriteOptions
    @OptionGroup var common: OutputOptions

    func validate() throws {
        if !silence && best == nil { throw ValidationError("say what to trim: --silence, or --best DURATION (e.g. --best 30s)") }
        if let normalize, !(-70 ... 0).contains(normalize) { throw ValidationError("--normalize takes -70 to 0 LUFS") }
        guard (-20 ... 0).contains(truePeak) else { throw ValidationError("--true-peak takes -20 to 0 dBTP") }
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            let thresholdDB = try parseLevel(threshold)
            let mode: TrimMode
            if let best {
                let seconds = try parseDuration(best)
                guard seconds > 0 else { throw QuantityError(message: "--best needs a length above 0 s, e.g. --best 30s") }
                mode = .best(seconds: seconds)
            } else {
                mode = .silence(padSeconds: try parseDuration(pad))
            }
            let tag = best == nil ? "trim" : "best"
            let output = write.output ?? OutputNaming.path(for: file, tag: tag, ext: OutputNaming.format(sameAs: file).rawValue)
            var job = TrimJob(input: file, output: output, mode: mode, fadeSeconds: try fade.map(parseDuration))
            job.thresholdDB = thresholdDB
            job.force = write.force
            if let normalize { job.loudness = LoudnessTarget(lufs: normalize, ceilingDBTP: truePeak) }
            let s = try withProgress("trimming", quiet: common.hideProgress) { try job.run(progress: $0) }
            if let note = s.note, !common.json, !common.quiet { FileHandle.standardError.write(Data("seed: note: \(note)\n".utf8)) }
            if let w = s.warning { FileHandle.standardError.write(Data("seed: warning: \(w)\n".utf8)) }
            try common.report(s) {
                var line = String(format: "%@: %.2f s to %.2f s of %.1f s (%.1f s kept), ", s.output, s.window.start,
                                  s.window.end, s.inputSeconds, s.window.duration)
                line += s.reason
                if let after = s.loudnessAfter?.integratedLUFS { line += String(format: ", %.1f LUFS", after) }
                return line
            }
        }
    }

    /// "-50dB", "-50 dBFS" or "-50" → -50.
    private func parseLevel(_ text: String) throws -> Double {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        for suffix in ["dbfs", "db"] where t.hasSuffix(suffix) { t = String(t.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces) }
        guard let v = Double(t), v.isFinite, v <= 0, v >= -120 else {
            throw QuantityError(message: "--threshold takes a level from -120dB to 0dB, e.g. -50dB")
        }
        return v
    }
}
