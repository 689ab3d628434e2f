import SeedAudio
import SeedPipeline
import XCTest

/// The sink that moves the encoder and the meter to the second core: same samples in the same
/// order, and a failure on the worker reaches the producer instead of hanging it.
final class ThreadedSinkTests: XCTestCase {
    private final class Recorder: AudioSink {
        var samples: [Float] = []
        var finished = false
        var failAfter: Int?
        var writes = 0

        func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
            writes += 1
            if let failAfter, writes > failAfter { throw AudioError.encoderFailed("disk full (test)") }
            usleep(200)  // slower than the producer, so the queue fills and the producer waits
            self.samples.append(contentsOf: samples)
        }

        func finish() throws { finished = true }
    }

    func testBlocksArriveInOrderAndFinishWaitsForThem() throws {
        let recorder = Recorder()
        let sink = ThreadedSink(recorder, depth: 2)
        var expected: [Float] = []
        for block in 0..<200 {
            let samples = (0..<64).map { Float(block * 64 + $0) }
            expected += samples
            try samples.withUnsafeBufferPointer { try sink.write($0, frames: 32) }
        }
        try sink.finish()
        XCTAssertTrue(recorder.finished)
        XCTAssertEqual(recorder.samples, expected)
    }

    func testWorkerFailureReachesTheProducer() {
        let recorder = Recorder()
        recorder.failAfter = 5
        let sink = ThreadedSink(recorder, depth: 2)
        let block = [Float](repeating: 0.5, count: 128)
        var thrown: Error?
        do {
            for _ in 0..<1000 { try block.withUnsafeBufferPointer { try sink.write($0, frames: 64) } }
            try sink.finish()
        } catch {
            thrown = error
        }
        XCTAssertEqual((thrown as? AudioError)?.description.contains("disk full (test)"), true, "\(String(describing: thrown))")
        XCTAssertFalse(recorder.finished, "a failed encoder is not finished")
        XCTAssertLessThan(recorder.writes, 20, "the producer stops soon after the failure")
    }
}
