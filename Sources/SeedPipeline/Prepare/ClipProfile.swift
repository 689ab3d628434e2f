import Foundation
import SeedClient

/// What a seed clip looks like for each product (API.md, "Products"): how long, whether audio is
/// uploaded at all, and the size limit it must fit.
public struct ClipProfile: Sendable, Equatable {
    /// Default clip length in seconds; an input with less sound than this is kept whole (so
    /// music-video-clip keeps a whole song up to 3 min).
    public var seconds: Double
    /// The product takes an audio upload (music-generator-free-easy is prompt only).
    public var uploadsAudio: Bool
    /// The product also takes video clips.
    public var takesVideo: Bool
    /// A cut list for editing video to the beat goes into the sidecar.
    public var cutsEvery: CutUnit?
    /// Size budget of the clip: the product's upload limit.
    public var maxBytes: Int64
    /// Output rate of the clip: what generators are trained on.
    public var sampleRate: Int = 44_100
    /// Bitrate ceiling of the MP3 clip; the budget may lower it.
    public var bitrateKbps: Int = 256
}

extension SkillTarget {
    /// The clip this product wants.
    public var profile: ClipProfile {
        switch self {
        case .murekaAI:
            return ClipProfile(seconds: 30, uploadsAudio: true, takesVideo: false, cutsEvery: nil,
                               maxBytes: maxUploadBytes)
        case .musicCreatorAI:
            return ClipProfile(seconds: 60, uploadsAudio: true, takesVideo: false, cutsEvery: nil,
                               maxBytes: maxUploadBytes)
        case .musicGeneratorFreeEasy:
            return ClipProfile(seconds: 30, uploadsAudio: false, takesVideo: false, cutsEvery: nil,
                               maxBytes: maxUploadBytes)
        case .musicVideoClip:
            return ClipProfile(seconds: 180, uploadsAudio: true, takesVideo: true, cutsEvery: .bars(2),
                               maxBytes: maxUploadBytes)
        }
    }
}
