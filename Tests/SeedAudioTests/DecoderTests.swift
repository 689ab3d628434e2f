import SeedAudio
import SeedTestSupport
import XCTest

/// Decoding of every supported shape, and a clear typed error for everything else.
final class DecoderTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func openError(_ path: String) -> AudioError? {
        do { _ = try AudioOpener.open(path); return nil } catch { return error as? AudioError }
    }

    func testBrokenFixturesGiveTheirOwnErrors() {
        let s = { (name: String) in TestFiles.testdata("synthetic/\(name)") }
        if case .emptyFile = openError(s("empty.wav")) {} else { XCTFail("empty") }
        if case .truncated(_, let secs) = openError(s("truncated.wav")) {
            XCTAssertEqual(secs, 2.0, accuracy: 0.1)  // a third of a 6 s file, less the header
        } else { XCTFail("truncated") }
        if case .notAudio = openError(s("not_audio.wav")) {} else { XCTFail("not audio") }
        if case .fileNotFound = openError(s("no_such_file.wav")) {} else { XCTFail("missing") }
        if case .isFolder = openError(dir.path) {} else { XCTFail("a folder is not a file") }
    }

    func testNaNAndInfAreReportedWithTheirTime() throws {
        for (name, at) in [("nan_samples.wav", 0.5), ("inf_samples.wav", 0.75)] {
            XCTAssertThrowsError(try TestFiles.read(TestFiles.testdata("synthetic/\(name)"))) { error in
                guard case .nonFiniteSamples(_, let t) = error as? AudioError else { return XCTFail("\(error)") }
                XCTAssertEqual(t, at, accuracy: 0.001)
            }
        }
    }

    func testOneToEightChannelsAndRatesFrom8kTo384k() throws {
        for channels in [1, 2, 3, 6, 8] {
            for rate in [8000, 44100, 384_000] {
                let x = Signals.sine(440, rate: rate, seconds: 0.05, amplitude: 0.5, channels: channels)
                let p = try TestFiles.write(x, to: dir.appendingPathComponent("c\(channels)_\(rate).wav").path,
                                            rate: rate, channels: channels, depth: .float32)
                let (y, info) = try TestFiles.read(p)
                XCTAssertEqual(info.channels, channels)
                XCTAssertEqual(info.sampleRate, rate)
                XCTAssertEqual(y, x)
            }
        }
    }

    func testOutOfRangeShapesAreRefused() throws {
        let x = Signals.sine(440, rate: 4000, seconds: 0.1)
        let slow = try TestFiles.write(x, to: dir.appendingPathComponent("4k.wav").path, rate: 4000)
        XCTAssertEqual(openError(slow), .unsupportedSampleRate(4000))
        let nine = try TestFiles.write([Float](repeating: 0.1, count: 9 * 100),
                                       to: dir.appendingPathComponent("9ch.wav").path, rate: 8000, channels: 9)
        XCTAssertEqual(openError(nine), .unsupportedChannelCount(9))
    }

    func testRealRecordingsInEveryBundledFormat() throws {
        // OGG/Vorbis and WAV from the annotated shared set, as copied into testdata/.
        let (hum, humInfo) = try TestFiles.read(TestFiles.testdata("recordings/vocadito_10.wav"))
        XCTAssertEqual(humInfo.sampleRate, 44100)
        XCTAssertEqual(Double(hum.count) / 44100, 9.10, accuracy: 0.01)
        let (_, oggInfo) = try TestFiles.read(TestFiles.testdata("recordings/Kevin_MacLeod_-_Vibe_Ace.hq.ogg"))
        XCTAssertEqual(oggInfo.channels, 2)
        XCTAssertEqual(oggInfo.durationSeconds ?? 0, 61.46, accuracy: 0.05)
        XCTAssertTrue(oggInfo.codec.lowercased().contains("vorbis"))
    }

    func testVideoContainerWithoutFFmpegNamesWhatIsAccepted() throws {
        let fake = dir.appendingPathComponent("clip.m4a").path
        FileManager.default.createFile(atPath: fake, contents: Data(repeating: 7, count: 100))
        let old = ProcessInfo.processInfo.environment["PATH"]
        setenv("PATH", "/nonexistent", 1)
        defer { setenv("PATH", old ?? "/usr/bin:/bin", 1) }
        guard case .unsupportedFormat(_, let detail) = openError(fake) else { return XCTFail() }
        XCTAssertTrue(detail.contains("ffmpeg"))
        XCTAssertTrue(detail.contains("flac"))
    }

    func testVideoContainerThroughFFmpegWhenInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else {
            throw XCTSkip("ffmpeg is optional; not installed here")
        }
        let wav = try TestFiles.write(Signals.sine(1000, rate: 48000, seconds: 1.0, amplitude: 0.5, channels: 2),
                                      to: dir.appendingPathComponent("s.wav").path, rate: 48000, channels: 2)
        let m4a = dir.appendingPathComponent("s.m4a").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-v", "error", "-y", "-i", wav, "-c:a", "aac", "-b:a", "192k", m4a]
        try p.run(); p.waitUntilExit()
        let (y, info) = try TestFiles.read(m4a)
        XCTAssertEqual(info.decoder, "ffmpeg")
        XCTAssertEqual(info.sampleRate, 48000)
        XCTAssertEqual(Double(y.count / 2) / 48000, 1.0, accuracy: 0.05)
        let left = stride(from: 0, to: y.count, by: 2).map { y[$0] }
        XCTAssertEqual(Measure.sineFit(left[4800..<43200], frequency: 1000, rate: 48000).amplitude, 0.5, accuracy: 0.02)
    }
}
