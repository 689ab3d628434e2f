import Crypto
import FlyingFox
import Foundation

/// A fake of the generation API (../shared/api/API.md) on 127.0.0.1 and a free port, with every
/// endpoint, scenario switches for its failure modes, and a record of what it received.
public final class FakeNemoServer: @unchecked Sendable {
    private let lock = NSLock()
    private var server: HTTPServer?
    private var task: Task<Void, Error>?
    public private(set) var port: UInt16 = 0

    private var _scenario = FakeScenario()
    private var _requests: [ReceivedRequest] = []
    private var _uploads: [UploadedFile] = []
    private var _messages: [(session: String, text: String)] = []
    private var _renderSubmissions: [(id: String, session: String, body: [String: Any])] = []
    private var tokens: [String: Bool] = [:]            // token → valid
    private var tokenOfClient: [String: String] = [:]
    private var authenticatedCount = 0
    private var expired = false
    private var sessions: [String: Project] = [:]
    private var renderPollCount: [String: Int] = [:]
    private var failedRenders: Set<String> = []
    private var counter = 0
    /// The bytes every completed render downloads as.
    public let videoBytes: Data

    struct Project {
        var tracks: [[String: Any]] = []
        var videoInfos: [[String: Any]] = []
        var generatedMedia: [[String: Any]] = []
    }

    public init(scenario: FakeScenario = FakeScenario()) {
        _scenario = scenario
        var v = Data("\0\0\0\u{18}ftypmp42".utf8)
        for i in 0..<200_000 { v.append(UInt8(truncatingIfNeeded: i &* 31 &+ 7)) }
        videoBytes = v
    }

    // MARK: - What tests read and set

    public var scenario: FakeScenario {
        get { lock.withLock { _scenario } }
        set { lock.withLock { _scenario = newValue } }
    }
    public var requests: [ReceivedRequest] { lock.withLock { _requests } }
    public var uploads: [UploadedFile] { lock.withLock { _uploads } }
    public var messages: [String] { lock.withLock { _messages.map(\.text) } }
    /// Messages with the session each went to.
    public var sessionMessages: [(session: String, text: String)] { lock.withLock { _messages } }
    public var renderIDs: [String] { lock.withLock { _renderSubmissions.map(\.id) } }
    public var renderBodies: [[String: Any]] { lock.withLock { _renderSubmissions.map(\.body) } }
    public var issuedTokens: [String] { lock.withLock { Array(tokens.keys) } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Adds a generated track to a session, as a finished generation would.
    public func addGeneratedTrack(session: String) { lock.withLock { applyEdit(session) } }

    /// Track count of a session's draft.
    public func trackCount(session: String) -> Int { lock.withLock { sessions[session]?.tracks.count ?? 0 } }
    public var sessionIDs: [String] { lock.withLock { Array(sessions.keys) } }

    // MARK: - Lifecycle

    /// Starts listening on 127.0.0.1 with a port the kernel picks; returns when it accepts connections.
    public func start() throws {
        let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: 0)
        let server = HTTPServer(address: address, timeout: 60, logger: .disabled)
        self.server = server
        let ready = DispatchSemaphore(value: 0)
        let failure = LockedBox<Error?>(nil)
        task = Task {
            await server.appendRoute("*") { [weak self] request in
                guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
                return try await self.handle(request)
            }
            Task {
                do { try await server.waitUntilListening() } catch { failure.value = error }
                ready.signal()
            }
            try await server.run()
        }
        ready.wait()
        if let e = failure.value { throw e }
        let portBox = LockedBox<UInt16>(0)
        let got = DispatchSemaphore(value: 0)
        Task {
            if case .ip4(_, let p) = await server.listeningAddress { portBox.value = p }
            got.signal()
        }
        got.wait()
        port = portBox.value
    }

    public func stop() {
        guard let server else { return }
        let done = DispatchSemaphore(value: 0)
        Task { await server.stop(timeout: 0); done.signal() }
        _ = done.wait(timeout: .now() + 3)
        task?.cancel()
    }

    // MARK: - Routing

