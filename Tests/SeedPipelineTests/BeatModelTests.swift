import Foundation
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// The shipped beat network: the weight file loads, matches its recorded sha256 (also written in
/// Training/README.md), and is the file in the repository.
final class BeatModelTests: XCTestCase {
    func testShippedWeightsLoadAndMatchTheirRecordedDigest() throws {
        let network = try BeatModel.network()      // checks the sha256 before parsing
        XCTAssertEqual(network.features, 2 * 71)
        let path = try XCTUnwrap(BeatModel.path)
        let shipped = try Data(contentsOf: URL(fileURLWithPath: path))
        let committed = try Data(contentsOf: TestFiles.root.appendingPathComponent("Sources/SeedPipeline/Resources/beat-tcn.safetensors"))
        XCTAssertEqual(shipped, committed)
        XCTAssertLessThan(shipped.count, 2_000_000, "at most 2 MB of weights")
        let readme = try String(contentsOf: TestFiles.root.appendingPathComponent("Training/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains(BeatModel.sha256), "Training/README.md records the weights' sha256")
    }
}
