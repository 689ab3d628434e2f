@testable import SeedDSP
import SeedTestSupport
import XCTest

/// Beat activations alternating strong and weak (the stronger on beats of `phase`'s parity), with
/// seeded noise of `spread`.
private func alternating(_ strong: Float, _ weak: Float, phase: Int, count: Int, spread: Float,
                         _ random: inout SeededRandom) -> [Float] {
    (0..<count).map { k in ((k + phase) % 2 == 0 ? strong : weak) + spread * Float(random.nextSigned()) }
}

/// Downbeat activations starting a bar every `n`th tracked beat, from beat `first`.
private func bars(of n: Int, from first: Int = 0, count: Int = 48) -> [Float] {
    (0..<count).map { k in k % n == first ? 0.5 : 0.03 }
}

/// Beat frames from frame 10 on, `count` intervals of each `period` in turn.
private func frames(_ intervals: [(period: Int, count: Int)]) -> [Int] {
    var f = [10]
    for (period, count) in intervals { for _ in 0..<count { f.append(f.last! + period) } }
    return f
}

/// The metrical level of tracked beats: eighths of a compound meter grouped into dotted quarters
/// (from the downbeat or the beat activation), and beats at twice the music's tempo halved, each
/// only on clear evidence from the networks.
final class MetricalLevelTests: XCTestCase {
    func testCompoundEighthsAreGroupedAndSimpleTriplesAreNot() {
        func cycle(_ fires: [Float], phase: Int, count: Int = 72) -> [Float] {
            (0..<count).map { fires[($0 - phase + 6 * fires.count) % fires.count] + Float($0 % 5) * 0.01 }
        }
        // 6/8 and 12/8 read in eighths: bar 1 fires, the dotted-quarter beats inside a little.
        for phase in 0..<6 {
            XCTAssertEqual(compoundPhase(cycle([0.5, 0.02, 0.03, 0.1, 0.02, 0.03], phase: phase)), phase % 3)
        }
        let twelve: [Float] = [0.5, 0.02, 0.02, 0.08, 0.02, 0.02, 0.12, 0.02, 0.02, 0.08, 0.02, 0.02]
        XCTAssertEqual(compoundPhase(cycle(twelve, phase: 7)), 1)
        // 3/4 in quarters, with or without every other bar stronger (a phrase), and 4/4 and 2/4.
        XCTAssertNil(compoundPhase(cycle([0.5, 0.03, 0.05], phase: 1)))
        XCTAssertNil(compoundPhase(cycle([0.6, 0.03, 0.05, 0.4, 0.03, 0.05], phase: 2)))
        XCTAssertNil(compoundPhase(cycle([0.5, 0.03, 0.3, 0.05], phase: 0)))
        XCTAssertNil(compoundPhase(cycle([0.5, 0.05], phase: 1)))
        // 2/4 whose every third bar fires more (phrases of three bars): 6 stands far out from 3,
        // but only a little from 2, where the downbeats of 6/8 read in eighths would be 3 times.
        XCTAssertNil(compoundPhase(cycle([0.6, 0.03, 0.35, 0.03, 0.35, 0.03], phase: 0)))
        // Too few beats for a bar of six to be told from chance.
        XCTAssertNil(compoundPhase(cycle([0.5, 0.02, 0.03, 0.1, 0.02, 0.03], phase: 0, count: 10)))
    }

    func testBeatsAtTwiceTheTempoAreHalvedOnlyWhenEveryOtherIsClearlyWeaker() {
        var random = SeededRandom(seed: 11)
        func alternating(_ strong: Float, _ weak: Float, phase: Int, count: Int = 48, spread: Float = 0.1) -> [Float] {
            SeedDSPTests.alternating(strong, weak, phase: phase, count: count, spread: spread, &random)
        }
        // Bars of four tracked beats (`bars(of: 4)`): no evidence either way from the downbeats.
        // A slow chorale read in eighths: the real beats fire about twice as much.
        for phase in 0..<2 {
            XCTAssertEqual(doubledPhase(alternating(0.65, 0.3, phase: phase), downbeat: bars(of: 4)), phase)
        }
        // A backbeat or a swing ride: one phase somewhat stronger, as at the right level.
        XCTAssertNil(doubledPhase(alternating(0.8, 0.6, phase: 0), downbeat: bars(of: 4)))
        XCTAssertNil(doubledPhase(alternating(0.5, 0.35, phase: 1), downbeat: bars(of: 4)))
        // Twice as strong but too noisy, or too few beats, to tell from chance.
        XCTAssertNil(doubledPhase(alternating(0.4, 0.2, phase: 0, spread: 0.5), downbeat: bars(of: 4)))
        XCTAssertNil(doubledPhase(alternating(0.65, 0.3, phase: 0, count: 10), downbeat: bars(of: 4, count: 10)))
    }

    func testAWeakerAlternationIsHalvedWhereBarsOfEightBackIt() {
        var random = SeededRandom(seed: 13)
        func alternating(_ strong: Float, _ weak: Float, phase: Int, count: Int = 48) -> [Float] {
            SeedDSPTests.alternating(strong, weak, phase: phase, count: count, spread: 0.05, &random)
        }
        // A piano ballad read in eighths: its beats fire 1.5 times the eighths between, too little
        // alone, and a bar starts every eighth tracked beat, on the stronger phase.
        for phase in 0..<2 {
            XCTAssertEqual(doubledPhase(alternating(0.6, 0.4, phase: phase), downbeat: bars(of: 8, from: 2 + phase)), phase)
        }
        // The same alternation at the right level: a bar every fourth beat (a one-drop reggae).
        XCTAssertNil(doubledPhase(alternating(0.6, 0.4, phase: 0), downbeat: bars(of: 4, from: 0)))
        // Bars of eight that start on the weaker phase: the two cues disagree.
        XCTAssertNil(doubledPhase(alternating(0.6, 0.4, phase: 0), downbeat: bars(of: 8, from: 3)))
        // Bars of eight with every beat alike (a house track in eight-beat phrases).
        XCTAssertNil(doubledPhase(alternating(0.6, 0.6, phase: 0), downbeat: bars(of: 8, from: 0)))
        // Fewer than four bars of eight.
        XCTAssertNil(doubledPhase(alternating(0.6, 0.4, phase: 0, count: 24), downbeat: bars(of: 8, from: 0, count: 24)))
    }