    private func handle(_ request: HTTPRequest) async throws -> HTTPResponse {
        var headers: [String: String] = [:]
        for (k, v) in request.headers { headers[k.rawValue.lowercased()] = v }
        let path = request.path
        let method = request.method.rawValue
        var bodyBytes = 0
        var kept = Data()
        var upload: UploadedFile?
        if path.hasPrefix("/api/upload-video/"), headers["content-type"]?.hasPrefix("multipart/") == true {
            var reader = MultipartStreamHasher(contentType: headers["content-type"] ?? "")
            for try await chunk in request.bodySequence {
                bodyBytes += chunk.count
                if kept.count < 1_000_000 { kept.append(chunk.prefix(1_000_000 - kept.count)) }
                reader.feed(chunk)
            }
            if let f = reader.finish() {
                upload = UploadedFile(session: "", field: f.name, filename: f.filename, contentType: f.contentType,
                                      bytes: f.bytes, sha256: f.sha256)
            }
        } else {
            kept = try await request.bodyData
            bodyBytes = kept.count
        }
        let response = route(method: method, path: path, headers: headers, body: kept, upload: upload)
        lock.withLock {
            _requests.append(ReceivedRequest(method: method, path: path, headers: headers, bodyBytes: bodyBytes,
                                             body: bodyBytes <= 1_000_000 ? kept : nil, status: response.statusCode.code))
        }
        // A server that took the upload but answers late: a client killed meanwhile never hears.
        if upload != nil, let stall = scenario.stallUploadResponse {
            try? await Task.sleep(nanoseconds: UInt64(stall * 1e9))
        }
        return response
    }

