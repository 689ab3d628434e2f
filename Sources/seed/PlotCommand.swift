import ArgumentParser
import Foundation
import SeedFiles
import SeedAudio
import SeedPipeline

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a file: waveform, short-term loudness, beats and downbeats, and the chosen window.",
        discussion: """
        The output's extension picks the format: .svg or .png, the same picture with its labels \
        (both drawn by cairo). --best 30s shades the window `trim --best 30s` and `prepare` would choose. \
        Default output: NAME.plot.svg next to the input.
        """)

    @Argument(help: "Input audio file.")
    var file: String

    @Option(name: .shortAndLong, help: "Output .svg or .png.")
    var output: String?

    @Option(help: "Shade the best window of this length, e.g. 30s.")
    var best: String?

    @Option(help: "Picture width in pixels.")
    var width: Int = 1200

    @Flag(help: "Replace the output if it exists (never the input).")
    var force = false

    @OptionGroup var common: OutputOptions

    func validate() throws {
        if !(300...8000).contains(width) { throw ValidationError("--width takes 300 to 8000 pixels") }
        if let o = output, !["svg", "png"].contains(URL(fileURLWithPath: o).pathExtension.lowercased()) {
            throw ValidationError("the output must end in .svg or .png")
        }
    }

    struct Summary: Encodable {
        var output: String
        var seconds: Double
        var bpm: Double?
        var beatsPerBar: Int?
        var beats: Int
        var integratedLUFS: Double?
        var window: TrimWindow?
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            let out = output ?? OutputNaming.path(for: file, tag: "plot", ext: "svg")
            let seconds = try best.map(parseDuration)
            let file = OutputFile.self
            try file.check(out, inputs: [self.file], force: force)
            let data = try withProgress("plotting", quiet: common.hideProgress) { p in
                try makePlotData(input: self.file, columns: width - 68, best: seconds, progress: p)
            }
            let scene = layoutPlot(data, width: width)
            let target = try OutputFile(out, inputs: [self.file], force: force)
            do { try PlotRenderer.write(scene, to: target.tempPath, format: PlotRenderer.format(for: out)) } catch {
                target.discard()
                throw error
            }
            try target.commit()
            let s = Summary(output: out, seconds: data.seconds, bpm: data.beats?.bpm, beatsPerBar: data.beats?.beatsPerBar,
                            beats: data.beats?.beats.count ?? 0, integratedLUFS: data.integratedLUFS, window: data.window)
            try common.report(s) {
                var line = "\(out): \(formatDuration(data.seconds))"
                if let b = data.beats { line += String(format: ", %d beats at %.0f BPM", b.beats.count, b.bpm) }
                if let w = data.window { line += String(format: ", window %.2f–%.2f s", w.start, w.end) }
                return line
            }
        }
    }
}
