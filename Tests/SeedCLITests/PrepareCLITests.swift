import Foundation
import SeedTestSupport
import XCTest

/// `seed prepare` as a user runs it: one file, and a batch with a corrupt file among good ones.
final class PrepareCLITests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testBatchCarriesOnPastACorruptFile() throws {
        let (x, _) = Scenes.build([.hum(seconds: 12, dbfs: -20)], rate: 16000, seed: 4)
        let a = try TestFiles.write(x, to: dir.appendingPathComponent("a.wav").path, rate: 16000)
        let b = try TestFiles.write(x.map { $0 * 0.5 }, to: dir.appendingPathComponent("b.flac").path, rate: 16000)
        let bad = dir.appendingPathComponent("broken.wav").path
        try Data("RIFF\u{10}\0\0\0WAVEfmt not really audio".utf8).write(to: URL(fileURLWithPath: bad))
        let out = dir.appendingPathComponent("clips").path
        let r = try SeedBinary.run(["prepare", a, bad, b, "-o", out, "--jobs", "2", "--best", "8s"])
        XCTAssertEqual(r.status, 65, "non-zero when any file failed: \(r.stderr)")
        XCTAssertEqual(TestFiles.listing(URL(fileURLWithPath: out)).sorted(),
                       ["a.seed.json", "a.seed.mp3", "b.seed.json", "b.seed.mp3"])
        // The table has a row per input in the order given, then the count.
        let rows = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 5, r.stdout)
        XCTAssertTrue(rows[1].hasPrefix("a.wav") && rows[1].hasSuffix("ok"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix("broken.wav") && rows[2].contains("failed (exit 65)"), rows[2])
        XCTAssertTrue(rows[3].hasPrefix("b.flac") && rows[3].hasSuffix("ok"), rows[3])
        XCTAssertEqual(rows[4], "2 of 3 prepared, 1 failed")
        // The failure is one line on stderr naming the file.
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("seed: error: ") }
        XCTAssertEqual(errors.count, 1, r.stderr)
        XCTAssertTrue(errors[0].contains("broken.wav"), r.stderr)
        // --json: one entry per input; existing clips are not replaced without --force.
        let again = try SeedBinary.run(["prepare", a, b, "-o", out, "--json", "--best", "8s"])
        XCTAssertEqual(again.status, 73)
        let list = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.map { $0["ok"] as? Bool }, [false, false])
        XCTAssertTrue((list[0]["error"] as? String)?.contains("already exists") == true, "\(list[0])")
        let forced = try SeedBinary.run(["prepare", a, b, "-o", out, "--json", "--best", "8s", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        let ok = try JSONSerialization.jsonObject(with: Data(forced.stdout.utf8)) as! [[String: Any]]
        let clip = (ok[1]["sidecar"] as? [String: Any])?["clip"] as? [String: Any]
        XCTAssertEqual(clip?["path"] as? String, out + "/b.seed.mp3")
        XCTAssertLessThanOrEqual(clip?["seconds"] as? Double ?? 99, 8.01)
    }

    func testOneFileSummaryAndSidecar() throws {
        let (x, _) = Scenes.build([.room(seconds: 3, dbfs: -45), .hum(seconds: 15, dbfs: -26)], rate: 44100, seed: 2)
        let a = try TestFiles.write(x, to: dir.appendingPathComponent("take.wav").path, rate: 44100)
        let r = try SeedBinary.run(["prepare", a, "--best", "10s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix(dir.appendingPathComponent("take.seed.mp3").path + ": "), r.stdout)
        XCTAssertTrue((r.stdout.contains("no steady beat") || r.stdout.contains(" BPM ")) && r.stdout.contains("-14.0 LUFS"), r.stdout)
        XCTAssertTrue(r.stdout.contains("sidecar \(dir.appendingPathComponent("take.seed.json").path)"), r.stdout)
        let usage = try SeedBinary.run(["prepare", a, "--jobs", "0"])
        XCTAssertEqual(usage.status, 64)
    }

    /// `-o clip.mp3` is a usage error naming what -o is, and makes no folder called clip.mp3.
    func testOutputThatLooksLikeAFileIsRefused() throws {
        let (x, _) = Scenes.build([.hum(seconds: 12, dbfs: -20)], rate: 16000, seed: 5)
        let a = try TestFiles.write(x, to: dir.appendingPathComponent("take.wav").path, rate: 16000)
        let named = dir.appendingPathComponent("clip.mp3").path
        let r = try SeedBinary.run(["prepare", a, "-o", named, "--best", "8s"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("-o is the folder") && r.stderr.contains("clip.mp3"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: named))
        // A folder whose name has a dot still works, and so does one that exists.
        let folder = dir.appendingPathComponent("clips.v2").path
        let ok = try SeedBinary.run(["prepare", a, "-o", folder, "--best", "8s", "--quiet"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(TestFiles.listing(URL(fileURLWithPath: folder)).sorted(), ["take.seed.json", "take.seed.mp3"])
    }
}
