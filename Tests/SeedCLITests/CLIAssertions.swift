import Foundation
import SeedTestSupport
import XCTest

extension XCTestCase {
    /// Asserts one line on stderr starting with "seed: error:", the exit code, and no stack trace.
    func assertFails(_ r: SeedRun, code: Int32, mentioning: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, code, r.stderr, file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("seed: error: "), r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.lowercased().contains(mentioning.lowercased()), "\(r.stderr) should mention \(mentioning)", file: file, line: line)
    }
}
