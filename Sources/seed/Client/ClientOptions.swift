import ArgumentParser
import Foundation
import SeedClient

/// Options of every command that talks to the generation service.
struct ClientOptions: ParsableArguments {
    @Option(help: "API base URL (default: $NEMO_API_URL, else the production service).")
    var apiBase: String?

    @Option(help: "Product: mureka-ai (song from a hum), music-video-clip, music-creator-ai, music-generator-free-easy. Sets the attribution header and the upload size limit. Default: the product of the newest session (a `seed run` makes one), else mureka-ai; `seed run` defaults to mureka-ai.")
    var target: SkillTarget?

    @Option(help: "Session id to use instead of the saved one.")
    var session: String?

    @Flag(help: "Allow a plain-http API base URL on another machine (the token would travel unencrypted).")
    var insecure = false

    /// A client with these options; its notices go to stderr unless `quiet`. Without --target it
    /// follows the product of the newest session when `followsNewestSession`, else mureka-ai.
    func makeClient(quiet: Bool, followsNewestSession: Bool = true) throws -> NemoClient {
        var settings = try ClientSettings(baseURL: apiBase, target: target ?? .murekaAI, version: Seed.version, insecure: insecure)
        let store = StateStore()
        if target == nil, followsNewestSession,
           let t = NemoClient.newestSessionTarget(store: store, baseURL: settings.baseURL) {
            settings.target = t
        }
        return configured(NemoClient(settings: settings, store: store), quiet: quiet)
    }

    /// A client for `product`, whatever --target says (a batch row's own product).
    func makeClient(quiet: Bool, product: SkillTarget) throws -> NemoClient {
        let settings = try ClientSettings(baseURL: apiBase, target: product, version: Seed.version, insecure: insecure)
        return configured(NemoClient(settings: settings), quiet: quiet)
    }

    private func configured(_ client: NemoClient, quiet: Bool) -> NemoClient {
        client.sessionOverride = session
        client.notice = { line in if !quiet { Console.err("seed: \(line)") } }
        return client
    }
}

extension SkillTarget: ExpressibleByArgument {}

/// Output that passes every line through `Secrets.redact`, so a token can never be printed.
enum Console {
    static func out(_ text: String, newline: Bool = true) {
        FileHandle.standardOutput.write(Data((Secrets.redact(text) + (newline ? "\n" : "")).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((Secrets.redact(text) + "\n").utf8))
    }

    /// JSON on stdout, redacted like everything else.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
