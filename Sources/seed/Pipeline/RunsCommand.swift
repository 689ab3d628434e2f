import ArgumentParser
import Foundation
import SeedClient
import SeedPipeline

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runs from seed's state folder: id, product, input, state, output, session.",
        discussion: "Unfinished runs continue with `seed run --resume` (a batch resumes as a whole, or pick one with --run ID).")

    @OptionGroup var output: OutputOptions

    @Option(help: "Show at most this many, newest first.")
    var last: Int = 20

    struct Row: Encodable {
        var id: String
        var createdAt: Date
        var target: String
        var input: String?
        var state: String
        var finished: Bool
        var failure: String?
        var output: String
        var sessionID: String?
        var renderID: String?
        var batch: String?
    }

    func run() throws {
        try reportingErrors {
            let runs = RunBook(store: StateStore()).all().suffix(max(0, last)).reversed()
            let rows = runs.map { r in
                Row(id: r.id, createdAt: r.createdAt, target: r.target, input: r.input,
                    state: r.finished ? "done" : (r.failure != nil ? "stopped after \(r.lastStep)" : "unfinished after \(r.lastStep)"),
                    finished: r.finished, failure: r.failure, output: r.output, sessionID: r.sessionID,
                    renderID: r.renderID, batch: r.batch)
            }
            if output.json { try Console.json(Array(rows)); return }
            if rows.isEmpty {
                if !output.quiet { Console.out("no runs yet (seed run FILE --prompt \"...\")") }
                return
            }
            let table = [["id", "product", "input", "state", "output", "session"]] + rows.map { r in
                [r.id, r.target, r.input.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "-", r.state, r.output, r.sessionID ?? "-"]
            }
            Console.out(Table.format(table))
        }
    }
}
