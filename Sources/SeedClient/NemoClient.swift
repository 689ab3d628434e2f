import Foundation

/// The API client: attribution headers on every request, the token and session obtained on
/// demand and kept in the state folder, and the error policy of API.md applied in one place.
public final class NemoClient {
    public var settings: ClientSettings
    public let store: StateStore
    let transport: CurlTransport
    let environment: [String: String]
    /// Things the user should know while it works ("rate limited; waiting 30 s"); one line each.
    public var notice: (String) -> Void = { _ in }

    private var token: String?
    /// Where the token in use came from (nil until one is needed).
    public private(set) var tokenSource: TokenSource?
    /// A session chosen with --session; replaced only if the service says it is gone (1002).
    public var sessionOverride: String?
    /// Whether a request answered 1002 (session gone) starts a new session and is sent again there;
    /// false throws `APIError.service(code: 1002)` instead, for callers (`seed run`) whose session
    /// holds their uploads and prompt, so they can start over in a new one themselves.
    public var replacesLostSession = true
    /// Polled about once a second during requests and waits; true stops the current operation
    /// with `APIError.cancelled` (an interactive Ctrl-C). The session is kept.
    public var cancelled: () -> Bool = { false }

    public init(settings: ClientSettings, store: StateStore = StateStore(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.store = store
        self.environment = environment
        transport = CurlTransport(userAgent: "seed/\(settings.version)")
    }

    var attributionHeaders: [(String, String)] {
        [("X-Skill-Source", settings.target.rawValue), ("X-Skill-Version", settings.version),
         ("X-Skill-Platform", settings.platform)]
    }

    func url(_ path: String) -> String { settings.baseURL + path }

    // MARK: - Requests with the error policy

    /// What a request is for, as the user would say it ("upload hum.wav"); starts error messages.
    public typealias Purpose = String

    /// Sends a request built for the current session (when `needsSession`), applying API.md's
    /// rules: 1001 new token and retry once, 1002 new session and retry once, 429 wait and retry
    /// once, network errors and 5xx retried with back-off only when `idempotent` (or when nothing
    /// reached the server). Returns the response and its JSON, if any.
    @discardableResult
    func send(_ what: Purpose, method: String, needsSession: Bool = false, idempotent: Bool,
              sink: ResponseSink = .collect, timeout: Double? = 120, idleTimeout: Double = 60,
              progress: ((Int64, Int64, Int64, Int64) -> Bool)? = nil,
              onAttempt: (() throws -> Void)? = nil,
              build: (String?) -> (path: String, body: HTTPRequest.Body, headers: [(String, String)])) throws -> (HTTPResponse, JSONValue?) {
        var attempt = 0
        var authRetried = false, sessionRetried = false, rateRetried = false
        // Every transfer reports progress, so a cancel is noticed within about a second.
        let watched: (Int64, Int64, Int64, Int64) -> Bool = { [cancelled] a, b, c, d in
            !cancelled() && (progress?(a, b, c, d) ?? true)
        }
        while true {
            attempt += 1
            if cancelled() { throw APIError.cancelled(what) }
            try onAttempt?()
            let sid = needsSession ? try sessionID(create: true) : nil
            let parts = build(sid)
            let headers = [("Authorization", "Bearer \(try currentToken())")] + attributionHeaders + parts.headers
            let request = HTTPRequest(method: method, url: url(parts.path), headers: headers, body: parts.body,
                                      timeout: timeout, idleTimeout: idleTimeout)
            let response: HTTPResponse
            do {
                response = try transport.perform(request, sink: sink, progress: watched)
            } catch let e as TransportError {
                switch e {
                case .notConnected(let d):
                    if attempt < settings.timings.attempts { backoff(attempt, what, d); continue }
                    throw APIError.network(what, detail: d, maybeDelivered: false)
                case .dropped(let d), .timedOut(let d):
                    if idempotent && attempt < settings.timings.attempts { backoff(attempt, what, d); continue }
                    if case .timedOut = e, idempotent { throw APIError.timedOut(what) }
                    throw APIError.network(what, detail: d, maybeDelivered: !idempotent)
                case .aborted: if cancelled() { throw APIError.cancelled(what) } else { throw e }
                case .local(let d): throw APIError.output("\(what): \(d)")
                }
            }
            let outcome = ServiceOutcome(response)
            switch outcome.code {
            case 0:
                return (response, outcome.json)
            case 1001:
                if tokenSource == .environment { throw APIError.tokenRejected(fromEnvironment: true) }
                if authRetried { throw APIError.tokenRejected(fromEnvironment: false) }
                authRetried = true
                notice("the token expired or was revoked; getting a new one")
                forgetToken()
                _ = try acquireAnonymousToken()
            case 1002 where needsSession && !sessionRetried && replacesLostSession:
                sessionRetried = true
                notice("session \(sid ?? "") no longer exists; starting a new one")
                _ = try createSession()
            case 429 where !rateRetried:
                rateRetried = true
                let wait = Double(response.headers["retry-after"] ?? "").map { min($0, 300) } ?? settings.timings.rateLimitWait
                notice("rate limited; waiting \(Int(wait.rounded())) s before one retry")
                pause(wait)
            case 429:
                throw APIError.rateLimited(what)
            case 2001:
                throw APIError.outOfCredits(registerLink: registerLink())
            case 402:
                throw APIError.exportBlocked
            case 4001:
                throw APIError.serviceRejectedFile(what, tooLarge: false)
            case 4002:
                throw APIError.serviceRejectedFile(what, tooLarge: true)
            case 500...599 where outcome.fromHTTPStatus:
                if idempotent && attempt < settings.timings.attempts { backoff(attempt, what, "HTTP \(outcome.code)"); continue }
                throw APIError.server(what, status: outcome.code)
            default:
                throw APIError.service(what, code: outcome.code, message: Secrets.redact(outcome.message))
            }
        }
    }

    /// JSON request body.
    static func json(_ value: JSONValue) -> HTTPRequest.Body { .json(value.encoded) }

    private func backoff(_ attempt: Int, _ what: String, _ detail: String) {
        let wait = settings.timings.retryBackoff * pow(2, Double(attempt - 1))
        notice("\(what): \(detail); retrying in \(String(format: "%.0f", wait)) s")
        pause(wait)
    }

    /// Sleeps, in short steps so a cancel ends the wait early.
    func pause(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !cancelled() {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(left, 0.1))
        }
    }

