import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// `seed run` as creators use it, against a fake agent that, like the real one, only generates
/// when asked: mood prompts, replies without a generation, batches and plans (killed and
/// resumed), `seed runs`, and client commands that follow the last run's product.
final class RunWorkflowCLITests: ClientTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        var s = server.scenario
        s.agentWantsRequests = true
        server.scenario = s
    }

    func set(_ change: (inout FakeScenario) -> Void) {
        var s = server.scenario
        change(&s)
        server.scenario = s
    }

    /// A short hum (one per seed, so batch files differ) in the test's HOME.
    func hum(_ name: String, seed: UInt64) throws -> String {
        let (x, _) = Scenes.build([.room(seconds: 1, dbfs: -45), .hum(seconds: 8, dbfs: -22), .room(seconds: 1, dbfs: -45)],
                                  rate: 16000, seed: seed)
        return try TestFiles.write(x, to: home.appendingPathComponent(name).path, rate: 16000)
    }

    func json(_ r: SeedRun) throws -> Any { try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) }

    var savedRuns: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: stateDir + "/runs.json") else { return [] }
        return (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    /// The product header of the requests that went to `session`'s chat.
    func product(ofMessageTo session: String) -> String? {
        requests("/run_sse").first { r in
            guard let body = r.body, let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
            return obj["session_id"] as? String == session
        }?.headers["x-skill-source"]
    }

    // MARK: - Mood prompts

    func testAMoodPromptMakesATrackForEveryProduct() throws {
        // A file each: a clip made for one product is not replaced for another.
        let h = try hum("hum.wav", seed: 3), h2 = try hum("hum2.wav", seed: 3), h3 = try hum("hum3.wav", seed: 3)
        let video = home.appendingPathComponent("street.mp4")
        try Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: video)
        let cases: [(args: [String], words: String, lead: String)] = [
            (["run", h, "--target", "mureka-ai", "-o", "a.mp4"], "dreamy indie pop",
             "Generate a full song with instruments from my hummed melody: "),
            (["run", h2, "--target", "music-creator-ai", "-o", "b.mp4"], "warm lo-fi for a vlog",
             "Generate 60 seconds of original background music for my video, based on the uploaded audio: "),
            (["run", h3, "--target", "music-video-clip", "--video", video.path, "-o", "c.mp4"], "neon city nights",
             "Make a beat-synced music video from my song and video clips: "),
            (["run", "--target", "music-generator-free-easy", "-o", "d.mp4"], "upbeat acoustic background music",
             "Generate a 30-second royalty-free background music track: "),
        ]
        for (i, c) in cases.enumerated() {
            let r = try seed(c.args + ["--prompt", c.words, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            guard server.messages.count == i + 1 else { return XCTFail("no message for \(c.args)") }
            let sent = server.messages[i]
            XCTAssertTrue(sent.hasPrefix(c.lead + c.words), sent)
            let obj = try json(r) as! [String: Any]
            XCTAssertEqual(obj["message"] as? String, sent, "--json shows the message as sent")
            XCTAssertEqual(savedRuns.last?["message"] as? String, sent, "the run record keeps it")
            XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("abcd".map(String.init)[i] + ".mp4")), server.videoBytes)
        }
        XCTAssertEqual(server.renderIDs.count, 4)
    }

    func testWordsThatAskAreSentAsTheyAreAndAStatedLengthWins() throws {
        var r = try seed(["run", "--target", "music-generator-free-easy", "--prompt", "Make a 90s house track", "-o", "a.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try seed(["run", "--target", "music-generator-free-easy", "--prompt", "生成一首轻松的钢琴曲", "-o", "b.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try seed(["run", "--target", "music-generator-free-easy", "--prompt", "rainy jazz café, 45 seconds", "-o", "c.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.messages, ["Make a 90s house track", "生成一首轻松的钢琴曲",
                                         "Generate a royalty-free background music track: rainy jazz café, 45 seconds"])
    }

    func testRawPromptIsSentUntouchedAndAReplyWithoutATrackSaysWhatToDo() throws {
        let r = try seed(["run", "--target", "music-generator-free-easy", "--prompt", "calm piano", "--raw-prompt", "-o", "p.mp4"])
        XCTAssertEqual(server.messages, ["calm piano"])
        XCTAssertEqual(r.status, 75, r.stderr)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("seed: error: ") }
        XCTAssertEqual(errors.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains(FakeScenario.suggestion), "the reply is shown: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("seed ask"), r.stderr)
        XCTAssertFalse(r.stderr.contains("nothing to export"), r.stderr)
        XCTAssertEqual(server.renderIDs.count, 0)
        XCTAssertEqual(savedRuns.first?["finished"] as? Bool, false, "the run stays resumable")
        // The user answers in the same project, as the error says, and the run finishes.
        let ask = try seed(["ask", "Generate a calm piano piece", "--target", "music-generator-free-easy"])
        XCTAssertEqual(ask.status, 0, ask.stderr)
        XCTAssertEqual(Set(server.sessionMessages.map(\.session)).count, 1, "the same project")
        let resumed = try seed(["run", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(server.messages.count, 2, "the run's prompt was not sent again")
        XCTAssertEqual(server.renderIDs.count, 1)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("p.mp4")), server.videoBytes)
    }

    // MARK: - Batches

    func testABatchRunsEveryFileAndNamesTheBrokenOne() throws {
        let files = try (1...3).map { try hum("take\($0).wav", seed: UInt64($0)) }
        let broken = home.appendingPathComponent("broken.wav")
        try Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 3) }).write(to: broken)
        let r = try seed(["run", files[0], broken.path, files[1], files[2], "--prompt", "a folk band", "-o", "out/", "--jobs", "2"])
        XCTAssertEqual(r.status, 65, "the broken file's exit code: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("broken.wav"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("seed: error: ") }.count, 1, r.stderr)
        for n in 1...3 {
            XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("out/take\(n).mp4")), server.videoBytes)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("out/broken.mp4").path))
        XCTAssertEqual(server.renderIDs.count, 3)
        XCTAssertEqual(server.uploads.count, 3)
        XCTAssertEqual(Set(server.uploads.map(\.session)).count, 3, "a session of its own for each file")
        XCTAssertEqual(server.messages.count, 3)
        // The table: one row per file, the broken one failed.
        let rows = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows.first?.hasPrefix("file") == true, r.stdout)
        for n in 1...3 { XCTAssertTrue(rows.contains { $0.hasPrefix("take\(n).wav") && $0.contains(" done ") && $0.contains("out/take\(n).mp4") }, r.stdout) }
        XCTAssertTrue(rows.contains { $0.hasPrefix("broken.wav") && $0.contains("failed") }, r.stdout)
    }

    func testAPlanGivesEachRowItsPromptAndProduct() throws {
        _ = try hum("melody.wav", seed: 5)
        let plan = """
        file,prompt,target,output
        melody.wav,"a folk band, with fiddle",mureka-ai,folk.mp4
        ,"calm piano, 45 seconds",music-generator-free-easy,piano.mp4
        """
        try Data(plan.utf8).write(to: home.appendingPathComponent("plan.csv"))
        let r = try seed(["run", "--plan", "plan.csv", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let outcomes = try json(r) as! [[String: Any]]
        XCTAssertEqual(outcomes.map { $0["status"] as? String }, ["done", "done"])
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("folk.mp4")), server.videoBytes)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("piano.mp4")), server.videoBytes)
        let sent = server.sessionMessages
        XCTAssertEqual(sent.count, 2)
        let folk = try XCTUnwrap(sent.first { $0.text.contains("a folk band, with fiddle") })
        XCTAssertTrue(folk.text.hasPrefix("Generate a full song with instruments from my hummed melody: a folk band, with fiddle\n\n[seed beat markers"), folk.text)
        XCTAssertEqual(product(ofMessageTo: folk.session), "mureka-ai")
        let piano = try XCTUnwrap(sent.first { $0.text.contains("calm piano") })
        XCTAssertEqual(piano.text, "Generate a royalty-free background music track: calm piano, 45 seconds")
        XCTAssertEqual(product(ofMessageTo: piano.session), "music-generator-free-easy")

        // The same plan as JSON Lines.
        let lines = #"{"file": "melody.wav", "prompt": "sea shanty", "output": "shanty.mp4"}"# + "\n"
        try Data(lines.utf8).write(to: home.appendingPathComponent("plan.jsonl"))
        let j = try seed(["run", "--plan", "plan.jsonl"])
        XCTAssertEqual(j.status, 0, j.stderr)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("shanty.mp4")), server.videoBytes)
        XCTAssertTrue(server.messages.last?.hasPrefix("Generate a full song with instruments from my hummed melody: sea shanty") == true)
    }

    func testABatchKilledInTheMiddleResumesWithoutDoingAnythingTwice() throws {
        let files = try (1...3).map { try hum("t\($0).wav", seed: UInt64(10 + $0)) }
        set { $0.renderPolls = 1_000_000 }
        let p = try SeedBinary.launch(["run"] + files + ["--prompt", "lo-fi", "-o", "out/"], cwd: home, environment: environment)
        waitUntil(seconds: 60) { requests("/api/render/proxy/lambda/").count >= 2 || !p.isRunning }
        XCTAssertTrue(p.isRunning, "the batch ended before it could be interrupted")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(server.renderIDs.count, 1, "killed while the first render ran")
        XCTAssertEqual(savedRuns.count, 3, "every file of the batch was saved before it started")
        set { $0.renderPolls = 0 }
        let r = try seed(["run", "--resume", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let outcomes = try json(r) as! [[String: Any]]
        XCTAssertEqual(outcomes.map { $0["status"] as? String }, ["done", "done", "done"])
        XCTAssertEqual(outcomes.first?["renderID"] as? String, server.renderIDs.first, "the first file follows its render")
        XCTAssertEqual(server.uploads.count, 3, "no upload twice")
        XCTAssertEqual(server.messages.count, 3, "no prompt twice")
        XCTAssertEqual(server.renderIDs.count, 3, "no render twice")
        for n in 1...3 { XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("out/t\(n).mp4")), server.videoBytes) }

        // `seed runs` lists them, newest first, all done.
        let list = try seed(["runs", "--json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let rows = try json(list) as! [[String: Any]]
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(Set(rows.compactMap { $0["state"] as? String }), ["done"])
        XCTAssertEqual(Set(rows.compactMap { $0["sessionID"] as? String }), Set(server.uploads.map(\.session)))
        XCTAssertEqual(Set(rows.compactMap { $0["output"] as? String }),
                       Set((1...3).map { home.appendingPathComponent("out/t\($0).mp4").standardizedFileURL.path }))
        let text = try seed(["runs"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout.split(separator: "\n").count, 4, text.stdout)
        XCTAssertTrue(text.stdout.contains("mureka-ai") && text.stdout.contains("t2.wav"), text.stdout)
    }

    func testASecondProductFromTheSameInputKeepsTheFirstClip() throws {
        let h = try hum("take.wav", seed: 4)
        let first = try seed(["run", h, "--target", "mureka-ai", "--prompt", "dreamy indie pop", "-o", "a.mp4"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let plain = home.appendingPathComponent("take.seed.mp3").path
        let firstClip = try Data(contentsOf: URL(fileURLWithPath: plain))
        let second = try seed(["run", h, "--target", "music-creator-ai", "--prompt", "warm lo-fi", "-o", "b.mp4", "--json"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let named = home.appendingPathComponent("take.music-creator-ai.seed.mp3").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: named), "the second product's clip is named for it")
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("take.music-creator-ai.seed.json").path))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plain)), firstClip, "the first clip is untouched")
        XCTAssertEqual(server.uploads.count, 2)
        // The same product again finds its own clip and makes nothing new.
        let third = try seed(["run", h, "--target", "music-creator-ai", "--prompt", "warmer", "-o", "c.mp4"])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue((third.stderr + third.stdout).contains("already made"), third.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("take.mureka-ai.seed.mp3").path))
    }

    // MARK: - Refining after a run

    func testClientCommandsFollowTheLastRunsProduct() throws {
        let h = try hum("song.wav", seed: 8)
        let r = try seed(["run", h, "--target", "music-video-clip", "--prompt", "cut to the beat", "-o", "mv.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let session = try XCTUnwrap(server.uploads.first?.session)
        XCTAssertTrue(r.stdout.contains("session \(session)"), "the final line names the project: \(r.stdout)")
        let status = try seed(["status", "--json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual((try json(status) as! [String: Any])["session"] as? String, session)
        let ask = try seed(["ask", "make the cuts faster"])
        XCTAssertEqual(ask.status, 0, ask.stderr)
        XCTAssertEqual(server.sessionMessages.last?.session, session)
        XCTAssertEqual(requests("/run_sse").last?.headers["x-skill-source"], "music-video-clip")
    }
}
