import Foundation

/// What is wrong with a damaged or truncated compressed input: how long the container says it
/// is, how much decodes, and where audio is missing. Recorded in sidecars and `--json` as
/// `damage` when `--salvage` keeps what decodes.
public struct StreamDamage: Codable, Equatable, Sendable {
    /// A stretch of the stream that does not decode.
    public struct Gap: Codable, Equatable, Sendable {
        /// Where in the decoded audio the gap falls, in seconds.
        public var at: Double
        /// Audio lost there, in seconds (estimated from the bytes when the container has no count).
        public var seconds: Double
    }

    /// Seconds the container declares (Xing/LAME frame count, FLAC STREAMINFO, Ogg's last
    /// granule); nil when it says nothing.
    public var expected: Double?
    /// Seconds that decode.
    public var decoded: Double
    public var gaps: [Gap]
    /// What happened, in words: "stream error at 0:59.1", "cut off at 0:30.7".
    public var cause: String

    /// "0:59.1 of 3:00.0 decodes (stream error at 0:59.1)".
    public var summary: String {
        let what = expected.map { "\(Self.clock(decoded)) of \(Self.clock($0)) decodes" } ?? "\(Self.clock(decoded)) decodes"
        return "\(what) (\(cause))"
    }

    /// Seconds lost in all.
    public var lost: Double { expected.map { max(0, $0 - decoded) } ?? gaps.reduce(0) { $0 + $1.seconds } }

    /// m:ss.t
    public static func clock(_ s: Double) -> String {
        let t = (max(0, s) * 10).rounded() / 10
        let m = Int(t / 60)
        return String(format: "%d:%04.1f", m, t - Double(m) * 60)
    }
}

/// What seed does with a damaged input: refuse it (the default, exit 65, nothing written), or with
/// `--salvage` keep what decodes, say so once per file, and remember the damage for the job's
/// summary and sidecar. Set once by the command line before any file is opened.
public enum DamagePolicy {
    nonisolated(unsafe) public static var salvage = false
    /// Told once per damaged file that is salvaged (the presentation layer prints one line).
    nonisolated(unsafe) public static var onSalvage: (_ path: String, _ damage: StreamDamage) -> Void = { _, _ in }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var reports: [String: StreamDamage] = [:]

    /// The damage found in `path` so far, if it was salvaged.
    public static func report(for path: String) -> StreamDamage? {
        lock.withLock { reports[key(path)] }
    }

    /// Refuses `damage` with `AudioError.damaged`, or under --salvage records it and carries on.
    static func handle(_ path: String, _ damage: StreamDamage) throws {
        guard salvage else { throw AudioError.damaged(path, damage) }
        let isNew: Bool = lock.withLock {
            let k = key(path)
            let seen = reports[k] == damage
            reports[k] = damage
            return !seen
        }
        if isNew { onSalvage(path, damage) }
    }

    private static func key(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}

/// Whether any byte in `from..<to` is not zero (zeros around a stream are padding, not damage).
func containsNonZero(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    guard from < to else { return false }
    for i in from..<to where b[i] != 0 { return true }
    return false
}
