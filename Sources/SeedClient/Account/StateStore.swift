import Foundation

/// seed's own state folder ($XDG_STATE_HOME/seed, default ~/.local/state/seed): the token, the
/// sessions and the pending render jobs. Folder mode 0700, files 0600; every write goes to a
/// temporary file that is synced and renamed into place, so a killed process leaves the old
/// file or the new one, never half of one. Read-modify-write runs under an flock.
public struct StateStore {
    public let directory: String

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        if let x = env["XDG_STATE_HOME"], x.hasPrefix("/") {
            directory = x + "/seed"
        } else {
            directory = (env["HOME"] ?? NSHomeDirectory()) + "/.local/state/seed"
        }
    }

    public init(directory: String) { self.directory = directory }

    /// Reads a JSON file of the folder; nil when absent or unreadable (state is a cache).
    public func read<T: Decodable>(_ name: String, as type: T.Type) -> T? {
        guard let data = FileManager.default.contents(atPath: path(name)) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }

    /// Replaces a JSON file atomically, mode 0600.
    public func write<T: Encodable>(_ name: String, _ value: T) throws {
        try ensureDirectory()
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try e.encode(value), to: path(name))
    }

    /// Reads, changes and writes one file while holding its lock, so two seed processes do not
    /// lose each other's changes.
    @discardableResult
    public func update<T: Codable, R>(_ name: String, default initial: T, _ body: (inout T) throws -> R) throws -> R {
        try ensureDirectory()
        let fd = open(path(name) + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw APIError.stateUnwritable(directory, String(cString: strerror(errno))) }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        var value = read(name, as: T.self) ?? initial
        let result = try body(&value)
        try write(name, value)
        return result
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// Creates the state folder (0700) if needed; returns its path.
    @discardableResult
    public func ensureDirectory() throws -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue { return directory }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw APIError.stateUnwritable(directory, "cannot create the folder")
        }
        return directory
    }
}

/// Writes a small file so that it is either wholly there or not changed: temporary file
/// (mode 0600), fsync, rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        guard fd >= 0 else { throw APIError.stateUnwritable(path, String(cString: strerror(errno))) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        let err = errno
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw APIError.stateUnwritable(path, String(cString: strerror(ok ? errno : err)))
        }
    }
}
