import Foundation

/// Decodes what libsndfile cannot (m4a, aac, mp4, mov, webm, mkv …) through an `ffmpeg` executable,
/// streamed over a pipe as 32-bit float PCM, so the whole file is never copied.
public final class FFmpegSource: AudioSource {
    public let path: String
    public private(set) var info: SourceInfo
    private var process: Process?
    private var pipe: FileHandle?
    private var stderrPipe: Pipe?
    private var framesRead: Int64 = 0
    private var startFrame: Int64 = 0
    private var pending = Data()

    /// The ffmpeg executable on PATH, or nil.
    public static var ffmpegPath: String? { findExecutable("ffmpeg") }

    public init(path: String) throws {
        self.path = path
        guard let ffprobe = Self.findExecutable("ffprobe") else {
            throw AudioError.unsupportedFormat(path, detail: "ffprobe (part of ffmpeg) is needed to read this file")
        }
        let probe = try Self.run(ffprobe, ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                           "stream=codec_name,sample_rate,channels,duration:format=format_name,duration",
                                           "-of", "default=noprint_wrappers=1", path])
        guard probe.status == 0 else {
            throw AudioError.unreadable(path, reason: Self.lastLine(probe.stderr) ?? "ffprobe failed")
        }
        var fields: [String: String] = [:]
        for line in probe.stdout.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2, fields[kv[0]] == nil || fields[kv[0]] == "N/A" { fields[kv[0]] = kv[1] }
        }
        guard let rate = fields["sample_rate"].flatMap({ Int($0) }),
              let channels = fields["channels"].flatMap({ Int($0) }) else {
            throw AudioError.unsupportedFormat(path, detail: "no audio stream found")
        }
        try AudioLimits.check(sampleRate: rate, channels: channels)
        let duration = fields["duration"].flatMap(Double.init)
        info = SourceInfo(container: fields["format_name"] ?? "unknown", codec: fields["codec_name"] ?? "unknown",
                          sampleRate: rate, channels: channels,
                          frames: duration.map { Int64(($0 * Double(rate)).rounded()) }, decoder: "ffmpeg")
        try start(atFrame: 0)
    }

    private func start(atFrame frame: Int64) throws {
        stopProcess()
        guard let ffmpeg = Self.ffmpegPath else {
            throw AudioError.unsupportedFormat(path, detail: "ffmpeg is needed to read this file")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ffmpeg)
        var args = ["-nostdin", "-v", "error"]
        if frame > 0 { args += ["-ss", String(Double(frame) / Double(info.sampleRate))] }
        args += ["-i", path, "-map", "0:a:0", "-f", "f32le", "-acodec", "pcm_f32le", "-"]
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw AudioError.decoderFailed(path, reason: "cannot start ffmpeg: \(error.localizedDescription)")
        }
        process = p
        pipe = out.fileHandleForReading
        stderrPipe = err
        framesRead = frame
        startFrame = frame
        pending = Data()
    }

    public func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws -> Int {
        try ReadInterruption.check()
        guard let pipe else { return 0 }
        let bytesPerFrame = 4 * info.channels
        let want = frames * bytesPerFrame
        while pending.count < want {
            let chunk = pipe.readData(ofLength: want - pending.count)
            if chunk.isEmpty { break }
            pending.append(chunk)
        }
        let n = min(frames, pending.count / bytesPerFrame)
        if n == 0 {
            try finish()
            return 0
        }
        pending.withUnsafeBytes { raw in
            let src = raw.bindMemory(to: Float.self)
            buffer.update(from: src.baseAddress!, count: n * info.channels)
        }
        pending.removeFirst(n * bytesPerFrame)
        try checkFinite(buffer, frames: n, info: info, path: path, firstFrame: framesRead)
        framesRead += Int64(n)
        return n
    }

    private func finish() throws {
        guard let p = process else { return }
        p.waitUntilExit()
        let errText = String(decoding: stderrPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        process = nil
        pipe = nil
        if p.terminationStatus != 0 {
            throw AudioError.decoderFailed(path, reason: Self.lastLine(errText) ?? "ffmpeg exited with \(p.terminationStatus)")
        }
        // ffprobe's duration is an estimate; trust what was actually decoded.
        if framesRead > startFrame || startFrame == 0 { info.frames = framesRead }
    }

    public func seek(toFrame frame: Int64) throws { try start(atFrame: frame) }

    public func close() { stopProcess() }

    private func stopProcess() {
        if let p = process, p.isRunning { p.terminate(); p.waitUntilExit() }
        process = nil
        pipe = nil
    }

    deinit { stopProcess() }

    static func findExecutable(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in paths {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func run(_ exe: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    private static func lastLine(_ s: String) -> String? {
        s.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) }
    }
}
