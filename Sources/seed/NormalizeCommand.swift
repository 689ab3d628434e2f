import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize loudness (EBU R128) under a true-peak ceiling, or normalize the peak.",
        discussion: """
        Measures integrated loudness with libebur128, applies the gain to reach --lufs, and where that \
        would push the true (4x oversampled) peak over --true-peak, a look-ahead limiter holds it under \
        the ceiling; the loudness is then re-measured and the gain corrected. Silence and near-silence \
        (below -55 LUFS) are refused. --peak normalizes the sample peak instead. The default output is \
        INPUT.norm.<ext> next to the input.
        """)

    @Argument(help: "Input audio file.")
    var file: String

    @Option(parsing: .unconditional, help: "Target integrated loudness in LUFS (negative values read as values: --lufs -16).")
    var lufs: Double = -14

    @Option(name: .customLong("true-peak"), parsing: .unconditional, help: "True-peak ceiling in dBTP.")
    var truePeak: Double = -1

    @Option(parsing: .unconditional, help: "Plain peak normalization to this dBFS instead of loudness.")
    var peak: Double?

    @OptionGroup var write: WriteOptions
    @OptionGroup var common: OutputOptions

    func validate() throws {
        guard (-70 ... 0).contains(lufs) else { throw ValidationError("--lufs takes -70 to 0") }
        guard (-20 ... 0).contains(truePeak) else { throw ValidationError("--true-peak takes -20 to 0 dBTP") }
        if let peak, !(-60 ... 0).contains(peak) { throw ValidationError("--peak takes -60 to 0 dBFS") }
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            var job = NormalizeJob(input: file, output: write.output ?? OutputNaming.path(
                for: file, tag: "norm", ext: OutputNaming.format(sameAs: file).rawValue))
            job.targetLUFS = lufs
            job.ceilingDBTP = truePeak
            job.peakDBFS = peak
            job.force = write.force
            let s = try withProgress("normalizing", quiet: common.hideProgress) { try job.run(progress: $0) }
            if let w = s.warning { FileHandle.standardError.write(Data("seed: warning: \(w)\n".utf8)) }
            try common.report(s) {
                let f = { (v: Double?, u: String) in v.map { String(format: "%.1f %@", $0, u) } ?? "-" }
                var line = "\(s.output): \(f(s.before.integratedLUFS, "LUFS")) → \(f(s.after.integratedLUFS, "LUFS")), "
                line += "true peak \(f(s.after.truePeakDBTP, "dBTP")), gain \(String(format: "%+.1f", s.gainDB)) dB"
                if s.limiterMaxReductionDB < 0 { line += String(format: ", limiter up to %.1f dB", s.limiterMaxReductionDB) }
                return line
            }
        }
    }
}
