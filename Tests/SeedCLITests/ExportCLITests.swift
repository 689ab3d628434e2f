import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// `seed export`: render body, polling, the download (token only to the API host), fallback,
/// a failed render retried once, nothing to export, 402, and resuming a render a run left.
final class ExportCLITests: ClientTestCase {
    func set(_ change: (inout FakeScenario) -> Void) {
        var s = server.scenario
        change(&s)
        server.scenario = s
    }

    var pendingRenders: [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: stateDir + "/renders.json") else { return [] }
        return (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func testRenderPollDownload() throws {
        try generateSomething()
        set { $0.renderPolls = 3 }
        let r = try seed(["export", "-o", "video.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let file = home.appendingPathComponent("video.mp4")
        XCTAssertEqual(try Data(contentsOf: file), server.videoBytes)
        XCTAssertTrue(r.stdout.contains("video.mp4"), r.stdout)
        XCTAssertTrue(r.stderr.contains("render processing"), r.stderr)
        let body = server.renderBodies[0]
        XCTAssertEqual(body["sessionId"] as? String, server.sessionIDs.first)
        XCTAssertTrue((body["id"] as? String)?.hasPrefix("render_") == true)
        XCTAssertEqual(body["output"] as? [String: String], ["format": "mp4", "quality": "high"])
        XCTAssertEqual(((body["draft"] as? [String: Any])?["t"] as? [Any])?.count, 1)
        XCTAssertEqual(requests("/api/render/proxy/lambda/").count, 4)
        let download = requests("/files/")
        XCTAssertEqual(download.count, 1)
        XCTAssertNil(download[0].headers["authorization"], "the token is not sent to another host")
        XCTAssertTrue(pendingRenders.isEmpty, "a finished render is no longer pending")
        assertFails(try seed(["export", "-o", "video.mp4"]), code: 73, mentioning: "already exists")
        XCTAssertEqual(server.renderIDs.count, 1, "an existing output is refused before rendering")
    }

    func testFallbackDownloadIsAuthenticated() throws {
        try generateSomething()
        set { $0.downloadLinkBroken = true }
        let r = try seed(["export", "-o", "v.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("v.mp4")), server.videoBytes)
        let fallback = requests("/api/render/proxy/render_").filter { $0.path.hasSuffix("/download") }
        XCTAssertEqual(fallback.count, 1)
        XCTAssertNotNil(fallback[0].headers["authorization"])
    }

    func testFailedRenderIsRetriedOnceWithANewID() throws {
        try generateSomething()
        set { $0.renderFailsFirst = true }
        let r = try seed(["export", "-o", "v.mp4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.renderIDs.count, 2)
        XCTAssertNotEqual(server.renderIDs[0], server.renderIDs[1])

        set { $0.renderAlwaysFails = true }
        let again = try seed(["export", "-o", "w.mp4"])
        assertFails(again, code: 69, mentioning: "failed twice", notices: true)
        XCTAssertEqual(server.renderIDs.count, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("w.mp4").path))
    }

    func testNothingToExportAndPlanLimits() throws {
        assertFails(try seed(["export"]), code: 64, mentioning: "no session yet")
        XCTAssertEqual(try seed(["ask", "hi"], env: [:]).status, 0)
        // A session whose project has no track yet.
        set { $0.chatEdits = false }
        XCTAssertEqual(try seed(["ask", "hello", "--target", "music-creator-ai"]).status, 0)
        assertFails(try seed(["export", "--target", "music-creator-ai"]), code: 65, mentioning: "generate something first")
        set { $0.exportBlocked = true }
        assertFails(try seed(["export", "-o", "x.mp4", "--target", "mureka-ai"]), code: 77, mentioning: "register or upgrade")
        XCTAssertTrue(server.renderIDs.isEmpty)
    }

    func testRenderStillRunningIsResumedWithTheSameID() throws {
        try generateSomething()
        set { $0.renderPolls = 100 }
        let first = try seed(["export", "-o", "late.mp4"], env: ["SEED_MAX_POLLS": "3"])
        assertFails(first, code: 75, mentioning: "seed export --resume", notices: true)
        XCTAssertEqual(pendingRenders.first?["id"] as? String, server.renderIDs.first)
        set { $0.renderPolls = 0 }
        let resumed = try seed(["export", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(server.renderIDs.count, 1, "no second render")
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("late.mp4")), server.videoBytes)
        assertFails(try seed(["export", "--resume"]), code: 64, mentioning: "no unfinished render")
    }

    func testKilledDuringRenderResumes() throws {
        try generateSomething()
        set { $0.renderPolls = 1_000_000 }
        let p = try SeedBinary.launch(["export", "-o", "killed.mp4"], cwd: home, environment: environment)
        waitUntil { requests("/api/render/proxy/lambda/").count >= 3 }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(server.renderIDs.count, 1)
        XCTAssertEqual(pendingRenders.count, 1)
        XCTAssertEqual(mode(stateDir + "/renders.json"), 0o600)
        set { $0.renderPolls = 0 }
        let r = try seed(["export", "--resume", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["renderID"] as? String, server.renderIDs[0])
        XCTAssertEqual(obj["resumed"] as? Bool, true)
        XCTAssertEqual(server.renderIDs.count, 1, "resuming does not start another render")
        XCTAssertEqual(try Data(contentsOf: home.appendingPathComponent("killed.mp4")), server.videoBytes)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testFullDiskLeavesNoPartialFile() throws {
        try generateSomething()
        // A 64 KB file-size limit: the 200 KB download cannot be written.
        let r = try SeedBinary.run(["export", "-o", "big.mp4"], cwd: home, environment: environment, shellPrefix: "ulimit -f 64;")
        runs.append(r)
        assertFails(r, code: 74, mentioning: "no space left", notices: true)
        let left = try FileManager.default.contentsOfDirectory(atPath: home.path).filter { $0.contains("big.mp4") }
        XCTAssertEqual(left, [], "neither the output nor its temporary file remains")
        XCTAssertEqual(pendingRenders.count, 1, "the render stays pending, so --resume can download it later")
    }
}
