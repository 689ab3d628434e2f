import Foundation
import SeedFakeServer
import SeedTestSupport
import XCTest

/// Uploads: multipart field `files` with the exact bytes, local checks before any byte is sent,
/// URL uploads, memory that does not grow with the file, and a broken response not retried.
final class UploadCLITests: ClientTestCase {
    func testMultipartCarriesTheFileBytesAndReusesTheSession() throws {
        let wav = home.appendingPathComponent("hum take 1.wav").path
        try TestFiles.write(Signals.sine(220, rate: 44100, seconds: 3), to: wav, rate: 44100)
        let png = home.appendingPathComponent("cover.png").path
        try Data((0..<5000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: png))
        let r = try seed(["upload", wav, png])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("uploaded hum take 1.wav"), r.stdout)
        let got = server.uploads
        XCTAssertEqual(got.count, 2)
        XCTAssertEqual(got[0].field, "files")
        XCTAssertEqual(got[0].filename, "hum take 1.wav")
        XCTAssertEqual(got[0].contentType, "audio/wav")
        XCTAssertEqual(got[0].sha256, sha256(try Data(contentsOf: URL(fileURLWithPath: wav))))
        XCTAssertEqual(got[1].contentType, "image/png")
        XCTAssertEqual(got[1].sha256, sha256(try Data(contentsOf: URL(fileURLWithPath: png))))
        XCTAssertEqual(Set(got.map(\.session)).count, 1)
        let again = try seed(["upload", "--json", wav])
        let list = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.first?["sessionID"] as? String, got[0].session, "the saved session is reused")
        XCTAssertEqual(requests("/api/tasks/me/with-session").count, 1)
        XCTAssertEqual(mode(stateDir + "/sessions.json"), 0o600)
    }

    func testTypeAndSizeAreCheckedBeforeSending() throws {
        let txt = home.appendingPathComponent("notes.txt").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: txt))
        let wav = home.appendingPathComponent("ok.wav").path
        try TestFiles.write(Signals.sine(220, rate: 8000, seconds: 1), to: wav, rate: 8000)
        assertFails(try seed(["upload", wav, txt]), code: 65, mentioning: "accepted: mp4, mov")
        assertFails(try seed(["upload", home.appendingPathComponent("missing.wav").path]), code: 66, mentioning: "no such file")
        let big = home.appendingPathComponent("long.mp4").path
        FileManager.default.createFile(atPath: big, contents: nil)
        let h = FileHandle(forWritingAtPath: big)!
        try h.truncate(atOffset: 200_000_001)
        try h.close()
        assertFails(try seed(["upload", big]), code: 67, mentioning: "200.0 MB upload limit of mureka-ai")
        XCTAssertEqual(requests("/api/upload-video").count, 0, "nothing was sent, not even the good file")
    }

    func testLargeUploadStreamsFromDisk() throws {
        // 300 MB (sparse) is over mureka-ai's limit but within music-video-clip's 500 MB.
        let big = home.appendingPathComponent("song.mp4").path
        FileManager.default.createFile(atPath: big, contents: Data("\0\0\0\u{18}ftypmp42".utf8))
        let h = FileHandle(forWritingAtPath: big)!
        try h.truncate(atOffset: 300_000_000)
        try h.close()
        let p = try SeedBinary.launch(["upload", "--target", "music-video-clip", big], cwd: home, environment: environment)
        var peakKB = 0
        while p.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peakKB = max(peakKB, kb)
            }
            usleep(20_000)
        }
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(server.uploads.first?.bytes, 300_000_000)
        XCTAssertLessThan(peakKB, 120_000, "peak RSS \(peakKB) kB while sending 300 MB")
        XCTAssertGreaterThan(peakKB, 0)
    }

    func testUploadByURL() throws {
        let r = try seed(["upload", "--url", "https://example.com/a.mp4", "--url", "https://example.com/b.mov"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let body = try JSONSerialization.jsonObject(with: requests("/api/upload-video").first!.body!) as! [String: Any]
        XCTAssertEqual(body["urls"] as? [String], ["https://example.com/a.mp4", "https://example.com/b.mov"])
        XCTAssertEqual(body["source_type"] as? String, "url")
        assertFails(try seed(["upload", "--url", "file:///etc/passwd"]), code: 64, mentioning: "not an http(s) URL")
    }

    func testCutOffResponseIsNotSentAgain() throws {
        var s = server.scenario
        s.dropUploadResponse = true
        server.scenario = s
        let wav = home.appendingPathComponent("hum.wav").path
        try TestFiles.write(Signals.sine(220, rate: 16000, seconds: 1), to: wav, rate: 16000)
        let r = try seed(["upload", wav])
        assertFails(r, code: 69, mentioning: "may have reached the service, so it was not sent again")
        XCTAssertEqual(server.uploads.count, 1)
    }

    func testServiceRefusalIsExplained() throws {
        // The local check passes, the service still says 4002 (file too large).
        var s = server.scenario
        s.uploadLimit = 1000
        server.scenario = s
        let wav = home.appendingPathComponent("hum.wav").path
        try TestFiles.write(Signals.sine(220, rate: 16000, seconds: 1), to: wav, rate: 16000)
        assertFails(try seed(["upload", wav]), code: 67, mentioning: "the service says the file is too large")
        XCTAssertEqual(server.uploads.count, 0)
    }
}
