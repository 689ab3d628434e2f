@testable import SeedDSP
import XCTest

/// OpenBLAS is set up once per process: one thread, and the best kernels the CPU allows.
final class BLASThreadsTests: XCTestCase {
    func testKernelsFollowTheCPUFlags() {
        XCTAssertEqual(BLASThreads.kernels(forFlags: ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]),
                       "SkylakeX")
        XCTAssertEqual(BLASThreads.kernels(forFlags: ["sse3", "avx", "avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertNil(BLASThreads.kernels(forFlags: ["sse3", "avx"]))
        XCTAssertNil(BLASThreads.kernels(forFlags: []))
    }

    func testAnAVX2MachineNeverRunsTheGenericKernels() throws {
        BLASThreads.useCallerThreadOnly()
        let flags = BLASThreads.cpuFlags()
        guard BLASThreads.kernels(forFlags: flags) != nil, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else {
            throw XCTSkip("this CPU has no AVX2 and FMA, or OPENBLAS_CORETYPE is set")
        }
        // The network's parity test (BeatActivationNetworkTests) checks the products these kernels compute.
        XCTAssertNotEqual(BLASThreads.kernels.lowercased(), "prescott", "OpenBLAS kernels: \(BLASThreads.kernels)")
    }
}
