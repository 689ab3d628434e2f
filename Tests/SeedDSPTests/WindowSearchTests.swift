import SeedDSP
import XCTest

/// Window search, silence bounds and repetition on score arrays with known answers.
final class WindowSearchTests: XCTestCase {
    private func scores(_ s: [Float], cost: [Float]) -> WindowScores {
        WindowScores(score: s, cutCost: cost, floorDB: -60, loudDB: -10, melodicShare: 1)
    }

    func testBestStretchWinsAndRunnersUpDoNotOverlap() {
        // Good material at 100..<200 and a weaker stretch at 300..<400; cuts free everywhere.
        var s = [Float](repeating: 0.1, count: 500)
        for i in 100..<200 { s[i] = 1 }
        for i in 300..<400 { s[i] = 0.6 }
        let picks = findBestWindows(scores: scores(s, cost: [Float](repeating: 0, count: 500)), range: 0..<500,
                                    length: 100, minLength: 90, cutHops: 10)
        XCTAssertEqual(picks.first, WindowChoice(start: 100, end: 200, score: 1))
        XCTAssertEqual(picks.dropFirst().first?.start, 300)
        for (a, b) in zip(picks, picks.dropFirst()) { XCTAssertGreaterThanOrEqual(a.score, b.score) }
    }

    func testCutsMoveIntoGapsRatherThanThroughNotes() {
        // Even material; cutting is costly except next to gap hops 36-37 and 130-131 (a cut is
        // clean when either neighbouring hop is quiet, so boundaries 36...38 and 130...132 are free).
        let s = [Float](repeating: 1, count: 200)
        var cost = [Float](repeating: 1, count: 200)
        for g in [36, 37, 130, 131] { cost[g] = 0 }
        let best = findBestWindows(scores: scores(s, cost: cost), range: 0..<200, length: 100, minLength: 90, cutHops: 20)[0]
        XCTAssertEqual(best.start, 36)
        XCTAssertEqual(best.end, 132)
    }

    func testAllowedCutsAreTheOnlyBoundaries() {
        let s = (0..<300).map { Float($0 % 7) / 7 }
        let bars = Array(stride(from: 5, to: 300, by: 24))
        let picks = findBestWindows(scores: scores(s, cost: [Float](repeating: 0.5, count: 300)), range: 0..<300,
                                    length: 100, minLength: 70, cuts: bars, cutHops: 5)
        XCTAssertFalse(picks.isEmpty)
        for p in picks {
            XCTAssertTrue(bars.contains(p.start) && bars.contains(p.end), "\(p)")
            XCTAssertLessThanOrEqual(p.end - p.start, 100)
        }
    }

    func testRangeShorterThanTheWindowIsTakenWhole() {
        let picks = findBestWindows(scores: scores([Float](repeating: 1, count: 50), cost: [Float](repeating: 0, count: 50)),
                                    range: 10..<40, length: 100, minLength: 90, cutHops: 5)
        XCTAssertEqual(picks.map { [$0.start, $0.end] }, [[10, 40]])
    }

    func testSilenceBoundsWalkBackThroughASoftAttack() {
        // Silence, a rise from -70 to -20 dB in 10 dB steps, sound, silence.
        let env: [Float] = [-120, -120, -70, -60, -50, -40, -30, -20, -20, -20, -120, -120]
        XCTAssertEqual(silenceBounds(peakDB: env, thresholdDB: -45, padHops: 1), 2..<11)
        XCTAssertEqual(silenceBounds(peakDB: env, thresholdDB: -45, padHops: 0, attackRangeDB: 4), 5..<10)
        XCTAssertNil(silenceBounds(peakDB: [-120, -90], thresholdDB: -50, padHops: 1))
    }

    func testRepetitionFindsTheRecurringSection() {
        // Blocks: A(10) B(10) A(10) C(10): the A blocks recur, B and C do not.
        func unit(_ v: [Float]) -> [Float] { let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot(); return v.map { $0 / n } }
        let a = unit([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]), b = unit([0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0])
        let c = unit([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        var chroma: [Float] = []
        for section in [a, b, a, c] { for _ in 0..<10 { chroma += section } }
        let rep = repetitionStrength(chroma: chroma, minLagBlocks: 8, halfWidth: 3)
        XCTAssertGreaterThan(rep[5], 0.9)
        XCTAssertGreaterThan(rep[25], 0.9)
        XCTAssertLessThan(rep[15], 0.5)
        XCTAssertLessThan(rep[35], 0.5)
    }
}
