import Foundation
import SeedAudio

/// Everything `seed info` reports about a file.
public struct InfoReport: Sendable, Codable {
    public var path: String
    public var bytes: Int64
    public var container: String
    public var codec: String
    public var decoder: String
    public var sampleRate: Int
    public var channels: Int
    public var frames: Int64
    public var durationSeconds: Double
    public var loudness: LoudnessReport
}

/// Decodes the whole file once (streamed) to count frames and measure peak and loudness.
public func scanInfo(path: String, progress: ProgressHandler? = nil) throws -> InfoReport {
    let source = try AudioOpener.open(path)
    defer { source.close() }
    let info = source.info
    let meter = try LoudnessMeter(sampleRate: info.sampleRate, channels: info.channels, truePeak: true)
    let block = 16_384
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * info.channels)
    defer { buffer.deallocate() }
    var frames: Int64 = 0
    while true {
        let n = try source.read(into: buffer.baseAddress!, frames: block)
        if n == 0 { break }
        meter.add(UnsafeBufferPointer(rebasing: buffer[0..<n * info.channels]), frames: n)
        frames += Int64(n)
        if let total = info.frames, total > 0 { progress?(min(1, Double(frames) / Double(total))) }
    }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0
    return InfoReport(path: path, bytes: bytes, container: info.container, codec: info.codec,
                      decoder: info.decoder, sampleRate: info.sampleRate, channels: info.channels, frames: frames,
                      durationSeconds: Double(frames) / Double(info.sampleRate), loudness: meter.report)
}
