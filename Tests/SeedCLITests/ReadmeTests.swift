import Foundation
import SeedTestSupport
import XCTest

/// The README's tour is what seed prints: its local commands are run on the files it names and
/// their output compared line for line; every page it links to exists.
final class ReadmeTests: XCTestCase {
    let readme = (try? String(contentsOf: TestFiles.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// (command, first output line) of each console block.
    var tour: [(command: String, output: String)] {
        var out: [(String, String)] = []
        let lines = readme.components(separatedBy: "\n")
        for (i, line) in lines.enumerated() where line.hasPrefix("$ seed ") && i + 1 < lines.count {
            out.append((String(line.dropFirst(2)), lines[i + 1]))
        }
        return out
    }

    func testTheTourPrintsWhatTheReadmeShows() throws {
        XCTAssertGreaterThanOrEqual(tour.count, 5, "a tour of five commands")
        let dir = TestFiles.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: TestFiles.testdata("synthetic/hum_like_22k.wav"), toPath: dir.appendingPathComponent("hum.wav").path)
        try FileManager.default.copyItem(atPath: TestFiles.testdata("recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg"), toPath: dir.appendingPathComponent("song.ogg").path)
        var checked = 0
        for (command, shown) in tour {
            let args = command.split(separator: " ").dropFirst().map(String.init)
            guard ["trim", "prepare", "beats"].contains(args[0]) else { continue }  // the others need the service
            let r = try SeedBinary.run(args, cwd: dir)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            let first = r.stdout.components(separatedBy: "\n").first ?? ""
            let here = dir.standardizedFileURL.path
            if args[0] == "beats" {
                XCTAssertEqual(first, shown.split(separator: " ").first.map(String.init), command)
            } else {
                XCTAssertEqual(first.replacingOccurrences(of: here, with: "/home/me"), shown, command)
            }
            checked += 1
        }
        XCTAssertEqual(checked, 3)
    }

    func testEveryLinkedPageExists() {
        let links = readme.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        XCTAssertGreaterThan(links.count, 8)
        for link in links where !link.hasPrefix("http") {
            XCTAssertTrue(FileManager.default.fileExists(atPath: TestFiles.root.appendingPathComponent(link).path), link)
        }
    }
}
