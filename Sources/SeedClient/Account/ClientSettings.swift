import Foundation

/// Where and how the client talks: base URL, product, attribution, and the waits it uses.
/// Every wait can be shortened through an environment variable (documented in docs/service.md) so
/// tests and impatient scripts need not sit through production timings.
public struct ClientSettings {
    public static let productionBase = "https://mega-api-prod.nemovideo.ai"

    public var baseURL: String
    public var target: SkillTarget
    public var version: String
    public var platform: String
    public var timings: Timings

    public struct Timings {
        /// Seconds between render status polls (API.md: 30).
        public var pollInterval: Double = 30
        /// Status polls before a render is left to `--resume` (the vendor's tools: 10).
        public var maxPolls: Int = 10
        /// Wait after a 429 before the one retry (API.md: 30 s).
        public var rateLimitWait: Double = 30
        /// How often "Still working..." is printed while a reply is awaited (API.md: 2 min).
        public var stillWorkingInterval: Double = 120
        /// Ceiling on one chat stream (API.md: 15 min).
        public var chatTimeout: Double = 900
        /// Heartbeats without any content for this long mean a time-out (API.md: 10 min).
        public var heartbeatOnlyTimeout: Double = 600
        /// A stream with no byte at all (not even a heartbeat) for this long counts as dropped.
        public var streamIdleTimeout: Double = 180
        /// First wait before reading the state after a dropped stream; it doubles each time.
        public var recoveryWait: Double = 15
        /// Give up recovering after this long without a change (API.md: about 5 min).
        public var recoveryLimit: Double = 300
        /// First back-off before retrying a network error or 5xx; it doubles each time.
        public var retryBackoff: Double = 1
        /// Attempts for an idempotent call (the first included).
        public var attempts: Int = 3

        public init() {}

        /// Defaults overridden by SEED_* environment variables.
        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Timings {
            var t = Timings()
            func read(_ name: String, _ into: inout Double) {
                if let v = env[name].flatMap(Double.init), v >= 0, v.isFinite { into = v }
            }
            read("SEED_POLL_INTERVAL", &t.pollInterval)
            read("SEED_RATE_LIMIT_WAIT", &t.rateLimitWait)
            read("SEED_STILL_WORKING_INTERVAL", &t.stillWorkingInterval)
            read("SEED_CHAT_TIMEOUT", &t.chatTimeout)
            read("SEED_HEARTBEAT_TIMEOUT", &t.heartbeatOnlyTimeout)
            read("SEED_STREAM_IDLE_TIMEOUT", &t.streamIdleTimeout)
            read("SEED_RECOVERY_WAIT", &t.recoveryWait)
            read("SEED_RECOVERY_LIMIT", &t.recoveryLimit)
            read("SEED_RETRY_BACKOFF", &t.retryBackoff)
            if let v = env["SEED_MAX_POLLS"].flatMap(Int.init), v > 0 { t.maxPolls = v }
            return t
        }
    }

    /// Checks the base URL: http(s) only, and plain http only to this machine unless `insecure`.
    public init(baseURL: String?, target: SkillTarget, version: String, insecure: Bool,
                environment env: [String: String] = ProcessInfo.processInfo.environment,
                executablePath: String? = nil) throws {
        var base = (baseURL ?? env["NEMO_API_URL"] ?? Self.productionBase).trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URLComponents(string: base), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty else { throw APIError.badBaseURL(base) }
        switch scheme {
        case "https": break
        case "http":
            if !Self.isLoopback(host) && !insecure { throw APIError.insecureBaseURL(base) }
        default: throw APIError.badBaseURL(base)
        }
        self.baseURL = base
        self.target = target
        self.version = version
        self.platform = Self.detectPlatform(executable: executablePath ?? Self.executablePath(), home: env["HOME"] ?? NSHomeDirectory())
        self.timings = Timings.fromEnvironment(env)
    }

    /// 127.0.0.0/8, ::1 and localhost: plain http there never leaves the machine.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    /// `clawhub` under ~/.clawhub/, `cursor` under ~/.cursor/skills/, else `unknown` (API.md, headers).
    public static func detectPlatform(executable: String, home: String) -> String {
        let h = home.hasSuffix("/") ? home : home + "/"
        if executable.hasPrefix(h + ".clawhub/") { return "clawhub" }
        if executable.hasPrefix(h + ".cursor/skills/") { return "cursor" }
        return "unknown"
    }

    /// The path this process was started from (not resolved through symlinks, so a link
    /// placed in a skills folder counts as installed there).
    static func executablePath() -> String {
        let arg0 = CommandLine.arguments.first ?? ""
        if arg0.contains("/") { return URL(fileURLWithPath: arg0).standardizedFileURL.path }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(arg0)"
            if FileManager.default.isExecutableFile(atPath: p) { return URL(fileURLWithPath: p).standardizedFileURL.path }
        }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arg0
    }

    /// Host part of the base URL, used to decide whether a download link may get the token.
    public var baseHost: String { URLComponents(string: baseURL)?.host?.lowercased() ?? "" }
}
