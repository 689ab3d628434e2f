import SeedPipeline
import XCTest

final class QuantityTests: XCTestCase {
    func testDurationsAsPeopleTypeThem() throws {
        let cases: [(String, Double)] = [("30s", 30), ("1m30s", 90), ("90", 90), ("00:01:30", 90), ("1:30", 90),
                                         ("500ms", 0.5), ("1.5m", 90), ("2h", 7200), ("1h2m3s", 3723), ("0s", 0), ("12.25", 12.25)]
        for (text, seconds) in cases { XCTAssertEqual(try parseDuration(text), seconds, accuracy: 1e-9, text) }
        for bad in ["", "abc", "30x", "-5", "1:2:3:4", "s", "1:-30"] {
            XCTAssertThrowsError(try parseDuration(bad), bad)
        }
    }

    func testSizesUsePowersOf1000AndKiBPowersOf1024() throws {
        let cases: [(String, Int64)] = [("200MB", 200_000_000), ("500M", 500_000_000), ("1.5GB", 1_500_000_000),
                                        ("100KB", 100_000), ("100K", 100_000), ("64KiB", 65536), ("1MiB", 1_048_576),
                                        ("2GiB", 2_147_483_648), ("1000", 1000), ("12 mb", 12_000_000)]
        for (text, bytes) in cases { XCTAssertEqual(try parseByteSize(text), bytes, text) }
        for bad in ["", "MB", "12XB", "-1MB", "1e999GB"] { XCTAssertThrowsError(try parseByteSize(bad), bad) }
    }

    func testBitrates() throws {
        XCTAssertEqual(try parseBitrate("192k"), 192)
        XCTAssertEqual(try parseBitrate("320kbps"), 320)
        XCTAssertEqual(try parseBitrate("128"), 128)
        XCTAssertThrowsError(try parseBitrate("fast"))
    }
}
