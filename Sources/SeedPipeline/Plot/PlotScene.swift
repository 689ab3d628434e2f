import Foundation

/// Drawing primitives for a plot, laid out once and drawn by `PlotRenderer` as SVG or PNG.
public struct PlotScene: Sendable {
    public struct Color: Sendable, Equatable {
        public var r: UInt8, g: UInt8, b: UInt8
    }
    public enum Item: Sendable {
        case rect(x: Double, y: Double, w: Double, h: Double, color: Color, opacity: Double)
        case line(x1: Double, y1: Double, x2: Double, y2: Double, color: Color, width: Double)
        case polyline([(Double, Double)], color: Color, width: Double)
        case text(x: Double, y: Double, String, size: Double, color: Color, anchor: String)
    }
    public var width: Int
    public var height: Int
    public var items: [Item] = []
}

extension PlotScene.Color {
    public static let background = PlotScene.Color(r: 255, g: 255, b: 255)
    public static let wave = PlotScene.Color(r: 96, g: 125, b: 139)
    public static let beat = PlotScene.Color(r: 144, g: 202, b: 249)
    public static let downbeat = PlotScene.Color(r: 21, g: 101, b: 192)
    public static let window = PlotScene.Color(r: 255, g: 193, b: 7)
    public static let loudness = PlotScene.Color(r: 229, g: 57, b: 53)
    public static let grid = PlotScene.Color(r: 200, g: 200, b: 200)
    public static let text = PlotScene.Color(r: 33, g: 33, b: 33)
}

/// Lays out the plot: title, waveform envelope with beats (downbeats bolder) and the chosen
/// window shaded, short-term loudness on a -40…0 LUFS scale with the -14 and -23 LUFS lines,
/// and a time axis.
public func layoutPlot(_ d: PlotData, width: Int = 1200, height: Int = 420) -> PlotScene {
    var s = PlotScene(width: width, height: height)
    let x0 = 56.0, x1 = Double(width) - 24
    let waveTop = 40.0, waveBottom = 250.0, loudTop = 270.0, loudBottom = 380.0
    let seconds = max(d.seconds, 1e-3)
    func x(_ t: Double) -> Double { x0 + (x1 - x0) * t / seconds }
    // Thin vertical lines on pixel centres, so the PNG draws them crisp, in their own colour.
    func pixel(_ t: Double) -> Double { x(t).rounded(.down) + 0.5 }
    s.items.append(.rect(x: 0, y: 0, w: Double(width), h: Double(height), color: .background, opacity: 1))

    var title = "\(d.title): \(formatDuration(d.seconds))"
    if let b = d.beats { title += String(format: ", %.0f BPM ", b.bpm) + b.meter } else { title += ", no steady beat" }
    if let l = d.integratedLUFS { title += String(format: ", %.1f LUFS integrated", l) }
    // Shrunk to fit narrow plots (DejaVu Sans averages about 0.6 em a character).
    let titleSize = min(15, (Double(width) - x0 - 8) / (0.6 * Double(max(1, title.count))))
    s.items.append(.text(x: x0, y: 24, title, size: titleSize, color: .text, anchor: "start"))

    if let w = d.window {
        s.items.append(.rect(x: x(w.start), y: waveTop, w: max(1, x(w.end) - x(w.start)), h: loudBottom - waveTop, color: .window, opacity: 0.3))

    }
    // Beats under the waveform; every beat only when they are at least 3 px apart.
    if let b = d.beats {
        let dense = Double(b.beats.count) > (x1 - x0) / 3
        for beat in b.beats where beat.position == 1 || !dense {
            let down = beat.position == 1
            s.items.append(.line(x1: pixel(beat.time), y1: waveTop, x2: pixel(beat.time), y2: waveBottom,
                                 color: down ? .downbeat : .beat, width: down ? 1.5 : 1))
        }
    }
    let mid = (waveTop + waveBottom) / 2, half = (waveBottom - waveTop) / 2
    let columns = d.envelope.count
    for (i, e) in d.envelope.enumerated() {
        let cx = x0 + (x1 - x0) * (Double(i) + 0.5) / Double(columns)
        let top = mid - Double(min(1, e.max)) * half, bottom = mid - Double(max(-1, e.min)) * half
        s.items.append(.line(x1: cx, y1: top, x2: cx, y2: max(bottom, top + 1), color: .wave, width: (x1 - x0) / Double(columns)))
    }
    if let w = d.window {
        // The window's label on a light box, drawn over the beat lines so it stays readable.
        let label = String(format: "chosen %.1f–%.1f s", w.start, w.end)
        s.items.append(.rect(x: x(w.start) + 2, y: waveTop + 2, w: 0.6 * 12 * Double(label.count) + 4, h: 16, color: .background, opacity: 0.85))
        s.items.append(.text(x: x(w.start) + 4, y: waveTop + 14, label, size: 12, color: .text, anchor: "start"))
    }
    // Loudness: -40…0 LUFS.
    func y(_ lufs: Double) -> Double { loudBottom - (loudBottom - loudTop) * (min(0, max(-40, lufs)) + 40) / 40 }
    for (level, label) in [(-14.0, "-14"), (-23.0, "-23"), (-40.0, "-40"), (0.0, "0")] {
        s.items.append(.line(x1: x0, y1: y(level), x2: x1, y2: y(level), color: .grid, width: 1))
        s.items.append(.text(x: x0 - 6, y: y(level) + 4, label, size: 11, color: .text, anchor: "end"))
    }
    // The panel's name inside it, right of the axis labels and clear of the 0 LUFS line.
    s.items.append(.text(x: x0 + 4, y: loudTop + 14, "short-term loudness, LUFS (3 s)", size: 11, color: .text, anchor: "start"))
    var run: [(Double, Double)] = []
    for (i, l) in d.loudness.enumerated() {
        if let l { run.append((x(Double(i + 1) * d.loudnessStep), y(l))) } else if !run.isEmpty {
            s.items.append(.polyline(run, color: .loudness, width: 2)); run = []
        }
    }
    if !run.isEmpty { s.items.append(.polyline(run, color: .loudness, width: 2)) }
    // Time axis with a round step, its labels at least 70 px apart (at most 12).
    let maxTicks = Double(max(2, min(12, Int((x1 - x0) / 70))))
    let step = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200].first { seconds / $0 <= maxTicks } ?? 1800
    var t = 0.0
    while t <= seconds + 1e-9 {
        s.items.append(.line(x1: x(t), y1: loudBottom, x2: x(t), y2: loudBottom + 6, color: .text, width: 1))
        s.items.append(.text(x: x(t), y: loudBottom + 20, tickLabel(t, step: step), size: 11, color: .text, anchor: "middle"))
        t += step
    }
    return s
}

/// "1:30" on whole-second steps, "0:01.5" on half seconds.
func tickLabel(_ t: Double, step: Double) -> String {
    let m = Int(t / 60), sec = t - Double(m) * 60
    return step >= 1 ? String(format: "%d:%02d", m, Int(sec.rounded())) : String(format: "%d:%04.1f", m, sec)
}
