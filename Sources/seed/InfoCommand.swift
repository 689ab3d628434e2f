import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show format, duration, peaks and loudness (EBU R128) of audio files.")

    @Argument(help: "Audio files (WAV, AIFF, FLAC, OGG, Opus, MP3; m4a/aac/mp4/mov/webm/mkv with ffmpeg).")
    var files: [String]

    @OptionGroup var common: OutputOptions

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        var reports: [InfoReport] = []
        var failure: Error?
        for file in files {
            do {
                let label = "measuring \((file as NSString).lastPathComponent)"
                let report = try withProgress(label, quiet: common.hideProgress) { try scanInfo(path: file, progress: $0) }
                reports.append(report)
                if !common.json { printText(report) }
            } catch {
                // Keep going through the other files; the exit code reports the first failure.
                let code = ErrorReporting.fail(error)
                if failure == nil { failure = code }
            }
        }
        if common.json {
            if files.count == 1, let r = reports.first { try printJSON(r) } else { try printJSON(reports) }
        }
        if let failure { throw failure }
    }

    private func printText(_ r: InfoReport) {
        let db = { (v: Double?, unit: String) in v.map { String(format: "%.1f %@", $0, unit) } ?? "silent" }
        print("""
        \(r.path)
          format    \(r.container), \(r.codec) (\(r.decoder)), \(formatBytes(r.bytes))
          audio     \(r.sampleRate) Hz, \(r.channels) ch, \(r.frames) frames, \(formatDuration(r.durationSeconds))
          peak      \(db(r.loudness.samplePeakDBFS, "dBFS")) sample, \(db(r.loudness.truePeakDBTP, "dBTP")) true
          loudness  \(r.loudness.integratedLUFS.map { String(format: "%.1f LUFS", $0) } ?? "silent (below the -70 LUFS gate)") integrated
        """)
    }
}
