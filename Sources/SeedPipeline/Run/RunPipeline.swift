import Foundation
import SeedFiles
import SeedAudio
import SeedClient

/// What `seed run` is asked to do.
public struct RunRequest: Sendable {
    public var input: String?
    public var prompt: String
    public var videos: [String] = []
    /// The MP4 to write; nil: `<input name>.mp4` next to the input, or `seed-<run id>.mp4` here.
    public var output: String?
    /// Clip length instead of the product's default.
    public var seconds: Double?
    public var force = false
    /// Send the words untouched instead of the product's request wording.
    public var rawPrompt = false
    /// The batch the run belongs to, and its place there.
    public var batch: String?
    public var batchIndex: Int?

    public init(input: String?, prompt: String) {
        self.input = input
        self.prompt = prompt
    }
}

/// The steps of a run, in order.
public enum RunStep: String, CaseIterable, Sendable {
    case prepare, token, session, upload, chat, check, export
}

/// What the presentation layer hears while a run goes.
public struct RunCallbacks {
    /// A step starts (with a line saying what it does) or is skipped on resume (`done` true).
    public var step: (RunStep, String, _ done: Bool) -> Void = { _, _, _ in }
    /// Fraction done of the current long step (prepare, upload, download).
    public var progress: (Double) -> Void = { _ in }
    /// Reply text as it streams in.
    public var text: (String) -> Void = { _ in }
    public var stillWorking: (Double) -> Void = { _ in }
    /// Render status and seconds since it started.
    public var renderStatus: (String, Double) -> Void = { _, _ in }
    public init() {}
}

/// What a run produced.
public struct RunResult: Encodable {
    public var runID: String
    public var target: String
    public var sessionID: String
    public var clip: String?
    public var sidecar: String?
    public var message: String
    public var reply: String
    public var timeline: String?
    public var output: String
    public var bytes: Int64
    public var renderID: String
    public var resumed: Bool
}

/// `seed run`: prepare → token → session → upload → chat (prompt with beat markers) → state
/// check → export → poll → download, each step saved in the state folder when it finishes.
public final class RunPipeline {
    public let client: NemoClient
    let book: RunBook

    public init(client: NemoClient) {
        self.client = client
        book = RunBook(store: client.store)
    }

    /// Checks the request against the product before anything is done, and starts the run.
    public func start(_ request: RunRequest, callbacks: RunCallbacks) throws -> RunResult {
        var record = try plan(request)
        return try advance(record: &record, callbacks: callbacks, resumed: false)
    }

    /// Checks the request against the product and saves it as a run not yet started.
    public func plan(_ request: RunRequest) throws -> RunRecord {
        let target = client.settings.target
        let profile = target.profile
        if request.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw APIError.usage("the prompt is empty: say what to make, e.g. --prompt \"a cinematic orchestral version\"")
        }
        if let input = request.input {
            guard profile.uploadsAudio else {
                throw APIError.usage("\(target.rawValue) makes music from a text prompt only; drop \(input), or use --target mureka-ai or music-creator-ai")
            }
            guard FileManager.default.fileExists(atPath: input) else { throw AudioError.fileNotFound(input) }
        } else if target == .murekaAI || target == .musicVideoClip {
            throw APIError.usage("\(target.rawValue) needs an audio file: \(target == .murekaAI ? "a hummed or sung melody" : "the song")")
        }
        if !request.videos.isEmpty && !profile.takesVideo {
            throw APIError.usage("--video clips are for music-video-clip (this run is \(target.rawValue))")
        }
        for v in request.videos { _ = try client.checkUpload(v) }

