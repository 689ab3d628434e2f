import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// `seed run` end to end against the fake service, one test per product, and runs killed in the
/// middle of the upload, the chat and the render, then resumed.
final class RunCLITests: ClientTestCase {
    func set(_ change: (inout FakeScenario) -> Void) {
        var s = server.scenario
        change(&s)
        server.scenario = s
    }

    /// 40 s of the 120 BPM song scene and a 20 s hum with a cough, written into the test's HOME.
    func song() throws -> String {
        let (x, _) = SongScene.build(rate: 22050)
        return try TestFiles.write(Array(x.prefix(40 * 22050)), to: home.appendingPathComponent("song.wav").path, rate: 22050)
    }

    func hum() throws -> String {
        let (x, _) = Scenes.build([.room(seconds: 2, dbfs: -45), .hum(seconds: 20, dbfs: -22), .cough(seconds: 2, dbfs: -12)],
                                  rate: 16000, seed: 9)
        return try TestFiles.write(x, to: home.appendingPathComponent("hum.wav").path, rate: 16000)
    }

    func sidecar(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: home.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    var savedRuns: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: stateDir + "/runs.json") else { return [] }
        return (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    /// Checks what the service received for a run with a clip: the clip's exact bytes, a prompt
    /// with the marker line of the sidecar, and the downloaded video.
    func assertDelivered(clip: String, sidecar name: String, prompt: String, target: String, output: String,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let side = try sidecar(name)
        let clipInfo = side["clip"] as! [String: Any]
        let clipData = try Data(contentsOf: home.appendingPathComponent(clip))
        let clipUpload = server.uploads.filter { $0.filename == clip }
        XCTAssertEqual(clipUpload.count, 1, "the clip is uploaded once", file: file, line: line)
        XCTAssertEqual(clipUpload.first?.sha256, sha256(clipData), "the bytes uploaded are the clip's", file: file, line: line)
        XCTAssertEqual(clipUpload.first?.sha256, clipInfo["sha256"] as? String, "the sidecar's hash is the clip's", file: file, line: line)
        XCTAssertEqual(clipUpload.first?.contentType, "audio/mpeg", file: file, line: line)
        XCTAssertEqual(server.messages.count, 1, file: file, line: line)
        let message = server.messages.first ?? ""
        XCTAssertTrue(message.contains(prompt + "\n\n[seed beat markers"), "the user's words whole, before the markers: \(message)", file: file, line: line)
        XCTAssertTrue(message.hasSuffix(side["markers"] as! String), message, file: file, line: line)
        let markers = try XCTUnwrap(MarkerReader(prompt: message), file: file, line: line)
        let tempo = side["tempo"] as! [String: Any]
        if tempo["steady"] as? Bool == true {
            XCTAssertEqual(markers.bpm ?? 0, tempo["bpm"] as! Double, accuracy: 0.05, file: file, line: line)
            XCTAssertEqual(markers.downbeats.count, min(64, (side["downbeats"] as! [Double]).count), file: file, line: line)
            // The prompt prints times to 10 ms (BeatMarkers), the sidecar to 1 ms: half a hundredth apart at most.
            for (a, b) in zip(markers.downbeats, side["downbeats"] as! [Double]) { XCTAssertEqual(a, b, accuracy: 0.0051, file: file, line: line) }
        } else {
            XCTAssertFalse(markers.steady, file: file, line: line)
        }
        XCTAssertEqual(markers.clipSeconds ?? 0, clipInfo["seconds"] as! Double, accuracy: 0.01, file: file, line: line)
        for r in server.requests where r.path != "/api/auth/anonymous-token" && !r.path.hasPrefix("/files/") {
            XCTAssertEqual(r.headers["x-skill-source"], target, r.path, file: file, line: line)
        }
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent(output)), server.videoBytes, file: file, line: line)
        XCTAssertEqual(server.renderIDs.count, 1, file: file, line: line)
    }

    func testHumToSongForMureka() throws {
        let input = try hum()
        let r = try seed(["run", input, "--prompt", "a full band arrangement of my melody", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertDelivered(clip: "hum.seed.mp3", sidecar: "hum.seed.json", prompt: "a full band arrangement of my melody",
                            target: "mureka-ai", output: "hum.mp4")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["renderID"] as? String, server.renderIDs[0])
        XCTAssertEqual(obj["output"] as? String, home.appendingPathComponent("hum.mp4").path)
        XCTAssertEqual(savedRuns.count, 1)
        XCTAssertEqual(savedRuns[0]["finished"] as? Bool, true)
        XCTAssertEqual(mode(stateDir + "/runs.json"), 0o600)
        // Each step is reported, then the reply.
        let text = try seed(["run", input, "--prompt", "again", "-o", "second.mp4"])
        XCTAssertEqual(text.status, 0, text.stderr)
        // The clip of the first run is the same clip: it is used again, not remade or replaced.
        for step in ["[1/7] clip \(home.appendingPathComponent("hum.seed.mp3").path) already made from this input ✓",
                     "[4/7] uploading hum.seed.mp3", "[5/7] sending the prompt with the beat markers", "[7/7] rendering"] {
            XCTAssertTrue(text.stderr.contains(step), text.stderr)
        }
        XCTAssertTrue(text.stdout.contains("run `seed export`"), "the reply streams, GUI wording translated: \(text.stdout)")
        XCTAssertEqual(Set(server.sessionIDs).count, 2, "each run is a project of its own")
    }

    func testSongForMusicCreator() throws {
        let input = try song()
        let r = try seed(["run", input, "--target", "music-creator-ai", "--prompt", "warm lo-fi for a vlog", "-o", "bgm.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertDelivered(clip: "song.seed.mp3", sidecar: "song.seed.json", prompt: "warm lo-fi for a vlog",
                            target: "music-creator-ai", output: "bgm.mp4")
        let tempo = try sidecar("song.seed.json")["tempo"] as! [String: Any]
        XCTAssertEqual(tempo["bpm"] as! Double, 120, accuracy: 2.4)
        XCTAssertTrue(server.messages[0].contains("meter 4/4"), server.messages[0])
    }

    func testSongAndVideoClipsForMusicVideoClip() throws {
        let input = try song()
        let video = home.appendingPathComponent("street.mp4")
        try Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }).write(to: video)
        let r = try seed(["run", input, "--target", "music-video-clip", "--video", video.path, "--prompt", "cut to the beat", "-o", "mv.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertDelivered(clip: "song.seed.mp3", sidecar: "song.seed.json", prompt: "cut to the beat",
                            target: "music-video-clip", output: "mv.mp4")
        XCTAssertEqual(server.uploads.map(\.filename), ["song.seed.mp3", "street.mp4"])
        XCTAssertEqual(server.uploads[1].sha256, sha256(try Data(contentsOf: video)))
        let side = try sidecar("song.seed.json")
        XCTAssertEqual((side["clip"] as! [String: Any])["seconds"] as! Double, 40, accuracy: 0.5, "the whole song")
        XCTAssertGreaterThan((side["cuts"] as? [Any])?.count ?? 0, 5, "a cut list from the beats")
    }

    func testPromptOnlyForMusicGeneratorFreeEasy() throws {
        let r = try seed(["run", "--target", "music-generator-free-easy", "--prompt", "calm piano, 30 seconds", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(server.uploads.isEmpty)
        XCTAssertEqual(server.messages, ["Generate a royalty-free background music track: calm piano, 30 seconds"],
                       "a request for the product with the words whole, the length they state, no markers without a clip")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let output = try XCTUnwrap(obj["output"] as? String)
        XCTAssertTrue(URL(fileURLWithPath: output).lastPathComponent.hasPrefix("seed-run_"), output)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output)), server.videoBytes)
    }

    func testRequestsThatDoNotFitTheProductAreRefusedBeforeAnythingIsSent() throws {
        let input = try hum()
        assertFails(try seed(["run", input, "--target", "music-generator-free-easy", "--prompt", "x"]), code: 64, mentioning: "text prompt only")
        assertFails(try seed(["run", "--prompt", "x"]), code: 64, mentioning: "needs an audio file")
        assertFails(try seed(["run", input, "--video", input, "--prompt", "x"]), code: 64, mentioning: "music-video-clip")
        assertFails(try seed(["run", "missing.wav", "--prompt", "x"]), code: 66, mentioning: "no such file")
        try Data("taken".utf8).write(to: home.appendingPathComponent("hum.mp4"))
        assertFails(try seed(["run", input, "--prompt", "x"]), code: 73, mentioning: "already exists")
        assertFails(try seed(["run", "--resume"]), code: 64, mentioning: "no unfinished run")
        XCTAssertTrue(server.requests.isEmpty, "nothing was sent")
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("hum.seed.mp3").path))
    }

    /// Starts a run in the background and kills it once `ready` holds.
    func killRun(_ args: [String], when ready: () -> Bool) throws {
        let p = try SeedBinary.launch(args, cwd: home, environment: environment)
        waitUntil(seconds: 60) { ready() || !p.isRunning }
        XCTAssertTrue(p.isRunning, "the run ended before it could be interrupted")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    func testKilledDuringUploadResumesWithoutUploadingTwice() throws {
        let input = try hum()
        // The service takes the upload but the answer never comes back before the kill.
        set { $0.stallUploadResponse = 30 }
        try killRun(["run", input, "--prompt", "make it epic"]) { server.uploads.count == 1 }
        let saved = try XCTUnwrap(savedRuns.first)
        XCTAssertEqual((saved["uploads"] as? [[String: Any]])?.first?["state"] as? String, "sending")
        XCTAssertEqual(saved["finished"] as? Bool, false)
        set { $0.stallUploadResponse = nil }
        let r = try seed(["run", "--resume"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("reached the service before the interruption"), r.stderr)
        XCTAssertEqual(server.uploads.count, 1, "no second upload")
        try assertDelivered(clip: "hum.seed.mp3", sidecar: "hum.seed.json", prompt: "make it epic", target: "mureka-ai", output: "hum.mp4")
        XCTAssertEqual(savedRuns.first?["finished"] as? Bool, true)
    }

    func testKilledDuringChatDoesNotSendThePromptAgain() throws {
        let input = try hum()
        set { $0.chat = .heartbeatsOnly(interval: 0.1) }
        try killRun(["run", input, "--prompt", "jazz trio"]) { server.messages.count == 1 }
        // The backend finishes the generation after the client died.
        server.addGeneratedTrack(session: server.sessionIDs[0])
        let r = try seed(["run", "--resume"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("never sent twice"), r.stderr)
        XCTAssertEqual(server.messages.count, 1)
        XCTAssertEqual(server.uploads.count, 1)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("hum.mp4")), server.videoBytes)
    }

    func testASessionLostWhileStoppedIsStartedOverInANewOne() throws {
        let input = try hum()
        set { $0.chat = .heartbeatsOnly(interval: 0.1) }
        try killRun(["run", input, "--prompt", "lo-fi beat"]) { server.messages.count == 1 }
        let first = try XCTUnwrap(server.uploads.first?.session)
        // While the run was stopped the service dropped its session, with the clip and the prompt.
        set { $0.chat = FakeScenario().chat; $0.loseSessionOnce = true }
        let r = try seed(["run", "--resume", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("session \(first) no longer exists; uploading and sending the prompt again in"), r.stderr)
        // Everything the new session needs went there once: the clip, then the prompt with markers.
        XCTAssertEqual(server.uploads.count, 2)
        let second = try XCTUnwrap(server.uploads.last?.session)
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(server.uploads[0].sha256, server.uploads[1].sha256, "the same clip")
        XCTAssertEqual(server.messages.count, 2)
        XCTAssertEqual(server.messages[0], server.messages[1], "the same prompt and markers")
        XCTAssertEqual(server.renderIDs.count, 1)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["sessionID"] as? String, second)
        XCTAssertEqual(savedRuns.first?["sessionID"] as? String, second, "the run record follows the new session")
        XCTAssertEqual(savedRuns.first?["finished"] as? Bool, true)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("hum.mp4")), server.videoBytes)
    }

    func testASessionLostWhileWatchingForTheReplyIsStartedOverInANewOne() throws {
        let input = try hum()
        set { $0.chat = .heartbeatsOnly(interval: 0.1) }
        try killRun(["run", input, "--prompt", "bossa nova"]) { server.messages.count == 1 }
        let first = try XCTUnwrap(server.uploads.first?.session)
        set { $0.chat = FakeScenario().chat }
        // The resumed run finds no reply yet and watches the project; the session goes away
        // between two of its reads.
        let statesBefore = requests("/api/state/").count
        final class Outcome: @unchecked Sendable { var run: SeedRun? }
        let resumed = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            resumed.run = try? self.seed(["run", "--resume", "--json"])
            done.signal()
        }
        XCTAssertTrue(waitUntil { requests("/api/state/").count > statesBefore }, "the resumed run reads the project")
        set { $0.loseSessionOnce = true }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        let r = try XCTUnwrap(resumed.run)
        XCTAssertEqual(r.status, 0, r.stderr)
        // Not watched until the recovery limit: started over at once, as when the session was
        // already gone at the first read.
        XCTAssertTrue(r.stderr.contains("session \(first) no longer exists; uploading and sending the prompt again in"), r.stderr)
        XCTAssertFalse(r.stderr.contains("no change in the project yet (4 s)"), r.stderr)
        XCTAssertEqual(server.uploads.count, 2)
        XCTAssertEqual(server.messages.count, 2)
        XCTAssertEqual(Set(server.messages).count, 1, "the same prompt and markers")
        XCTAssertEqual(server.renderIDs.count, 1)
        XCTAssertEqual(savedRuns.first?["sessionID"] as? String, server.uploads.last?.session)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("hum.mp4")), server.videoBytes)
    }

    func testKilledDuringRenderFollowsTheSameRender() throws {
        let input = try hum()
        set { $0.renderPolls = 1_000_000 }
        try killRun(["run", input, "--prompt", "strings"]) { requests("/api/render/proxy/lambda/").count >= 2 }
        XCTAssertEqual(server.renderIDs.count, 1)
        set { $0.renderPolls = 0 }
        let r = try seed(["run", "--resume", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["renderID"] as? String, server.renderIDs[0], "the same render id")
        XCTAssertEqual(obj["resumed"] as? Bool, true)
        XCTAssertEqual(server.renderIDs.count, 1, "no second render")
        XCTAssertEqual(server.uploads.count, 1)
        XCTAssertEqual(server.messages.count, 1)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("hum.mp4")), server.videoBytes)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }
}
