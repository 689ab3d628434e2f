import Foundation

/// Errors from writing output files; each carries a one-line message for the user.
public enum FileError: Error, Equatable, CustomStringConvertible {
    case writeFailed(String, reason: String)
    case diskFull(String)
    case outputExists(String)
    case outputIsInput(String)

    public var description: String { message }

    /// The one-line message shown to the user.
    public var message: String {
        switch self {
        case .writeFailed(let p, let r): return "\(p): cannot write: \(r)"
        case .diskFull(let p): return "\(p): no space left on the device (nothing was written)"
        case .outputExists(let p): return "\(p) already exists (use --force to replace it)"
        case .outputIsInput(let p): return "\(p) is the input file; seed never overwrites its input"
        }
    }

    /// Maps a C `errno` from a failed write to the right case.
    public static func fromWriteErrno(_ code: Int32, path: String) -> FileError {
        if code == ENOSPC || code == EDQUOT || code == EFBIG { return .diskFull(path) }
        return .writeFailed(path, reason: String(cString: strerror(code)))
    }
}
