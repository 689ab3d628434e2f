import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// `seed ask` over SSE: text streamed once and translated, tools hidden, heartbeats, byte-split
/// chunks, no-text edits, dropped streams recovered without resending, and time-outs.
final class ChatCLITests: ClientTestCase {
    func setChat(_ script: ChatScript, edits: Bool = true) {
        var s = server.scenario
        s.chat = script
        s.chatEdits = edits
        server.scenario = s
    }

    func testReplyIsStreamedOnceTranslatedAndToolsHidden() throws {
        let r = try seed(["ask", "turn my hum into a lo-fi song"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.messages, ["turn my hum into a lo-fi song"])
        let body = try JSONSerialization.jsonObject(with: requests("/run_sse").first!.body!) as! [String: Any]
        XCTAssertEqual(body["app_name"] as? String, "nemo_agent")
        XCTAssertEqual(body["user_id"] as? String, "me")
        XCTAssertEqual(requests("/run_sse").first?.headers["accept"], "text/event-stream")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Here is a first take of your song. run `seed export` to download it.")
        XCTAssertEqual(r.stdout.components(separatedBy: "first take").count, 2, "shown once: \(r.stdout)")
        XCTAssertFalse(r.stdout.contains("generate_music"))
        XCTAssertFalse(r.stdout.contains("Click"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("added or changed: BGM: Generated song") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("new generated media: song_") }, r.stdout)
    }

    func testJSONResult() throws {
        let r = try seed(["ask", "--json", "a song"])
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["reply"] as? String, "Here is a first take of your song. run `seed export` to download it.\n")
        XCTAssertEqual(obj["recoveredAfterDrop"] as? Bool, false)
        XCTAssertEqual((obj["changes"] as? [String])?.isEmpty, false)
    }

    func testHeartbeatsKeepItWaitingWithStillWorking() throws {
        setChat(.heartbeats(count: 8, interval: 0.25, then: ["Done: ", "a calm piano piece."]))
        let r = try seed(["ask", "calm piano"], env: ["SEED_STILL_WORKING_INTERVAL": "0.6"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThanOrEqual(r.stderr.components(separatedBy: "Still working...").count - 1, 2, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Done: a calm piano piece.\n"), r.stdout)
    }

    func testEventsSplitAtEveryByteWithCRLFAndMultilineData() throws {
        setChat(.byteSplit(["Héllo ", "wörld 🎵, ", "preview it in the timeline."]))
        let r = try seed(["ask", "hi"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Héllo wörld 🎵, check the timeline with `seed status`.\n"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "Héllo").count, 2)
    }

    func testNoTextReportsWhatChanged() throws {
        setChat(.noText)
        let r = try seed(["ask", "lower the music volume"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("added or changed: BGM: Generated song"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Timeline (1 track): 1. BGM: Generated song"), r.stdout)

        setChat(.noText, edits: false)
        let nothing = try seed(["ask", "do nothing"])
        XCTAssertEqual(nothing.stdout, "(no reply, and nothing changed in the project)\n")
    }

    func testDroppedStreamIsRecoveredFromStateWithoutResending() throws {
        setChat(.drop(editAfter: 0.5))
        let r = try seed(["ask", "make a song"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.messages, ["make a song"], "never sent twice")
        XCTAssertTrue(r.stderr.contains("the message is not sent again"), r.stderr)
        XCTAssertTrue(r.stdout.contains("added or changed: BGM: Generated song"), r.stdout)
        XCTAssertGreaterThanOrEqual(requests("/api/state").count, 3, "the state was read until it changed")
    }

    func testDroppedStreamWithoutChangeGivesUp() throws {
        setChat(.drop(editAfter: nil))
        let r = try seed(["ask", "make a song"], env: ["SEED_RECOVERY_LIMIT": "1"])
        assertFails(r, code: 75, mentioning: "not sent twice", notices: true)
        XCTAssertEqual(server.messages.count, 1)
    }

    func testHeartbeatsOnlyTimeOut() throws {
        setChat(.heartbeatsOnly(interval: 0.1))
        let r = try seed(["ask", "hello?"], env: ["SEED_HEARTBEAT_TIMEOUT": "1.5", "SEED_STILL_WORKING_INTERVAL": "0.5"])
        XCTAssertEqual(r.status, 75, r.stderr)
        XCTAssertTrue(r.stderr.contains("Still working..."))
        XCTAssertTrue(r.stderr.contains("seed: error: waiting for the reply"), r.stderr)
        XCTAssertEqual(server.messages.count, 1)
    }

    func testStatusSummary() throws {
        let empty = try seed(["status"])
        assertFails(empty, code: 64, mentioning: "no session yet")
        try generateSomething()
        let r = try seed(["status"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Timeline (1 track): 1. BGM: Generated song"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(0-30s, 80%)"), r.stdout)
        let json = try seed(["status", "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["exportable"] as? Bool, true)
        XCTAssertEqual((obj["tracks"] as? [[String: Any]])?.first?["kind"] as? String, "BGM")
    }
}
