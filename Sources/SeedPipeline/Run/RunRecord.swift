import Foundation
import SeedClient

/// One `seed run` as kept in the state folder (`runs.json`), saved after every step, so
/// `seed run --resume` continues from the last finished step: nothing is uploaded or sent twice
/// and a render is never orphaned.
public struct RunRecord: Codable, Equatable, Sendable {
    /// An upload of the run and how far it got.
    public struct Upload: Codable, Equatable, Sendable {
        public enum State: String, Codable, Sendable {
            case pending
            /// Sent (or being sent) but no answer recorded: the project is checked before sending again.
            case sending
            case done
        }
        public var path: String
        public var state: State
        public var bytes: Int64?
    }

    public var id: String
    public var createdAt: Date
    public var baseURL: String
    public var target: String
    public var input: String?
    /// The user's words, as given.
    public var prompt: String
    /// Sent untouched (`--raw-prompt`), without the product's request wording.
    public var rawPrompt: Bool?
    /// The batch this run belongs to (`seed run FILE... ` or `--plan`); resumed together.
    public var batch: String?
    /// Position in its batch.
    public var batchIndex: Int?
    public var videos: [String]
    /// The MP4 to download, absolute.
    public var output: String
    public var force: Bool
    public var seconds: Double?
    public var clip: String?
    public var clipSHA256: String?
    public var sidecar: String?
    public var sessionID: String?
    public var uploads: [Upload] = []
    /// The message as sent: the user's prompt and the beat markers.
    public var message: String?
    /// Set before the message goes out: from then on it is never sent again.
    public var messageSent = false
    public var replied = false
    /// The agent's reply text, kept to show again when it generated nothing.
    public var reply: String?
    public var exportStarted = false
    public var finished = false
    public var renderID: String?
    /// The last step that finished, for the user.
    public var lastStep: String = "started"
    /// Why the run stopped, when it stopped on an error (cleared when it finishes).
    public var failure: String?

    /// Starts delivery over in `session` after the service lost the last one: its uploads and
    /// the prompt went with it, so they are sent again there (the clip is kept).
    mutating func restartIn(session: String) {
        sessionID = session
        uploads = []
        messageSent = false
        replied = false
        exportStarted = false
        renderID = nil
    }
}

/// The run records in the state folder.
public struct RunBook {
    let store: StateStore
    static let file = "runs.json"
    /// Finished runs kept for reference; unfinished ones are always kept.
    static let keepFinished = 20

    public init(store: StateStore) { self.store = store }

    /// Every kept run, oldest first.
    public func all() -> [RunRecord] { store.read(Self.file, as: [RunRecord].self) ?? [] }

    func save(_ r: RunRecord) throws {
        try store.update(Self.file, default: [RunRecord]()) { runs in
            runs.removeAll { $0.id == r.id }
            runs.append(r)
            let finished = runs.filter(\.finished)
            if finished.count > Self.keepFinished {
                let drop = Set(finished.prefix(finished.count - Self.keepFinished).map(\.id))
                runs.removeAll { drop.contains($0.id) }
            }
        }
    }

    /// The newest unfinished run against this API base, or the one named.
    func unfinished(id: String?, baseURL: String) -> RunRecord? {
        let runs = all().filter { !$0.finished }
        if let id { return runs.last { $0.id == id } }
        return runs.last { $0.baseURL == baseURL }
    }

    /// The unfinished runs of a batch, in the batch's order.
    func unfinished(batch: String) -> [RunRecord] {
        all().filter { !$0.finished && $0.batch == batch }.sorted { ($0.batchIndex ?? 0) < ($1.batchIndex ?? 0) }
    }

    /// Notes why a run stopped, without touching the rest of its record.
    func noteFailure(id: String, _ why: String?) {
        try? store.update(Self.file, default: [RunRecord]()) { runs in
            if let i = runs.firstIndex(where: { $0.id == id }) { runs[i].failure = why }
        }
    }
}
