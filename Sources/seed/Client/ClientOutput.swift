import Foundation
import SeedClient

/// Prints each new render status once ("seed: render processing (31 s)").
func renderStatusPrinter(enabled: Bool) -> (String, Double) -> Void {
    var last = ""
    return { status, elapsed in
        if enabled && status != last { Console.err("seed: render \(status) (\(Int(elapsed)) s)") }
        last = status
    }
}

/// What `seed ask` and `seed chat` print once a streamed reply has ended: the line break the
/// reply lacks, a note when it was recovered after a drop, and what changed in the project.
func printReplyEnd(_ result: ChatResult, quiet: Bool) {
    if !result.reply.isEmpty && !result.reply.hasSuffix("\n") { Console.out("") }
    if result.recoveredAfterDrop && !quiet { Console.err("seed: the connection had dropped; this is what the project shows now:") }
    if result.reply.isEmpty && result.changes.isEmpty && !result.recoveredAfterDrop {
        Console.out("(no reply, and nothing changed in the project)")
    }
    for line in result.changes { Console.out(line) }
}
