import Crypto
import Foundation
import SeedAudio

/// SHA-256 of a file as lowercase hex, read in 1 MB blocks so any length hashes in bounded memory.
public func sha256Hex(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw FileManager.default.fileExists(atPath: path) ? AudioError.unreadable(path, reason: String(cString: strerror(errno)))
            : AudioError.fileNotFound(path)
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let block = try handle.read(upToCount: 1 << 20) ?? Data()
        if block.isEmpty { break }
        hasher.update(data: block)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