    private func json(_ object: [String: Any], status: HTTPStatusCode = .ok) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: data)
    }

    private func error(_ code: Int, _ message: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        json(["code": code, "message": message], status: status)
    }

    private func once(_ set: WritableKeyPath<FakeScenario, Set<String>>, _ key: String) -> Bool {
        lock.withLock { _scenario[keyPath: set].remove(key) != nil }
    }

    private func key(method: String, path: String) -> String? {
        if path == "/api/auth/anonymous-token" { return "token" }
        if path == "/api/tasks/me/with-session/nemo_agent" { return "session" }
        if path == "/run_sse" { return "chat" }
        if path.hasPrefix("/api/upload-video/nemo_agent/me/") { return "upload" }
        if path == "/api/credits/balance/simple" { return "credits" }
        if path.hasPrefix("/api/state/nemo_agent/me/") { return "state" }
        if path == "/api/render/proxy/lambda" { return "render" }
        if path.hasPrefix("/api/render/proxy/lambda/") { return "status" }
        if path.hasPrefix("/api/render/proxy/"), path.hasSuffix("/download") { return "download" }
        if path.hasPrefix("/files/") { return "file" }
        return nil
    }

    private func route(method: String, path: String, headers: [String: String], body: Data, upload: UploadedFile?) -> HTTPResponse {
        guard let key = key(method: method, path: path) else { return error(404, "no such endpoint", status: .notFound) }
        if once(\.rateLimitOnce, key) { return error(429, "rate limited", status: .tooManyRequests) }
        if once(\.serverErrorOnce, key) { return error(500, "internal error", status: .internalServerError) }
        if key == "file" { return file(path) }

        let attributed = ["x-skill-source", "x-skill-version", "x-skill-platform"].allSatisfy { headers[$0]?.isEmpty == false }
        if key == "token" { return attributed ? anonymousToken(headers) : error(403, "missing attribution headers", status: .forbidden) }

        // Everything else needs a valid token.
        guard let auth = headers["authorization"], auth.hasPrefix("Bearer ") else {
            return error(1001, "missing token", status: .unauthorized)
        }
        let token = String(auth.dropFirst(7))
        let valid: Bool = lock.withLock {
            authenticatedCount += 1
            if let n = _scenario.expireTokensAfter, authenticatedCount > n, !expired {
                expired = true
                for t in tokens.keys { tokens[t] = false }
            }
            return tokens[token] == true || (token.hasPrefix("nmv_manual_") && !expired)
        }
        guard valid else { return error(1001, "token expired or invalid", status: .unauthorized) }
        // Missing attribution makes export fail with 402 (API.md); the fake refuses it everywhere.
        guard attributed else {
            return key == "render" ? error(402, "free plan export blocked", status: .paymentRequired)
                : error(403, "missing attribution headers", status: .forbidden)
        }

        switch key {
        case "session": return createSession()
        case "credits": return json(["code": 0, "data": ["available": 87, "frozen": 3, "total": 90]])
        case "chat": return chat(body)
        case "upload": return uploadFile(path, headers: headers, body: body, upload: upload)
        case "state": return state(path)
        case "render": return submitRender(body)
        case "status": return renderStatus(String(path.dropFirst("/api/render/proxy/lambda/".count)))
        case "download": return HTTPResponse(statusCode: .ok, headers: [.contentType: "video/mp4"], body: videoBytes)
        default: return error(404, "no such endpoint", status: .notFound)
        }
    }

    private func next() -> Int { counter += 1; return counter }

    private func anonymousToken(_ headers: [String: String]) -> HTTPResponse {
        lock.lock(); defer { lock.unlock() }
        guard let client = headers["x-client-id"], !client.isEmpty else { return error(400, "missing X-Client-Id", status: .badRequest) }
        if _scenario.rejectClientIDOnce {
            _scenario.rejectClientIDOnce = false
            return error(400, "missing X-Client-Id", status: .badRequest)
        }
        // One token per client id while it is valid (API.md: more gives 429).
        if let t = tokenOfClient[client], tokens[t] == true { return error(429, "one token per client per 7 days", status: .tooManyRequests) }
        let token = "nmv_usr_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        tokens[token] = true
        tokenOfClient[client] = token
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(7 * 86400))
        return json(["code": 0, "data": ["token": token, "user_id": "anon_\(next())", "credits": 100, "expires_at": expires]])
    }

    private func createSession() -> HTTPResponse {
        lock.lock(); defer { lock.unlock() }
        let n = next()
        let sid = "sess_\(n)"
        sessions[sid] = Project()
        return json(["code": 0, "data": ["task_id": "task_\(n)", "session_id": sid, "bind_id": "bind_\(n)"]])
    }

    /// Looks up a session, applying the lose-session switch.
    private func project(_ sid: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if _scenario.loseSessionOnce, sessions[sid] != nil {
            _scenario.loseSessionOnce = false
            sessions[sid] = nil
        }
        return sessions[sid] != nil
    }

    private func applyEdit(_ sid: String) {
        let n = next()
        sessions[sid]?.tracks.append(["tt": 1, "m": ["name": "Generated song \(n)", "volume": 0.8],
                                      "sg": [["d": 30000, "m": ["name": "song \(n)"]]]])
        sessions[sid]?.generatedMedia.append(["name": "song_\(n).mp3", "url": "\(baseURL)/files/song_\(n).mp3"])
    }

    private func state(_ path: String) -> HTTPResponse {
        let sid = path.split(separator: "/").dropLast().last.map(String.init) ?? ""
        guard project(sid) else { return error(1002, "session not found") }
        return lock.withLock {
            let p = sessions[sid]!
            return json(["code": 0, "data": ["state": ["draft": ["t": p.tracks], "video_infos": p.videoInfos,
                                                         "generated_media": p.generatedMedia]]])
        }
    }

    private func uploadFile(_ path: String, headers: [String: String], body: Data, upload: UploadedFile?) -> HTTPResponse {
        let sid = String(path.split(separator: "/").last ?? "")
        guard project(sid) else { return error(1002, "session not found") }
        let limit = scenario.uploadLimit ?? (headers["x-skill-source"] == "music-video-clip" ? 500_000_000 : 200_000_000)
        var items: [[String: Any]] = []
        if var f = upload {
            let ext = (f.filename as NSString).pathExtension.lowercased()
            guard ["mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac"].contains(ext) else {
                return error(4001, "unsupported file type")
            }
            guard f.bytes <= limit else { return error(4002, "file too large") }
            f.session = sid
            lock.withLock { _uploads.append(f) }
            items.append(["id": "media_\(lock.withLock { next() })", "name": f.filename, "size": f.bytes])
        } else if let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let urls = obj["urls"] as? [String],
                  obj["source_type"] as? String == "url" {
            for u in urls {
                lock.withLock { _uploads.append(UploadedFile(session: sid, field: "urls", filename: u, contentType: "url", bytes: 0, sha256: "")) }
                items.append(["id": "media_\(lock.withLock { next() })", "url": u])
            }
        } else {
            return error(400, "no files")
        }
        lock.withLock { sessions[sid]?.videoInfos.append(contentsOf: items) }
        let response = json(["code": 0, "data": ["files": items]])
        if scenario.dropUploadResponse {
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain"],
                                body: HTTPBodySequence(from: ScriptedBody(steps: [.bytes(Array("{\"co".utf8)), .drop])))
        }
        return response
    }

    private func chat(_ body: Data) -> HTTPResponse {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let sid = obj["session_id"] as? String,
              let parts = (obj["new_message"] as? [String: Any])?["parts"] as? [[String: Any]],
              let text = parts.first?["text"] as? String else { return error(400, "bad chat body") }
        guard obj["app_name"] as? String == "nemo_agent", obj["user_id"] as? String == "me" else { return error(400, "bad chat body") }
        guard project(sid) else { return error(1002, "session not found") }
        let s = scenario
        if s.outOfCredits { return error(2001, "out of credits") }
        lock.withLock { _messages.append((sid, text)) }
        let edit: @Sendable () -> Void = { [weak self] in
            guard let self, s.chatEdits else { return }
            self.lock.withLock { self.applyEdit(sid) }
        }
        var steps: [ScriptedBody.Step] = []
        func event(_ content: [String: Any], partial: Bool = false) -> [UInt8] {
            let e: [String: Any] = ["id": UUID().uuidString, "invocationId": "inv_1", "author": "nemo_agent",
                                    "timestamp": Date().timeIntervalSince1970, "content": content, "partial": partial]
            let data = (try? JSONSerialization.data(withJSONObject: e, options: [.sortedKeys])) ?? Data()
            return Array("data: ".utf8) + Array(data) + Array("\n\n".utf8)
        }
        func textEvent(_ t: String, partial: Bool) -> [UInt8] { event(["role": "model", "parts": [["text": t]]], partial: partial) }
        let tools: [UInt8] = event(["role": "model", "parts": [["functionCall": ["id": "c1", "name": "generate_music", "args": ["prompt": text]]]]])
            + event(["role": "user", "parts": [["functionResponse": ["id": "c1", "name": "generate_music", "response": ["ok": true]]]]])
        func reply(_ pieces: [String]) -> [ScriptedBody.Step] {
            var out: [ScriptedBody.Step] = [.bytes(tools)]
            for p in pieces { out.append(.bytes(textEvent(p, partial: true))) }
            out.append(.action(edit))
            out.append(.bytes(textEvent(pieces.joined(), partial: false)))
            return out
        }
        let lowered = text.lowercased()
        if s.agentWantsRequests, !FakeScenario.askVerbs.contains(where: { lowered.hasPrefix($0) }) {
            steps = [.bytes(textEvent(FakeScenario.suggestion, partial: true)), .bytes(textEvent(FakeScenario.suggestion, partial: false))]
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream"],
                                body: HTTPBodySequence(from: ScriptedBody(steps: steps)))
        }
        switch s.chat {
        case .reply(let pieces):
            steps = reply(pieces)
        case .heartbeats(let count, let interval, let pieces):
            for i in 0..<count {
                steps.append(.bytes(Array((i % 2 == 0 ? ": heartbeat\n\n" : "data:\n\n").utf8)))
                steps.append(.pause(interval))
            }
            steps += reply(pieces)
        case .byteSplit(let pieces):
            var bytes = Array(": keep-alive\r\n\r\n".utf8)
            for p in pieces {
                // One event's JSON over two data: lines (joined with a newline, still valid JSON).
                let e = String(decoding: textEvent(p, partial: true), as: UTF8.self)
                let json = e.dropFirst("data: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
                let cut = json.index(json.startIndex, offsetBy: json.count / 2)
                let pre = json[..<cut].lastIndex(of: ",").map { json.index(after: $0) } ?? cut
                bytes += Array("event: message\r\ndata: \(json[..<pre])\r\ndata: \(json[pre...])\r\n\r\n".utf8)
            }
            let final = String(decoding: textEvent(pieces.joined(), partial: false), as: UTF8.self)
            bytes += Array(final.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            steps = [.bytes(tools), .action(edit)]
            for b in bytes { steps.append(.bytes([b])); steps.append(.pause(0.0005)) }
        case .noText:
            steps = [.bytes(tools), .bytes(Array(": working\n\n".utf8)), .action(edit)]
        case .drop(let after):
            steps = [.bytes(tools), .bytes(textEvent("Generating your ", partial: true)), .pause(0.05)]
            if let after {
                Task { try? await Task.sleep(nanoseconds: UInt64(after * 1e9)); edit() }
            }
            steps.append(.drop)
        case .heartbeatsOnly(let interval):
            for _ in 0..<10_000 { steps.append(.bytes(Array(": heartbeat\n\n".utf8))); steps.append(.pause(interval)) }
        }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream"],
                            body: HTTPBodySequence(from: ScriptedBody(steps: steps)))
    }

    private func submitRender(_ body: Data) -> HTTPResponse {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let id = obj["id"] as? String, let sid = obj["sessionId"] as? String,
              obj["draft"] is [String: Any] else { return error(400, "bad render body") }
        if scenario.exportBlocked { return error(402, "free plan export blocked", status: .paymentRequired) }
        lock.withLock {
            _renderSubmissions.append((id, sid, obj))
            renderPollCount[id] = 0
        }
        return json(["code": 0, "data": ["id": id, "status": "queued"]])
    }

    private func renderStatus(_ id: String) -> HTTPResponse {
        lock.lock(); defer { lock.unlock() }
        guard let polls = renderPollCount[id] else { return error(404, "no such render", status: .notFound) }
        renderPollCount[id] = polls + 1
        if _scenario.renderAlwaysFails || (_scenario.renderFailsFirst && failedRenders.isEmpty) {
            failedRenders.insert(id)
            return json(["status": "failed", "error": "lambda crashed"])
        }
        if polls < _scenario.renderPolls { return json(["status": polls == 0 ? "queued" : "processing", "progress": polls * 10]) }
        let host = _scenario.downloadLinkBroken ? "http://127.0.0.1:\(port)/files/broken/" : "http://localhost:\(port)/files/"
        return json(["status": "completed", "output": ["url": "\(host)\(id).mp4"]])
    }

    private func file(_ path: String) -> HTTPResponse {
        if path.hasPrefix("/files/broken/") { return error(500, "storage unavailable", status: .internalServerError) }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: "video/mp4"], body: videoBytes)
    }
}

