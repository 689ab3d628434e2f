import Crypto
import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// Runs the built `seed` against a fresh fake service, with its own HOME and state folder and
/// every wait shortened through the documented environment variables. After each test it
/// checks that no token the server issued ever reached the user's screen.
class ClientTestCase: XCTestCase {
    var server: FakeNemoServer!
    var home: URL!
    var runs: [SeedRun] = []

    override func setUpWithError() throws {
        server = FakeNemoServer()
        try server.start()
        home = TestFiles.tempDir()
        runs = []
    }

    override func tearDown() {
        let tokens = server.issuedTokens + ["nmv_manual_secret_token"]
        for r in runs {
            for t in tokens {
                XCTAssertFalse(r.stdout.contains(t) || r.stderr.contains(t), "a token was printed")
            }
        }
        server.stop()
        try? FileManager.default.removeItem(at: home)
    }

    var stateDir: String { home.appendingPathComponent("state/seed").path }

    var environment: [String: String] {
        ["HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state").path,
         "NEMO_API_URL": server.baseURL, "NEMO_TOKEN": "", "NEMO_CLIENT_ID": "",
         "SEED_POLL_INTERVAL": "0.05", "SEED_RATE_LIMIT_WAIT": "0.3", "SEED_RETRY_BACKOFF": "0.05",
         "SEED_RECOVERY_WAIT": "0.2", "SEED_RECOVERY_LIMIT": "5", "SEED_STILL_WORKING_INTERVAL": "120"]
    }

    @discardableResult
    func seed(_ args: [String], env extra: [String: String] = [:]) throws -> SeedRun {
        let r = try SeedBinary.run(args, cwd: home, environment: environment.merging(extra) { $1 })
        runs.append(r)
        return r
    }

    func requests(_ pathPrefix: String, method: String? = nil) -> [ReceivedRequest] {
        server.requests.filter { $0.path.hasPrefix(pathPrefix) && (method == nil || $0.method == method) }
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    @discardableResult
    func waitUntil(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func mode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue
    }

    /// Sends one message so the project has a generated track (something to export).
    func generateSomething() throws {
        let r = try seed(["ask", "make a song from my hum"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
