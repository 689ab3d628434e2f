import CCairo
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

        // Both formats are drawn by cairo from one scene; both are decoded here and checked
        // where the layout puts the beats and the window.
        let width = 468, height = 420
        let scene = layoutPlot(d, width: width)
        let x0 = 56.0, x1 = Double(width) - 24
        func x(_ t: Double) -> Double { x0 + (x1 - x0) * t / d.seconds }

        // The SVG (XML): one stroke in the downbeat colour per downbeat, at its time; the beat
        // colour for the others; the labels drawn as glyphs.
        let svgPath = dir.appendingPathComponent("plot.svg").path
        try PlotRenderer.write(scene, to: svgPath, format: .svg)
        let svg = try XMLDocument(contentsOf: URL(fileURLWithPath: svgPath), options: [])
        func strokes(_ c: PlotScene.Color) throws -> [Double] {
            let rgb = String(format: "stroke:rgb(%f%%,%f%%,%f%%)", Double(c.r) / 2.55, Double(c.g) / 2.55, Double(c.b) / 2.55)
            return try svg.nodes(forXPath: "//*[local-name()='path']").compactMap { node -> Double? in
                let attr = { (name: String) in (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue }
                guard attr("style")?.contains(rgb) == true, let dAttr = attr("d") else { return nil }
                return Double(dAttr.split(separator: " ")[1])
            }
        }
        let downs = try strokes(.downbeat)
        XCTAssertEqual(downs.count, beats.downbeats.count)
        // On the pixel the time falls in (lines sit on pixel centres, so the PNG's are crisp).
        for (drawn, t) in zip(downs, beats.downbeats) { XCTAssertEqual(drawn, x(t).rounded(.down) + 0.5, accuracy: 0.01) }
        XCTAssertEqual(try strokes(.beat).count, beats.beats.count - beats.downbeats.count)
        let glyphs = try svg.nodes(forXPath: "//*[local-name()='use']").count
        XCTAssertGreaterThan(glyphs, 60, "the title, axis and panel labels are drawn")

        // The PNG, read back through cairo's PNG decoder: a downbeat's column is drawn in the
        // downbeat colour and the window is tinted. Compressed, it is a small fraction of its pixels.
        let pngPath = dir.appendingPathComponent("plot.png").path
        try PlotRenderer.write(scene, to: pngPath, format: .png)
        let image = try XCTUnwrap(cairo_image_surface_create_from_png(pngPath))
        defer { cairo_surface_destroy(image) }
        XCTAssertEqual(cairo_surface_status(image), CAIRO_STATUS_SUCCESS)
        XCTAssertEqual(Int(cairo_image_surface_get_width(image)), width)
        XCTAssertEqual(Int(cairo_image_surface_get_height(image)), height)
        let bytes = try FileManager.default.attributesOfItem(atPath: pngPath)[.size] as! Int
        XCTAssertLessThan(bytes, width * height * 3 / 5)
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        let pixels = try XCTUnwrap(cairo_image_surface_get_data(image))
        let px = { (x: Int, y: Int) -> [UInt8] in
            // Cairo's 32-bit pixels are 0xAARRGGBB in native (little-endian) order.
            let p = pixels + y * stride + x * 4
            return [p[2], p[1], p[0]]
        }
        let bx = Int(x(beats.downbeats[1]))
        XCTAssertEqual(px(bx, 45), [21, 101, 192], "downbeat line at \(bx)")
        let wx = Int(x((w.start + w.end) / 2))
        let tinted = px(wx, 375)
        XCTAssertTrue(tinted[0] > 240 && tinted[2] < 200, "window tint at \(wx): \(tinted)")
        XCTAssertEqual(px(Int(x(w.end)) + 3, 375), [255, 255, 255], "no tint after the window")

        // Labels: none overlaps another, all inside the picture (also 22 s across 320 px, where
        // every two seconds would crowd the time axis).
        var narrow = d
        narrow.seconds = 22
        for (sc, width) in [(scene, width), (layoutPlot(narrow, width: 320), 320)] {
        let boxes = PlotRenderer.textBoxes(sc)
        XCTAssertGreaterThan(boxes.count, 8)
        for (i, a) in boxes.enumerated() {
            XCTAssertTrue(a.x >= 0 && a.y >= 0 && a.x + a.w <= Double(width) && a.y + a.h <= Double(height), "\(a.text) is cut off")
            for b in boxes[(i + 1)...] {
                let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y
                XCTAssertTrue(apart, "\"\(a.text)\" overlaps \"\(b.text)\"")
            }
        }
        }
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
}
