import ArgumentParser
import Foundation
import SeedClient
import SeedPipeline

struct UploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload files (or have the service fetch URLs) into the session.",
        discussion: "Accepted: \(UploadTypes.accepted.joined(separator: ", ")). Limit: 200 MB (500 MB for music-video-clip). Every file is checked before the first byte is sent.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Files to upload.")
    var files: [String] = []

    @Option(name: .customLong("url"), help: "A URL for the service to fetch (repeatable).")
    var urls: [String] = []

    func validate() throws {
        if files.isEmpty && urls.isEmpty { throw ValidationError("give at least one file or --url") }
    }

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: output.quiet)
            for f in files { _ = try c.checkUpload(f) }
            var results: [UploadOutcome] = []
            for f in files {
                let name = URL(fileURLWithPath: f).lastPathComponent
                let r = try withProgress("uploading \(name)", quiet: output.hideProgress) { p in
                    try c.upload(file: f, progress: p)
                }
                results.append(r)
                if !output.json && !output.quiet {
                    Console.out("uploaded \(name) (\(formatBytes(r.bytes ?? 0))) to session \(r.sessionID)" + Self.detail(r.result))
                }
            }
            if !urls.isEmpty {
                let r = try c.upload(urls: urls)
                results.append(r)
                if !output.json && !output.quiet {
                    Console.out("the service is fetching \(urls.count) URL\(urls.count == 1 ? "" : "s") into session \(r.sessionID)" + Self.detail(r.result))
                }
            }
            if output.json { try Console.json(results) }
        }
    }

    /// The id or URL the service gave back, when it gave one.
    static func detail(_ result: JSONValue?) -> String {
        let item = result?.array?.first ?? result?["files"]?[0] ?? result
        for key in ["id", "media_id", "file_id", "url"] {
            if let v = item?[key]?.string { return " (\(key) \(v))" }
        }
        return ""
    }
}
