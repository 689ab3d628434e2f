import Foundation

/// The anonymous client id: NEMO_CLIENT_ID, else ~/.config/nemovideo/client_id, which the
/// vendor's own tools share (so a user is not rate-limited twice), else a new UUID saved there.
enum ClientID {
    static func path(environment env: [String: String]) -> String {
        (env["HOME"] ?? NSHomeDirectory()) + "/.config/nemovideo/client_id"
    }

    static func source(environment env: [String: String]) -> String {
        if let v = env["NEMO_CLIENT_ID"], !v.isEmpty { return "env" }
        return FileManager.default.fileExists(atPath: path(environment: env)) ? "file" : "none"
    }

    static func load(environment env: [String: String]) throws -> String {
        if let v = env["NEMO_CLIENT_ID"]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty { return v }
        if let data = FileManager.default.contents(atPath: path(environment: env)) {
            let v = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !v.isEmpty { return v }
        }
        return try regenerate(environment: env)
    }

    /// A new UUID, saved to the shared file (mode 0600, atomically).
    static func regenerate(environment env: [String: String]) throws -> String {
        let id = UUID().uuidString.lowercased()
        let p = path(environment: env)
        let dir = (p as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Data((id + "\n").utf8), to: p)
        return id
    }
}