    func testTheLevelIsCheckedInEachStretchBetweenChangesOfLevel() {
        // A steady piece, and a march stepping up by 1.23 times: one stretch.
        XCTAssertEqual(levelStretches(frames([(59, 40)])), [0..<41])
        XCTAssertEqual(levelStretches(frames([(56, 20), (46, 20)])), [0..<41])
        // A groove that slows by 13%, after which the decoder follows its eighths (1.74 times
        // the old tempo, through two beats of ramp): split where the change is largest.
        let slowed = frames([(59, 20), (52, 1), (40, 1), (34, 30)])
        let stretches = levelStretches(slowed)
        XCTAssertEqual(stretches.count, 2)
        XCTAssertEqual(stretches.first?.lowerBound, 0)
        XCTAssertEqual(stretches.last?.upperBound, slowed.count)
        XCTAssertEqual(stretches[0].upperBound, stretches[1].lowerBound)
        XCTAssert((20...22).contains(stretches[1].lowerBound), "\(stretches)")
        // Up and back: three stretches. Too few beats to compare 8 with 8: one.
        XCTAssertEqual(levelStretches(frames([(60, 20), (30, 40), (60, 20)])).count, 3)
        XCTAssertEqual(levelStretches(frames([(60, 8), (30, 8)])), [0..<17])
    }

    func testAStretchAtTwiceItsNeighboursTempoIsHalvedOnLessEvidence() {
        // A groove at 59 frames a beat that slows to 67 and is then followed in its eighths (34).
        let slowed = frames([(59, 20), (52, 1), (40, 1), (34, 30)])
        let stretches = levelStretches(slowed)
        XCTAssertEqual(runsAtTwiceANeighbour(slowed, stretches: stretches), [false, true])
        // Three times the tempo is not a doubling; half again is as near one as no change.
        let tripled = frames([(60, 20), (20, 60)])
        XCTAssertEqual(runsAtTwiceANeighbour(tripled, stretches: levelStretches(tripled)), [false, false])
        let faster = frames([(60, 20), (40, 30)])
        XCTAssertEqual(runsAtTwiceANeighbour(faster, stretches: levelStretches(faster)), [false, true])
        // One stretch has no neighbour.
        XCTAssertEqual(runsAtTwiceANeighbour(frames([(50, 40)]), stretches: [0..<41]), [false])

        // Beats 1.35 times the eighths between are enough there; beats alike (a click track that
        // jumps up by half again) are not.
        // Elsewhere the same beats stay (too little contrast alone, and no bars of eight).
        var random = SeededRandom(seed: 14)
        func alternating(_ strong: Float, _ weak: Float, phase: Int, count: Int = 30) -> [Float] {
            SeedDSPTests.alternating(strong, weak, phase: phase, count: count, spread: 0.03, &random)
        }
        func fours(_ count: Int = 30) -> [Float] { bars(of: 4, count: count) }
        for phase in 0..<2 {
            XCTAssertEqual(doubledPhase(alternating(0.81, 0.6, phase: phase), downbeat: fours(), besideHalf: true), phase)
            XCTAssertNil(doubledPhase(alternating(0.81, 0.6, phase: phase), downbeat: fours()))
        }
        XCTAssertNil(doubledPhase(alternating(0.8, 0.8, phase: 0), downbeat: fours(), besideHalf: true))
        XCTAssertNil(doubledPhase(alternating(0.81, 0.6, phase: 0, count: 12), downbeat: fours(12), besideHalf: true))
    }

    func testEveryThirdBeatStandingOutInTheBeatActivationIsACompoundBeat() {
        var random = SeededRandom(seed: 12)
        func cycle(_ fires: [Float], phase: Int, count: Int = 60, spread: Float = 0.08) -> [Float] {
            (0..<count).map { k in fires[(k + phase) % fires.count] + spread * Float(random.nextSigned()) }
        }
        // A 12/8 blues read in eighths: the dotted-quarter beats fire about twice as much.
        for phase in 0..<3 {
            XCTAssertEqual(tripledPhase(cycle([0.6, 0.25, 0.25], phase: phase)), (3 - phase) % 3)
        }
        // 3/4 in quarters: every beat fires alike, or the downbeats a little more.
        XCTAssertNil(tripledPhase(cycle([0.6, 0.6, 0.6], phase: 0)))
        XCTAssertNil(tripledPhase(cycle([0.6, 0.4, 0.4], phase: 1)))
        // Beats at twice the tempo are not thirds: one phase in two stands out, not one in three.
        XCTAssertNil(tripledPhase(cycle([0.6, 0.25], phase: 0)))
        // Too noisy, or too few beats, to tell from chance.
        XCTAssertNil(tripledPhase(cycle([0.6, 0.25, 0.25], phase: 0, spread: 0.6)))
        XCTAssertNil(tripledPhase(cycle([0.6, 0.25, 0.25], phase: 0, count: 9)))
    }
}
