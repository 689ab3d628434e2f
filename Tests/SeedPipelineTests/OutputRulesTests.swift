import SeedAudio
import SeedFiles
import SeedPipeline
import SeedTestSupport
import XCTest

/// Never the input, never a silent replacement, never a partial file.
final class OutputRulesTests: XCTestCase {
    var dir: URL!
    var input: String!
    override func setUp() {
        dir = TestFiles.tempDir()
        input = try! TestFiles.write(Signals.sine(440, rate: 22050, seconds: 1), to: dir.appendingPathComponent("in.wav").path, rate: 22050)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func job(_ output: String, force: Bool = false) -> EncodeJob {
        EncodeJob(input: input, output: output, request: EncodeRequest(format: OutputFormat(path: output)!), force: force)
    }

    func testTheInputIsNeverOverwrittenEvenWithForceOrThroughALink() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        XCTAssertThrowsError(try job(input, force: true).run()) { XCTAssertEqual($0 as? FileError, .outputIsInput(self.input)) }
        let hard = dir.appendingPathComponent("hard.wav").path
        XCTAssertEqual(link(input, hard), 0)
        XCTAssertThrowsError(try job(hard, force: true).run())
        let sym = dir.appendingPathComponent("sym.wav").path
        try FileManager.default.createSymbolicLink(atPath: sym, withDestinationPath: input)
        XCTAssertThrowsError(try job(sym, force: true).run())
        let dotted = dir.appendingPathComponent("./sub/../in.wav").path
        XCTAssertThrowsError(try job(dotted, force: true).run())
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
    }

    func testExistingOutputNeedsForce() throws {
        let out = dir.appendingPathComponent("out.flac").path
        FileManager.default.createFile(atPath: out, contents: Data("keep me".utf8))
        XCTAssertThrowsError(try job(out).run()) { XCTAssertEqual($0 as? FileError, .outputExists(out)) }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me")
        _ = try job(out, force: true).run()
        XCTAssertEqual(try TestFiles.read(out).info.sampleRate, 22050)
    }

    func testAFailedEncodeLeavesNothingBehind() throws {
        let bad = TestFiles.testdata("synthetic/nan_samples.wav")
        let out = dir.appendingPathComponent("nan.mp3").path
        XCTAssertThrowsError(try EncodeJob(input: bad, output: out, request: EncodeRequest(format: .mp3)).run())
        XCTAssertEqual(TestFiles.listing(dir), ["in.wav"])
    }

    func testDefaultNamesSitNextToTheInput() {
        XCTAssertEqual(OutputNaming.path(for: "/a/song.wav", tag: "48k", ext: "wav"), "/a/song.48k.wav")
        XCTAssertEqual(OutputNaming.path(for: "/a/song.wav", tag: nil, ext: "mp3"), "/a/song.mp3")
        XCTAssertEqual(OutputNaming.path(for: "/a/song.mp3", tag: nil, ext: "mp3"), "/a/song.seed.mp3")
        XCTAssertEqual(OutputNaming.format(sameAs: "x.ogg"), .wav)
        XCTAssertEqual(OutputNaming.format(sameAs: "x.flac"), .flac)
    }

    func testDownmixAndRateForMp3() throws {
        let s = try EncodeJob(input: TestFiles.testdata("synthetic/tones_5.1_96k.wav"), output: dir.appendingPathComponent("t.mp3").path,
                              request: EncodeRequest(format: .mp3)).run()
        XCTAssertEqual(s.channels, 2)
        XCTAssertEqual(s.sampleRate, 48000)
        let (y, info) = try TestFiles.read(s.output)
        XCTAssertEqual(info.sampleRate, 48000)
        XCTAssertEqual(Double(y.count / 2) / 48000, 0.5, accuracy: 0.03)
    }
}
