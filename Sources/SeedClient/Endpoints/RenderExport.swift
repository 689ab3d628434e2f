import Foundation
import SeedFiles

/// A render job as kept in the state folder from before it is submitted until its file is
/// downloaded, so a process that dies midway can resume polling instead of orphaning it.
public struct RenderJob: Codable, Equatable {
    public var id: String
    public var sessionID: String
    public var baseURL: String
    public var target: String
    public var output: String
    public var createdAt: Date
    /// 1, or 2 after the one retry a failed render gets.
    public var attempt: Int
}

/// What an export produced.
public struct ExportResult: Encodable {
    public var renderID: String
    public var output: String
    public var bytes: Int64
    public var sessionID: String
    public var resumed: Bool
    public var polls: Int
}

/// Progress of an export, for the presentation layer.
public struct ExportCallbacks {
    /// Render status and seconds since it was submitted.
    public var status: (String, Double) -> Void
    /// Fraction of the download done.
    public var download: (Double) -> Void

    public init(status: @escaping (String, Double) -> Void, download: @escaping (Double) -> Void) {
        self.status = status
        self.download = download
    }
}

extension NemoClient {
    /// Renders the current draft to MP4 and downloads it (API.md, "export"): the job id is saved
    /// before the render is requested, polled every `pollInterval`, retried once with a new id if
    /// it fails, and the file is written to a temporary name and renamed into place.
    /// `output` defaults to `<render id>.mp4` in the current folder.
    public func export(output: String?, force: Bool, callbacks: ExportCallbacks) throws -> ExportResult {
        let sid = try sessionID(create: false)
        let id = Self.newRenderID()
        let output = output ?? id + ".mp4"
        try OutputFile.check(output, inputs: [], force: force)
        let state = try projectState()
        guard state.hasContent, let draft = state.draft else { throw APIError.nothingToExport }
        var job = RenderJob(id: id, sessionID: sid, baseURL: settings.baseURL, target: settings.target.rawValue,
                            output: URL(fileURLWithPath: output).standardizedFileURL.path, createdAt: Date(), attempt: 1)
        try saveJob(job)
        try submit(job, draft: draft)
        return try follow(&job, draft: draft, force: force, resumed: false, callbacks: callbacks)
    }

    /// Picks up the render a killed process left: polls it (resubmitting if the service no longer
    /// knows it) and downloads it to the path that run chose, or `output`.
    public func resumeExport(output: String?, force: Bool, callbacks: ExportCallbacks) throws -> ExportResult {
        let jobs = store.read("renders.json", as: [RenderJob].self) ?? []
        let wanted = sessionOverride
        guard var job = jobs.last(where: { $0.baseURL == settings.baseURL && (wanted == nil || $0.sessionID == wanted) }) else {
            throw APIError.nothingToResume
        }
        if let output {
            job.output = URL(fileURLWithPath: output).standardizedFileURL.path
            try saveJob(job)
        }
        try OutputFile.check(job.output, inputs: [], force: force)
        if sessionOverride == nil { sessionOverride = job.sessionID }
        notice("resuming render \(job.id) of session \(job.sessionID)")
        return try follow(&job, draft: nil, force: force, resumed: true, callbacks: callbacks)
    }

    /// Polls until done, retrying a failed render once, then downloads.
    private func follow(_ job: inout RenderJob, draft: JSONValue?, force: Bool, resumed: Bool,
                        callbacks: ExportCallbacks) throws -> ExportResult {
        var draft = draft
        var polls = 0
        var first = resumed
        while true {
            let outcome = try poll(job, polls: &polls, immediately: first, callbacks: callbacks)
            first = false
            switch outcome {
            case .completed(let link):
                let bytes = try download(job, link: link, force: force, progress: callbacks.download)
                try dropJob(job.id)
                return ExportResult(renderID: job.id, output: job.output, bytes: bytes, sessionID: job.sessionID,
                                    resumed: resumed, polls: polls)
            case .failed(let why):
                guard job.attempt == 1 else {
                    try dropJob(job.id)
                    throw APIError.renderFailed(why)
                }
                notice("render \(job.id) failed\(why.isEmpty ? "" : " (\(why))"); retrying once with a new id")
                try replaceJob(&job, attempt: 2)
                draft = try draft ?? currentDraft()
                try submit(job, draft: draft!)
            case .unknown:
                // The service has no such job (it was never received): submit it now.
                notice("the service does not know render \(job.id); submitting it again")
                draft = try draft ?? currentDraft()
                try submit(job, draft: draft!)
            }
        }
    }

    private enum PollOutcome { case completed(String?), failed(String), unknown }

    private func poll(_ job: RenderJob, polls: inout Int, immediately: Bool, callbacks: ExportCallbacks) throws -> PollOutcome {
        var wait = !immediately
        while true {
            if wait { pause(settings.timings.pollInterval) }
            wait = true
            polls += 1
            let json: JSONValue?
            do {
                (_, json) = try send("checking render \(job.id)", method: "GET", idempotent: true) { _ in
                    ("/api/render/proxy/lambda/\(Self.pathSegment(job.id))", .none, [])
                }
            } catch APIError.service(_, let code, _) where code == 404 {
                return .unknown
            }
            let status = (json?["status"] ?? json?.at("data.status"))?.string?.lowercased() ?? ""
            switch status {
            case "completed", "complete", "done", "succeeded", "success":
                let link = (json?.at("output.url") ?? json?.at("data.output.url") ?? json?["url"] ?? json?.at("data.url"))?.string
                return .completed(link)
            case "failed", "error", "cancelled", "canceled":
                let why = (json?["error"] ?? json?["message"] ?? json?.at("data.error"))?.string ?? ""
                return .failed(Secrets.redact(why))
            case "not_found", "unknown":
                return .unknown
            default:
                callbacks.status(status.isEmpty ? "waiting" : status, Date().timeIntervalSince(job.createdAt))
                if polls >= settings.timings.maxPolls { throw APIError.renderStillRunning(job.id) }
            }
        }
    }

