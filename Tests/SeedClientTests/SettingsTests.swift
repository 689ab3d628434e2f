import Foundation
import SeedClient
import XCTest

/// Base URL rules, platform detection, timing overrides and the state folder's file rules.
final class SettingsTests: XCTestCase {
    func testBaseURLRules() throws {
        XCTAssertEqual(try ClientSettings(baseURL: nil, target: .murekaAI, version: "1", insecure: false, environment: [:]).baseURL,
                       ClientSettings.productionBase)
        XCTAssertEqual(try ClientSettings(baseURL: nil, target: .murekaAI, version: "1", insecure: false,
                                          environment: ["NEMO_API_URL": "http://127.0.0.1:8080/"]).baseURL, "http://127.0.0.1:8080")
        XCTAssertThrowsError(try ClientSettings(baseURL: "http://example.com", target: .murekaAI, version: "1", insecure: false, environment: [:])) {
            XCTAssertEqual($0 as? APIError, .insecureBaseURL("http://example.com"))
        }
        XCTAssertNoThrow(try ClientSettings(baseURL: "http://example.com", target: .murekaAI, version: "1", insecure: true, environment: [:]))
        XCTAssertNoThrow(try ClientSettings(baseURL: "http://[::1]:9000", target: .murekaAI, version: "1", insecure: false, environment: [:]))
        XCTAssertThrowsError(try ClientSettings(baseURL: "ftp://example.com", target: .murekaAI, version: "1", insecure: true, environment: [:]))
    }

    func testPlatformFromInstallPath() {
        XCTAssertEqual(ClientSettings.detectPlatform(executable: "/home/a/.clawhub/skills/seed/seed", home: "/home/a"), "clawhub")
        XCTAssertEqual(ClientSettings.detectPlatform(executable: "/home/a/.cursor/skills/seed/bin/seed", home: "/home/a/"), "cursor")
        XCTAssertEqual(ClientSettings.detectPlatform(executable: "/home/a/.cursor/other/seed", home: "/home/a"), "unknown")
        XCTAssertEqual(ClientSettings.detectPlatform(executable: "/usr/local/bin/seed", home: "/home/a"), "unknown")
    }

    func testTimingsFromEnvironment() {
        let t = ClientSettings.Timings.fromEnvironment(["SEED_POLL_INTERVAL": "0.5", "SEED_RATE_LIMIT_WAIT": "2",
                                                        "SEED_STILL_WORKING_INTERVAL": "-1", "SEED_MAX_POLLS": "4"])
        XCTAssertEqual(t.pollInterval, 0.5)
        XCTAssertEqual(t.rateLimitWait, 2)
        XCTAssertEqual(t.stillWorkingInterval, 120, "negative values are ignored")
        XCTAssertEqual(t.maxPolls, 4)
        XCTAssertEqual(ClientSettings.Timings().chatTimeout, 900)
    }

    func testStateFilesAreAtomicAndPrivate() throws {
        let dir = NSTemporaryDirectory() + "seed-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = StateStore(environment: ["XDG_STATE_HOME": dir, "HOME": "/nonexistent"])
        XCTAssertEqual(store.directory, dir + "/seed")
        try store.update("x.json", default: [String: Int]()) { $0["a"] = 1 }
        try store.update("x.json", default: [String: Int]()) { $0["b"] = 2 }
        XCTAssertEqual(store.read("x.json", as: [String: Int].self), ["a": 1, "b": 2])
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/seed/x.json")
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: dir + "/seed")
        XCTAssertEqual((dirAttrs[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/seed").filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary files left behind")
        XCTAssertEqual(StateStore(environment: ["HOME": "/h"]).directory, "/h/.local/state/seed")
    }

    func testSecretsAreRedacted() {
        Secrets.register("nmv_usr_abcdef123456")
        XCTAssertEqual(Secrets.redact("server said: bad token nmv_usr_abcdef123456!"), "server said: bad token [token]!")
    }
}
