import ArgumentParser
import Foundation
import SeedAudio
import SeedPipeline

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode to WAV, FLAC or MP3, optionally under a size budget.",
        discussion: """
        With --max-size seed picks the highest quality that provably fits: MP3 sizes follow from the \
        frame formula (plus tag headroom); between bitrate steps an ABR encode aimed under the budget is \
        counted and replaced by the next lower constant bitrate if it overran. When even 32 kbit/s \
        cannot fit, it says how many seconds to trim. Sizes: K/M/G and KB/MB/GB are powers of 1000, \
        KiB/MiB/GiB powers of 1024.
        """)

    @Argument(help: "Input audio file.")
    var file: String

    @Option(help: "MP3 constant bitrate, e.g. 192k (default 192k; with --max-size, the highest allowed).")
    var bitrate: String?

    @Option(help: "MP3 VBR quality 0 (best) to 9.")
    var vbr: Int?

    @Option(help: "WAV/FLAC sample format: 16, 24 or 32f (default: the input's).")
    var bits: String?

    @Option(name: .customLong("max-size"), help: "Size budget, e.g. 200MB, 500M, 1.5GB, 64KiB.")
    var maxSize: String?

    @Option(help: "Output sample rate in Hz (default: the input's; MP3 uses the nearest rate it allows).")
    var rate: String?

    @OptionGroup var resampler: ResamplerOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var common: OutputOptions

    func validate() throws {
        if bitrate != nil && vbr != nil { throw ValidationError("--bitrate and --vbr exclude each other") }
        if let vbr, !(0...9).contains(vbr) { throw ValidationError("--vbr takes 0 (best) to 9") }
        if vbr != nil && maxSize != nil { throw ValidationError("--vbr cannot promise a size; use --max-size alone or with --bitrate") }
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            let output = write.output ?? OutputNaming.path(for: file, tag: nil, ext: "mp3")
            guard let format = OutputFormat(path: output) else {
                throw QuantityError(message: "\(output): the output must end in .wav, .flac or .mp3")
            }
            var request = EncodeRequest(format: format)
            request.bitrateKbps = try bitrate.map(parseBitrate)
            if let kbps = request.bitrateKbps, !(Mp3Sink.mpeg1Bitrates + Mp3Sink.mpeg2Bitrates).contains(kbps) {
                throw QuantityError(message: "\(kbps) kbit/s is not an MP3 bitrate (use one of \(Mp3Sink.mpeg1Bitrates.map(String.init).joined(separator: ", ")))")
            }
            request.vbrQuality = vbr
            request.maxBytes = try maxSize.map(parseByteSize)
            request.sampleRate = try rate.map(parseRate)
            if let hz = request.sampleRate { try AudioLimits.check(sampleRate: hz, channels: 1) }
            if let bits {
                guard let depth = PCMDepth(rawValue: bits) else { throw QuantityError(message: "--bits takes 16, 24 or 32f") }
                request.depth = depth
            }
            let job = EncodeJob(input: file, output: output, request: request, resample: resampler.options, force: write.force)
            let summary = try withProgress("encoding", quiet: common.hideProgress) { try job.run(progress: $0) }
            try common.report(summary) { summaryLine(summary) }
        }
    }
}
