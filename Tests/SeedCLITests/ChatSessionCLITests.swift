import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// `seed chat` driven through a pipe (one line per route, in English and in Chinese), Ctrl-C
/// during a wait, and once through a pseudo-terminal with line editing and history.
final class ChatSessionCLITests: ClientTestCase {
    func set(_ change: (inout FakeScenario) -> Void) {
        var s = server.scenario
        change(&s)
        server.scenario = s
    }

    func hum(_ name: String) throws -> String {
        let (x, _) = Scenes.build([.hum(seconds: 14, dbfs: -22)], rate: 16000, seed: 9)
        return try TestFiles.write(x, to: home.appendingPathComponent(name).path, rate: 16000)
    }

    /// Runs `seed chat` with these lines on stdin.
    func chat(_ lines: [String], args: [String] = []) throws -> SeedRun {
        let p = SeedBinary.process(["chat"] + args, cwd: home, environment: environment)
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let r = SeedRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        runs.append(r)
        return r
    }

    func assertEveryRoute(_ words: (credits: String, status: String, upload: String, export: String), message: String) throws {
        let take = try hum("take one.wav")
        let video = home.appendingPathComponent("street.mp4")
        try Data(repeating: 7, count: 20_000).write(to: video)
        let dropped = "'" + take + "'"   // a dragged file, quoted by the terminal
        let r = try chat([words.credits, "\(words.upload) \(video.path)", dropped, message, words.status, "\(words.export)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("credits: 87 available (3 frozen, 90 total)"), r.stdout)
        // The video as it is; the dropped audio made into a seed clip first.
        XCTAssertEqual(server.uploads.map(\.filename), ["street.mp4", "take one.seed.mp3"])
        let clip = try Data(contentsOf: home.appendingPathComponent("take one.seed.mp3"))
        XCTAssertEqual(server.uploads[1].sha256, sha256(clip))
        XCTAssertTrue(r.stdout.contains("prepared \(home.appendingPathComponent("take one.seed.mp3").path)"), r.stdout)
        // The message is sent once, with the clip's beat markers; the reply streams back.
        XCTAssertEqual(server.messages.count, 1)
        XCTAssertTrue(server.messages[0].hasPrefix(message), server.messages[0])
        XCTAssertNotNil(MarkerReader(prompt: server.messages[0]), server.messages[0])
        XCTAssertTrue(r.stdout.contains("Here is a first take of your song."), r.stdout)
        XCTAssertTrue(r.stdout.contains("Timeline (1 track)"), r.stdout)
        // Export and download into the working folder.
        XCTAssertEqual(server.renderIDs.count, 1)
        let saved = home.appendingPathComponent(server.renderIDs[0] + ".mp4")
        XCTAssertEqual(try Data(contentsOf: saved), server.videoBytes)
        XCTAssertTrue(r.stdout.contains("saved \(saved.path)"), r.stdout)
        XCTAssertEqual(Set(server.sessionIDs).count, 1, "one session throughout")
    }

    func testEveryRouteInEnglish() throws {
        try assertEveryRoute(("credits", "status", "upload", "export"), message: "make a song from my hum")
    }

    func testEveryRouteInChinese() throws {
        set { $0.chat = .reply(["这是你的歌的初版。", "点击导出按钮下载。"]) }
        let take = try hum("take one.wav")
        let r = try chat(["余额", "上传 '\(take)'", "用我的哼唱做一首流行歌", "状态", "导出"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("credits: 87 available"), r.stdout)
        XCTAssertEqual(server.uploads.map(\.filename), ["take one.seed.mp3"])
        XCTAssertEqual(server.messages.count, 1)
        XCTAssertTrue(server.messages[0].hasPrefix("用我的哼唱做一首流行歌"), server.messages[0])
        XCTAssertTrue(r.stdout.contains("这是你的歌的初版。"), r.stdout)
        XCTAssertFalse(r.stdout.contains("点击导出按钮"), "GUI wording is translated: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("Timeline (1 track)"), r.stdout)
        XCTAssertEqual(server.renderIDs.count, 1)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent(server.renderIDs[0] + ".mp4")), server.videoBytes)
        // "积分", "download" and "show tracks" on their own.
        let more = try chat(["积分", "show tracks", "download final.mp4"])
        XCTAssertEqual(more.status, 0, more.stderr)
        XCTAssertTrue(more.stdout.contains("credits: 87"), more.stdout)
        XCTAssertTrue(more.stdout.contains("Timeline (1 track)"), more.stdout)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("final.mp4")), server.videoBytes)
    }

