import Foundation
import SeedPipeline
import XCTest

/// The routing words of API.md, in English and Chinese, and dropped file paths.
final class ChatRouterTests: XCTestCase {
    let files: Set<String> = ["/music/hum.wav", "/music/my take.wav", "/clips/street.mp4", "song.mp3"]
    func route(_ line: String) -> ChatRoute { ChatRouter.route(line) { self.files.contains($0) } }

    func testEveryRoutingWordInBothLanguages() {
        for w in ["export", "Export", "download", "导出", "下载", "export it", "download the video", "导出吧", "export."] {
            XCTAssertEqual(route(w), .export(output: nil), w)
        }
        XCTAssertEqual(route("export final.mp4"), .export(output: "final.mp4"))
        for w in ["credits", "balance", "积分", "余额", "Credits?", "余额。"] { XCTAssertEqual(route(w), .credits, w) }
        for w in ["status", "show tracks", "状态", "STATUS"] { XCTAssertEqual(route(w), .status, w) }
        XCTAssertEqual(route("upload /music/hum.wav"), .upload(["/music/hum.wav"]))
        XCTAssertEqual(route("上传 /music/hum.wav"), .upload(["/music/hum.wav"]))
        XCTAssertEqual(route("上传/music/hum.wav"), .upload(["/music/hum.wav"]))
        XCTAssertEqual(route("upload"), .uploadWithoutFile)
        XCTAssertEqual(route("quit"), .quit)
        XCTAssertEqual(route("退出"), .quit)
        XCTAssertEqual(route("   "), .empty)
    }

    func testDroppedPathsAsTerminalsPasteThem() {
        XCTAssertEqual(route("/music/hum.wav"), .upload(["/music/hum.wav"]))
        XCTAssertEqual(route("'/music/my take.wav' "), .upload(["/music/my take.wav"]))
        XCTAssertEqual(route("/music/my\\ take.wav"), .upload(["/music/my take.wav"]))
        XCTAssertEqual(route("\"/music/my take.wav\" /clips/street.mp4"), .upload(["/music/my take.wav", "/clips/street.mp4"]))
        XCTAssertEqual(route("file:///music/hum.wav"), .upload(["/music/hum.wav"]))
        XCTAssertEqual(route("song.mp3"), .upload(["song.mp3"]))
    }

    func testEverythingElseIsAMessage() {
        for m in ["make a song from song.mp3", "export the stems as separate tracks to my drive", "what is my status in the queue",
                  "把节奏加快一点", "upload speed is slow today", "/music/missing.wav", "credits roll at the end"] {
            XCTAssertEqual(route(m), .chat(m), m)
        }
    }
}
