import ArgumentParser
import Foundation
import SeedClient

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Summarize the project's timeline (tracks, generated media).")

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var session: String
        var summary: String
        var tracks: [TrackSummary]
        var generatedMedia: Int
        var videoInfos: Int
        var exportable: Bool
    }

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: output.quiet)
            let state = try c.projectState()
            let report = Report(session: try c.sessionID(create: false), summary: state.summary, tracks: state.tracks,
                                generatedMedia: state.generatedMedia.count, videoInfos: state.videoInfos.count,
                                exportable: state.hasContent)
            if output.json { try Console.json(report); return }
            Console.out(state.summary)
            if !output.quiet {
                Console.out("session \(report.session): \(report.generatedMedia) generated media, \(report.videoInfos) videos"
                            + (report.exportable ? "; ready to export (seed export)" : "; nothing to export yet"))
            }
        }
    }
}
