import Foundation

/// How the fake service misbehaves; tests set the switches before (or while) the client runs.
public struct FakeScenario: Sendable {
    /// After this many authenticated requests every issued token expires once (answers 1001).
    public var expireTokensAfter: Int?
    /// Route keys ("token", "session", "chat", "upload", "credits", "state", "render", "status",
    /// "download") that answer 429 once.
    public var rateLimitOnce: Set<String> = []
    /// Route keys that answer HTTP 500 once.
    public var serverErrorOnce: Set<String> = []
    /// The next request carrying a session id answers 1002 (session not found), once.
    public var loseSessionOnce = false
    /// Chat answers 2001 (out of credits).
    public var outOfCredits = false
    /// Export answers 402 (free plan).
    public var exportBlocked = false
    /// How the chat stream behaves.
    public var chat: ChatScript = .reply(["Here is a first take of ", "your song. ", "Click the Export button to download it."])
    /// Whether a chat message changes the project (adds a generated track).
    public var chatEdits = true
    /// Like the real agent: a message that does not ask for something (a bare mood, "calm piano")
    /// gets a suggestion and no generation. Asking means opening with one of `FakeScenario.askVerbs`.
    public var agentWantsRequests = false
    public static let askVerbs = ["generate", "make", "create", "add", "compose", "生成", "制作"]
    /// The suggestion the agent gives instead of generating.
    public static let suggestion = "I can compose music for you! Try: 'Generate a chill lo-fi song'."
    /// Status polls answered "processing" before "completed".
    public var renderPolls = 1
    public var renderFailsFirst = false
    public var renderAlwaysFails = false
    /// `output.url` answers 500, so the client must use the authenticated fallback.
    public var downloadLinkBroken = false
    /// The upload's response is cut off (the connection closes after the body was read).
    public var dropUploadResponse = false
    /// The upload is recorded (and listed in the project) but answered only after this many seconds.
    public var stallUploadResponse: Double?
    /// A smaller upload limit than API.md's, so the service's own 4002 can be provoked.
    public var uploadLimit: Int?
    /// The token endpoint answers 400 (missing client id) once.
    public var rejectClientIDOnce = false

    public init() {}
}

/// Scripted chat streams.
public enum ChatScript: Sendable {
    /// Partial text pieces, then the whole text again as a final event (ADK style), with tool
    /// events between.
    case reply([String])
    /// `count` heartbeats (`:` comments and empty `data:` lines) `interval` s apart, then a reply.
    case heartbeats(count: Int, interval: Double, then: [String])
    /// A reply framed with CRLF, comments and multi-line `data:`, sent one byte per chunk.
    case byteSplit([String])
    /// Tool events only, no text; the project still changes.
    case noText
    /// Closes the connection after the first piece; the edit lands `editAfter` s later (nil: never).
    case drop(editAfter: Double?)
    /// Only heartbeats, `interval` s apart, until the client gives up.
    case heartbeatsOnly(interval: Double)
}

/// What the server saw of one request.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var bodyBytes: Int
    /// The body when it was under 1 MB.
    public var body: Data?
    public var status: Int
}

/// One file part of an upload.
public struct UploadedFile: Sendable {
    public var session: String
    public var field: String
    public var filename: String
    public var contentType: String
    public var bytes: Int
    public var sha256: String
}
