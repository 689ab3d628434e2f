import Foundation

/// Runs the built `seed` executable as a user would, capturing what they would see.
public struct SeedRun {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum SeedBinary {
    /// `.build/<config>/seed`, next to the test bundle.
    public static var path: String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("seed").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return TestFiles.root.appendingPathComponent(".build/debug/seed").path
    }

    /// A seed process as a user would start it (no progress bar), not yet running.
    public static func process(_ args: [String], cwd: URL?, environment: [String: String], shellPrefix: String? = nil) -> Process {
        let p = Process()
        if let shellPrefix {
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            let quoted = ([path] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            p.arguments = ["-c", "\(shellPrefix) exec \(quoted.joined(separator: " "))"]
        } else {
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = args
        }
        if let cwd { p.currentDirectoryURL = cwd }
        var env = ProcessInfo.processInfo.environment
        env["SEED_NO_PROGRESS"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        return p
    }

    /// Starts seed in the background (output discarded), for tests that interrupt it.
    public static func launch(_ args: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        let p = process(args, cwd: cwd, environment: environment)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Runs seed with `args`; `shellPrefix` (e.g. "ulimit -f 64;") runs it through bash.
    @discardableResult
    public static func run(_ args: [String], cwd: URL? = nil, environment: [String: String] = [:],
                           shellPrefix: String? = nil) throws -> SeedRun {
        let p = process(args, cwd: cwd, environment: environment, shellPrefix: shellPrefix)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return SeedRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }
}
