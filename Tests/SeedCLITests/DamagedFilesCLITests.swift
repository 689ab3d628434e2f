import Foundation
import SeedTestSupport
import XCTest

/// Damaged copies of the bundled song, as interrupted downloads and bad copies make them: cut
/// short, a block of garbage or zeros in the middle, the start missing, and random bytes under
/// each extension. Each gives exactly one line on stderr (stderr is captured, so a decoder
/// library's own notes would fail the test), exit 65 and no output by default, and with
/// --salvage an output as long as the figure it reports.
final class DamagedFilesCLITests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    static let song = TestFiles.testdata("recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg")  // 61.5 s

    /// The song encoded by seed itself: CBR and VBR MP3, and FLAC.
    func encoded(_ name: String, _ args: [String]) throws -> Data {
        let path = dir.appendingPathComponent(name).path
        let r = try SeedBinary.run(["encode", Self.song, "-o", path, "--quiet"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    enum Damage: String, CaseIterable { case truncated, garbage, zeros, headless }

    func damaged(_ data: Data, _ how: Damage) -> Data {
        let third = data.count / 3
        var rng = SeededRandom(seed: 7)
        switch how {
        case .truncated: return data.prefix(data.count / 2)
        case .garbage: return data.prefix(third) + Data((0..<20_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) + data.dropFirst(third + 20_000)
        case .zeros: return data.prefix(third) + Data(count: 20_000) + data.dropFirst(third + 20_000)
        case .headless: return data.dropFirst(1000)
        }
    }

    func write(_ data: Data, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Refused in one line with exit 65 and nothing written; then, when `salvageable`, kept
    /// with --salvage: one warning line, and an output as long as the decoded figure.
    func check(_ path: String, salvageable: Bool, mentioning: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any]? {
        let out = path + ".out.wav"
        let refused = try SeedBinary.run(["encode", path, "-o", out])
        assertFails(refused, code: 65, mentioning: mentioning, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written", file: file, line: line)
        let salvaged = try SeedBinary.run(["encode", path, "-o", out, "--salvage", "--json"])
        guard salvageable else {
            assertFails(salvaged, code: 65, mentioning: mentioning, file: file, line: line)
            return nil
        }
        XCTAssertEqual(salvaged.status, 0, salvaged.stderr, file: file, line: line)
        let lines = salvaged.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(salvaged.stderr)", file: file, line: line)
        XCTAssertTrue(lines.first?.hasPrefix("seed: warning: ") == true && salvaged.stderr.contains("is damaged"), salvaged.stderr, file: file, line: line)
        let json = try JSONSerialization.jsonObject(with: Data(salvaged.stdout.utf8)) as! [String: Any]
        let damage = try XCTUnwrap(json["damage"] as? [String: Any], "--json records the damage", file: file, line: line)
        let decoded = try XCTUnwrap(damage["decoded"] as? Double, file: file, line: line)
        let written = try TestFiles.read(out)
        XCTAssertEqual(Double(written.samples.count / written.info.channels) / Double(written.info.sampleRate), decoded, accuracy: 0.06,
                       "the output is as long as the reported figure", file: file, line: line)
        XCTAssertFalse((damage["gaps"] as? [Any] ?? []).isEmpty, file: file, line: line)
        return damage
    }

    func testDamagedMP3sAreRefusedOrSalvagedWithTheirFigures() throws {
        for (name, args) in [("cbr.mp3", ["--bitrate", "192k"]), ("vbr.mp3", ["--vbr", "2"])] {
            let whole = try encoded(name, args)
            for how in Damage.allCases {
                let path = try write(damaged(whole, how), "\(how.rawValue)-\(name)")
                let d = try XCTUnwrap(try check(path, salvageable: true, mentioning: "is damaged"), "\(how) \(name)")
                let decoded = d["decoded"] as! Double, gaps = d["gaps"] as! [[String: Any]]
                switch how {
                case .truncated:
                    XCTAssertEqual(d["expected"] as? Double ?? 0, 61.5, accuracy: 0.1, "the Xing frame count says how long it should be")
                    XCTAssertLessThan(decoded, 45)
                case .garbage, .zeros:
                    XCTAssertEqual(d["expected"] as? Double ?? 0, 61.5, accuracy: 0.1)
                    XCTAssertEqual(decoded, 61.5, accuracy: 2, "the frames after the damage decode too")
                    if name == "cbr.mp3" {
                        // 192 kbit/s: 24000 bytes a second, so the damage starts a third of the way in.
                        XCTAssertEqual(gaps[0]["at"] as! Double, Double(whole.count / 3) / 24_000, accuracy: 0.2)
                    }
                case .headless:
                    XCTAssertEqual(gaps[0]["at"] as! Double, 0, accuracy: 0.001, "the start is missing")
                    XCTAssertEqual(decoded, 61.5, accuracy: 0.2)
                }
            }
        }
    }

    func testDamagedFLACIsRefusedOrSalvagedPastTheDamage() throws {
        let whole = try encoded("song.flac", [])
        // A whole file under --salvage: no warning, no damage, every frame.
        let good = dir.appendingPathComponent("song.flac").path
        let kept = try SeedBinary.run(["encode", good, "-o", good + ".wav", "--salvage", "--json"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertEqual(kept.stderr, "")
        let keptJSON = try JSONSerialization.jsonObject(with: Data(kept.stdout.utf8)) as! [String: Any]
        XCTAssertNil(keptJSON["damage"])
        XCTAssertEqual(keptJSON["outputFrames"] as? Int, 2_710_336)
        for how in Damage.allCases {
            let path = try write(damaged(whole, how), "\(how.rawValue).flac")
            if how == .headless {
                // Without its stream header a FLAC file is not one.
                _ = try check(path, salvageable: false, mentioning: "not an audio file seed can read (no FLAC stream header)")
                continue
            }
            let d = try XCTUnwrap(try check(path, salvageable: true, mentioning: "of 1:01.5 decodes"), "\(how)")
            XCTAssertEqual(d["expected"] as! Double, 61.5, accuracy: 0.05, "STREAMINFO's sample count")
            let decoded = d["decoded"] as! Double
            if how == .truncated {
                XCTAssertLessThan(decoded, 45)
            } else {
                XCTAssertGreaterThan(decoded, 59, "decoding starts again at the next whole frame")
            }
        }
    }

    func testDamagedOggIsRefusedOrSalvaged() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.song))
        for how in [Damage.truncated, .garbage] {
            let path = try write(damaged(whole, how), "\(how.rawValue).ogg")
            let d = try XCTUnwrap(try check(path, salvageable: true, mentioning: "is damaged"), "\(how)")
            if how == .truncated {
                XCTAssertTrue((d["cause"] as? String)?.contains("end-of-stream page is missing") == true, "\(d)")
            } else {
                XCTAssertEqual(d["expected"] as! Double, 61.5, accuracy: 0.05)
                XCTAssertGreaterThan(61.5 - (d["decoded"] as! Double), 0.2, "what was lost is said")
            }
        }
    }

    func testRandomBytesAreNotAudio() throws {
        var rng = SeededRandom(seed: 3)
        let bytes = Data((0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        for (ext, detail) in [("mp3", "MP3 frames not found"), ("flac", "no FLAC stream header"), ("ogg", "no Ogg pages"),
                              ("wav", "no RIFF/WAVE header")] {
            let path = try write(bytes, "random.\(ext)")
            let r = try SeedBinary.run(["info", path])
            assertFails(r, code: 65, mentioning: "not an audio file seed can read (\(detail))")
            _ = try check(path, salvageable: false, mentioning: detail)
        }
    }

    func testPrepareSalvagesAndTheSidecarRecordsIt() throws {
        let whole = try encoded("take.mp3", [])
        let path = try write(damaged(whole, .garbage), "take-damaged.mp3")
        assertFails(try SeedBinary.run(["prepare", path, "--quiet"], cwd: dir), code: 65, mentioning: "is damaged")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("take-damaged.seed.mp3").path))
        let r = try SeedBinary.run(["prepare", path, "--salvage", "--quiet"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        let side = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("take-damaged.seed.json"))) as! [String: Any]
        let damage = try XCTUnwrap(side["damage"] as? [String: Any])
        XCTAssertEqual(damage["expected"] as! Double, 61.5, accuracy: 0.1)
        XCTAssertEqual((damage["gaps"] as? [Any])?.count, 1)
    }
}
