import SeedClient
import XCTest

/// The WHATWG event-stream rules, with the input cut at every possible byte.
final class EventStreamParserTests: XCTestCase {
    /// A stream using every framing rule: BOM, CRLF, lone CR, comments, multi-line data,
    /// `event:` and `id:`, a field with no colon, a space-less value, an empty data line, and a
    /// trailing event without its blank line (which must be dropped).
    let stream = "\u{FEFF}: hello\r\n\r\ndata: first\r\ndata:  second line\r\n\r\nevent: update\rid: 7\rdata:x\r\r"
        + "data\n\ndata: {\"a\":1,\ndata: \"b\":\"é😀\"}\n\n: ping\n\ndata: unterminated"

    var expected: [EventStreamItem] {
        [
            .comment(" hello"),
            .event(ServerSentEvent(type: "message", data: "first\n second line", lastEventID: "")),
            .event(ServerSentEvent(type: "update", data: "x", lastEventID: "7")),
            .event(ServerSentEvent(type: "message", data: "", lastEventID: "7")),
            .event(ServerSentEvent(type: "message", data: "{\"a\":1,\n\"b\":\"é😀\"}", lastEventID: "7")),
            .comment(" ping"),
        ]
    }

    func testWholeStream() {
        var p = EventStreamParser()
        var items = p.feed(Array(stream.utf8))
        p.finish()
        items += p.feed([UInt8]())
        XCTAssertEqual(items, expected)
    }

    func testEveryTwoWaySplit() {
        let bytes = Array(stream.utf8)
        for cut in 0...bytes.count {
            var p = EventStreamParser()
            let items = p.feed(bytes[..<cut]) + p.feed(bytes[cut...])
            XCTAssertEqual(items, expected, "cut at byte \(cut)")
        }
    }

    func testOneByteAtATime() {
        var p = EventStreamParser()
        var items: [EventStreamItem] = []
        for b in stream.utf8 { items += p.feed([b]) }
        XCTAssertEqual(items, expected)
    }

    func testRetryFieldAndDataWithColons() {
        var p = EventStreamParser()
        let items = p.feed(Array("retry: 1500\ndata: a: b:c\n\nretry: x1\n\n".utf8))
        XCTAssertEqual(items, [.event(ServerSentEvent(type: "message", data: "a: b:c", lastEventID: ""))])
        XCTAssertEqual(p.retryMilliseconds, 1500)
    }
}
