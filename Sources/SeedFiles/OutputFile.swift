import Foundation

/// An output written to a temporary file beside its final path and renamed into place on success,
/// so a failed or interrupted run never leaves a partial file and never touches the input.
public final class OutputFile {
    public let finalPath: String
    public let tempPath: String
    private var done = false

    /// Checks the rules (never the input, no silent replacement) and reserves a temporary name.
    public init(_ path: String, inputs: [String], force: Bool) throws {
        try Self.check(path, inputs: inputs, force: force)
        let url = URL(fileURLWithPath: path).standardizedFileURL
        finalPath = url.path
        tempPath = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).seed-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        OutputFile.register(tempPath)
    }

    /// The rules alone (not the input, no silent replacement, a writable folder), for callers
    /// that must refuse a bad output before long work (a render) rather than after it.
    public static func check(_ path: String, inputs: [String], force: Bool) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        for input in inputs where sameFile(input, url.path) {
            throw FileError.outputIsInput(path)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) && !force { throw FileError.outputExists(path) }
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw FileError.writeFailed(path, reason: "folder \(dir) does not exist")
        }
        guard fm.isWritableFile(atPath: dir) else {
            throw FileError.writeFailed(path, reason: "folder \(dir) is not writable")
        }
    }

    /// Renames the finished temporary file onto the final path.
    public func commit() throws {
        guard !done else { return }
        if rename(tempPath, finalPath) != 0 {
            let e = errno
            discard()
            throw FileError.fromWriteErrno(e, path: finalPath)
        }
        done = true
        OutputFile.unregister(tempPath)
    }

    /// Removes the temporary file; the final path is left as it was.
    public func discard() {
        guard !done else { return }
        unlink(tempPath)
        done = true
        OutputFile.unregister(tempPath)
    }

    deinit { discard() }

    /// Size in bytes of the temporary file as written so far.
    public var writtenBytes: Int64 {
        var st = stat()
        return stat(tempPath, &st) == 0 ? Int64(st.st_size) : 0
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else {
            return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
        }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    // Temporary files still open when the process is interrupted (Ctrl-C) are removed by
    // `removeAllPending`, which the executable calls from its signal handler path.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pending: Set<String> = []
    private static func register(_ p: String) { lock.lock(); pending.insert(p); lock.unlock() }
    private static func unregister(_ p: String) { lock.lock(); pending.remove(p); lock.unlock() }

    /// Deletes every temporary output not yet committed (for interrupt handling).
    public static func removeAllPending() {
        lock.lock(); defer { lock.unlock() }
        for p in pending { unlink(p) }
        pending.removeAll()
    }
}