    // MARK: - Token

    /// Where a token came from.
    public enum TokenSource: String, Codable {
        case environment = "env", cache, new
    }

    /// The token to send: NEMO_TOKEN, else the cached one, else a new anonymous one.
    func currentToken() throws -> String {
        if let t = token ?? knownToken() { return t }
        return try acquireAnonymousToken()
    }

    /// NEMO_TOKEN or an unexpired cached token, without asking the service for one.
    private func knownToken() -> String? {
        if let t = environment["NEMO_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            tokenSource = .environment
            token = t
        } else if let record = cachedAuth(), !record.isExpired {
            tokenSource = .cache
            token = record.token
        }
        if let token { Secrets.register(token) }
        return token
    }

    /// Token status without revealing it; `acquire` fetches one when there is none.
    public func tokenStatus(acquire: Bool) throws -> TokenStatus {
        if token == nil && knownToken() == nil && acquire { try acquireAnonymousToken() }
        let record = tokenSource == .environment ? nil : cachedAuth()
        return TokenStatus(present: token != nil, source: tokenSource?.rawValue, expiresAt: record?.expiresAt,
                           userID: record?.userID, clientIDSource: ClientID.source(environment: environment),
                           apiBase: settings.baseURL)
    }

    private func forgetToken() {
        token = nil
        tokenSource = nil
        try? store.update("auth.json", default: [String: AuthRecord]()) { $0[settings.baseURL] = nil }
    }

    func cachedAuth() -> AuthRecord? {
        store.read("auth.json", as: [String: AuthRecord].self)?[settings.baseURL]
    }

    /// POST /api/auth/anonymous-token with the shared client id (API.md, "Authentication").
    @discardableResult
    func acquireAnonymousToken() throws -> String {
        var clientID = try ClientID.load(environment: environment)
        var newIDTried = false, rateRetried = false, attempt = 0
        while true {
            attempt += 1
            let request = HTTPRequest(method: "POST", url: url("/api/auth/anonymous-token"),
                                      headers: [("X-Client-Id", clientID)] + attributionHeaders, body: .none)
            let response: HTTPResponse
            do {
                response = try transport.perform(request)
            } catch let e as TransportError {
                if case .notConnected(let d) = e, attempt < settings.timings.attempts { backoff(attempt, "getting a token", d); continue }
                throw APIError.network("getting a token", detail: e.detail, maybeDelivered: false)
            }
            let outcome = ServiceOutcome(response)
            switch outcome.code {
            case 0:
                guard let json = outcome.json, let t = (json.at("data.token") ?? json["token"])?.string, !t.isEmpty else {
                    throw APIError.unexpectedResponse("getting a token")
                }
                Secrets.register(t)
                let record = AuthRecord(token: t, userID: (json.at("data.user_id") ?? json["user_id"])?.string,
                                        expiresAt: (json.at("data.expires_at") ?? json["expires_at"])?.string,
                                        clientID: clientID, obtainedAt: Date())
                try store.update("auth.json", default: [String: AuthRecord]()) { $0[settings.baseURL] = record }
                token = t
                tokenSource = .new
                return t
            case 400 where !newIDTried:
                newIDTried = true
                notice("the service did not accept the client id; making a new one")
                clientID = try ClientID.regenerate(environment: environment)
            case 429 where !rateRetried:
                rateRetried = true
                notice("token requests are rate limited (one per client id per 7 days); waiting \(Int(settings.timings.rateLimitWait)) s")
                pause(settings.timings.rateLimitWait)
            case 429:
                throw APIError.rateLimited("getting a free token (one per client id per 7 days)")
            case 500...599 where outcome.fromHTTPStatus:
                throw APIError.server("getting a token", status: outcome.code)
            default:
                throw APIError.service("getting a token", code: outcome.code, message: Secrets.redact(outcome.message))
            }
        }
    }

