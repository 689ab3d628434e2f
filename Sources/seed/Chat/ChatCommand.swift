import ArgumentParser
import Foundation
import SeedFiles
import SeedAudio
import SeedClient
import SeedPipeline

struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk to the generation service interactively (or from a pipe, for scripts).",
        discussion: """
        Each line is routed (English or Chinese): "export"/"导出"/"download" renders and downloads \
        the video (add a name: "export clip.mp4"); "credits"/"积分"/"balance"/"余额" shows credits; \
        "status"/"状态"/"show tracks" prints the timeline; "upload FILE"/"上传 FILE", or a file path \
        dropped on the terminal, uploads it (audio, also without a known extension, is made into a seed clip first, and its beat \
        markers go with your next message); "quit" or Ctrl-D ends; anything else is sent as a \
        message and the reply streams in. Ctrl-C stops the current wait or clip preparation without losing the session \
        (the service may still finish; "status" shows it). On a terminal: line editing and history \
        (↑/↓, kept in seed's state folder). From a pipe: one line at a time, no prompt; the exit \
        code is that of the first line that failed.
        """)

    @OptionGroup var client: ClientOptions

    func run() throws {
        let c: NemoClient
        do { c = try client.makeClient(quiet: false) } catch { throw ErrorReporting.fail(error) }
        c.cancelled = { ChatSignals.cancel != 0 }
        ChatSignals.install()
        let reader = LineReader(historyPath: try? c.store.ensureDirectory() + "/chat_history")
        var session = ChatSession(client: c, target: c.settings.target)
        if reader.interactive {
            Console.out("seed chat with \(c.settings.target.rawValue): type a message, a file to upload, status, credits, export, help or quit.")
        }
        var firstFailure: Int32?
        loop: while true {
            switch reader.read(prompt: "seed> ") {
            case .end: break loop
            case .interrupted: continue
            case .line(let line):
                let route = ChatRouter.route(line) { FileManager.default.fileExists(atPath: $0) }
                if route == .quit { break loop }
                ChatSignals.cancel = 0
                ReadInterruption.requested = 0
                ChatSignals.busy = 1
                defer { ChatSignals.busy = 0; ReadInterruption.requested = 0 }
                do {
                    try session.perform(route)
                } catch AudioError.interrupted {
                    Console.err("seed: stopped; nothing was uploaded and the session is kept")
                } catch let e as APIError {
                    if case .cancelled = e {
                        Console.err("seed: stopped waiting; the session is kept (type status to see what the service did)")
                    } else {
                        Console.err("seed: error: \(e.message)")
                        firstFailure = firstFailure ?? e.exitCode
                    }
                } catch {
                    Console.err("seed: error: \(ErrorReporting.message(for: error))")
                    firstFailure = firstFailure ?? ErrorReporting.exitCode(for: error)
                }
            }
        }
        if !reader.interactive, let code = firstFailure { throw ExitCode(code) }
    }
}

/// What `seed chat` does with each route, and the clip markers waiting for the next message.
struct ChatSession {
    let client: NemoClient
    let target: SkillTarget
    /// Beat markers of the last prepared clip; they go with the next message, once.
    var pendingMarkers: String?

    init(client: NemoClient, target: SkillTarget) {
        self.client = client
        self.target = target
    }

    /// File types seed decodes itself, so they are made into a seed clip before upload.
    static let preparable: Set<String> = ["wav", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "w64", "caf", "au"]
    /// Audio-only types seed decodes through ffmpeg when it is installed (a phone's voice memo is m4a).
    static let preparableWithFFmpeg: Set<String> = ["m4a", "aac", "wma", "3gp", "amr"]

    /// Whether a dropped file is audio to make into a seed clip: by its extension, and for a name
    /// the service would not take as it is (no extension, or an odd one), by whether it decodes.
    static func isPreparableAudio(_ path: String) -> Bool {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if preparable.contains(ext) { return true }
        if preparableWithFFmpeg.contains(ext) { return FFmpegSource.ffmpegPath != nil }
        guard UploadTypes.contentType(for: path) == nil, let source = try? AudioOpener.open(path) else { return false }
        source.close()
        return true
    }

    mutating func perform(_ route: ChatRoute) throws {
        switch route {
        case .empty, .quit: return
        case .help:
            Console.out("""
            messages go to the service; also: status (状态), credits (积分), export [NAME.mp4] (导出), \
            upload FILE (上传) or drop a file here, quit (退出)
            """)
        case .credits:
            let cr = try client.credits()
            Console.out("credits: \(Self.number(cr.available)) available (\(Self.number(cr.frozen)) frozen, \(Self.number(cr.total)) total)")
        case .status:
            // The chat's project: started here if there is none yet.
            let state = try client.projectState(create: true)
            Console.out(state.summary)
        case .uploadWithoutFile:
            Console.out("name the file: upload PATH (or drop it here)")
        case .upload(let files):
            for f in files { try upload(f) }
        case .export(let output):
            let r = try withProgress("downloading", quiet: false) { p in
                try client.export(output: output, force: false, callbacks: ExportCallbacks(status: renderStatusPrinter(enabled: true), download: p))
            }
            Console.out("saved \(r.output) (\(formatBytes(r.bytes)), render \(r.renderID))")
        case .chat(let text):
            let message = BeatMarkers.prompt(text, markers: pendingMarkers)
            let result = try client.ask(message, callbacks: ChatCallbacks(
                text: { Console.out($0, newline: false) },
                stillWorking: { _ in Console.err("Still working...") }))
            pendingMarkers = nil
            printReplyEnd(result, quiet: false)
        }
    }

    private mutating func upload(_ path: String) throws {
        var file = path
        if target.profile.uploadsAudio && Self.isPreparableAudio(path) {
            let job = PrepareJob(input: path, target: target)
            let s = try job.existingClip() ?? withProgress("preparing", quiet: false) { try job.run(progress: $0) }
            Console.out("prepared " + PrepareCommand.line(s))
            file = s.clip.path
            pendingMarkers = s.markers
        }
        _ = try client.checkUpload(file)
        let name = URL(fileURLWithPath: file).lastPathComponent
        let r = try withProgress("uploading \(name)", quiet: false) { try client.upload(file: file, progress: $0) }
        Console.out("uploaded \(name) (\(formatBytes(r.bytes ?? 0))) to session \(r.sessionID)"
            + (pendingMarkers != nil && file != path ? "; its beat markers go with your next message" : ""))
    }

    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}

/// SIGINT in `seed chat`: during a wait it only stops the wait (a network wait, or the local
/// preparation of a clip, which stops at its next block read); at an idle prompt read from a
/// pipe it ends seed as usual (on a terminal the line editor reads Ctrl-C itself).
enum ChatSignals {
    nonisolated(unsafe) static var busy: Int32 = 0
    nonisolated(unsafe) static var cancel: Int32 = 0

    static func install() {
        signal(SIGINT) { _ in
            if ChatSignals.busy != 0 {
                ChatSignals.cancel = 1
                ReadInterruption.requested = 1
            } else {
                OutputFile.removeAllPending()
                _exit(130)
            }
        }
    }
}
