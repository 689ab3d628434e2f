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
    /// Set when a damaged input was salvaged (`--salvage`): how much decoded and where audio is missing.
    public var damage: StreamDamage?
}

/// Decodes the whole file once (streamed) to count frames and measure peak and loudness.
public func scanInfo(path: String, progress: ProgressHandler? = nil) throws -> InfoReport {
    let source = try AudioOpener.open(path)
    defer { source.close() }
    let info = source.info
    let (loudness, frames) = try meterToEnd(source, progress: progress)
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0
    var report = InfoReport(path: path, bytes: bytes, container: info.container, codec: info.codec,
                            decoder: info.decoder, sampleRate: info.sampleRate, channels: info.channels, frames: frames,
                            durationSeconds: Double(frames) / Double(info.sampleRate), loudness: loudness)
    report.damage = DamagePolicy.report(for: path)
    return report
}
