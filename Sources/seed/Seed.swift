import ArgumentParser
import Foundation
import SeedAudio
import SeedClient
import SeedDSP

@main
struct Seed: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Turn messy recordings into short, clean seed clips for AI music generators.",
        discussion: """
        Durations: 30s, 1m30s, 90, 00:01:30, 500ms. Sizes: 200MB, 500M, 1.5GB (K/M/G and KB/MB/GB are \
        powers of 1000; KiB/MiB/GiB powers of 1024).
        Exit codes: 0 ok, 64 usage, 65 bad input audio, 66 input missing, 67 does not fit the size \
        budget, 69 service unavailable or network error, 70 internal error, 73 output cannot be created, 74 write failed or \
        disk full, 75 try again later (rate limit, time-out, render still running), 76 unreadable answer from the \
        service, 77 not permitted (token refused, out of credits, export not in plan), 130 interrupted.
        """,
        version: version,
        subcommands: [InfoCommand.self, TrimCommand.self, BeatsCommand.self, PlotCommand.self, NormalizeCommand.self, ResampleCommand.self, EncodeCommand.self,
                      PrepareCommand.self, RunCommand.self, RunsCommand.self,
                      ChatCommand.self, TokenCommand.self, CreditsCommand.self, UploadCommand.self, AskCommand.self, StatusCommand.self, ExportCommand.self]
    )

    static func main() {
        Interrupts.install()
        BLASThreads.useCallerThreadOnly()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // Help and version go out as ArgumentParser prints them; usage mistakes as one line.
            let code = exitCode(for: error)
            guard code != .success, !(error is ExitCode) else { exit(withError: error) }
            var text = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            if text.hasPrefix("Error: ") { text.removeFirst(7) }
            FileHandle.standardError.write(Data("seed: error: \(Secrets.redact(text)) (see --help)\n".utf8))
            Foundation.exit(code == .validationFailure ? 64 : code.rawValue)
        }
    }
}
