import ArgumentParser
import Foundation
import SeedClient
import SeedPipeline

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Render the project to MP4 and download it.",
        discussion: """
        The render id is saved in seed's state folder before the render starts, so `seed export \
        --resume` picks up a render that a killed or timed-out run left. Polls every 30 s \
        (--poll-interval or SEED_POLL_INTERVAL), at most 10 times (SEED_MAX_POLLS).
        """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .shortAndLong, help: "Where to save the video (default: <render id>.mp4 here).")
    var outputFile: String?

    @Flag(help: "Continue the unfinished render of an earlier run instead of starting one.")
    var resume = false

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @Option(help: "Seconds between status checks (default 30).")
    var pollInterval: Double?

    func validate() throws {
        if let p = pollInterval, !(p >= 0 && p.isFinite) { throw ValidationError("--poll-interval must be 0 or more seconds") }
    }

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: output.quiet)
            if let p = pollInterval { c.settings.timings.pollInterval = p }
            let result = try withProgress("downloading", quiet: output.hideProgress) { p in
                let callbacks = ExportCallbacks(status: renderStatusPrinter(enabled: !output.quiet && !output.json), download: p)
                return resume ? try c.resumeExport(output: outputFile, force: force, callbacks: callbacks)
                    : try c.export(output: outputFile, force: force, callbacks: callbacks)
            }
            try output.report(result) { "\(result.output): \(formatBytes(result.bytes)) (render \(result.renderID))" }
        }
    }
}
