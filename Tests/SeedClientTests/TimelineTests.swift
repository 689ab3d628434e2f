import Foundation
import SeedClient
import XCTest

/// The draft's short keys read into API.md's timeline summary, and the changes between states.
final class TimelineTests: XCTestCase {
    let draft = """
    {"code":0,"data":{"state":{"draft":{"t":[
      {"tt":0,"sg":[{"d":10000,"m":{"name":"city timelapse"}}]},
      {"tt":1,"m":{"name":"Lo-fi","volume":0.35},"sg":[{"d":10000}]},
      {"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Dreams"}}]}
    ]},"video_infos":[{"id":"v1"}],"generated_media":[],"extra":{"ignored":true}}}}
    """

    func testSummaryMatchesAPIWording() throws {
        let state = ProjectState(json: JSONValue.parse(Data(draft.utf8)))
        XCTAssertEqual(state.summary,
                       #"Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)"#)
        XCTAssertTrue(state.hasContent)
    }

    func testTopLevelAndMissingFields() {
        let top = ProjectState(json: JSONValue.parse(Data(#"{"draft":{"t":[{"tt":0,"sg":[]}]}}"#.utf8)))
        XCTAssertFalse(top.hasContent, "a track without segments is nothing to render")
        XCTAssertEqual(ProjectState(json: JSONValue.parse(Data("{}".utf8))).summary, "Timeline (empty)")
        let segments = ProjectState(json: JSONValue.parse(Data(#"{"state":{"draft":{"t":[{"tt":0,"sg":[{"d":2500},{"d":2500}]}]}}}"#.utf8)))
        XCTAssertEqual(segments.tracks.first?.endSeconds, 5, "segments without a start follow each other")
    }

    func testChanges() {
        let before = ProjectState(json: JSONValue.parse(Data(draft.utf8)))
        var json = JSONValue.parse(Data(draft.utf8))!
        guard case .object(var root) = json, case .object(var data) = root["data"]!, case .object(var state) = data["state"]!,
              case .object(var d) = state["draft"]!, case .array(var tracks) = d["t"]! else { return XCTFail() }
        tracks.append(["tt": 1, "m": ["name": "Generated song"], "sg": [["d": 30000]]])
        d["t"] = .array(tracks)
        state["draft"] = .object(d)
        state["generated_media"] = [["name": "song.mp3"]]
        data["state"] = .object(state)
        root["data"] = .object(data)
        json = .object(root)
        let after = ProjectState(json: json)
        let changes = Timeline.changes(from: before, to: after)
        XCTAssertEqual(changes.first, "added or changed: BGM: Generated song (0-30s)")
        XCTAssertTrue(changes.contains("new generated media: song.mp3"))
        XCTAssertEqual(Timeline.changes(from: before, to: before), [])
    }
}
