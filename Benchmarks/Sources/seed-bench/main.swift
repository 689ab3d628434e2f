import Foundation
import SeedAudio
import SeedDSP
import SeedPipeline

// In-process timings of the library steps on one file (default: a 3-minute stereo WAV made by
// compare.sh): decode, resample with each engine, MP3 encode. Median of 5 runs after a warm-up.

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

func time(_ label: String, runs: Int = 5, _ body: () throws -> Void) rethrows {
    try body()  // warm-up: page cache, lazy library init
    var t: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        t.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print(String(format: "| %@ | %.3f |", label, median(t)))
}

/// A sink that only counts, so a step's cost is measured without the file write.
final class NullSink: AudioSink {
    var frames = 0
    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws { self.frames += frames }
    func finish() throws {}
}

let args = CommandLine.arguments
// Development aid: `seed-bench --odf FILE` prints the onset track (total, low, mid, high per frame) as CSV.
if args.count == 3, args[1] == "--odf" {
    let track = try onsetTrack(try AudioOpener.open(args[2]))
    for i in 0..<track.count { print("\(track.total[i]),\(track.low[i]),\(track.mid[i]),\(track.high[i])") }
    exit(0)
}
// Development aid for Training/: `seed-bench --beat-features LIST` reads lines `IN<TAB>OUT.npy` and
// writes each input's beat-network features (frames × features, float32 .npy), through the same
// extractor `seed beats` runs, so the network is trained on exactly what it sees at run time.
// `--beat-features-at-level LIST` also reads each input at the level `seed beats` reads it at
// (`OnsetTrack.readAtAnalysisLevel`: training excerpts are shorter than one stream chunk).
if args.count == 3, args[1] == "--beat-features" || args[1] == "--beat-features-at-level" {
    for line in try String(contentsOfFile: args[2], encoding: .utf8).split(separator: "\n") {
        let parts = line.split(separator: "\t").map(String.init)
        guard parts.count == 2 else { continue }
        var track = try onsetTrack(try AudioOpener.open(parts[0]), keepsBands: true)
        if args[1] == "--beat-features-at-level" { track.readAtAnalysisLevel() }
        let width = track.count > 0 ? track.bands.count / track.count : 0
        try writeNpy(track.bands, rows: track.count, columns: width, to: parts[1])
    }
    exit(0)
}

// Development aid for Training/fit_decision.py: `seed-bench --steady-cues LIST` reads one audio
// path a line and prints, tab-separated, the path and what `seed beats`' steady-beat decision
// reads there (`SteadyBeatCues`): the evidence, then the model's two inputs, `logEvidence` and
// `excessPeriodicity` ("-" where no beats were decoded), so the fit reads what the decision reads.
if args.count == 3, args[1] == "--steady-cues" {
    for path in try String(contentsOfFile: args[2], encoding: .utf8).split(separator: "\n").map(String.init) where !path.isEmpty {
        let a = try analyzeBeats(try AudioOpener.open(path))
        let cues = a.cues.map { String(format: "%.6f\t%.6f\t%.6f", $0.evidence, $0.logEvidence, $0.excessPeriodicity) } ?? "-\t-\t-"
        print("\(path)\t\(cues)")
    }
    exit(0)
}

/// NumPy's .npy format, version 1.0, little-endian float32, C order.
func writeNpy(_ values: [Float], rows: Int, columns: Int, to path: String) throws {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let n = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
    data.append(contentsOf: Array(header.utf8))
    values.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: 4 * $0.count)) }
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
}

guard args.count >= 2 else {
    print("usage: seed-bench FILE.wav [OUT_DIR]")
    exit(64)
}
let input = args[1]
let outDir = args.count > 2 ? args[2] : NSTemporaryDirectory()
let info = try AudioOpener.open(input).info
print("input: \(input), \(info.sampleRate) Hz, \(info.channels) ch, \(String(format: "%.1f", info.durationSeconds ?? 0)) s")
print("| step (in-process) | seconds |")
print("|---|---|")
let target = info.sampleRate == 48000 ? 44100 : 48000
func settings(_ rate: Int, _ format: OutputFormat = .wav) -> EncoderSettings {
    EncoderSettings(format: format, sampleRate: rate, channels: info.channels, mp3: .cbr(kbps: 192))
}
try time("decode to float") {
    let src = try AudioOpener.open(input)
    try transcode(src, into: NullSink(), settings: settings(info.sampleRate))
}
for engine in ResamplerEngine.allCases {
    for quality in [ResampleQuality.hq, .vhq] {
        try time("resample \(info.sampleRate)→\(target) \(engine) \(quality) (decode included)") {
            let src = try AudioOpener.open(input)
            try transcode(src, into: NullSink(), settings: settings(target),
                          resample: ResampleOptions(engine: engine, quality: quality))
        }
    }
}
try time("MP3 192k CBR encode (decode included)") {
    let src = try AudioOpener.open(input)
    let path = outDir + "/seed-bench.mp3"
    try transcode(src, into: try Mp3Sink(path: path, settings: settings(info.sampleRate, .mp3)), settings: settings(info.sampleRate, .mp3))
}
try time("loudness + true peak scan (decode included)") { _ = try scanInfo(path: input) }