    private func submit(_ job: RenderJob, draft: JSONValue) throws {
        // Same id on a retry of this request, so the service can tell it is one job.
        try send("starting the render", method: "POST", idempotent: true) { _ in
            let body: JSONValue = ["id": .string(job.id), "sessionId": .string(job.sessionID), "draft": draft,
                                   "output": ["format": "mp4", "quality": "high"]]
            return ("/api/render/proxy/lambda", Self.json(body), [])
        }
    }

    private func currentDraft() throws -> JSONValue {
        let state = try projectState()
        guard state.hasContent, let d = state.draft else { throw APIError.nothingToExport }
        return d
    }

    /// Downloads from `output.url` (the token goes only to the API's own host), falling back to
    /// the authenticated `/api/render/proxy/<id>/download`.
    private func download(_ job: RenderJob, link: String?, force: Bool, progress: @escaping (Double) -> Void) throws -> Int64 {
        let out = try OutputFile(job.output, inputs: [], force: force)
        guard let file = fopen(out.tempPath, "w") else { throw FileError.fromWriteErrno(errno, path: job.output) }
        var closed = false
        defer { if !closed { fclose(file) } }
        var written: Int64 = 0
        var writeErrno: Int32 = 0
        let sink = ResponseSink.stream { data in
            let n = data.withUnsafeBytes { fwrite($0.baseAddress, 1, data.count, file) }
            if n != data.count { writeErrno = errno; return false }
            written += Int64(n)
            return true
        }
        let restart: () throws -> Void = {
            written = 0
            fflush(file)
            if ftruncate(fileno(file), 0) != 0 || fseek(file, 0, SEEK_SET) != 0 {
                throw FileError.fromWriteErrno(errno, path: job.output)
            }
        }
        let tick: (Int64, Int64, Int64, Int64) -> Bool = { total, now, _, _ in
            if total > 0 { progress(Double(now) / Double(total)) }
            return true
        }
        func writeFailure() -> FileError { FileError.fromWriteErrno(writeErrno == 0 ? EIO : writeErrno, path: job.output) }

        var done = false
        if let link, !link.isEmpty {
            let absolute = link.hasPrefix("http://") || link.hasPrefix("https://") ? link : settings.baseURL + (link.hasPrefix("/") ? "" : "/") + link
            let host = URLComponents(string: absolute)?.host?.lowercased()
            var headers: [(String, String)] = []
            if host == settings.baseHost { headers = [("Authorization", "Bearer \(try currentToken())")] + attributionHeaders }
            do {
                let r = try transport.perform(HTTPRequest(method: "GET", url: absolute, headers: headers, timeout: nil, idleTimeout: 120),
                                              sink: sink, progress: tick)
                done = r.isSuccess && written > 0
                if !done { notice("the download link answered HTTP \(r.status); using the authenticated download instead") }
            } catch TransportError.aborted where writeErrno != 0 {
                throw writeFailure()
            } catch let e as TransportError {
                notice("the download link failed (\(e.detail)); using the authenticated download instead")
            }
            if !done { try restart() }
        }
        if !done {
            do {
                try send("downloading render \(job.id)", method: "GET", idempotent: true, sink: sink, timeout: nil,
                         idleTimeout: 120, progress: tick, onAttempt: restart) { _ in
                    ("/api/render/proxy/\(Self.pathSegment(job.id))/download", .none, [])
                }
            } catch TransportError.aborted where writeErrno != 0 {
                throw writeFailure()
            }
            guard written > 0 else { throw APIError.unexpectedResponse("downloading render \(job.id) (empty file)") }
        }
        closed = true
        if fclose(file) != 0 { writeErrno = errno; throw writeFailure() }
        try out.commit()
        progress(1)
        return written
    }

    static func newRenderID() -> String { "render_\(Int64(Date().timeIntervalSince1970 * 1000))" }

    private func saveJob(_ job: RenderJob) throws {
        try store.update("renders.json", default: [RenderJob]()) { jobs in
            jobs.removeAll { $0.id == job.id }
            jobs.append(job)
        }
    }

    private func replaceJob(_ job: inout RenderJob, attempt: Int) throws {
        let old = job.id
        var id = Self.newRenderID()
        if id == old { id += "_2" }
        job.id = id
        job.attempt = attempt
        job.createdAt = Date()
        let updated = job
        try store.update("renders.json", default: [RenderJob]()) { jobs in
            jobs.removeAll { $0.id == old }
            jobs.append(updated)
        }
    }

    private func dropJob(_ id: String) throws {
        try store.update("renders.json", default: [RenderJob]()) { $0.removeAll { $0.id == id } }
    }
}
