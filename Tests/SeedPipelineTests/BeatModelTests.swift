import Foundation
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// The shipped beat networks: each weight file loads, matches its recorded sha256 (also written in
/// Training/README.md), and is the file in the repository.
final class BeatModelTests: XCTestCase {
    func testShippedWeightsLoadAndMatchTheirRecordedDigests() throws {
        let networks = try BeatModel.networks()      // checks every sha256 before parsing
        XCTAssertEqual(networks.count, BeatModel.files.count)
        XCTAssertGreaterThan(networks.count, 1, "the tracker averages an ensemble")
        XCTAssertEqual(BeatModel.files.map(\.name), TestFiles.beatNetworkNames, "the DSP tests load the networks seed ships")
        let readme = try String(contentsOf: TestFiles.root.appendingPathComponent("Training/README.md"), encoding: .utf8)
        var total = 0
        for (network, file) in zip(networks, BeatModel.files) {
            XCTAssertEqual(network.features, 2 * 71)
            let path = try XCTUnwrap(BeatModel.path(file))
            let shipped = try Data(contentsOf: URL(fileURLWithPath: path))
            let committed = try Data(contentsOf: TestFiles.root.appendingPathComponent("Sources/SeedPipeline/Resources/\(file.name).safetensors"))
            XCTAssertEqual(shipped, committed, file.name)
            total += shipped.count
            XCTAssertTrue(readme.contains(file.sha256), "Training/README.md records \(file.name)'s sha256")
        }
        XCTAssertLessThan(total, 2_000_000, "at most 2 MB of weights")
    }
}
