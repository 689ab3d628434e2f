import Foundation

/// A value on the command line that could not be understood.
public struct QuantityError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// Parses durations the way people type them: `30s`, `1m30s`, `90`, `00:01:30`, `1:30`, `500ms`, `1.5m`, `2h`.
public func parseDuration(_ text: String) throws -> Double {
    let s = text.trimmingCharacters(in: .whitespaces).lowercased()
    let bad = QuantityError(message: "'\(text)' is not a duration (try 30s, 1m30s, 90, 00:01:30 or 500ms)")
    guard !s.isEmpty else { throw bad }
    if s.contains(":") {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw bad }
        let v = parts.reduce(0.0) { $0 * 60 + $1! }
        guard v.isFinite else { throw bad }
        return v
    }
    if let plain = Double(s) {
        guard plain >= 0, plain.isFinite else { throw bad }
        return plain
    }
    // A run of number+unit pairs: 1h2m3s, 1m30s, 1.5m, 250ms.
    let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
    var total = 0.0, rest = Substring(s), matchedAny = false
    while !rest.isEmpty {
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number) else { throw bad }
        rest = rest.dropFirst(number.count)
        guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { throw bad }
        rest = rest.dropFirst(unit.count)
        total += value * scale
        matchedAny = true
    }
    guard matchedAny, total.isFinite else { throw bad }
    return total
}

/// Parses sizes: `200MB`, `500M`, `1.5GB`, `100KB`, `64KiB`, `1000` (bytes).
/// K/M/G (with or without B) are powers of 1000; KiB/MiB/GiB powers of 1024.
public func parseByteSize(_ text: String) throws -> Int64 {
    let s = text.trimmingCharacters(in: .whitespaces)
    let bad = QuantityError(message: "'\(text)' is not a size (try 200MB, 500M, 1.5GB or 64KiB)")
    let number = s.prefix { $0.isNumber || $0 == "." }
    guard let value = Double(number), value >= 0 else { throw bad }
    let unit = s.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
    let scales: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "ki": 1024, "mi": 1_048_576, "gi": 1_073_741_824,
    ]
    guard let scale = scales[unit] else { throw bad }
    let bytes = (value * scale).rounded(.down)
    guard bytes.isFinite, bytes < 9e18 else { throw bad }
    return Int64(bytes)
}

/// Parses a bitrate in kbit/s: `192k`, `192kbps`, `192`.
public func parseBitrate(_ text: String) throws -> Int {
    var s = text.trimmingCharacters(in: .whitespaces).lowercased()
    for suffix in ["kbps", "kbit/s", "kb/s", "k"] where s.hasSuffix(suffix) { s.removeLast(suffix.count); break }
    guard let v = Int(s), v > 0 else {
        throw QuantityError(message: "'\(text)' is not a bitrate (try 192k)")
    }
    return v
}

/// Formats a byte count for people, in the same powers of 1000 the parser reads.
public func formatBytes(_ n: Int64) -> String {
    let v = Double(n)
    if v >= 1e9 { return String(format: "%.2f GB", v / 1e9) }
    if v >= 1e6 { return String(format: "%.2f MB", v / 1e6) }
    if v >= 1e3 { return String(format: "%.1f KB", v / 1e3) }
    return "\(n) B"
}

/// Formats seconds as h:mm:ss.s or m:ss.s.
public func formatDuration(_ seconds: Double) -> String {
    let total = max(0, seconds)
    let h = Int(total / 3600), m = Int(total.truncatingRemainder(dividingBy: 3600) / 60)
    let s = total.truncatingRemainder(dividingBy: 60)
    return h > 0 ? String(format: "%d:%02d:%04.1f", h, m, s) : String(format: "%d:%04.1f", m, s)
}
