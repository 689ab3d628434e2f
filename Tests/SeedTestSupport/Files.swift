import Foundation
import SeedAudio
import SeedDSP

/// Paths and files for tests: the repository's testdata, temporary folders, WAV writing and reading.
public enum TestFiles {
    /// The repository root (this file is Tests/SeedTestSupport/Files.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    public static func testdata(_ relative: String) -> String { root.appendingPathComponent("testdata/\(relative)").path }

    /// The shared annotated recordings, when the checkout has ../shared beside it.
    public static func shared(_ relative: String) -> String? {
        let p = root.deletingLastPathComponent().appendingPathComponent("shared/\(relative)").path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// The weight files seed ships in SeedPipeline's resources, in the order the tracker averages
    /// them (`BeatModel.files`, which `BeatModelTests` holds this list to; SeedDSP's tests cannot
    /// import SeedPipeline).
    public static let beatNetworkNames = ["beat-tcn", "beat-tcn-b"]

    /// The beat networks seed ships, for the DSP tests.
    public static let beatNetworks: [BeatActivationNetwork] = beatNetworkNames.map { name in
        let path = root.appendingPathComponent("Sources/SeedPipeline/Resources/\(name).safetensors").path
        return try! BeatActivationNetwork(weights: SafeTensors(bytes: [UInt8](FileManager.default.contents(atPath: path)!)))
    }

    /// A fresh empty folder, removed by the caller's `defer`.
    public static func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seed-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes interleaved samples through the product's own sink.
    @discardableResult
    public static func write(_ samples: [Float], to path: String, rate: Int, channels: Int = 1,
                             format: OutputFormat = .wav, depth: PCMDepth = .int16) throws -> String {
        let sink = try makeSink(path: path, settings: EncoderSettings(format: format, sampleRate: rate,
                                                                     channels: channels, depth: depth))
        try samples.withUnsafeBufferPointer { try sink.write($0, frames: samples.count / channels) }
        try sink.finish()
        return path
    }

    /// Decodes a whole file (tests only use short ones).
    public static func read(_ path: String) throws -> (samples: [Float], info: SourceInfo) {
        let src = try AudioOpener.open(path)
        defer { src.close() }
        var out: [Float] = []
        var block = [Float](repeating: 0, count: 8192 * src.info.channels)
        while true {
            let n = try block.withUnsafeMutableBufferPointer { try src.read(into: $0.baseAddress!, frames: 8192) }
            if n == 0 { break }
            out.append(contentsOf: block[0..<n * src.info.channels])
        }
        return (out, src.info)
    }

    /// Entries of a folder (to check that no temporary or partial file was left).
    public static func listing(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }
}
