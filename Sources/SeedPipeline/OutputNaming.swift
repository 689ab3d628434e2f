import Foundation
import SeedAudio

/// Default output paths: next to the input, named for what was done, never the input itself.
public enum OutputNaming {
    /// `song.wav` + tag "48k" + ext "flac" → `song.48k.flac`; without a tag, `song.flac`,
    /// or `song.seed.flac` when that would be the input.
    public static func path(for input: String, tag: String?, ext: String) -> String {
        let url = URL(fileURLWithPath: input)
        let base = url.deletingPathExtension().lastPathComponent
        let dir = url.deletingLastPathComponent()
        var name = tag.map { "\(base).\($0).\(ext)" } ?? "\(base).\(ext)"
        if dir.appendingPathComponent(name).standardizedFileURL.path == url.standardizedFileURL.path {
            name = "\(base).seed.\(ext)"
        }
        return dir.appendingPathComponent(name).path
    }

    /// The format to write when the user named none: the input's own if seed writes it, else WAV.
    public static func format(sameAs input: String) -> OutputFormat {
        OutputFormat(path: input) ?? .wav
    }
}
