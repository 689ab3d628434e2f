import Foundation

/// The four products ("skills") on the generation API. They share the endpoints and differ in
/// the attribution header and the upload size limit (API.md, "Products").
public enum SkillTarget: String, CaseIterable, Codable, Sendable {
    case murekaAI = "mureka-ai"
    case musicVideoClip = "music-video-clip"
    case musicCreatorAI = "music-creator-ai"
    case musicGeneratorFreeEasy = "music-generator-free-easy"

    /// Largest upload the service accepts for this product, in bytes.
    public var maxUploadBytes: Int64 { self == .musicVideoClip ? 500_000_000 : 200_000_000 }

    /// What people use the product for, in one line.
    public var summary: String {
        switch self {
        case .murekaAI: return "a full song with instruments from a hummed or sung melody (30 s clip)"
        case .musicVideoClip: return "a beat-synced music video from a song (up to 3 min) and video clips"
        case .musicCreatorAI: return "original background music for a video (60 s clip)"
        case .musicGeneratorFreeEasy: return "a royalty-free background track from a text or mood prompt"
        }
    }
}

/// File types the upload endpoint accepts, with the MIME type sent for each.
public enum UploadTypes {
    /// Extension and MIME type, in the order API.md lists the accepted types.
    static let table: [(ext: String, mime: String)] = [
        ("mp4", "video/mp4"), ("mov", "video/quicktime"), ("avi", "video/x-msvideo"), ("webm", "video/webm"),
        ("mkv", "video/x-matroska"), ("jpg", "image/jpeg"), ("png", "image/png"), ("gif", "image/gif"),
        ("webp", "image/webp"), ("mp3", "audio/mpeg"), ("wav", "audio/wav"), ("m4a", "audio/mp4"), ("aac", "audio/aac"),
    ]

    /// The accepted extensions.
    public static let accepted = table.map(\.ext)

    private static let contentTypes = Dictionary(uniqueKeysWithValues: table.map { ($0.ext, $0.mime) })

    /// MIME type for a path, or nil when the service would refuse it (error 4001).
    public static func contentType(for path: String) -> String? {
        contentTypes[URL(fileURLWithPath: path).pathExtension.lowercased()]
    }
}