    // MARK: - Session

    /// The session to use: --session, else the saved one for this API and product, else a new one.
    public func sessionID(create: Bool) throws -> String {
        if let s = sessionOverride { return s }
        if let r = savedSession() { return r.sessionID }
        guard create else { throw APIError.noSession }
        return try createSession()
    }

    var sessionKey: String { "\(settings.baseURL)|\(settings.target.rawValue)" }

    func savedSession() -> SessionRecord? {
        store.read("sessions.json", as: [String: SessionRecord].self)?[sessionKey]
    }

    /// The product of the newest saved session against `baseURL` (a `seed run` makes one): the
    /// product that client commands without --target follow.
    public static func newestSessionTarget(store: StateStore, baseURL: String) -> SkillTarget? {
        let sessions = store.read("sessions.json", as: [String: SessionRecord].self) ?? [:]
        let newest = sessions.filter { $0.key.hasPrefix(baseURL + "|") }.max { $0.value.createdAt < $1.value.createdAt }
        return newest.flatMap { SkillTarget(rawValue: String($0.key.dropFirst(baseURL.count + 1))) }
    }

    /// POST /api/tasks/me/with-session/nemo_agent; the new session becomes the saved one.
    @discardableResult
    public func createSession() throws -> String {
        let (_, json) = try send("starting a session", method: "POST", idempotent: false) { _ in
            ("/api/tasks/me/with-session/nemo_agent", Self.json(["task_name": "project", "language": "en"]), [])
        }
        guard let json, let sid = (json.at("data.session_id") ?? json["session_id"])?.string, !sid.isEmpty else {
            throw APIError.unexpectedResponse("starting a session")
        }
        let record = SessionRecord(sessionID: sid, taskID: (json.at("data.task_id") ?? json["task_id"])?.string,
                                   userID: (json.at("data.user_id") ?? json["user_id"])?.string,
                                   bindID: (json.at("data.bind_id") ?? json["bind_id"])?.string, createdAt: Date())
        try store.update("sessions.json", default: [String: SessionRecord]()) { $0[sessionKey] = record }
        if sessionOverride != nil { sessionOverride = sid }
        return sid
    }

    /// The registration link for anonymous users out of credits (`?bind=<id>`); nil for a
    /// user's own token, who is told to top up instead.
    func registerLink() -> String? {
        guard tokenSource != .environment else { return nil }
        let session = savedSession()
        guard let id = session?.bindID ?? session?.userID ?? cachedAuth()?.userID else {
            return "https://nemovideo.ai/register"
        }
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? id
        return "https://nemovideo.ai/register?bind=\(escaped)"
    }
}

/// How the service answered: `code` 0 for success, else the JSON `code` or the HTTP status.
struct ServiceOutcome {
    let code: Int
    let message: String
    let json: JSONValue?
    let fromHTTPStatus: Bool

    init(_ r: HTTPResponse) {
        let isJSON = r.headers["content-type"]?.contains("json") ?? true
        json = isJSON || !r.isSuccess ? JSONValue.parse(r.body) : nil
        let jsonCode = json?["code"]?.int ?? 0
        if jsonCode >= 1000 {
            // The service's own codes (1001, 1002, 2001, 4001, 4002) say more than the HTTP status.
            code = jsonCode
            fromHTTPStatus = false
        } else if r.status == 401 {
            code = 1001
            fromHTTPStatus = false
        } else if !r.isSuccess {
            code = r.status
            fromHTTPStatus = true
        } else if jsonCode != 0 && jsonCode != 200 {
            code = jsonCode
            fromHTTPStatus = false
        } else {
            code = 0
            fromHTTPStatus = false
        }
        let m = json?["message"] ?? json?["msg"] ?? json?["error"] ?? json?.at("data.message")
        message = m?.string ?? ""
    }
}

/// The cached anonymous token of one API base URL.
struct AuthRecord: Codable {
    var token: String
    var userID: String?
    var expiresAt: String?
    var clientID: String
    var obtainedAt: Date

    /// Expired, or within 10 minutes of it (a token must outlive the request it is sent with).
    var isExpired: Bool {
        if let e = expiresAt, let date = ISO8601.parse(e) { return date.timeIntervalSinceNow < 600 }
        return Date().timeIntervalSince(obtainedAt) > 7 * 86400 - 600
    }
}

/// The saved session of one API base URL and product.
public struct SessionRecord: Codable {
    public var sessionID: String
    public var taskID: String?
    public var userID: String?
    public var bindID: String?
    public var createdAt: Date
}

/// What `seed token` shows: never the token itself.
public struct TokenStatus: Encodable {
    public var present: Bool
    public var source: String?
    public var expiresAt: String?
    public var userID: String?
    public var clientIDSource: String
    public var apiBase: String
}

enum ISO8601 {
    static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}