/// A value shared with a Task and read back after a semaphore.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ v: T) { _value = v }
    var value: T {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}

/// Hashes the one file part of a multipart body as it streams past, without keeping it: the
/// part starts after its headers and ends before the closing delimiter, which is held back.
struct MultipartStreamHasher {
    let closing: Data
    var head = Data()
    var inBody = false
    var tail = Data()
    var hasher = SHA256()
    var bytes = 0
    var name = "", filename = "", contentType = ""

    init(contentType: String) {
        let boundary = contentType.components(separatedBy: "boundary=").last?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) ?? ""
        closing = Data("\r\n--\(boundary)--\r\n".utf8)
    }

    mutating func feed(_ chunk: Data) {
        var chunk = chunk
        if !inBody {
            head.append(chunk)
            guard let end = head.range(of: Data("\r\n\r\n".utf8)) else { return }
            let h = Multipart.headers(String(decoding: head[..<end.lowerBound], as: UTF8.self))
            name = h.name ?? ""
            filename = h.filename ?? ""
            contentType = h.contentType ?? ""
            chunk = Data(head[end.upperBound...])
            head = Data()
            inBody = true
        }
        tail.append(chunk)
        if tail.count > closing.count {
            let out = tail.prefix(tail.count - closing.count)
            hasher.update(data: out)
            bytes += out.count
            tail = Data(tail.suffix(closing.count))
        }
    }

    func finish() -> (name: String, filename: String, contentType: String, bytes: Int, sha256: String)? {
        guard inBody, tail == closing else { return nil }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (name, filename, contentType, bytes, digest)
    }
}
