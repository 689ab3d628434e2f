import Foundation
import SeedClient
import SeedFakeServer
import SeedTestSupport
import XCTest

/// Token, client id, attribution headers, sessions and the error codes of API.md.
final class AuthCLITests: ClientTestCase {
    func testAnonymousTokenIsCachedSharedAndNeverShown() throws {
        let first = try seed(["token"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("token: present (new anonymous token)"), first.stdout)
        // The client id is the vendor's shared file, created with mode 0600, and was sent.
        let idPath = home.appendingPathComponent(".config/nemovideo/client_id").path
        let id = try String(contentsOfFile: idPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(mode(idPath), 0o600)
        let tokenRequests = requests("/api/auth/anonymous-token")
        XCTAssertEqual(tokenRequests.count, 1)
        XCTAssertEqual(tokenRequests[0].headers["x-client-id"], id)
        XCTAssertEqual(mode(stateDir + "/auth.json"), 0o600)
        XCTAssertEqual(mode(stateDir), 0o700)

        let second = try seed(["token", "--json"])
        let status = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(status["source"] as? String, "cache")
        XCTAssertEqual(status["present"] as? Bool, true)
        XCTAssertNil(status["token"])
        XCTAssertEqual(requests("/api/auth/anonymous-token").count, 1, "the cached token is reused")

        let env = try seed(["token"], env: ["NEMO_TOKEN": "nmv_manual_secret_token"])
        XCTAssertTrue(env.stdout.contains("from NEMO_TOKEN"), env.stdout)
        let explicit = try seed(["credits"], env: ["NEMO_CLIENT_ID": "ignored-when-token-cached"])
        XCTAssertEqual(explicit.status, 0)
        XCTAssertEqual(requests("/api/auth/anonymous-token").count, 1)
    }

    func testNemoClientIDFromEnvironment() throws {
        XCTAssertEqual(try seed(["credits"], env: ["NEMO_CLIENT_ID": "client-from-env"]).status, 0)
        XCTAssertEqual(requests("/api/auth/anonymous-token").first?.headers["x-client-id"], "client-from-env")
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent(".config/nemovideo/client_id").path))
    }

