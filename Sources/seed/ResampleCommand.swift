import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

struct ResampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resample",
        abstract: "Convert the sample rate, streamed in blocks (libsoxr by default).",
        discussion: "The default output is INPUT.<rate>.<ext> next to the input, in the input's format when seed writes it (WAV otherwise).")

    @Argument(help: "Input audio file.")
    var file: String

    @Option(help: "Target sample rate in Hz (8000 to 384000), e.g. 48000 or 44.1k.")
    var rate: String

    @OptionGroup var resampler: ResamplerOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var common: OutputOptions

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            let hz = try parseRate(rate)
            try AudioLimits.check(sampleRate: hz, channels: 1)
            let output = write.output ?? OutputNaming.path(for: file, tag: rateTag(hz), ext: OutputNaming.format(sameAs: file).rawValue)
            guard let format = OutputFormat(path: output) else {
                throw QuantityError(message: "\(output): the output must end in .wav, .flac or .mp3")
            }
            if format == .mp3 && !Mp3Sink.sampleRates.contains(hz) {
                throw QuantityError(message: "MP3 cannot be written at \(hz) Hz; use .wav or .flac, or one of \(Mp3Sink.sampleRates.map(String.init).joined(separator: ", "))")
            }
            let job = EncodeJob(input: file, output: output, request: EncodeRequest(format: format, sampleRate: hz),
                                resample: resampler.options, force: write.force)
            let summary = try withProgress("resampling", quiet: common.hideProgress) { try job.run(progress: $0) }
            try common.report(summary) { summaryLine(summary) }
        }
    }

    private func rateTag(_ hz: Int) -> String {
        hz % 1000 == 0 ? "\(hz / 1000)k" : String(format: "%gk", Double(hz) / 1000)
    }
}

/// Reads a sample rate: `48000`, `48k`, `44.1k`, `44.1kHz`.
func parseRate(_ text: String) throws -> Int {
    var s = text.lowercased().trimmingCharacters(in: .whitespaces)
    if s.hasSuffix("hz") { s.removeLast(2) }
    var scale = 1.0
    if s.hasSuffix("k") { s.removeLast(); scale = 1000 }
    guard let v = Double(s), v > 0, v.isFinite else {
        throw QuantityError(message: "'\(text)' is not a sample rate (try 48000 or 44.1k)")
    }
    return Int((v * scale).rounded())
}
