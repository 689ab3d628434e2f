import Foundation

/// The project as `GET /api/state/…/latest` describes it: the draft (timeline) and the media
/// lists. Read defensively: `data.state.x` or `state.x` or top-level `x`.
public struct ProjectState: Equatable {
    public var draft: JSONValue?
    public var videoInfos: [JSONValue]
    public var generatedMedia: [JSONValue]

    public init(json: JSONValue?) {
        let state = json?.at("data.state") ?? json?["state"] ?? json
        draft = state?["draft"].flatMap { $0.isNull ? nil : $0 }
        videoInfos = state?["video_infos"]?.array ?? []
        generatedMedia = state?["generated_media"]?.array ?? []
    }

    /// The draft's tracks, summarized.
    public var tracks: [TrackSummary] { Timeline.tracks(of: draft) }

    /// True when some track has at least one segment: there is something to render.
    public var hasContent: Bool { tracks.contains { $0.segments > 0 } }

    /// "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: …" (API.md's wording).
    public var summary: String { Timeline.summary(tracks) }
}

/// One track of the draft, as a person would describe it.
public struct TrackSummary: Equatable, Encodable {
    public var kind: String
    public var label: String
    public var startSeconds: Double
    public var endSeconds: Double
    public var volumePercent: Int?
    public var segments: Int

    /// "BGM: Lo-fi (0-10s, 35%)"
    public var text: String {
        var s = "\(kind): \(label) (\(Timeline.seconds(startSeconds))-\(Timeline.seconds(endSeconds))s"
        if let v = volumePercent { s += ", \(v)%" }
        return s + ")"
    }
}

/// Reading the draft's short keys: `t` tracks, `tt` type (0 video, 1 audio, 7 text), `sg`
/// segments, `d` duration in ms, `m` metadata (API.md, "The draft").
public enum Timeline {
    public static func tracks(of draft: JSONValue?) -> [TrackSummary] {
        let list = draft?["t"]?.array ?? draft?["tracks"]?.array ?? []
        return list.map { track in
            let type = track["tt"]?.int ?? -1
            let segments = track["sg"]?.array ?? []
            var start = Double.infinity, end = 0.0, cursor = 0.0
            for seg in segments {
                let d = seg["d"]?.double ?? 0
                let s = (seg["s"] ?? seg["st"] ?? seg["start"])?.double ?? cursor
                start = min(start, s)
                end = max(end, s + d)
                cursor = s + d
            }
            if !start.isFinite { start = 0 }
            let meta = track["m"]
            let first = segments.first?["m"]
            let label: String
            if type == 7 {
                let text = name(first) ?? name(meta) ?? ""
                label = "\"\(text)\""
            } else {
                label = name(meta) ?? name(first) ?? "untitled"
            }
            var volume = (meta?["volume"] ?? meta?["v"] ?? first?["volume"])?.double
            if let v = volume, v <= 1 { volume = v * 100 }
            let kind: String
            switch type {
            case 0: kind = "Video"
            case 1: kind = (meta?["role"] ?? meta?["type"])?.string?.capitalized ?? "BGM"
            case 7: kind = "Title"
            default: kind = "Track"
            }
            return TrackSummary(kind: kind, label: label, startSeconds: start / 1000, endSeconds: end / 1000,
                                volumePercent: volume.map { Int($0.rounded()) }, segments: segments.count)
        }
    }

    static func name(_ m: JSONValue?) -> String? {
        for key in ["name", "title", "text", "prompt", "desc", "file_name"] {
            if let s = m?[key]?.string, !s.isEmpty { return s }
        }
        return nil
    }

    public static func summary(_ tracks: [TrackSummary]) -> String {
        guard !tracks.isEmpty else { return "Timeline (empty)" }
        let items = tracks.enumerated().map { "\($0.offset + 1). \($0.element.text)" }
        return "Timeline (\(tracks.count) track\(tracks.count == 1 ? "" : "s")): " + items.joined(separator: " ")
    }

    static func seconds(_ s: Double) -> String {
        let r = (s * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// What changed between two states, one line each (empty when nothing did).
    public static func changes(from before: ProjectState?, to after: ProjectState) -> [String] {
        guard let before else { return after.tracks.isEmpty ? [] : [after.summary] }
        var lines: [String] = []
        let old = before.tracks, new = after.tracks
        if old != new {
            let added = new.filter { !old.contains($0) }
            let removed = old.filter { !new.contains($0) }
            for t in added { lines.append("added or changed: \(t.text)") }
            for t in removed where !added.contains(where: { $0.kind == t.kind && $0.label == t.label }) {
                lines.append("removed: \(t.text)")
            }
            if lines.isEmpty { lines.append("tracks reordered") }
            lines.append(after.summary)
        } else if before.draft != after.draft {
            lines.append("the timeline was edited")
            lines.append(after.summary)
        }
        let media = after.generatedMedia.count - before.generatedMedia.count
        if media > 0 {
            let names = after.generatedMedia.suffix(media).map { name($0) ?? $0["url"]?.string ?? "media" }
            lines.append("new generated media: " + names.joined(separator: ", "))
        }
        let videos = after.videoInfos.count - before.videoInfos.count
        if videos > 0 { lines.append("\(videos) new uploaded or generated video\(videos == 1 ? "" : "s")") }
        return lines
    }
}

extension ProjectState {
    /// Whether the project lists an uploaded file of this name (its `video_infos`), so an upload
    /// whose answer was lost is not sent twice.
    public func hasUpload(named name: String) -> Bool {
        videoInfos.contains { info in
            for key in ["name", "filename", "file_name", "original_name", "title"] where info[key]?.string == name { return true }
            if let url = info["url"]?.string, URL(string: url)?.lastPathComponent == name { return true }
            return false
        }
    }
}
