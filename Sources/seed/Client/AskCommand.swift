import ArgumentParser
import Foundation
import SeedClient

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Send a message to the generation service and stream its reply.",
        discussion: """
        The reply is printed as it arrives, with the service's GUI wording turned into seed commands. \
        When the reply carries no text, seed reads the project and prints what changed. A dropped \
        connection is never answered by sending the message again: seed watches the project instead.
        """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The message.")
    var message: String

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the message is empty") }
    }

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: output.quiet)
            let streaming = !output.json
            let result = try c.ask(message, callbacks: ChatCallbacks(
                text: { if streaming { Console.out($0, newline: false) } },
                stillWorking: { _ in if !output.quiet && !output.json { Console.err("Still working...") } }))
            if output.json { try Console.json(result); return }
            printReplyEnd(result, quiet: output.quiet)
        }
    }
}
