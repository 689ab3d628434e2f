import ArgumentParser
import Foundation
import SeedClient
import SeedPipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "From a local file and a prompt to a downloaded MP4, in one command.",
        discussion: """
        Steps: prepare the seed clip → token → session → upload (the clip, and --video clips) → the \
        prompt with the clip's beat markers → chat (the reply streams) → state check → export → \
        poll → download. Every step is saved in seed's state folder as it finishes, so after a \
        crash or Ctrl-C `seed run --resume` continues where it stopped: nothing is uploaded or sent \
        twice and the same render is followed.

        Products (--target):
        \(SkillTarget.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))
        A file is needed for mureka-ai and music-video-clip, optional for music-creator-ai, and not \
        taken by music-generator-free-easy (prompt only).

        The beat markers appended to the prompt look like:
          [seed beat markers v1: clip 30.00 s; tempo 120.0 BPM; meter 4/4; first downbeat 0.02 s; downbeats 0.02 2.02 …; beats 0.02 0.52 …]
        (all beats up to 64, then downbeats only; at most 64 downbeats; "no steady beat" for free time).
        """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var common: OutputOptions

    @Argument(help: "The audio file (a hum, a song); leave out for a prompt-only product.")
    var file: String?

    @Option(help: "What to make, in words.")
    var prompt: String?

    @Option(name: .customLong("video"), help: "A video clip to upload with the song (music-video-clip; repeatable).")
    var videos: [String] = []

    @Option(name: .shortAndLong, help: "Where to save the MP4 (default: next to the input as NAME.mp4).")
    var output: String?

    @Option(help: "Clip length instead of the product's default, e.g. 30s.")
    var best: String?

    @Flag(help: "Replace the output MP4 if it exists (never an input).")
    var force = false

    @Flag(help: "Continue the last unfinished run from where it stopped.")
    var resume = false

    @Option(name: .customLong("run"), help: "With --resume: the run id to continue (default: the newest).")
    var runID: String?

    func validate() throws {
        if resume {
            if file != nil || prompt != nil { throw ValidationError("--resume takes no file or prompt: the run keeps its own") }
        } else if prompt == nil {
            throw ValidationError("say what to make with --prompt \"...\" (or --resume an earlier run)")
        }
        if runID != nil && !resume { throw ValidationError("--run goes with --resume") }
    }

    func run() throws {
        try reportingErrors {
            let c = try client.makeClient(quiet: common.quiet)
            let pipeline = RunPipeline(client: c)
            let chatty = !common.quiet && !common.json
            let bar = ProgressBar("working", quiet: common.hideProgress)
            var callbacks = RunCallbacks()
            callbacks.step = { step, line, done in
                bar.finish()
                if chatty {
                    let n = RunStep.allCases.firstIndex(of: step)! + 1
                    Console.err("seed: [\(n)/\(RunStep.allCases.count)] \(line)\(done ? " ✓" : "")")
                }
            }
            callbacks.progress = bar.handler
            var streamed = false
            callbacks.text = { t in
                guard chatty else { return }
                Console.out(t, newline: false)
                streamed = true
            }
            callbacks.stillWorking = { _ in if chatty { Console.err("Still working...") } }
            callbacks.renderStatus = renderStatusPrinter(enabled: chatty)
            let result: RunResult
            defer { bar.finish() }
            if resume {
                result = try pipeline.resume(id: runID, callbacks: callbacks)
            } else {
                var request = RunRequest(input: file, prompt: prompt ?? "")
                request.videos = videos
                request.output = output
                request.seconds = try best.map(parseDuration)
                request.force = force
                result = try pipeline.start(request, callbacks: callbacks)
            }
            bar.finish()
            if streamed { Console.out("") }
            if common.json { try Console.json(result); return }
            if !common.quiet {
                if let t = result.timeline { Console.out(t) }
                Console.out("\(result.output): \(formatBytes(result.bytes)) (render \(result.renderID), \(result.runID))")
            }
        }
    }
}
