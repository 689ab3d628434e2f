import FlyingFox
import FlyingSocks
import Foundation

/// A response body sent in pieces the test chooses: bytes, pauses, side effects, or a dropped
/// connection. Each piece goes out as its own chunk (and so its own socket write).
struct ScriptedBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8

    enum Step: Sendable {
        case bytes([UInt8])
        case pause(Double)
        case action(@Sendable () -> Void)
        /// Closes the connection mid-response.
        case drop
    }

    struct Dropped: Error {}

    let steps: [Step]

    func makeAsyncIterator() -> Iterator { Iterator(steps: steps) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var steps: [Step]
        var index = 0
        var pending: [UInt8] = []

        mutating func next() async throws -> UInt8? {
            guard let b = try await nextBuffer(suggested: 1) else { return nil }
            return b.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if !pending.isEmpty {
                let n = Swift.min(Swift.max(count, 1), pending.count)
                defer { pending.removeFirst(n) }
                return Array(pending.prefix(n))
            }
            while index < steps.count {
                let step = steps[index]
                index += 1
                switch step {
                case .bytes(let b) where !b.isEmpty:
                    let n = Swift.min(Swift.max(count, 1), b.count)
                    pending = Array(b.dropFirst(n))
                    return Array(b.prefix(n))
                case .bytes: continue
                case .pause(let s): try await Task.sleep(nanoseconds: UInt64(s * 1e9))
                case .action(let f): f()
                case .drop: throw Dropped()
                }
            }
            return nil
        }
    }
}

/// Reading multipart/form-data part headers (RFC 7578), for the streamed upload hasher.
enum Multipart {
    /// The field name, file name and type from a part's header lines.
    static func headers(_ text: String) -> (name: String?, filename: String?, contentType: String?) {
        var result: (name: String?, filename: String?, contentType: String?) = (nil, nil, nil)
        for line in text.components(separatedBy: "\r\n") {
            let lower = line.lowercased()
            if lower.hasPrefix("content-disposition:") {
                result.name = value(of: "name", in: line)
                result.filename = value(of: "filename", in: line)
            } else if lower.hasPrefix("content-type:") {
                result.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return result
    }

    private static func value(of key: String, in line: String) -> String? {
        guard let r = line.range(of: " \(key)=\"") ?? line.range(of: ";\(key)=\"") else { return nil }
        let rest = line[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
