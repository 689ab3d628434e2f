import ArgumentParser
import Foundation
import SeedFiles
import SeedAudio
import SeedDSP
import SeedPipeline

struct BeatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beats",
        abstract: "Detect tempo, beats, meter and downbeats.",
        discussion: """
        A small learned beat and downbeat activation (a temporal convolutional network over \
        log-filterbank bands), beats by Viterbi decoding of a tempo/phase state space that allows \
        tempo changes, meter (2, 3, 4, 5 or 7 beats per bar) and downbeats from the downbeat \
        activation and chord changes. Formats: json (everything), csv (time,position), txt (one time per line, as beat \
        datasets use), labels (an Audacity label track). --cuts 2bars (or 1beat, 4beats, 1bar) \
        prints a cut list for editing video to the beat instead. --click OUT.wav writes the input with \
        clicks at the beats (downbeats higher) to check them by ear. Material without a steady beat \
        (silence, speech) gives no beats and says so.
        """)

    @Argument(help: "Input audio file.")
    var file: String

    @Option(help: "Output format: json, csv, txt or labels. (default: json)")
    var format: BeatFormat?

    @Flag(help: "The same as --format json, as in seed's other commands.")
    var json = false

    @Option(name: .shortAndLong, help: "Write the beats (or cut list) to this file instead of stdout.")
    var output: String?

    @Option(help: "Also write the input with clicks at the beats to this WAV/FLAC file.")
    var click: String?

    @Option(help: "Print a cut list: segments of 1beat, 4beats, 2bars, ...")
    var cuts: String?

    @Option(name: .customLong("min-bpm"), help: "Slowest tempo considered (default: \(Int(BeatTrackingOptions().minBPM)), and \(Int(BeatTrackingOptions().minCompoundBPM)) for the dotted-quarter beat of 6/8 or 12/8).")
    var minBPM: Double?

    @Option(name: .customLong("max-bpm"), help: "Fastest tempo considered.")
    var maxBPM: Double = 215

    @Flag(help: "Replace output files that exist.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress bar and no notes on stderr.")
    var quiet = false

    func validate() throws {
        let slowest = minBPM ?? BeatTrackingOptions().minBPM
        guard slowest >= 20, maxBPM <= 400, maxBPM > slowest * 1.5 else {
            throw ValidationError("--min-bpm and --max-bpm: 20 to 400 BPM, the maximum at least 1.5x the minimum")
        }
        if json, let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) ask for two formats: give one")
        }
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            let unit = try cuts.map(CutUnit.init)
            let source = try AudioOpener.open(file)
            defer { source.close() }
            let seconds = source.info.durationSeconds
            let analysis = try withProgress("beats", quiet: quiet) {
                try analyzeBeats(source, options: BeatTrackingOptions(minBPM: minBPM, maxBPM: maxBPM), progress: $0)
            }
            if !analysis.steady && !quiet {
                FileHandle.standardError.write(Data("seed: note: \(file): no steady beat found\n".utf8))
            }
            let end = seconds ?? (analysis.beats.last?.time ?? 0)
            let cutSegments = unit.map { cutList(analysis, unit: $0, end: end) }
            let text = try formatBeats(analysis, format: json ? .json : format ?? .json, cuts: cutSegments, input: file)
            if let output {
                let out = try OutputFile(output, inputs: [file], force: force)
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: out.tempPath))
                    try out.commit()
                } catch {
                    out.discard()
                    throw error
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            if let click {
                try writeClickTrack(input: file, output: click, beats: analysis.beats, force: force)
            }
        }
    }
}

extension BeatFormat: ExpressibleByArgument {}
