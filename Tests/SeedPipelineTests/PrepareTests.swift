import Foundation
import SeedFiles
import SeedAudio
import SeedClient
import SeedPipeline
import SeedTestSupport
import XCTest

/// `seed prepare` on generated material with known answers: a 120 BPM 4/4 song (downbeats every
/// 2 s from 0) and a hum without a beat.
final class PrepareTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func song(rate: Int = 48000, channels: Int = 2) throws -> String {
        let (x, _) = SongScene.build(rate: rate)
        // Stereo, and 10 dB quieter than the scene, so normalization has work to do.
        let quiet = x.map { $0 * 0.3 }
        let interleaved = channels == 1 ? quiet : quiet.flatMap { [$0, $0 * 0.9] }
        return try TestFiles.write(interleaved, to: dir.appendingPathComponent("song.wav").path, rate: rate, channels: channels)
    }

    private func sha256sum(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        return String(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
    }

    func testSongClipForMurekaIsBarAlignedNormalizedAndDescribed() throws {
        let input = try song()
        let s = try PrepareJob(input: input, target: .murekaAI, outputDirectory: dir.appendingPathComponent("out").path).run()
        // The files and their hashes.
        XCTAssertEqual(s.clip.path, dir.appendingPathComponent("out/song.seed.mp3").path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/song.seed.json").path))
        XCTAssertEqual(s.clip.sha256, try sha256sum(s.clip.path))
        XCTAssertEqual(s.source.sha256, try sha256sum(input))
        let written = try ClipSidecar.read(dir.appendingPathComponent("out/song.seed.json").path)
        XCTAssertEqual(written.clip.sha256, s.clip.sha256)
        XCTAssertEqual(written.markers, s.markers)
        // 30 s or up to a bar shorter, on bars, at 44.1 kHz, at the loudness target.
        XCTAssertLessThanOrEqual(s.clip.seconds, 30.05)
        XCTAssertGreaterThanOrEqual(s.clip.seconds, 27.9)
        XCTAssertTrue(s.window.barAligned, s.window.reason)
        XCTAssertEqual(s.clip.sampleRate, 44100)
        XCTAssertEqual(s.clip.channels, 2)
        XCTAssertEqual(s.clip.format, "mp3")
        XCTAssertLessThanOrEqual(s.clip.bytes, SkillTarget.murekaAI.maxUploadBytes)
        let (_, info) = try TestFiles.read(s.clip.path)
        XCTAssertEqual(info.sampleRate, 44100)
        XCTAssertEqual(s.loudness.after?.integratedLUFS ?? 0, -14, accuracy: 0.5)
        XCTAssertLessThanOrEqual(s.loudness.after?.truePeakDBTP ?? 0, -0.9)
        XCTAssertLessThan(s.loudness.before?.integratedLUFS ?? 0, -17, "the source was made quieter than the target")
        // How the loudness was reached is recorded with it, and read back from the sidecar.
        XCTAssertGreaterThanOrEqual(written.loudness.passes ?? 0, 1)
        XCTAssertLessThanOrEqual(written.loudness.passes ?? 9, 6)
        XCTAssertNotNil(written.loudness.reencodes, "an MP3 clip says how often it was encoded again")
        // Tempo, meter, and downbeats at the song's own (every 2 s), in clip time.
        XCTAssertTrue(s.tempo.steady)
        XCTAssertEqual(s.tempo.bpm, 120, accuracy: 2.4)
        XCTAssertEqual(s.tempo.beatsPerBar, 4)
        XCTAssertEqual(s.tempo.meter, "4/4")
        XCTAssertGreaterThanOrEqual(s.downbeats.count, 13)
        for d in s.downbeats {
            let songTime = d + s.window.start
            XCTAssertEqual(songTime / 2, (songTime / 2).rounded(), accuracy: 0.07 / 2, "downbeat \(d) s of the clip is \(songTime) s of the song")
        }
        XCTAssertEqual(s.tempo.firstDownbeat ?? -1, s.window.fadeSeconds, accuracy: 0.05, "the clip starts on a bar")
        XCTAssertEqual(s.beats.count, s.downbeats.count * 4, accuracy: 4)
        XCTAssertNil(s.cuts, "only music-video-clip gets a cut list")
        // The marker line says the same as the sidecar.
        let m = try XCTUnwrap(MarkerReader(prompt: "make it epic\n\n" + s.markers))
        XCTAssertEqual(m.bpm ?? 0, s.tempo.bpm, accuracy: 0.05)
        XCTAssertEqual(m.meter, 4)
        XCTAssertEqual(m.downbeats.count, s.downbeats.count)
        // Printed to 10 ms in the line, kept to 1 ms in the sidecar.
        for (a, b) in zip(m.downbeats, s.downbeats) { XCTAssertEqual(a, b, accuracy: 0.0051) }
        XCTAssertEqual(m.beats.count, s.beats.count)
    }

    func testMusicVideoClipKeepsTheWholeSongWithACutList() throws {
        let input = try song(rate: 44100, channels: 1)
        var job = PrepareJob(input: input, target: .musicVideoClip, outputDirectory: dir.path)
        job.maxBytes = 2_000_000
        let s = try job.run()
        // The whole song (112 s, under 3 min), within the 2 MB asked for.
        let length = SongScene.structure.reduce(0) { $0 + Double($1.bars) * 2 }
        XCTAssertTrue(s.window.note?.contains("kept all of it") == true, s.window.reason)
        XCTAssertEqual(s.window.start, 0, accuracy: 0.05)
        XCTAssertEqual(s.window.end, length, accuracy: 0.05)
        XCTAssertEqual(s.clip.seconds, s.window.duration, accuracy: 0.05)
        XCTAssertLessThanOrEqual(s.clip.bytes, 2_000_000)
        XCTAssertLessThanOrEqual(try FileManager.default.attributesOfItem(atPath: s.clip.path)[.size] as! Int64, 2_000_000)
        let cuts = try XCTUnwrap(s.cuts)
        XCTAssertGreaterThanOrEqual(cuts.count, 25)
        // Two bars at 120 BPM are 4 s; every cut starts on a downbeat of the song.
        for c in cuts.dropLast() {
            XCTAssertEqual(c.end - c.start, 4, accuracy: 0.1)
            XCTAssertEqual(c.start / 2, (c.start / 2).rounded(), accuracy: 0.035)
        }
        // Past 64 beats the marker line lists downbeats only, and says so.
        XCTAssertTrue(s.markers.contains("every 0.50 s, not listed"), s.markers)
        XCTAssertLessThan(s.markers.count, 700)
        let m = try XCTUnwrap(MarkerReader(prompt: s.markers))
        XCTAssertEqual(m.downbeats.count, min(64, s.downbeats.count))
    }

    func testHumClipHasNoBeatsAndSaysSo() throws {
        let (x, melody) = Scenes.build([.room(seconds: 5, dbfs: -45), .hum(seconds: 40, dbfs: -24), .cough(seconds: 2, dbfs: -10)],
                                       rate: 22050, seed: 5)
        let input = try TestFiles.write(x, to: dir.appendingPathComponent("hum.flac").path, rate: 22050)
        let s = try PrepareJob(input: input, target: .murekaAI).run()
        XCTAssertEqual(s.clip.path, dir.appendingPathComponent("hum.seed.mp3").path, "next to the input by default")
        XCTAssertFalse(s.window.barAligned)
        XCTAssertGreaterThanOrEqual(Scenes.iou(s.window.start...s.window.end, melody[0]), 0.6)
        XCTAssertEqual(s.clip.sampleRate, 44100, "resampled up to the clip rate")
        XCTAssertFalse(s.tempo.steady)
        XCTAssertTrue(s.beats.isEmpty)
        XCTAssertTrue(s.markers.contains("no steady beat"), s.markers)
        XCTAssertEqual(s.loudness.after?.integratedLUFS ?? 0, -14, accuracy: 0.5)
    }

    func testExistingOutputsAreKeptAndBadInputLeavesNothing() throws {
        let input = try song(rate: 22050, channels: 1)
        let job = PrepareJob(input: input, target: .murekaAI)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: job.sidecarPath))
        XCTAssertThrowsError(try job.run()) { XCTAssertEqual($0 as? FileError, .outputExists(job.sidecarPath)) }
        XCTAssertEqual(try String(contentsOfFile: job.sidecarPath), "keep me")
        XCTAssertFalse(FileManager.default.fileExists(atPath: job.clipPath))
        // A corrupt file: an error, and neither file.
        let bad = dir.appendingPathComponent("bad.wav").path
        try Data("RIFF....WAVEfmt garbage".utf8).write(to: URL(fileURLWithPath: bad))
        let badJob = PrepareJob(input: bad, target: .murekaAI)
        XCTAssertThrowsError(try badJob.run())
        XCTAssertEqual(TestFiles.listing(dir).sorted(), ["bad.wav", "song.seed.json", "song.wav"])
    }
}