    func testAudioWithoutAKnownExtensionIsPreparedToo() throws {
        // A recorder app's file without an extension, and one with its own: both decode as audio,
        // so both become seed clips; a text file with an odd extension is refused as it is.
        let take = try hum("take.wav")
        let bare = home.appendingPathComponent("voice memo").path, odd = home.appendingPathComponent("idea.rec").path
        try FileManager.default.copyItem(atPath: take, toPath: bare)
        try FileManager.default.copyItem(atPath: take, toPath: odd)
        let notes = home.appendingPathComponent("notes.rec").path
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: notes))
        let r = try chat(["'\(bare)'", "upload \(odd)", "upload \(notes)"])
        XCTAssertEqual(server.uploads.map(\.filename), ["voice memo.seed.mp3", "idea.seed.mp3"], r.stderr)
        XCTAssertTrue(r.stdout.contains("prepared"), r.stdout)
        XCTAssertTrue(r.stderr.contains("notes.rec: the service does not accept this file type"), r.stderr)
        XCTAssertNotEqual(r.status, 0)
    }

    func testFailuresAreOneLineAndTheSessionGoesOn() throws {
        let r = try chat(["export", "upload /nowhere/x.wav", "credits"])
        XCTAssertEqual(r.status, 64, "the first failed line's code, for scripts")
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("seed: error: ") }
        XCTAssertEqual(errors.count, 1, r.stderr)   // the missing file is a message, not an upload
        XCTAssertTrue(errors[0].contains("no session yet"), r.stderr)
        XCTAssertTrue(r.stdout.contains("credits: 87"), "later lines still run: \(r.stdout)")
    }

    /// A `seed chat` fed line by line through a pipe while the test watches the server.
    final class LiveChat {
        let process: Process
        private let input = Pipe(), out = Pipe(), err = Pipe()

        init(_ test: ChatSessionCLITests) throws {
            process = SeedBinary.process(["chat"], cwd: test.home, environment: test.environment)
            process.standardInput = input
            process.standardOutput = out
            process.standardError = err
            try process.run()
        }

        /// Writes one line; if seed has already ended, the test fails on its assertions, not on SIGPIPE.
        func send(_ line: String) {
            signal(SIGPIPE, SIG_IGN)
            try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
        }

        /// Whether seed holds `path` open now (Linux /proc), i.e. is reading that file.
        func isReading(_ path: String) -> Bool {
            let fds = "/proc/\(process.processIdentifier)/fd"
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            return ((try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? []).contains {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: fds + "/" + $0)) == target
            }
        }

        func interrupt() { kill(process.processIdentifier, SIGINT) }

        /// Closes stdin and waits for the end.
        func finish() throws -> SeedRun {
            try input.fileHandleForWriting.close()
            let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return SeedRun(status: process.terminationStatus, stdout: o, stderr: e)
        }
    }

    func testCtrlCStopsTheWaitAndKeepsTheSession() throws {
        set { $0.chat = .heartbeatsOnly(interval: 0.1) }
        let chat = try LiveChat(self)
        chat.send("make it jazzy")
        waitUntil { !server.messages.isEmpty }
        usleep(200_000)
        chat.interrupt()
        // Still running: the next line is read in the same session.
        usleep(1_500_000)
        XCTAssertTrue(chat.process.isRunning, "Ctrl-C during a wait does not end seed chat")
        server.addGeneratedTrack(session: server.sessionIDs[0])
        chat.send("status")
        let r = try chat.finish()
        runs.append(r)
        let (o, e) = (r.stdout, r.stderr)
        XCTAssertEqual(r.status, 0, e)
        XCTAssertTrue(e.contains("stopped waiting; the session is kept"), e)
        XCTAssertTrue(o.contains("Timeline (1 track)"), o)
        XCTAssertEqual(server.messages.count, 1, "nothing is sent again")
        XCTAssertEqual(Set(server.sessionIDs).count, 1)
    }

    func testCtrlCStopsAClipBeingPreparedAndKeepsTheSession() throws {
        // A long take (7 minutes), so its preparation is still running when Ctrl-C comes.
        let (x, _) = Scenes.build([.hum(seconds: 14, dbfs: -22)], rate: 16000, seed: 9)
        let long = try TestFiles.write(Array([[Float]](repeating: x, count: 30).joined()),
                                       to: home.appendingPathComponent("long take.wav").path, rate: 16000)
        let chat = try LiveChat(self)
        // Once the first line has reached the service, seed is reading lines: send the upload.
        chat.send("credits")
        waitUntil { server.requests.contains { $0.path.contains("credit") } }
        chat.send("upload '\(long)'")
        // Interrupt once seed is reading the take: a fixed delay raced the preparation's speed.
        XCTAssertTrue(waitUntil { chat.isReading(long) }, "seed never opened the take")
        chat.interrupt()
        usleep(1_500_000)
        XCTAssertTrue(chat.process.isRunning, "Ctrl-C during a preparation does not end seed chat")
        chat.send("credits")
        let r = try chat.finish()
        runs.append(r)
        let (o, e) = (r.stdout, r.stderr)
        XCTAssertEqual(r.status, 0, e)
        XCTAssertTrue(e.contains("seed: stopped; nothing was uploaded and the session is kept"), e)
        XCTAssertFalse(o.contains("prepared"), o)
        XCTAssertEqual(o.components(separatedBy: "credits: 87 available").count - 1, 2, "the line after still runs: \(o)")
        XCTAssertTrue(server.uploads.isEmpty)
        // Nothing half-made is left: no clip, no sidecar, no temporary file.
        let left = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.contains("long take") }
        XCTAssertEqual(left, ["long take.wav"])
    }

    func testTerminalLineEditingAndHistory() throws {
        var master: Int32 = 0, slave: Int32 = 0
        XCTAssertEqual(openpty(&master, &slave, nil, nil, nil), 0)
        let p = SeedBinary.process(["chat"], cwd: home, environment: environment)
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        p.standardInput = tty
        p.standardOutput = tty
        p.standardError = tty
        try p.run()
        close(slave)
        let screen = LockedText()
        let masterFD = master
        let reader = Thread {
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(masterFD, &buf, buf.count)
                if n <= 0 { break }
                screen.append(String(decoding: buf[0..<n], as: UTF8.self))
            }
        }
        reader.start()
        func type(_ s: String, waitFor: String, count: Int = 1) {
            _ = s.withCString { write(master, $0, strlen($0)) }
            waitUntil { screen.count(of: waitFor) >= count }
            XCTAssertGreaterThanOrEqual(screen.count(of: waitFor), count, "waiting for \(waitFor) in \(screen.text)")
        }
        type("", waitFor: "seed> ")
        // A typo fixed with ← and Backspace: "credxits" → "credits".
        type("credxits\u{1B}[D\u{1B}[D\u{1B}[D\u{7F}\r", waitFor: "credits: 87 available")
        type("状态\r", waitFor: "Timeline (empty)")
        // ↑ twice brings back "credits"; Ctrl-U clears a half-typed line; Ctrl-C drops one.
        type("\u{1B}[A\u{1B}[A\r", waitFor: "credits: 87 available", count: 2)
        type("nonsense\u{15}status\r", waitFor: "Timeline (empty)", count: 2)
        type("abandoned line\u{03}", waitFor: "^C")
        type("\u{04}", waitFor: "^C")
        p.waitUntilExit()
        close(master)
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(requests("/api/credits/balance/simple").count, 2)
        XCTAssertEqual(server.messages, [], "edits and the dropped line never reached the service")
        let history = try String(contentsOfFile: stateDir + "/chat_history", encoding: .utf8)
        XCTAssertEqual(history.split(separator: "\n"), ["credits", "状态", "credits", "status"])
        XCTAssertEqual(mode(stateDir + "/chat_history"), 0o600)
    }
}

/// Text appended by one thread and read by another.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ s: String) { lock.withLock { value += s } }
    var text: String { lock.withLock { value } }
    func count(of needle: String) -> Int { text.components(separatedBy: needle).count - 1 }
}
