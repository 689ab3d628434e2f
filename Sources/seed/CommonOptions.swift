import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

/// Options every command shares.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print a JSON object on stdout instead of text (for scripts).")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress bar and no summary line.")
    var quiet = false

    /// No progress bar with --json or --quiet.
    var hideProgress: Bool { quiet || json }

    /// Prints the result as JSON, or as the text line unless --quiet.
    func report<T: Encodable>(_ value: T, text: () -> String) throws {
        if json { try printJSON(value) } else if !quiet { print(text()) }
    }
}

/// What to do with a damaged or truncated input.
struct DamageOptions: ParsableArguments {
    @Flag(help: "Keep what a damaged or truncated file still decodes (damaged frames skipped where the decoder can resync), say how much was lost and where, and carry on; the sidecar and --json record it as damage. Default: refuse it (exit 65, nothing written).")
    var salvage = false

    /// Sets the policy for every file this process opens; a salvaged file gets one line on stderr.
    func apply() {
        DamagePolicy.salvage = salvage
        DamagePolicy.onSalvage = { path, d in
            let name = URL(fileURLWithPath: path).lastPathComponent
            let lost = d.expected == nil && d.lost < 0.05 ? "how much is lost is unknown" : String(format: "%.1f s lost", d.lost)
            let at = d.gaps.prefix(3).filter { $0.seconds >= 0.05 }.map { String(format: "%.1f s at %@", $0.seconds, StreamDamage.clock($0.at)) }
            let line = "seed: warning: \(name) is damaged: \(d.summary); kept what decodes (\(lost)\(at.isEmpty ? "" : ": " + at.joined(separator: ", ")))"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

/// Options of commands that write a file.
struct WriteOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file (default: next to the input). Its extension picks the format: .wav, .flac or .mp3.")
    var output: String?

    @Flag(help: "Replace the output if it exists (never the input).")
    var force = false
}

/// Options that choose how sample rates are converted.
struct ResamplerOptions: ParsableArguments {
    @Option(help: "Resampler quality: vhq, hq or mq.")
    var quality: ResampleQuality = .hq

    @Option(help: "Resampler engine: soxr (fast, default) or libsamplerate.")
    var engine: ResamplerEngine = .soxr

    var options: ResampleOptions { ResampleOptions(engine: engine, quality: quality) }
}

extension ResampleQuality: ExpressibleByArgument {}
extension ResamplerEngine: ExpressibleByArgument {}

/// Writes a Codable value as pretty JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    FileHandle.standardOutput.write(try encoder.encode(value))
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The line a human sees after an encode or resample.
func summaryLine(_ s: EncodeSummary) -> String {
    var line = "\(s.output): \(formatBytes(s.bytes)), \(s.sampleRate) Hz, \(s.channels) ch, \(s.mode)"
    if let budget = s.maxBytes { line += String(format: " (%.0f%% of %@)", 100 * Double(s.bytes) / Double(budget), formatBytes(budget)) }
    return line
}
