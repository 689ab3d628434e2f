import Foundation

/// Opens any supported input: libsndfile first, then ffmpeg for containers it cannot read.
public enum AudioOpener {
    /// Extensions that only ffmpeg decodes (audio tracks of video clips, AAC/ALAC, WebM/Matroska).
    public static let ffmpegExtensions: Set<String> = ["m4a", "aac", "mp4", "m4v", "mov", "webm", "mkv", "wma", "3gp", "amr"]
    /// What libsndfile reads here; named in the error when a file is not accepted.
    public static let sndfileExtensions = ["wav", "aiff", "aif", "flac", "ogg", "oga", "opus", "mp3", "w64", "rf64", "caf", "au"]

    public static func open(_ path: String) throws -> AudioSource {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw AudioError.fileNotFound(path) }
        guard !isDir.boolValue else { throw AudioError.isFolder(path) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0
        if size == 0 { throw AudioError.emptyFile(path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AudioError.unreadable(path, reason: "permission denied")
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ffmpegExtensions.contains(ext) { return try openWithFFmpeg(path, sndfileError: nil) }
        if ext == "mp3" || (ext != "wav" && Self.startsLikeMp3(path)) { return try Mpg123Source(path: path) }
        if ext == "flac" && DamagePolicy.salvage { return try FlacSalvage.open(path) }
        do {
            return try SndfileSource(path: path)
        } catch AudioError.unreadable(_, let reason) where !sndfileExtensions.contains(ext) {
            // Not something libsndfile knows; a video container or an odd codec may still decode.
            return try openWithFFmpeg(path, sndfileError: reason)
        }
    }

    /// An ID3v2 tag or an MPEG audio sync word at the start.
    static func startsLikeMp3(_ path: String) -> Bool {
        guard let f = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? f.close() }
        let b = [UInt8](f.readData(ofLength: 4))
        guard b.count == 4 else { return false }
        return (b[0] == 0x49 && b[1] == 0x44 && b[2] == 0x33) || (b[0] == 0xFF && b[1] & 0xE6 == 0xE2)
    }

    private static func openWithFFmpeg(_ path: String, sndfileError: String?) throws -> AudioSource {
        guard FFmpegSource.ffmpegPath != nil else {
            let accepted = sndfileExtensions.joined(separator: ", ")
            if let sndfileError {
                throw AudioError.unsupportedFormat(path, detail:
                    "not a readable audio file (\(sndfileError)); seed reads \(accepted), and m4a/aac/mp4/mov/webm/mkv when ffmpeg is installed")
            }
            throw AudioError.unsupportedFormat(path, detail:
                "this format needs ffmpeg on PATH (apt-get install ffmpeg); without it seed reads \(accepted)")
        }
        do {
            return try FFmpegSource(path: path)
        } catch AudioError.unreadable(_, let reason) where sndfileError != nil {
            throw AudioError.unreadable(path, reason: "\(sndfileError!); ffmpeg: \(reason)")
        }
    }
}
