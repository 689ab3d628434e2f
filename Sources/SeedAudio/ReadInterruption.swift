/// A request to stop reading audio, set from a signal handler: every source's next `read` throws
/// `AudioError.interrupted`, so a long local job (decoding, analysis, loudness passes) stops within
/// one block and its error path removes what it had started writing. For interactive tools
/// (`seed chat`) where Ctrl-C stops the current job but not the program.
public enum ReadInterruption {
    /// Non-zero while a stop is requested (written from a signal handler, so a plain word).
    nonisolated(unsafe) public static var requested: Int32 = 0

    /// Throws `AudioError.interrupted` when a stop is requested.
    @inline(__always) public static func check() throws {
        if requested != 0 { throw AudioError.interrupted }
    }
}