    func testEveryRequestCarriesAuthorizationAndAttribution() throws {
        let credits = try seed(["credits", "--target", "music-creator-ai"])
        XCTAssertEqual(credits.status, 0, credits.stderr)
        XCTAssertEqual(credits.stdout, "credits: 87 available, 3 frozen, 90 total\n")
        let json = try seed(["credits", "--json", "--target", "music-creator-ai"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["available"] as? Double, 87)
        try generateSomething()
        XCTAssertGreaterThan(server.requests.count, 5)
        for r in server.requests {
            XCTAssertNotNil(r.headers["x-skill-source"], r.path)
            XCTAssertEqual(r.headers["x-skill-version"], "0.1.0", r.path)
            XCTAssertEqual(r.headers["x-skill-platform"], "unknown", r.path)
            if r.path != "/api/auth/anonymous-token" {
                XCTAssertTrue(r.headers["authorization"]?.hasPrefix("Bearer nmv_usr_") == true, r.path)
            }
        }
        XCTAssertEqual(requests("/api/credits").map { $0.headers["x-skill-source"] }, ["music-creator-ai", "music-creator-ai"])
        XCTAssertEqual(requests("/run_sse").first?.headers["x-skill-source"], "mureka-ai", "the default product")
    }

    func testPlatformHeaderFromInstallPath() throws {
        for (folder, platform) in [(".clawhub/bin", "clawhub"), (".cursor/skills/seed", "cursor")] {
            let dir = home.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let link = dir.appendingPathComponent("seed").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: SeedBinary.path)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: link)
            p.arguments = ["credits"]
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            XCTAssertEqual(requests("/api/credits").last?.headers["x-skill-platform"], platform)
        }
    }

    func testMissingAttributionIsRefusedByTheService() throws {
        // The fake enforces API.md's rule, so the header test above can fail for real.
        XCTAssertEqual(try seed(["token"]).status, 0)
        let transport = CurlTransport(userAgent: "test")
        let r = try transport.perform(HTTPRequest(method: "POST", url: server.baseURL + "/api/render/proxy/lambda",
                                                  headers: [("Authorization", "Bearer \(server.issuedTokens[0])")],
                                                  body: .json(Data(#"{"id":"render_1","sessionId":"s","draft":{}}"#.utf8))))
        XCTAssertEqual(r.status, 402)
    }

    func testExpiredTokenIsRenewedOnceMidRun() throws {
        XCTAssertEqual(try seed(["token"]).status, 0)
        var s = server.scenario
        s.expireTokensAfter = 2
        server.scenario = s
        let r = try seed(["ask", "add drums"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("getting a new one"), r.stderr)
        XCTAssertEqual(server.issuedTokens.count, 2)
        XCTAssertEqual(server.messages, ["add drums"], "the refused message was sent once more, and only once accepted")
    }

    func testRefusedEnvironmentTokenIsNotReplaced() throws {
        var s = server.scenario
        s.expireTokensAfter = 0
        server.scenario = s
        let r = try seed(["credits"], env: ["NEMO_TOKEN": "nmv_manual_secret_token"])
        assertFails(r, code: 77, mentioning: "NEMO_TOKEN")
        XCTAssertEqual(requests("/api/auth/anonymous-token").count, 0)
    }

    func testRateLimitWaitsAndRetriesOnce() throws {
        var s = server.scenario
        s.rateLimitOnce = ["credits"]
        server.scenario = s
        let r = try seed(["credits"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("rate limited; waiting"), r.stderr)
        XCTAssertEqual(requests("/api/credits").map(\.status), [429, 200])
    }

    func testTokenRateLimitedTwiceFails() throws {
        XCTAssertEqual(try seed(["token"]).status, 0)
        // Same client id, cached token removed: the service allows one token per client id.
        try FileManager.default.removeItem(atPath: stateDir + "/auth.json")
        let r = try seed(["token"])
        assertFails(r, code: 75, mentioning: "one per client id per 7 days", notices: true)
        XCTAssertEqual(requests("/api/auth/anonymous-token").map(\.status), [200, 429, 429])
    }

    func testMissingClientIDAnswerMakesANewOne() throws {
        var s = server.scenario
        s.rejectClientIDOnce = true
        server.scenario = s
        let r = try seed(["token"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ids = requests("/api/auth/anonymous-token").compactMap { $0.headers["x-client-id"] }
        XCTAssertEqual(ids.count, 2)
        XCTAssertNotEqual(ids[0], ids[1])
        let saved = try String(contentsOfFile: home.appendingPathComponent(".config/nemovideo/client_id").path, encoding: .utf8)
        XCTAssertEqual(saved.trimmingCharacters(in: .whitespacesAndNewlines), ids[1])
    }

    func testServerErrorRetriedOnlyWhenIdempotent() throws {
        var s = server.scenario
        s.serverErrorOnce = ["credits"]
        server.scenario = s
        XCTAssertEqual(try seed(["credits"]).status, 0)
        XCTAssertEqual(requests("/api/credits").map(\.status), [500, 200])

        let wav = home.appendingPathComponent("hum.wav").path
        try TestFiles.write(Signals.sine(220, rate: 16000, seconds: 1), to: wav, rate: 16000)
        s = server.scenario
        s.serverErrorOnce = ["upload"]
        server.scenario = s
        let r = try seed(["upload", wav])
        assertFails(r, code: 69, mentioning: "HTTP 500")
        XCTAssertEqual(requests("/api/upload-video").count, 1, "an upload is never sent twice")
    }

    func testLostSessionIsReplaced() throws {
        try generateSomething()
        var s = server.scenario
        s.loseSessionOnce = true
        server.scenario = s
        let r = try seed(["ask", "make it longer"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("no longer exists; starting a new one"), r.stderr)
        XCTAssertEqual(requests("/api/tasks/me/with-session").count, 2)
        let sessions = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateDir + "/sessions.json"))) as! [String: [String: Any]]
        XCTAssertEqual(sessions.values.first?["sessionID"] as? String, server.sessionIDs.first)
    }

    func testOutOfCreditsShowsTheRegistrationLink() throws {
        var s = server.scenario
        s.outOfCredits = true
        server.scenario = s
        let r = try seed(["ask", "a song"])
        assertFails(r, code: 77, mentioning: "https://nemovideo.ai/register?bind=bind_")
    }

    func testBaseURLRules() throws {
        assertFails(try seed(["credits", "--api-base", "http://example.com"]), code: 64, mentioning: "--insecure")
        assertFails(try seed(["credits"], env: ["NEMO_API_URL": "ftp://example.com"]), code: 64, mentioning: "not an http(s) URL")
        XCTAssertEqual(server.requests.count, 0)
    }

    func testConnectionRefusedIsOneLineAfterRetries() throws {
        let r = try seed(["credits"], env: ["NEMO_API_URL": "http://127.0.0.1:9"])
        assertFails(r, code: 69, mentioning: "network error", notices: true)
    }
}
