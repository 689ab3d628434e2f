import SeedAudio
import SeedDSP
import SeedPipeline
import SeedTestSupport
import XCTest

/// Beats on real recordings with annotations (../shared/testdata/beats), and no beats on speech,
/// noise and free-time singing. Thresholds are what seed reaches today, so a regression fails.
final class RealBeatsTests: XCTestCase {
    private func annotations(_ path: String) throws -> [Double] {
        // Split on any line break: "\r\n" is one Character, which splitting on "\n" would miss.
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("#") }.compactMap { Double($0.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "," })[0]) }
    }

    private func beats(_ path: String) throws -> BeatAnalysis {
        let source = try AudioOpener.open(path)
        defer { source.close() }
        return try analyzeBeats(source)
    }

    func testCandombeWithExpertBeats() throws {
        guard let audio = TestFiles.shared("testdata/beats/candombe/nonwestern_example.flac"),
              let truth = TestFiles.shared("testdata/beats/candombe/nonwestern_example.simple.txt") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        let a = try beats(audio)
        let ref = try annotations(truth).filter { $0 < 16.6 }
        let est = a.beats.map(\.time)
        let c = BeatMetrics.continuity(reference: ref, estimated: est)
        let f = BeatMetrics.fMeasure(reference: ref, estimated: est)
        print(String(format: "candombe: F %.3f CMLt %.3f AMLt %.3f tempo %.1f", f, c.cmlt, c.amlt, a.bpm))
        // Today only the tempo is right here: the beats drift against the expert's (F 0, noted as
        // a known failure); the tempo must stay within 2%.
        XCTAssertEqual(a.bpm, 60 / ((ref.last! - ref.first!) / Double(ref.count - 1)), accuracy: 2.7)
        XCTAssertEqual(a.beatsPerBar, 4)
    }

    func testBundledClickTracks() throws {
        // testdata/fixtures.json: clicks at 120 BPM in 4/4 and 90 BPM in 3/4, accented downbeats.
        let fixtures = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestFiles.testdata("fixtures.json")))) as! [String: Any]
        for name in ["click_120bpm_44.wav", "click_90bpm_34.wav"] {
            let known = fixtures[name] as! [String: Any]
            let truth = (known["beats"] as! [[String: Any]]).map { ($0["time"] as! Double, $0["beat"] as! Int) }
            let a = try beats(TestFiles.testdata("synthetic/\(name)"))
            XCTAssertEqual(a.bpm, known["bpm"] as! Double, accuracy: 0.02 * (known["bpm"] as! Double), name)
            XCTAssertEqual(a.beatsPerBar, known["beats_per_bar"] as! Int, name)
            // All of the file counts here (it is 8 s long; the 5 s rule of mir_eval is not applied),
            // and no beat is invented in the silence at either end.
            XCTAssertEqual(a.beats.count, truth.count, name)
            for (t, _) in truth {
                let nearest = a.beats.min { abs($0.time - t) < abs($1.time - t) }!
                XCTAssertEqual(nearest.time, t, accuracy: 0.03, "\(name) beat at \(t)")
            }
            // Known failure, not asserted: the downbeat phase. These downbeats differ only by a
            // brighter click 4 dB louder, which the log-compressed flux cues barely register.
        }
    }

    func testSpeechNoiseAndFreeTimeSingingHaveNoSteadyBeat() throws {
        // Read speech, speech in a noisy room, a kitchen, a robin, whale song, and unaccompanied
        // singing in free time (vocadito_10). vocadito_1 and _14 are children's songs sung roughly
        // in time (vocadito_1's notes fall on 0.25/0.5/1 s steps) and are left out.
        let files = ["negatives/198-209-0000.hq.ogg", "negatives/3436-172162-0000.hq.ogg", "negatives/5703-47212-0000.hq.ogg",
                     "negatives/jfk.flac", "negatives/doing_the_dishes.wav", "negatives/glacier-bay-humpback.hq.ogg",
                     "negatives/cmu_arctic_us_aew_a0001.wav", "negatives/p286_011.wav",
                     "negatives/456440__inspectorj__bird-whistling-robin-single-13.hq.ogg",
                     "hum/vocadito/vocadito_10.wav"]
        var checked = 0
        for name in files {
            guard let path = TestFiles.shared("testdata/\(name)") else { continue }
            let a = try beats(path)
            print(String(format: "%@: steady %@, confidence %.2f", name, a.steady ? "yes" : "no", a.confidence))
            XCTAssertFalse(a.steady, name)
            XCTAssertTrue(a.beats.isEmpty, name)
            checked += 1
        }
        if checked == 0 { throw XCTSkip("../shared/testdata is not beside this checkout") }
    }

    /// Free-time singing made loud as a master is (compressed, limited, at -9 dBFS RMS): the
    /// compression brings its notes forward and the networks fire at half the beats the decoder
    /// follows through them (median activation 0.18, which passed the old evidence-only rule), but
    /// the activation does not repeat at that beat period, so the decision has no steady beat.
    /// The same recording as sung, and music mastered alike, are in the tests above and beside.
    func testALoudMasterOfFreeTimeSingingHasNoSteadyBeat() throws {
        let a = try beats(TestFiles.testdata("recordings/vocadito_10_mastered.ogg"))
        print(String(format: "vocadito_10 mastered: steady %@, confidence %.2f, evidence %.2f, periodicity %.2f over %d beats",
                     a.steady ? "yes" : "no", a.confidence, a.cues?.evidence ?? -1, a.cues?.periodicity ?? -1, a.cues?.beats ?? 0))
        XCTAssertFalse(a.steady)
        XCTAssertTrue(a.beats.isEmpty)
        // The networks do fire there, past the 0.1 the old evidence-only rule asked: it is the
        // periodicity that decides, not silence.
        XCTAssertGreaterThan(a.cues?.evidence ?? 0, 0.1)
    }

    /// Speech 20 dB quieter than recorded (a far-off voice, -40 to -45 dBFS) and free-time singing
    /// 20 dB louder (+3 dBFS, unclipped: a loud master) still have no steady beat. Read at those
    /// levels as they are, the networks fire on syllables and notes: 23 and 10 beats on the speech,
    /// 15 on the singing (`AnalysisLevel` brings them into the range of levels they were trained on).
    func testSpeechAndFreeTimeSingingHaveNoSteadyBeatAtOtherLevels() throws {
        let files = [("negatives/5703-47212-0000.hq.ogg", -20.0), ("negatives/p286_011.wav", -20),
                     ("hum/vocadito/vocadito_10.wav", 20)]
        var checked = 0
        for (name, db) in files {
            guard let path = TestFiles.shared("testdata/\(name)") else { continue }
            let source = try AudioOpener.open(path)
            defer { source.close() }
            let a = try analyzeBeats(GainedSource(source, db: db))
            print(String(format: "%@ at %+.0f dB: steady %@, confidence %.2f", name, db, a.steady ? "yes" : "no", a.confidence))
            XCTAssertFalse(a.steady, "\(name) at \(db) dB")
            XCTAssertTrue(a.beats.isEmpty, "\(name) at \(db) dB")
            checked += 1
        }
        if checked == 0 { throw XCTSkip("../shared/testdata is not beside this checkout") }
    }

    /// A children's song sung alone and roughly in time (vocadito_1, "Ako ay may lobo") gets beats,
    /// and they are its beats: most of the notes two trained musicians annotated start on a beat or
    /// halfway between two. The same onsets moved at random by up to half a beat land there about
    /// half the time.
    func testASongSungInTimeGetsBeatsItsNotesFallOn() throws {
        guard let wav = TestFiles.shared("testdata/hum/vocadito/vocadito_1.wav"),
              let notes = TestFiles.shared("testdata/hum/vocadito/vocadito_1_notesA1.csv") else {
            throw XCTSkip("../shared/testdata is not beside this checkout")
        }
        let a = try beats(wav)
        XCTAssertTrue(a.steady)
        let times = a.beats.map(\.time)
        guard times.count > 8 else { return XCTFail("\(times.count) beats") }
        let grid = (times + zip(times, times.dropFirst()).map { ($0 + $1) / 2 }).sorted()
        let onsets = try annotations(notes).filter { $0 > times.first! - 0.3 && $0 < times.last! + 0.3 }
        func near(_ t: Double) -> Bool { grid.contains { abs($0 - t) < 0.07 } }
        let onGrid = Double(onsets.filter(near).count) / Double(onsets.count)
        var random = SeededRandom(seed: 3)
        var chance = 0.0
        for _ in 0..<20 {
            chance += Double(onsets.filter { near($0 + 0.26 * random.nextSigned()) }.count) / Double(onsets.count) / 20
        }
        print(String(format: "vocadito_1: %d beats at %.0f BPM; %.0f%% of %d sung onsets on the beat grid (chance %.0f%%)",
                     times.count, a.bpm, 100 * onGrid, onsets.count, 100 * chance))
        XCTAssertGreaterThan(onsets.count, 40)
        XCTAssertGreaterThan(onGrid, 0.75)
        XCTAssertLessThan(chance, 0.65)
    }

    /// Every bundled recording with a pulse gets beats at a plausible tempo: jazz, a sung pop
    /// song, an orchestral dance, a string orchestra with tempo changes, a trumpet loop.
    func testMusicHasBeats() throws {
        let songs: [(String, ClosedRange<Double>)] = [
            ("Kevin_MacLeod_-_Vibe_Ace.hq.ogg", 125...135),
            ("Karissa_Hobbs_-_Lets_Go_Fishin.hq.ogg", 80...190),
            ("Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.hq.ogg", 50...150),
            ("Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).hq.ogg", 50...220),
        ]
        var checked = 0
        for (name, tempi) in songs {
            guard let path = TestFiles.shared("testdata/beats/unannotated_music/\(name)") else { continue }
            let a = try beats(path)
            print(String(format: "%@: steady %@, confidence %.2f, %.1f BPM, %d beats", name, a.steady ? "yes" : "no", a.confidence, a.bpm, a.beats.count))
            XCTAssertTrue(a.steady, name)
            XCTAssertTrue(tempi.contains(a.bpm), "\(name): \(a.bpm) BPM")
            XCTAssertEqual(a.downbeats.count, a.beats.filter { $0.position == 1 }.count)
            checked += 1
        }
        if let loop = TestFiles.shared("testdata/beats/trumpet_loop/sorohanro_-_solo-trumpet-06.hq.ogg") {
            // 5.3 s of a jazz trumpet loop at 90 BPM (its maker's tempo): it has a beat (the tracker
            // before the network found none). Known failure, not asserted: its tempo (122 BPM).
            let a = try beats(loop)
            print(String(format: "trumpet loop: steady %@, confidence %.2f, %.1f BPM", a.steady ? "yes" : "no", a.confidence, a.bpm))
            XCTAssertTrue(a.steady)
            checked += 1
        }
        if checked == 0 { throw XCTSkip("../shared/testdata is not beside this checkout") }
    }
}
