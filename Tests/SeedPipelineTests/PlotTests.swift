import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SeedAudio
import SeedPipeline
import SeedTestSupport
import XCTest

/// `seed plot`: the data drawn is right (beats of a 120 BPM pattern, the loudness of a tone of
/// known level, the waveform's peak), and the SVG and PNG show it where the layout says.
final class PlotTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testDrumPatternBeatsAndLoudnessAreDrawn() throws {
        var pattern = DrumPattern(bpm: 120)
        pattern.seconds = 20
        let (drums, truth) = pattern.render(rate: 22050)
        let input = try TestFiles.write(drums, to: dir.appendingPathComponent("drums.wav").path, rate: 22050)
        let d = try makePlotData(input: input, columns: 400, best: 8)
        let beats = try XCTUnwrap(d.beats)
        XCTAssertEqual(beats.bpm, 120, accuracy: 2.4)
        XCTAssertEqual(beats.beats.count, truth.count, accuracy: 2)
        let peak = Double(drums.map(abs).max()!)
        XCTAssertEqual(Double(d.envelope.map(\.max).max()!), peak, accuracy: 1e-4, "the envelope reaches the true peak")
        let w = try XCTUnwrap(d.window)
        XCTAssertLessThanOrEqual(w.duration, 8.0001)

        // The SVG: one bold line per downbeat, every beat line, the shaded window, the tempo in the title.
        let scene = layoutPlot(d, width: 468)
        let svg = scene.svg()
        let downbeatLines = svg.components(separatedBy: "stroke=\"#1565c0\"").count - 1
        XCTAssertEqual(downbeatLines, beats.downbeats.count)
        XCTAssertEqual(svg.components(separatedBy: "stroke=\"#90caf9\"").count - 1, beats.beats.count - beats.downbeats.count)
        XCTAssertTrue(svg.contains("120 BPM 4/4"), svg.prefix(400).description)
        XCTAssertTrue(svg.contains("fill=\"#ffc107\" fill-opacity"), "the window is shaded")
        XCTAssertNoThrow(try XMLDocument(xmlString: svg, options: []), "well-formed XML")

        // The PNG: inflated here; a downbeat's column is drawn in the downbeat colour and the
        // window is tinted. Compressed, it is a small fraction of its 590 KB of pixels.
        let png = scene.png()
        let (width, height, rgb) = try decodePNG(png)
        XCTAssertEqual(width, 468)
        XCTAssertEqual(height, 420)
        XCTAssertLessThan(png.count, (width * 3 + 1) * height / 5)
        let x0 = 56.0, x1 = 468.0 - 12
        let bx = Int((x0 + (x1 - x0) * beats.downbeats[1] / d.seconds).rounded())
        let px = { (x: Int, y: Int) in Array(rgb[((y * width + x) * 3)..<((y * width + x) * 3 + 3)]) }
        XCTAssertEqual(px(bx, 45), [21, 101, 192], "downbeat line at \(bx)")
        let wx = Int((x0 + (x1 - x0) * (w.start + w.end) / 2 / d.seconds).rounded())
        let tinted = px(wx, 375)
        XCTAssertTrue(tinted[0] > 240 && tinted[2] < 200, "window tint at \(wx): \(tinted)")
    }

    func testToneLoudnessCurve() throws {
        // A 1 kHz sine at -20 dBFS, stereo: short-term loudness is flat and equals the integrated value.
        let tone = Signals.sine(1000, rate: 48000, seconds: 12, amplitude: 0.1)
        let input = try TestFiles.write(tone.flatMap { [$0, $0] }, to: dir.appendingPathComponent("tone.wav").path, rate: 48000, channels: 2)
        let d = try makePlotData(input: input, columns: 300, best: nil)
        let integrated = try XCTUnwrap(d.integratedLUFS)
        // BS.1770: a full-scale 1 kHz sine in one channel reads -3.01 LUFS, so in both, 0 LUFS.
        XCTAssertEqual(integrated, -20, accuracy: 0.2)
        let settled = d.loudness.enumerated().filter { Double($0.offset + 1) * d.loudnessStep >= 3 }.compactMap(\.element)
        XCTAssertFalse(settled.isEmpty)
        for l in settled { XCTAssertEqual(l, integrated, accuracy: 0.2) }
        XCTAssertNil(d.beats, "a steady tone has no beat")
        XCTAssertEqual(Double(d.envelope.map(\.max).max()!), 0.1, accuracy: 0.001)
    }

    /// Width, height and RGB bytes of a PNG, checking the parts a viewer relies on: signature,
    /// IHDR, the zlib stream (inflated, Adler-32 checked) and the filter byte of each row.
    func decodePNG(_ data: Data) throws -> (Int, Int, [UInt8]) {
        let b = [UInt8](data)
        XCTAssertEqual(Array(b[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func be(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var i = 8, width = 0, height = 0, z: [UInt8] = []
        while i < b.count {
            let n = be(i), type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = Array(b[(i + 8)..<(i + 8 + n)])
            if type == "IHDR" {
                width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
                height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
                XCTAssertEqual(Array(body[8...]), [8, 2, 0, 0, 0], "8-bit RGB")
            }
            if type == "IDAT" { z += body }
            i += 12 + n
        }
        let raw = try Inflate.zlib(z)
        XCTAssertEqual(raw.count, (width * 3 + 1) * height)
        var rgb: [UInt8] = []
        let stride = width * 3 + 1
        for y in 0..<height {
            let row = y * stride
            XCTAssertEqual(raw[row], 0)
            rgb.append(contentsOf: raw[(row + 1)..<(row + stride)])
        }
        return (width, height, rgb)
    }
}
