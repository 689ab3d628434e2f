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

/// Splits a multipart/form-data body into its parts (enough of RFC 7578 for the tests).
public struct MultipartPart {
    public var name: String?
    public var filename: String?
    public var contentType: String?
    public var data: Data
}

enum Multipart {
    static func parse(_ body: Data, contentType: String) -> [MultipartPart] {
        guard let b = contentType.components(separatedBy: "boundary=").last?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) else { return [] }
        let delimiter = Data("--\(b)".utf8)
        var parts: [MultipartPart] = []
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else { return [] }
        cursor = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex) else { break }
            let headerText = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headerEnd.upperBound..<body.endIndex) else { break }
            let h = headers(headerText)
            parts.append(MultipartPart(name: h.name, filename: h.filename, contentType: h.contentType,
                                       data: Data(body[headerEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        return parts
    }

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
