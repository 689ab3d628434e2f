import ArgumentParser
import Foundation
import SeedClient

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Show the API token's status (never the token itself); gets a free anonymous one if there is none.",
        discussion: "The token comes from NEMO_TOKEN, else seed's state folder, else a new anonymous token for the client id in NEMO_CLIENT_ID or ~/.config/nemovideo/client_id.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Only report; do not fetch a token when there is none.")
    var noFetch = false

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: output.quiet)
            let s = try c.tokenStatus(acquire: !noFetch)
            if output.json { try Console.json(s); return }
            guard !output.quiet else { return }
            guard s.present else { Console.out("token: none (run `seed token` to get a free anonymous one)"); return }
            let source = ["env": "from NEMO_TOKEN", "cache": "cached in seed's state folder", "new": "new anonymous token"][s.source ?? ""] ?? "?"
            Console.out("token: present (\(source))")
            if let e = s.expiresAt { Console.out("expires: \(e)") }
            if let u = s.userID { Console.out("user: \(u)") }
            Console.out("client id: " + ["env": "from NEMO_CLIENT_ID", "file": "~/.config/nemovideo/client_id", "none": "none yet"][s.clientIDSource]!)
            Console.out("API: \(s.apiBase)")
        }
    }
}
