import Foundation

/// A one-line progress bar on stderr, shown only on a terminal and never in --json or --quiet mode.
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var last = Date.distantPast
    private var shown = false

    init(_ label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(STDERR_FILENO) != 0
            && ProcessInfo.processInfo.environment["SEED_NO_PROGRESS"] == nil
    }

    func update(_ fraction: Double) {
        guard enabled else { return }
        let now = Date()
        guard fraction >= 1 || now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        let width = 30, filled = Int((fraction * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(Int(fraction * 100))%".utf8))
        shown = true
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shown = false
    }

    var handler: (Double) -> Void { { [weak self] in self?.update($0) } }
}

/// Runs a job with a progress bar, cleared before the caller prints anything (also on failure).
func withProgress<T>(_ label: String, quiet: Bool, _ body: (@escaping (Double) -> Void) throws -> T) rethrows -> T {
    let bar = ProgressBar(label, quiet: quiet)
    defer { bar.finish() }
    return try body(bar.handler)
}
