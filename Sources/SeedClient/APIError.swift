import Foundation

/// Everything that can go wrong between seed and the service, each with the one line the user
/// reads and the exit code scripts see (listed in docs/exit-codes.md).
public enum APIError: Error, Equatable {
    case badBaseURL(String)
    case insecureBaseURL(String)
    case fileMissing(String)
    case unsupportedFileType(String)
    case emptyFile(String)
    /// The service itself refused an upload (4001 type, 4002 size).
    case serviceRejectedFile(String, tooLarge: Bool)
    case fileTooLarge(String, bytes: Int64, limit: Int64, target: SkillTarget)
    /// The token from NEMO_TOKEN was refused (seed does not replace a token the user chose).
    case tokenRejected(fromEnvironment: Bool)
    case outOfCredits(registerLink: String?)
    case exportBlocked
    case rateLimited(String)
    /// A network failure; `maybeDelivered` when the request may have reached the service.
    case network(String, detail: String, maybeDelivered: Bool)
    case server(String, status: Int)
    case service(String, code: Int, message: String)
    case unexpectedResponse(String)
    case timedOut(String)
    case noResult(String)
    case nothingToExport
    /// The agent answered (a question, a suggestion) without generating anything.
    case answeredWithoutGenerating(reply: String, target: SkillTarget)
    case renderFailed(String)
    case renderStillRunning(String)
    case nothingToResume
    case noSession
    case stateUnwritable(String, String)
    case output(String)
    case usage(String)
    /// The user stopped waiting (Ctrl-C in `seed chat`).
    case cancelled(String)

    /// The service said the session is gone (1002).
    public var isSessionGone: Bool {
        if case .service(_, let code, _) = self { return code == 1002 }
        return false
    }

    /// The one-line message shown to the user.
    public var message: String {
        switch self {
        case .badBaseURL(let u): return "\(u) is not an http(s) URL for the API"
        case .insecureBaseURL(let u):
            return "\(u) is plain http to another machine; the token would travel unencrypted (use https, or --insecure if you must)"
        case .fileMissing(let p): return "\(p): no such file"
        case .unsupportedFileType(let p):
            return "\(p): the service does not accept this file type (accepted: \(UploadTypes.accepted.joined(separator: ", ")))"
        case .emptyFile(let p): return "\(p): the file is empty (0 bytes)"
        case .serviceRejectedFile(let p, let tooLarge):
            return tooLarge ? "\(p): the service says the file is too large; shorten it (seed trim --best 30s) or compress it (seed encode --max-size)"
                : "\(p): the service does not accept this file type (accepted: \(UploadTypes.accepted.joined(separator: ", ")))"
        case .fileTooLarge(let p, let bytes, let limit, let target):
            return "\(p): \(Self.mb(bytes)) is over the \(Self.mb(limit)) upload limit of \(target.rawValue); "
                + "shorten it (seed trim --best 30s) or compress it (seed encode --max-size)"
        case .tokenRejected(let env):
            return env ? "the token in NEMO_TOKEN was refused (expired or invalid); renew it in the web app or unset NEMO_TOKEN to use a free anonymous token"
                : "the service refused a fresh anonymous token; try again later"
        case .outOfCredits(let link):
            if let link { return "out of credits: register to keep your project and get more credits: \(link)" }
            return "out of credits: top up credits in your account"
        case .exportBlocked:
            return "export is not included in the free plan: register or upgrade to unlock export (this is not about credits)"
        case .rateLimited(let what): return "\(what): rate limited by the service, also after waiting; try again later"
        case .network(let what, let detail, let maybe):
            return "\(what): network error (\(detail))" + (maybe ? "; it may have reached the service, so it was not sent again" : "")
        case .server(let what, let status): return "\(what): the service failed (HTTP \(status)); try again later"
        case .service(let what, let code, let message):
            return "\(what): the service answered with error \(code)" + (message.isEmpty ? "" : ": \(message)")
        case .unexpectedResponse(let what): return "\(what): the service sent an answer seed cannot read"
        case .timedOut(let what): return "\(what): timed out"
        case .noResult(let what): return what
        case .nothingToExport: return "nothing to export yet: the project has no generated track (generate something first with seed ask)"
        case .answeredWithoutGenerating(let reply, let target):
            var said = reply.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            if said.count > 240 { said = String(said.prefix(240)) + "…" }
            return "the service answered without generating anything" + (said.isEmpty ? "" : ": \"\(said)\"")
                + "; say what to make in the same project with `seed ask \"Generate …\" --target \(target.rawValue)`, then `seed run --resume` (or `seed export --target \(target.rawValue)`)"
        case .renderFailed(let why): return "the render failed twice" + (why.isEmpty ? "" : ": \(why)")
        case .renderStillRunning(let id):
            return "render \(id) is still running; run `seed export --resume` later to pick it up"
        case .nothingToResume: return "there is no unfinished render to resume"
        case .noSession: return "no session yet: upload a file or ask something first (or pass --session)"
        case .stateUnwritable(let p, let why): return "\(p): cannot write seed's state: \(why)"
        case .output(let m), .usage(let m): return m
        case .cancelled(let what): return "\(what): stopped waiting (the service may still be working on it)"
        }
    }

    /// sysexits-style codes, as documented in `seed --help` and docs/exit-codes.md.
    public var exitCode: Int32 {
        switch self {
        case .badBaseURL, .insecureBaseURL, .nothingToResume, .noSession, .usage: return 64
        case .unsupportedFileType, .emptyFile, .nothingToExport: return 65
        case .fileMissing: return 66
        case .fileTooLarge: return 67
        case .serviceRejectedFile(_, let tooLarge): return tooLarge ? 67 : 65
        case .network, .server, .service, .renderFailed: return 69
        case .stateUnwritable, .output: return 73
        case .rateLimited, .timedOut, .noResult, .renderStillRunning, .answeredWithoutGenerating: return 75
        case .unexpectedResponse: return 76
        case .cancelled: return 130
        case .tokenRejected, .outOfCredits, .exportBlocked: return 77
        }
    }

    private static func mb(_ b: Int64) -> String { String(format: "%.1f MB", Double(b) / 1e6) }
}

/// Tokens the process has seen; presentation passes every line it prints through `redact`
/// so a token echoed by a server message can never reach the terminal or a log.
public enum Secrets {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var values: Set<String> = []

    public static func register(_ secret: String) {
        guard secret.count >= 8 else { return }
        lock.lock(); values.insert(secret); lock.unlock()
    }

    public static func redact(_ text: String) -> String {
        lock.lock(); defer { lock.unlock() }
        var t = text
        for s in values where t.contains(s) { t = t.replacingOccurrences(of: s, with: "[token]") }
        return t
    }
}
