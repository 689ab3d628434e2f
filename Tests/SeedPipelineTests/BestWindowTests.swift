import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// `--best`: constructed recordings with a known best region, a song with a known chorus, and the
/// real sung recordings (vocadito) with their pitch annotations.
final class BestWindowTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func trim(_ x: [Float], rate: Int, name: String, seconds: Double, channels: Int = 1) throws -> TrimSummary {
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("\(name).wav").path, rate: rate, channels: channels)
        let job = TrimJob(input: input, output: dir.appendingPathComponent("\(name).best.wav").path, mode: .best(seconds: seconds))
        return try job.run()
    }

    func testHumIsFoundAmongNoiseSpeechAndCoughsInAnyOrderAndLevel() throws {
        // The issue's recording and reorderings; in some the noises are louder than the hum.
        let takes: [(String, [Scenes.Part], Int)] = [
            ("as-described", [.room(seconds: 8, dbfs: -45), .silence(seconds: 4), .hum(seconds: 30, dbfs: -20),
                              .speech(seconds: 6, dbfs: -20), .cough(seconds: 3, dbfs: -12)], 44100),
            ("speech-first-loud", [.speech(seconds: 6, dbfs: -12), .cough(seconds: 3, dbfs: -10), .hum(seconds: 30, dbfs: -26),
                                   .room(seconds: 8, dbfs: -40), .silence(seconds: 4)], 48000),
            ("hum-last-quiet", [.cough(seconds: 3, dbfs: -15), .room(seconds: 8, dbfs: -38), .speech(seconds: 6, dbfs: -18),
                                .silence(seconds: 4), .hum(seconds: 30, dbfs: -32)], 22050),
            ("hum-between", [.room(seconds: 8, dbfs: -50), .speech(seconds: 6, dbfs: -16), .hum(seconds: 30, dbfs: -18),
                             .cough(seconds: 3, dbfs: -8), .silence(seconds: 4)], 16000),
        ]
        for (name, parts, rate) in takes {
            let (x, melody) = Scenes.build(parts, rate: rate, seed: UInt64(rate))
            let s = try trim(x, rate: rate, name: name, seconds: 30)
            let chosen = s.window.start...s.window.end
            let iou = Scenes.iou(chosen, melody[0])
            XCTAssertGreaterThanOrEqual(iou, 0.9, "\(name): chose \(chosen), melody \(melody[0])")
            XCTAssertLessThanOrEqual(s.window.duration, 30.0001, name)
            XCTAssertGreaterThan(s.melodicShare ?? 0, 0.3, name)
            // The kind and the reason go by the window's own share, and --json carries it.
            let share = try XCTUnwrap(s.windowMelodicShare, name)
            XCTAssertEqual(s.kind == .soloVoice, share >= Double(TakeKind.soloShare), name)
            XCTAssertTrue(s.reason.contains(String(format: "melodic share %.2f", share)), "\(name): \(s.reason)")
            // What was written is that window.
            let (y, info) = try TestFiles.read(s.output)
            XCTAssertEqual(Double(y.count) / Double(info.sampleRate), s.window.duration, accuracy: 0.001, name)
        }
    }

    func testSongWindowLiesInsideAChorus() throws {
        let rate = 22050
        let (x, sections) = SongScene.build(rate: rate)
        let s = try trim(x, rate: rate, name: "song", seconds: 10)
        let chosen = s.window.start...s.window.end
        let inside = sections.filter { $0.0 == .chorus }.map { c in
            max(0, min(c.1.upperBound, chosen.upperBound) - max(c.1.lowerBound, chosen.lowerBound))
        }.max() ?? 0
        XCTAssertGreaterThanOrEqual(inside / s.window.duration, 0.98, "chose \(chosen); sections \(sections)")
        // The runner-ups are other windows, not the same one again.
        XCTAssertFalse(s.runnersUp.isEmpty)
        for r in s.runnersUp {
            let overlap = max(0, min(r.end, s.window.end) - max(r.start, s.window.start))
            XCTAssertLessThan(overlap, 0.5 * min(r.duration, s.window.duration))
            XCTAssertLessThanOrEqual(r.score ?? 0, s.window.score ?? 0)
        }
    }

    func testSongWindowIsCutOnDownbeats() throws {
        // The song is 120 BPM in 4/4 from t = 0: downbeats every 2 s. The fade-in ends on one
        // downbeat and the window ends one fade before a later one (within two 20 ms hops).
        let rate = 44100
        let (x, sections) = SongScene.build(rate: rate)
        for seconds in [10.0, 15.0] {
            let s = try trim(x, rate: rate, name: "bars\(Int(seconds))", seconds: seconds)
            XCTAssertEqual(s.barAligned, true, s.reason)
            XCTAssertEqual(s.bpm ?? 0, 120, accuracy: 2.4)
            XCTAssertEqual(s.beatsPerBar, 4)
            XCTAssertEqual(s.meter, "4/4")
            XCTAssertTrue(s.reason.contains("cuts on downbeats (120 BPM, 4/4)"), s.reason)
            let startBar = (s.window.start + s.fadeSeconds) / 2, endBar = (s.window.end + s.fadeSeconds) / 2
            XCTAssertEqual(startBar, startBar.rounded(), accuracy: 0.04 / 2, "start \(s.window.start) is not before a downbeat")
            XCTAssertEqual(endBar, endBar.rounded(), accuracy: 0.04 / 2, "end \(s.window.end) is not before a downbeat")
            XCTAssertLessThanOrEqual(s.window.duration, seconds)
            XCTAssertGreaterThanOrEqual(s.window.duration, seconds - 2.1, "at most a bar shorter")
            let chorus = sections.filter { $0.0 == .chorus }.map(\.1)
            XCTAssertTrue(chorus.contains { $0.lowerBound - 0.1 <= s.window.start && s.window.end <= $0.upperBound + 0.1 },
                          "window \(s.window) not in a chorus")
        }
    }

    func testHumIsNotBarAligned() throws {
        let rate = 22050
        let (x, _) = Scenes.build([.hum(seconds: 40, dbfs: -20)], rate: rate, seed: 11)
        let s = try trim(x, rate: rate, name: "hum", seconds: 15)
        XCTAssertEqual(s.kind, .soloVoice)
        XCTAssertNotEqual(s.barAligned, true, "a hum is cut in its gaps")
    }

    /// Share of the chosen window that lies inside the take.
    private func insideShare(_ s: TrimSummary, _ melody: [ClosedRange<Double>]) -> Double {
        let inside = melody.map { max(0, min($0.upperBound, s.window.end) - max($0.lowerBound, s.window.start)) }.reduce(0, +)
        return inside / s.window.duration
    }

    /// A solo voice is cut in its gaps, never on bars, whatever pulse it has: a hum in time, a hum
    /// right after speech (once cut on an invented downbeat inside the speech), a hum under a loud
    /// room, a whistled tune.
    func testSoloVoicesAreCutInGapsNeverOnBars() throws {
        let rate = 44100
        let takes: [(String, [Scenes.Part])] = [
            ("hum in time", [.room(seconds: 6, dbfs: -50), .rhythmicHum(seconds: 30, dbfs: -20, bpm: 120), .room(seconds: 4, dbfs: -50)]),
            ("hum in time after speech", [.speech(seconds: 6, dbfs: -18), .silence(seconds: 0.4),
                                          .rhythmicHum(seconds: 30, dbfs: -20, bpm: 100), .cough(seconds: 3, dbfs: -15)]),
            ("hum right after speech", [.speech(seconds: 6, dbfs: -18), .silence(seconds: 0.3), .hum(seconds: 30, dbfs: -20),
                                        .room(seconds: 5, dbfs: -45)]),
            ("hum in a loud room", [.room(seconds: 5, dbfs: -30), .humInRoom(seconds: 30, dbfs: -20, roomDB: -32),
                                    .room(seconds: 5, dbfs: -30)]),
            ("whistled tune", [.room(seconds: 4, dbfs: -50), .whistle(seconds: 30, dbfs: -22), .speech(seconds: 5, dbfs: -20)]),
        ]
        for (k, (name, parts)) in takes.enumerated() {
            let (x, melody) = Scenes.build(parts, rate: rate, seed: UInt64(31 + k))
            let s = try trim(x, rate: rate, name: "solo\(k)", seconds: 25)
            print(String(format: "%@: %@ %.2f-%.2f, inside %.3f, material %.2f/%.2f/%.2f; %@", name, s.kind?.rawValue ?? "-",
                         s.window.start, s.window.end, insideShare(s, melody), s.material?.window ?? 0, s.material?.start ?? 0,
                         s.material?.end ?? 0, s.reason))
            XCTAssertEqual(s.kind, .soloVoice, name)
            XCTAssertNotEqual(s.barAligned, true, name)
            XCTAssertTrue(s.reason.contains("cuts placed in quiet gaps"), "\(name): \(s.reason)")
            XCTAssertGreaterThanOrEqual(insideShare(s, melody), 0.97, "\(name): \(s.window) against \(melody)")
            XCTAssertGreaterThanOrEqual(s.material?.window ?? 0, 0.6, name)
        }
    }

    /// Real unaccompanied singing (vocadito) between real read speech (LibriSpeech) and room noise.
    func testRealSingingBetweenSpeechIsCutInsideTheSinging() throws {
        let rate = 44100
        func load(_ relative: String) throws -> [Float]? {
            guard let path = TestFiles.shared("testdata/\(relative)") else { return nil }
            let (x, info) = try TestFiles.read(path)
            var mono = stride(from: 0, to: x.count, by: info.channels).map { x[$0] }
            if info.sampleRate != rate {
                let r = try makeResampler(engine: .soxr, quality: .hq, from: info.sampleRate, to: rate, channels: 1)
                mono = try mono.withUnsafeBufferPointer { Array(try r.process($0, frames: $0.count)) } + Array(try r.flush())
            }
            return mono
        }
        guard let before = try load("negatives/3436-172162-0000.hq.ogg"), let after = try load("negatives/5703-47212-0000.hq.ogg") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        for (name, seconds) in [("vocadito_1", 20.0), ("vocadito_10", 7.0), ("vocadito_14", 9.0)] {
            guard let sung = try load("hum/vocadito/\(name).wav") else { continue }
            let (x, melody) = Scenes.build([.room(seconds: 3, dbfs: -48), .recording(samples: Array(before.prefix(rate * 6)), dbfs: -22, melodic: false),
                                            .silence(seconds: 0.4), .recording(samples: sung, dbfs: -20, melodic: true),
                                            .silence(seconds: 0.4), .recording(samples: Array(after.prefix(rate * 6)), dbfs: -22, melodic: false),
                                            .room(seconds: 3, dbfs: -48)], rate: rate, seed: 5)
            let s = try trim(x, rate: rate, name: name, seconds: seconds)
            print(String(format: "%@ between speech: %@ %.2f-%.2f, inside %.3f; %@", name, s.kind?.rawValue ?? "-",
                         s.window.start, s.window.end, insideShare(s, melody), s.reason))
            XCTAssertEqual(s.kind, .soloVoice, name)
            XCTAssertNotEqual(s.barAligned, true, name)
            XCTAssertGreaterThanOrEqual(insideShare(s, melody), 0.97, "\(name): \(s.window) against \(melody)")
        }
    }

    /// A song right after speech, shorter than two windows: bar cuts stay inside the song.
    func testBarCutsNeverReachIntoTheSpeechBeforeASong() throws {
        let rate = 44100
        let (song, _) = SongScene.build(rate: rate)
        let (x, melody) = Scenes.build([.speech(seconds: 7, dbfs: -16), .silence(seconds: 0.3),
                                        .recording(samples: Array(song.prefix(rate * 18)), dbfs: -18, melodic: true),
                                        .room(seconds: 4, dbfs: -45)], rate: rate, seed: 9)
        let s = try trim(x, rate: rate, name: "speech-song", seconds: 15)
        print(String(format: "song after speech: %@ %.2f-%.2f, inside %.3f; %@", s.kind?.rawValue ?? "-",
                     s.window.start, s.window.end, insideShare(s, melody), s.reason))
        XCTAssertEqual(s.kind, .music)
        XCTAssertLessThan(try XCTUnwrap(s.windowMelodicShare), Double(TakeKind.soloShare), "the share that made it music")
        XCTAssertGreaterThanOrEqual(insideShare(s, melody), 0.97, "\(s.window) against \(melody)")
        XCTAssertGreaterThanOrEqual(s.material?.start ?? 0, 0.9)
        XCTAssertGreaterThanOrEqual(s.material?.end ?? 0, 0.9)
    }

    func testWindowCutsFallInGapsAndFadeToSilence() throws {
        // Hum with phrase gaps inside a longer hum: the cuts land where the level is low.
        let rate = 44100
        let (x, _) = Scenes.build([.hum(seconds: 40, dbfs: -20)], rate: rate, seed: 11)
        let s = try trim(x, rate: rate, name: "cuts", seconds: 15)
        let (y, _) = try TestFiles.read(s.output)
        let peak = y.map { abs($0) }.max() ?? 0
        XCTAssertLessThan(abs(y.first ?? 1), 0.01 * peak)
        XCTAssertLessThan(abs(y.last ?? 1), 0.01 * peak)
        // Level of the input around each cut (±10 ms) against the hum's typical level.
        func rmsAround(_ t: Double) -> Double {
            let c = Int(t * Double(rate)), w = rate / 100
            return Measure.rms(x[max(0, c - w)..<min(x.count, c + w)])
        }
        let typical = Measure.rms(x[...])
        XCTAssertLessThan(rmsAround(s.window.start + s.fadeSeconds), 0.3 * typical, "start \(s.window.start)")
        XCTAssertLessThan(rmsAround(s.window.end - s.fadeSeconds), 0.3 * typical, "end \(s.window.end)")
        XCTAssertGreaterThanOrEqual(s.window.duration, 13.5)
    }

    func testShorterThanTheWindowKeepsEverythingWithANote() throws {
        let rate = 22050
        let (x, melody) = Scenes.build([.silence(seconds: 2), .hum(seconds: 8, dbfs: -20), .silence(seconds: 3)], rate: rate)
        let s = try trim(x, rate: rate, name: "short", seconds: 30)
        XCTAssertNotNil(s.note)
        XCTAssertEqual(s.window.start, melody[0].lowerBound - 0.1, accuracy: 0.03)
        XCTAssertEqual(s.window.end, melody[0].upperBound + 0.1, accuracy: 0.1)
    }

    func testRealSungRecordingsPickVoicedStretches() throws {
        // vocadito_1 has f0 annotations by trained musicians: the chosen 10 s must be more voiced
        // than most other 10 s windows of the same take.
        guard let wav = TestFiles.shared("testdata/hum/vocadito/vocadito_1.wav"),
              let f0 = TestFiles.shared("testdata/hum/vocadito/vocadito_1_f0.csv") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        let rows = try String(contentsOfFile: f0, encoding: .utf8).split(separator: "\n").compactMap { line -> (Double, Bool)? in
            let p = line.split(separator: ",")
            guard p.count == 2, let t = Double(p[0]), let f = Double(p[1]) else { return nil }
            return (t, f > 0)
        }
        func voiced(_ a: Double, _ b: Double) -> Double {
            let inside = rows.filter { $0.0 >= a && $0.0 < b }
            return Double(inside.filter(\.1).count) / Double(max(1, inside.count))
        }
        let job = TrimJob(input: wav, output: dir.appendingPathComponent("v1.wav").path, mode: .best(seconds: 10))
        let s = try job.run()
        let chosen = voiced(s.window.start, s.window.end)
        let others = stride(from: 0.0, through: 23, by: 0.5).map { voiced($0, $0 + 10) }.sorted()
        let rank = Double(others.filter { $0 <= chosen }.count) / Double(others.count)
        XCTAssertGreaterThanOrEqual(rank, 0.75, "voiced \(chosen) in \(s.window); all windows \(others)")
        XCTAssertGreaterThan(s.melodicShare ?? 0, 0.5)
    }
}
