import SeedClient
import XCTest

/// ADK events, the reply assembler (each piece shown once) and the GUI wording.
final class ChatEventTests: XCTestCase {
    func testAgentEventShapes() {
        XCTAssertEqual(AgentEvent.parse(#"{"author":"nemo_agent","content":{"role":"model","parts":[{"text":"Hi"}]},"partial":true}"#),
                       [.text("Hi", partial: true)])
        XCTAssertEqual(AgentEvent.parse(#"{"content":{"role":"model","parts":[{"text":"A"},{"functionCall":{"id":"1","name":"gen","args":{}}}]}}"#),
                       [.text("A", partial: false), .toolCall("gen")])
        XCTAssertEqual(AgentEvent.parse(#"{"content":{"role":"user","parts":[{"functionResponse":{"id":"1","name":"gen","response":{}}}]}}"#),
                       [.other])
        XCTAssertEqual(AgentEvent.parse(#"{"content":{"role":"model","parts":[{"functionResponse":{"name":"gen"}}]}}"#),
                       [.toolResult("gen")])
        XCTAssertEqual(AgentEvent.parse(""), [.heartbeat])
        XCTAssertEqual(AgentEvent.parse(#"{"type":"heartbeat"}"#), [.heartbeat])
        XCTAssertEqual(AgentEvent.parse("not json at all"), [.other])
        XCTAssertEqual(AgentEvent.parse(#"{"unknown":{"shape":[1,2]}}"#), [.other])
        XCTAssertEqual(AgentEvent.parse(#"{"code":2001,"message":"out of credits"}"#), [.failure(code: 2001, message: "out of credits")])
        XCTAssertEqual(AgentEvent.parse(#"{"content":{"parts":[{"text":"thinking","thought":true}]}}"#), [.other])
    }

    func testPartialsThenFinalShowEachWordOnce() {
        var a = ReplyAssembler()
        var shown = ""
        shown += a.add("Here is a first ", partial: true)
        shown += a.add("take.\nIt is ", partial: true)
        XCTAssertEqual(shown, "Here is a first take.\n", "whole lines go out as soon as they are complete")
        shown += a.add("in D minor.", partial: true)
        shown += a.add("Here is a first take.\nIt is in D minor.", partial: false)
        shown += a.finish()
        XCTAssertEqual(shown, "Here is a first take.\nIt is in D minor.\n")
        XCTAssertEqual(a.fullText, shown)
    }

    func testCumulativePartialsAndFinalOnly() {
        var a = ReplyAssembler()
        var shown = a.add("Hello", partial: true)
        shown += a.add("Hello world", partial: true)
        shown += a.add("Hello world", partial: false)
        shown += a.add("Second message.", partial: false)
        shown += a.finish()
        XCTAssertEqual(shown, "Hello world\nSecond message.\n")
    }

    func testGUIWordingBecomesCommands() {
        XCTAssertEqual(GUIWording.translate("Click the Export button to download it."), "run `seed export` to download it.")
        XCTAssertEqual(GUIWording.translate("Preview it in the timeline."), "check the timeline with `seed status`.")
        XCTAssertEqual(GUIWording.translate("Open the music panel to adjust volume."), "look at the music with `seed status` to adjust volume.")
        XCTAssertTrue(GUIWording.translate("Drag the clip to 0:10.").contains("`seed ask`"))
        XCTAssertEqual(GUIWording.translate("点击导出按钮即可下载"), "运行 `seed export`即可下载")
        XCTAssertTrue(GUIWording.translate("请打开音乐面板").contains("`seed status`"))
        XCTAssertTrue(GUIWording.translate("拖拽片段到时间线").contains("`seed ask`"))
        XCTAssertEqual(GUIWording.translate("Your song is in D minor at 92 BPM."), "Your song is in D minor at 92 BPM.")
    }
}
