import Foundation

/// One dispatched server-sent event.
public struct ServerSentEvent: Equatable {
    public var type: String
    public var data: String
    public var lastEventID: String

    public init(type: String, data: String, lastEventID: String) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// What the parser hands on: an event, or a comment line (servers send those as heartbeats).
public enum EventStreamItem: Equatable {
    case event(ServerSentEvent)
    case comment(String)
}

/// Incremental parser for `text/event-stream`, following the WHATWG HTML standard's
/// "Parsing an event stream" (§9.2.6): lines end in CRLF, LF or CR; `data:` lines join with LF;
/// a blank line dispatches; `:` starts a comment; a leading BOM is dropped. Input may be cut
/// anywhere, even inside a CRLF pair or a UTF-8 sequence, because lines are decoded whole.
public struct EventStreamParser {
    private var line: [UInt8] = []
    private var data = ""
    private var eventType = ""
    private var lastEventID = ""
    private var afterCR = false
    private var sawFirstLine = false
    /// The server's `retry:` advice in milliseconds, if it sent one.
    public private(set) var retryMilliseconds: Int?

    public init() {}

    /// Feeds the next piece of the stream; returns the items it completed.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [EventStreamItem] where Bytes.Element == UInt8 {
        var out: [EventStreamItem] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                afterCR = true
                endLine(into: &out)
            case 0x0A:
                endLine(into: &out)
            default:
                line.append(byte)
            }
        }
        return out
    }

    /// The stream ended: an event without its closing blank line is discarded, as the standard says.
    public mutating func finish() {
        line.removeAll()
        data = ""
        eventType = ""
    }

    private mutating func endLine(into out: inout [EventStreamItem]) {
        var bytes = line
        line.removeAll(keepingCapacity: true)
        if !sawFirstLine {
            sawFirstLine = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        }
        if bytes.isEmpty { dispatch(into: &out); return }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.first == ":" { out.append(.comment(String(text.dropFirst()))); return }
        let name: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            name = Substring(text)
            value = ""
        }
        switch name {
        case "event": eventType = String(value)
        case "data":
            data += value
            data += "\n"
        case "id": if !value.contains("\0") { lastEventID = String(value) }
        case "retry": if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) { retryMilliseconds = Int(value) }
        default: break
        }
    }

    private mutating func dispatch(into out: inout [EventStreamItem]) {
        defer { data = ""; eventType = "" }
        guard !data.isEmpty else { return }
        var d = data
        if d.hasSuffix("\n") { d.removeLast() }
        out.append(.event(ServerSentEvent(type: eventType.isEmpty ? "message" : eventType, data: d, lastEventID: lastEventID)))
    }
}
