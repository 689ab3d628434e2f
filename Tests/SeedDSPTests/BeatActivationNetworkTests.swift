import SeedDSP
import SeedTestSupport
import XCTest

/// The Swift inference against the training framework: the weight file carries 4 s of real features
/// and PyTorch's output on them (`Training/train.py check_input`), and streaming in chunks gives
/// the whole run.
final class BeatActivationNetworkTests: XCTestCase {
    func testMatchesTheTrainingFrameworkOnTheCheckInput() throws {
        for net in TestFiles.beatNetworks { try checkAgainstTraining(net) }
    }

    private func checkAgainstTraining(_ net: BeatActivationNetwork) throws {
        let expected = try XCTUnwrap(net.checkOutput, "the weight file has no check.output")
        let input = try XCTUnwrap(net.checkInput, "the weight file has no check.input")
        let frames = expected.count / 2
        XCTAssertEqual(frames, 400)
        XCTAssertEqual(input.count, frames * net.features)
        let out = input.withUnsafeBufferPointer { net.run($0, frames: frames) }
        XCTAssertEqual(out.count, expected.count)
        let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 1
        print(String(format: "beat network vs PyTorch: max |difference| %.2e over %d outputs", worst, out.count))
        XCTAssertLessThan(worst, 1e-4)
        // The check is not trivially met: the beat activation peaks and falls back on this music.
        let beat = stride(from: 0, to: expected.count, by: 2).map { expected[$0] }
        XCTAssertGreaterThan(beat.max() ?? 0, 0.4)
        XCTAssertLessThan(beat.min() ?? 1, 0.05)
    }

    func testStreamingInChunksEqualsOneRun() {
        let net = TestFiles.beatNetworks[0]
        let frames = 3 * net.receptiveField + 777
        var rng = SeededRandom(seed: 11)
        let input = (0..<(frames * net.features)).map { _ in Float(1 + rng.nextSigned()) }
        let whole = input.withUnsafeBufferPointer { net.run($0, frames: frames) }
        XCTAssertLessThan(streamedDifference(BeatActivationStream(networks: [net], chunk: 500), input, whole), 1e-5)
    }

    func testAnEnsembleStreamsTheMeanOfItsNetworks() {
        let nets = TestFiles.beatNetworks
        XCTAssertGreaterThan(nets.count, 1)
        let frames = 3 * nets.map(\.receptiveField).max()! + 777
        // Real features (the weight files' check inputs, end to end, repeated), on which the
        // networks fire: on random values both stay near zero and any mean would pass.
        let music = nets.compactMap(\.checkInput).reduce([], +)
        XCTAssertFalse(music.isEmpty)
        let input = (0..<(frames * nets[0].features)).map { music[$0 % music.count] }
        let runs = nets.map { net in input.withUnsafeBufferPointer { net.run($0, frames: frames) } }
        let mean = (0..<runs[0].count).map { i in runs.map { $0[i] }.reduce(0, +) / Float(runs.count) }
        let strongest = (0..<frames).map { t in runs.map { $0[2 * t] }.max()! }
        // The networks differ, so the mean is not any one of them.
        XCTAssertGreaterThan(zip(runs[0], runs[1]).map { abs($0 - $1) }.max() ?? 0, 0.01)
        XCTAssertLessThan(streamedDifference(BeatActivationStream(networks: nets, chunk: 500), input, mean, strongest), 1e-5)
    }

    /// The largest difference between `stream`'s output over `input`, pushed in blocks, and `whole`
    /// (beat and downbeat interleaved) with `strongest` (the strongest beat activation; `whole`'s
    /// own for one network).
    private func streamedDifference(_ stream: BeatActivationStream, _ input: [Float], _ whole: [Float],
                                    _ strongest: [Float]? = nil) -> Float {
        let width = stream.networks[0].features
        let frames = input.count / width
        var streamed: [Float] = []
        for start in stride(from: 0, to: frames, by: 333) {
            let end = min(frames, start + 333)
            streamed += stream.push(Array(input[(start * width)..<(end * width)]))
        }
        streamed += stream.finish()
        let n = BeatActivationStream.outputsPerFrame
        XCTAssertEqual(streamed.count, whole.count / 2 * n)
        guard streamed.count == whole.count / 2 * n else { return 1 }
        let strongest = strongest ?? stride(from: 0, to: whole.count, by: 2).map { whole[$0] }
        var worst: Float = 0
        for t in 0..<(whole.count / 2) {
            worst = max(worst, abs(streamed[n * t] - whole[2 * t]), abs(streamed[n * t + 1] - whole[2 * t + 1]),
                        abs(streamed[n * t + 2] - strongest[t]))
        }
        return worst
    }

    func testRefusesFilesThatAreNotWeights() {
        XCTAssertThrowsError(try SafeTensors(bytes: [1, 2, 3]))
        XCTAssertThrowsError(try SafeTensors(bytes: [UInt8](repeating: 0xff, count: 64)))
        let header = Array(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#.utf8)
        var bytes = [UInt8(header.count), 0, 0, 0, 0, 0, 0, 0] + header + [UInt8](repeating: 0, count: 8)
        XCTAssertThrowsError(try SafeTensors(bytes: bytes), "data shorter than the header says")
        bytes += [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(try SafeTensors(bytes: bytes).tensors["a"]?.values, [0, 0, 0, 0])
        XCTAssertThrowsError(try BeatActivationNetwork(weights: SafeTensors(bytes: bytes)), "no seed network metadata")
    }
}