        let id = "run_\(Int(Date().timeIntervalSince1970 * 1000))_\(String(UInt16.random(in: .min ... .max), radix: 16))"
        let output: String
        if let o = request.output {
            output = o
        } else if let input = request.input {
            output = Self.videoPath(for: input)
        } else {
            output = "seed-\(id).mp4"
        }
        try OutputFile.check(output, inputs: ([request.input].compactMap { $0 }) + request.videos, force: request.force)
        var record = RunRecord(id: id, createdAt: Date(), baseURL: client.settings.baseURL, target: target.rawValue,
                               input: request.input, prompt: request.prompt, videos: request.videos,
                               output: URL(fileURLWithPath: output).standardizedFileURL.path, force: request.force,
                               seconds: request.seconds)
        record.rawPrompt = request.rawPrompt ? true : nil
        record.batch = request.batch
        record.batchIndex = request.batchIndex
        try book.save(record)
        return record
    }

    /// The unfinished runs of a batch.
    public func unfinished(batch: String) -> [RunRecord] { book.unfinished(batch: batch) }

    /// The newest unfinished run (or the one named), not advanced.
    public func unfinished(id: String?) -> RunRecord? { book.unfinished(id: id, baseURL: client.settings.baseURL) }

    /// Continues the newest unfinished run (or the one named) from its last finished step.
    public func resume(id: String?, callbacks: RunCallbacks) throws -> RunResult {
        guard var record = book.unfinished(id: id, baseURL: client.settings.baseURL) else {
            throw APIError.usage(id.map { "there is no unfinished run \($0)" } ?? "there is no unfinished run to resume")
        }
        client.notice("resuming \(record.id) after \(record.lastStep)")
        return try advance(record: &record, callbacks: callbacks, resumed: true)
    }

    /// Runs every step of `record` not yet finished, in the record's product; an error is noted
    /// in the record (for `seed runs`) and thrown.
    public func advance(record: inout RunRecord, callbacks: RunCallbacks, resumed: Bool) throws -> RunResult {
        if let t = SkillTarget(rawValue: record.target) { client.settings.target = t }
        do {
            return try advance(&record, callbacks: callbacks, resumed: resumed)
        } catch {
            record.failure = Self.describe(error)
            book.noteFailure(id: record.id, record.failure)
            throw error
        }
    }

    /// `NAME.mp4` for an input, in `folder` (default: the input's own).
    public static func videoPath(for input: String, in folder: String? = nil) -> String {
        let url = URL(fileURLWithPath: input)
        let dir = folder.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? url.deletingLastPathComponent()
        return dir.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".mp4").path
    }

    /// An error in the user's words, for the run record.
    public static func describe(_ error: Error) -> String {
        (error as? APIError)?.message ?? (error as? AudioError)?.message ?? "\(error)"
    }

    /// Runs every step not yet finished.
    private func advance(_ r: inout RunRecord, callbacks: RunCallbacks, resumed: Bool) throws -> RunResult {
        func finish(_ step: String) throws { r.lastStep = step; try book.save(r) }

        // 1. The clip (kept when a resumed run finds it unchanged).
        var sidecar: ClipSidecar? = r.sidecar.flatMap { try? ClipSidecar.read($0) }
        if let input = r.input {
            var job = PrepareJob(input: input, target: client.settings.target,
                                 outputDirectory: URL(fileURLWithPath: r.output).deletingLastPathComponent().path)
            job.seconds = r.seconds
            // A second product from the same input keeps the first one's clip: where the plain
            // names hold a clip this run cannot use, its own are named for the product.
            var named = job
            named.namesProduct = true
            if let path = r.sidecar {
                if path == named.sidecarPath { job = named }
            } else if !r.force, try job.existingClip() == nil,
                      FileManager.default.fileExists(atPath: job.sidecarPath) || FileManager.default.fileExists(atPath: job.clipPath) {
                job = named
            }
            if let s = sidecar, let sha = r.clipSHA256, (try? sha256Hex(ofFile: s.clip.path)) == sha {
                callbacks.step(.prepare, "clip \(s.clip.path) already made", true)
            } else if let s = try job.existingClip() {
                // An earlier run or `seed prepare` made this very clip: same source, product and length.
                callbacks.step(.prepare, "clip \(s.clip.path) already made from this input", true)
                sidecar = s
                r.clip = s.clip.path
                r.clipSHA256 = s.clip.sha256
                r.sidecar = job.sidecarPath
                try finish("prepare")
            } else {
                callbacks.step(.prepare, "preparing \(URL(fileURLWithPath: input).lastPathComponent)", false)
                // A resumed run replaces its own half-made clip; a new one never replaces a file.
                job.force = r.force || r.sidecar != nil
                let s = try job.run(progress: callbacks.progress)
                sidecar = s
                r.clip = s.clip.path
                r.clipSHA256 = s.clip.sha256
                r.sidecar = job.sidecarPath
                try finish("prepare")
            }
        }

        // 2-3. Token, and a session of its own for this run (a new project).
        let hadToken = try client.tokenStatus(acquire: false).present
        callbacks.step(.token, hadToken ? "token ready" : "getting a token", hadToken)
        _ = try client.tokenStatus(acquire: true)
        if let sid = r.sessionID {
            client.sessionOverride = sid
            callbacks.step(.session, "session \(sid)", true)
        } else {
            callbacks.step(.session, "starting a session", false)
            let sid = try client.createSession()
            client.sessionOverride = sid
            r.sessionID = sid
            try finish("session")
        }

        // 4-7. What lives in the session. If the service lost it (1002: expired, or gone while the
        // run was stopped), the uploads and the prompt went with it: start over once in a new one.
        client.replacesLostSession = false
        defer { client.replacesLostSession = true }
        do {
            return try deliver(&r, sidecar: sidecar, callbacks: callbacks, resumed: resumed)
        } catch let e as APIError where e.isSessionGone {
            let old = r.sessionID ?? "?"
            let sid = try client.createSession()
            client.sessionOverride = sid
            client.notice("session \(old) no longer exists; uploading and sending the prompt again in \(sid)")
            r.restartIn(session: sid)
            try finish("session")
            return try deliver(&r, sidecar: sidecar, callbacks: callbacks, resumed: resumed)
        }
    }

    /// Uploads, prompt, state check, render and download, in the run's session.
    private func deliver(_ r: inout RunRecord, sidecar: ClipSidecar?, callbacks: RunCallbacks, resumed: Bool) throws -> RunResult {
        func finish(_ step: String) throws { r.lastStep = step; try book.save(r) }

        // 4. Uploads: the clip, then any video clips.
        if r.uploads.isEmpty {
            r.uploads = (r.clip.map { [$0] } ?? []).map { RunRecord.Upload(path: $0, state: .pending) }
                + r.videos.map { RunRecord.Upload(path: $0, state: .pending) }
            try book.save(r)
        }
        for i in r.uploads.indices {
            let u = r.uploads[i]
            let name = URL(fileURLWithPath: u.path).lastPathComponent
            if u.state == .done { callbacks.step(.upload, "\(name) already uploaded", true); continue }
            if u.state == .sending, (try? client.projectState())?.hasUpload(named: name) == true {
                // The answer was lost, but the project has it: never send it twice.
                callbacks.step(.upload, "\(name) reached the service before the interruption", true)
            } else {
                _ = try client.checkUpload(u.path)
                callbacks.step(.upload, "uploading \(name)", false)
                r.uploads[i].state = .sending
                try book.save(r)
                let outcome = try client.upload(file: u.path, progress: callbacks.progress)
                r.uploads[i].bytes = outcome.bytes
            }
            r.uploads[i].state = .done
            try finish("upload of \(name)")
        }

        // 5. The prompt with the beat markers, sent exactly once.
        let words = r.rawPrompt == true ? r.prompt
            : PromptWording.request(r.prompt, target: client.settings.target, seconds: r.seconds, hasAudio: r.input != nil)
        let message = r.message ?? BeatMarkers.prompt(words, markers: sidecar?.markers)
        r.message = message
        var reply = ""
        if !r.messageSent {
            callbacks.step(.chat, "sending the prompt" + (sidecar == nil ? "" : " with the beat markers"), false)
            r.messageSent = true
            try book.save(r)
            let result = try client.ask(message, callbacks: ChatCallbacks(text: callbacks.text, stillWorking: callbacks.stillWorking))
            reply = result.reply
            r.reply = reply
            r.replied = true
            try finish("chat")
        } else if !r.replied {
            callbacks.step(.chat, "the prompt was sent before the interruption; waiting for the project to change (never sent twice)", true)
            try awaitContent()
            r.replied = true
            try finish("chat")
        } else {
            callbacks.step(.chat, "the prompt was answered", true)
            reply = r.reply ?? ""
        }

        // 6. Something to export? A reply without a generation (a question, a suggestion) leaves
        // the run resumable: the user answers with `seed ask` in the same project.
        callbacks.step(.check, "checking the project", false)
        let state = try client.projectState()
        guard state.hasContent else {
            throw APIError.answeredWithoutGenerating(reply: r.reply ?? reply, target: client.settings.target)
        }

        // 7. Render and download; a render a killed run left is picked up, never started twice.
        let exportCallbacks = ExportCallbacks(status: callbacks.renderStatus, download: callbacks.progress)
        let exported: (renderID: String, output: String, bytes: Int64)
        if r.exportStarted, let e = try resumeRender(r, callbacks: exportCallbacks) {
            callbacks.step(.export, "following the render started before the interruption", true)
            exported = (e.renderID, e.output, e.bytes)
        } else if r.exportStarted, let bytes = try? FileManager.default.attributesOfItem(atPath: r.output)[.size] as? Int64 {
            // Killed after the download was renamed into place (downloads appear only whole).
            callbacks.step(.export, "\(r.output) was downloaded before the interruption", true)
            exported = (r.renderID ?? "", r.output, bytes)
        } else {
            callbacks.step(.export, "rendering and downloading", false)
            r.exportStarted = true
            try book.save(r)
            let e = try client.export(output: r.output, force: r.force, callbacks: exportCallbacks)
            exported = (e.renderID, e.output, e.bytes)
        }
        r.renderID = exported.renderID
        r.finished = true
        r.failure = nil
        try finish("export")
        return RunResult(runID: r.id, target: r.target, sessionID: r.sessionID ?? "", clip: r.clip, sidecar: r.sidecar,
                         message: message, reply: reply, timeline: state.summary, output: exported.output,
                         bytes: exported.bytes, renderID: exported.renderID, resumed: resumed)
    }

    /// The render this run started, if the state folder still has it pending.
    private func resumeRender(_ r: RunRecord, callbacks: ExportCallbacks) throws -> ExportResult? {
        do {
            return try client.resumeExport(output: r.output, force: r.force, callbacks: callbacks)
        } catch APIError.nothingToResume {
            return nil
        }
    }

    /// After an interrupted chat: reads the project until it has a generated track (API.md: never
    /// re-send, watch the state), for up to the recovery limit.
    private func awaitContent() throws {
        if try client.projectState().hasContent { return }
        guard try client.watchProject(until: \.hasContent) != nil else {
            throw APIError.noResult("the prompt was sent before the interruption, and the project still has nothing after \(Int(client.settings.timings.recoveryLimit)) s; check with `seed status`, or start a new `seed run`")
        }
    }
}
