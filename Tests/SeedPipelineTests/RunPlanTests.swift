import Foundation
import SeedClient
@testable import SeedPipeline
import SeedTestSupport
import XCTest

/// The request wording `seed run` sends, and the batch plan files it reads.
final class RunPlanTests: XCTestCase {
    func testMoodsBecomeRequestsAndRequestsStayAsTheyAre() {
        XCTAssertEqual(PromptWording.request("calm piano", target: .musicGeneratorFreeEasy, seconds: nil, hasAudio: false),
                       "Generate a 30-second royalty-free background music track: calm piano")
        XCTAssertEqual(PromptWording.request("calm piano", target: .musicGeneratorFreeEasy, seconds: 20, hasAudio: false),
                       "Generate a 20-second royalty-free background music track: calm piano", "--best sets the length")
        XCTAssertEqual(PromptWording.request("  epic, 2 minutes ", target: .musicCreatorAI, seconds: nil, hasAudio: false),
                       "Generate original background music for my video: epic, 2 minutes", "the words' length wins")
        for asking in ["Generate a trap beat", "please make it jazzier", "Add strings", "Could you create a waltz",
                       "帮我生成一首歌", "生成一首轻音乐"] {
            XCTAssertEqual(PromptWording.request(asking, target: .murekaAI, seconds: nil, hasAudio: true), asking)
        }
        for mood in ["upbeat acoustic background music, 30 seconds", "makeshift lo-fi", "轻松的钢琴曲", "dark synthwave"] {
            XCTAssertFalse(PromptWording.asksForSomething(mood), mood)
        }
        XCTAssertEqual(PromptWording.statedSeconds("upbeat, 30 seconds"), 30)
        XCTAssertEqual(PromptWording.statedSeconds("a 1.5 min intro"), 90)
        XCTAssertEqual(PromptWording.statedSeconds("45s of rain"), 45)
        XCTAssertEqual(PromptWording.statedSeconds("30秒的钢琴"), 30)
        XCTAssertNil(PromptWording.statedSeconds("a 90s house track"), "a decade is not a length")
        XCTAssertNil(PromptWording.statedSeconds("808 bass"))
    }

    func testPlansInCSVAndJSONLines() throws {
        let dir = TestFiles.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("plan.csv")
        try Data("""
        \u{FEFF}file,prompt,target,output\r
        takes/a.wav,"strings, ""big"" and slow",music-creator-ai,\r
        /abs/b.mp3,lo-fi,,out/b.mp4\r
        \r
        ,"a line
        break",music-generator-free-easy,x.mp4\r

        """.utf8).write(to: csv)
        let rows = try RunPlan.read(csv.path)
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0], RunPlanRow(file: dir.appendingPathComponent("takes/a.wav").path, prompt: "strings, \"big\" and slow",
                                           target: .musicCreatorAI, output: nil, line: 2))
        XCTAssertEqual(rows[1], RunPlanRow(file: "/abs/b.mp3", prompt: "lo-fi", target: nil,
                                           output: dir.appendingPathComponent("out/b.mp4").path, line: 3))
        XCTAssertNil(rows[2].file)
        XCTAssertEqual(rows[2].prompt, "a line\nbreak")
        XCTAssertEqual(rows[2].line, 5)

        let jsonl = dir.appendingPathComponent("plan.jsonl")
        try Data("{\"file\": \"a.wav\", \"prompt\": \"jazz\"}\n\n{\"prompt\": \"rain\", \"target\": \"music-generator-free-easy\"}\n".utf8).write(to: jsonl)
        let j = try RunPlan.read(jsonl.path)
        XCTAssertEqual(j.map(\.prompt), ["jazz", "rain"])
        XCTAssertEqual(j.map(\.target), [nil, .musicGeneratorFreeEasy])
        XCTAssertEqual(j[1].line, 3)

        for (text, complaint) in [("file,prompt\na.wav,x,extra\n", "3 fields for 2 columns"),
                                  ("file,mood\na.wav,x\n", "unknown column \"mood\""),
                                  ("file,prompt,target\na.wav,x,suno\n", "unknown target \"suno\""),
                                  ("file,prompt\n", "no rows"),
                                  ("a.wav,x\n", "must name the columns")] {
            let bad = dir.appendingPathComponent("bad.csv")
            try Data(text.utf8).write(to: bad)
            XCTAssertThrowsError(try RunPlan.read(bad.path), text) { e in
                XCTAssertTrue((e as? APIError)?.message.contains(complaint) == true, "\(e)")
            }
        }
    }
}
