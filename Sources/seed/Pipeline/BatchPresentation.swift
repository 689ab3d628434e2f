import Foundation
import SeedClient
import SeedPipeline

/// A batch as the terminal shows it: each run's steps on stderr behind its file name, a progress
/// bar when one run goes at a time, and the table at the end.
struct BatchRunner {
    let options: RunCommand

    func makeBatch() -> BatchRun {
        let o = options
        let chatty = !o.common.quiet && !o.common.json
        let batch = BatchRun(jobs: o.jobs, describe: { ErrorReporting.message(for: $0) }) { product in
            try o.client.makeClient(quiet: o.common.quiet, product: product)
        }
        let bar = ProgressBar("working", quiet: o.common.hideProgress || o.jobs > 1)
        let lock = NSLock()
        batch.event = { name, line in
            lock.withLock {
                bar.finish()
                if chatty { Console.err("seed: [\(name)] \(line)") }
            }
        }
        batch.progress = bar.handler
        return batch
    }

    func start(items: [BatchItem]) -> [BatchOutcome] {
        makeBatch().start(items, batch: BatchRun.newID())
    }

    func resume(batch: String, store: StateStore) -> [BatchOutcome] {
        makeBatch().resume(batch: batch, store: store)
    }
}

/// The end-of-batch table: file, status, MP4 and run id, one row per file.
enum BatchTable {
    static func render(_ outcomes: [BatchOutcome]) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        func short(_ p: String?) -> String {
            guard let p else { return "-" }
            return p.hasPrefix(cwd) ? String(p.dropFirst(cwd.count)) : p
        }
        let rows = [["file", "status", "mp4", "run", "session"]] + outcomes.map { o in
            [o.name, o.status.rawValue, short(o.output), o.runID ?? "-", o.sessionID ?? "-"]
        }
        return Table.format(rows) + outcomes.compactMap { o in
            o.error.map { "\n\(o.name): \($0)" }
        }.joined()
    }
}

/// Columns padded to their widest cell.
enum Table {
    static func format(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
