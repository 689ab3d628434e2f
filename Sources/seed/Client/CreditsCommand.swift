import ArgumentParser
import Foundation
import SeedClient

struct CreditsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credits", abstract: "Show the account's credits.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let credits = try client.makeClient(quiet: output.quiet).credits()
            try output.report(credits) {
                "credits: \(Self.number(credits.available)) available, \(Self.number(credits.frozen)) frozen, \(Self.number(credits.total)) total"
            }
        }
    }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v) }
}
