import Foundation
import SeedClient

/// One file of a batch: its run request and the product it goes to.
public struct BatchItem: Sendable {
    public var request: RunRequest
    public var target: SkillTarget
    /// What the user calls it in messages (the file name, or "row 3").
    public var name: String

    public init(request: RunRequest, target: SkillTarget, name: String) {
        self.request = request
        self.target = target
        self.name = name
    }
}

/// How one file of a batch ended.
public struct BatchOutcome: Encodable {
    public enum Status: String, Encodable { case done, failed, skipped }
    public var name: String
    public var input: String?
    public var target: String
    public var status: Status
    public var output: String?
    public var runID: String?
    public var sessionID: String?
    public var renderID: String?
    /// The message sent to the service.
    public var message: String?
    /// Why it did not finish, in the user's words.
    public var error: String?
    /// The error itself, for the exit code (not encoded).
    public var failure: Error?

    enum CodingKeys: String, CodingKey { case name, input, target, status, output, runID, sessionID, renderID, message, error }
}

/// `seed run FILE...` and `seed run --plan`: every file is its own run (clip, session, render,
/// MP4), saved under one batch id so `seed run --resume` continues all unfinished ones. A file
/// that fails is reported and the others go on. Up to `jobs` runs at once, each with its own client.
public final class BatchRun {
    public typealias ClientMaker = (SkillTarget) throws -> NemoClient
    let makeClient: ClientMaker
    let jobs: Int
    /// A run's step line, or a skipped file, for the presentation layer (called from any thread).
    public var event: (_ name: String, _ line: String) -> Void = { _, _ in }
    /// Progress of the current long step, when one run goes at a time.
    public var progress: (Double) -> Void = { _ in }

    /// An error in the user's words (the presentation layer's own wording).
    let describe: (Error) -> String

    public init(jobs: Int, describe: @escaping (Error) -> String = RunPipeline.describe, makeClient: @escaping ClientMaker) {
        self.jobs = max(1, jobs)
        self.describe = describe
        self.makeClient = makeClient
    }

    /// A fresh batch id.
    public static func newID() -> String { "batch_\(Int(Date().timeIntervalSince1970 * 1000))" }

    /// Plans every item (a bad one is skipped with its reason), then runs the planned ones.
    public func start(_ items: [BatchItem], batch: String) -> [BatchOutcome] {
        var outcomes: [BatchOutcome?] = Array(repeating: nil, count: items.count)
        var planned: [(index: Int, record: RunRecord)] = []
        var taken = Set<String>()
        for (i, item) in items.enumerated() {
            var request = item.request
            request.batch = batch
            request.batchIndex = i
            do {
                let client = try makeClient(item.target)
                if let o = request.output {
                    request.output = Self.unique(o, taken: &taken)
                }
                let record = try RunPipeline(client: client).plan(request)
                planned.append((i, record))
            } catch {
                event(item.name, "skipped: \(describe(error))")
                outcomes[i] = BatchOutcome(name: item.name, input: item.request.input, target: item.target.rawValue,
                                           status: .skipped, error: describe(error), failure: error)
            }
        }
        let done = run(planned.map(\.record), names: planned.map { items[$0.index].name })
        for (k, p) in planned.enumerated() { outcomes[p.index] = done[k] }
        return outcomes.compactMap { $0 }
    }

    /// Continues every unfinished run of `batch`.
    public func resume(batch: String, store: StateStore) -> [BatchOutcome] {
        let records = RunBook(store: store).unfinished(batch: batch)
        return run(records, names: records.map { r in r.input.map { URL(fileURLWithPath: $0).lastPathComponent } ?? r.id }, resumed: true)
    }

    /// Runs the records, `jobs` at a time, in order.
    func run(_ records: [RunRecord], names: [String], resumed: Bool = false) -> [BatchOutcome] {
        guard !records.isEmpty else { return [] }
        // One token for all, fetched before the runs start side by side.
        if let first = records.first, let t = SkillTarget(rawValue: first.target), let c = try? makeClient(t) {
            _ = try? c.tokenStatus(acquire: true)
        }
        final class Slots: @unchecked Sendable {
            let lock = NSLock()
            var items: [BatchOutcome?]
            init(_ n: Int) { items = Array(repeating: nil, count: n) }
        }
        let outcomes = Slots(records.count)
        let gate = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "seed.batch", attributes: .concurrent)
        for (i, record) in records.enumerated() {
            gate.wait()
            group.enter()
            queue.async {
                defer { gate.signal(); group.leave() }
                let o = self.runOne(record, name: names[i], resumed: resumed)
                outcomes.lock.withLock { outcomes.items[i] = o }
            }
        }
        group.wait()
        return outcomes.items.map { $0! }
    }

    func runOne(_ record: RunRecord, name: String, resumed: Bool) -> BatchOutcome {
        var r = record
        var outcome = BatchOutcome(name: name, input: r.input, target: r.target, status: .failed, output: nil, runID: r.id)
        do {
            let client = try makeClient(SkillTarget(rawValue: r.target) ?? .murekaAI)
            var callbacks = RunCallbacks()
            callbacks.step = { [event] _, line, done in event(name, line + (done ? " ✓" : "")) }
            if jobs == 1 { callbacks.progress = progress }
            let result = try RunPipeline(client: client).advance(record: &r, callbacks: callbacks, resumed: resumed)
            outcome.status = .done
            outcome.output = result.output
            outcome.sessionID = result.sessionID
            outcome.renderID = result.renderID
            outcome.message = result.message
        } catch {
            outcome.sessionID = r.sessionID
            outcome.error = describe(error)
            outcome.failure = error
            event(name, "failed: \(describe(error))")
        }
        return outcome
    }

    /// `out/take.mp4`, or `out/take-2.mp4` when another file of the batch already has that name.
    static func unique(_ path: String, taken: inout Set<String>) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var candidate = url.path
        var n = 2
        while taken.contains(candidate) {
            candidate = url.deletingPathExtension().path + "-\(n)." + url.pathExtension
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
