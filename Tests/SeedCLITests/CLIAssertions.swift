import Foundation
import SeedTestSupport
import XCTest

extension XCTestCase {
    /// Asserts one line on stderr starting with "seed: error:", the exit code, and no stack trace.
    /// With `notices`, earlier "seed: …" progress notices (retries, waits) may precede the error line.
    func assertFails(_ r: SeedRun, code: Int32, mentioning: String, notices: Bool = false,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, code, r.stderr, file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        if notices {
            XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("seed: ") }, r.stderr, file: file, line: line)
            XCTAssertEqual(lines.filter { $0.hasPrefix("seed: error: ") }.count, 1, r.stderr, file: file, line: line)
            XCTAssertTrue(lines.last?.hasPrefix("seed: error: ") == true, r.stderr, file: file, line: line)
        } else {
            XCTAssertEqual(lines.count, 1, "one line: \(r.stderr)", file: file, line: line)
            XCTAssertTrue(r.stderr.hasPrefix("seed: error: "), r.stderr, file: file, line: line)
        }
        XCTAssertTrue(r.stderr.lowercased().contains(mentioning.lowercased()), "\(r.stderr) should mention \(mentioning)", file: file, line: line)
    }
}
