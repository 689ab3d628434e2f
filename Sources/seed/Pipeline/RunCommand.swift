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

        The words become a request for the product, kept whole ("calm piano" → "Generate a 30-second \
        royalty-free background music track: calm piano"); words that already ask ("Generate…", \
        "make…", "生成…") go as they are, and --raw-prompt sends them untouched. If the service still \
        answers without generating anything, run exits 75 with its reply; answer with `seed ask` \
        (same project), then `seed run --resume`.

        Batches: `seed run a.wav b.wav --prompt P -o out/` or `seed run --plan plan.csv` (header \
        file,prompt[,target,output]; or JSON Lines with those keys) make one run per file (its own \
        clip, session, render and out/NAME.mp4), --jobs N at once. A file that fails is named and \
        skipped; the table at the end shows each file, and the exit code is the first failure's. \
        `seed run --resume` continues every unfinished run of the batch; `seed runs` lists runs.
        """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var common: OutputOptions

    @Argument(help: "The audio file (a hum, a song); leave out for a prompt-only product. Several files make a batch: one run each.")
    var files: [String] = []

    @Option(help: "What to make, in words (a mood is fine: seed turns it into a request for the product).")
    var prompt: String?

    @Flag(help: "Send the prompt exactly as written, without the product's request wording.")
    var rawPrompt = false

    @Option(help: "A batch plan: CSV with the header file,prompt[,target,output], or JSON Lines with those keys.")
    var plan: String?

    @Option(help: "Batch runs going at once (default 1: one after another).")
    var jobs: Int = 1

    @Option(name: .customLong("video"), help: "A video clip to upload with the song (music-video-clip; repeatable).")
    var videos: [String] = []

    @Option(name: .shortAndLong, help: "Where to save the MP4 (default: next to the input as NAME.mp4); a folder ending in / for a batch.")
    var output: String?

    @Option(help: "Clip length instead of the product's default, e.g. 30s.")
    var best: String?

    @Flag(help: "Replace the output MP4 if it exists (never an input).")
    var force = false

    @Flag(help: "Continue the last unfinished run (every unfinished run of its batch) from where it stopped.")
    var resume = false

    @Option(name: .customLong("run"), help: "With --resume: the run id to continue (default: the newest).")
    var runID: String?

    var isBatch: Bool { files.count > 1 || plan != nil }

    func validate() throws {
        if resume {
            if !files.isEmpty || prompt != nil || plan != nil { throw ValidationError("--resume takes no file, prompt or plan: the run keeps its own") }
        } else if prompt == nil && plan == nil {
            throw ValidationError("say what to make with --prompt \"...\" (or --plan a batch, or --resume an earlier run)")
        }
        if plan != nil && !files.isEmpty { throw ValidationError("give the files in the plan or on the command line, not both") }
        if runID != nil && !resume { throw ValidationError("--run goes with --resume") }
        if jobs < 1 || jobs > 16 { throw ValidationError("--jobs must be between 1 and 16") }
        if files.count > 1, let o = output, !o.hasSuffix("/"), !isDirectory(o) {
            throw ValidationError("-o for several files is a folder: end it with / (\(o)/)")
        }
        if isBatch && !videos.isEmpty { throw ValidationError("--video goes with a single run, not a batch") }
    }

    @OptionGroup var damage: DamageOptions

    func run() throws {
        damage.apply()
        try reportingErrors {
            if resume {
                let c = try client.makeClient(quiet: common.quiet, followsNewestSession: false)
                if let batch = RunPipeline(client: c).unfinished(id: runID)?.batch {
                    try finishBatch(BatchRunner(options: self).resume(batch: batch, store: c.store))
                    return
                }
            }
            if isBatch {
                try finishBatch(BatchRunner(options: self).start(items: try batchItems()))
                return
            }
            try runOne()
        }
    }

    /// One run, its steps on stderr and the reply streamed on stdout.
    func runOne() throws {
        let c = try client.makeClient(quiet: common.quiet, followsNewestSession: false)
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
        do {
            if resume {
                result = try pipeline.resume(id: runID, callbacks: callbacks)
            } else {
                var request = RunRequest(input: files.first, prompt: prompt ?? "")
                request.videos = videos
                request.output = try output.map { o in
                    if o.hasSuffix("/") || isDirectory(o), let f = files.first {
                        return RunPipeline.videoPath(for: f, in: try outputFolder(o))
                    }
                    return o
                }
                request.seconds = try best.map(parseDuration)
                request.force = force
                request.rawPrompt = rawPrompt
                result = try pipeline.start(request, callbacks: callbacks)
            }
        } catch {
            bar.finish()
            if streamed { Console.out("") }
            throw error
        }
        bar.finish()
        if streamed { Console.out("") }
        if common.json { try Console.json(result); return }
        if !common.quiet {
            if let t = result.timeline { Console.out(t) }
            Console.out("\(result.output): \(formatBytes(result.bytes)) (render \(result.renderID), \(result.runID), session \(result.sessionID); refine with seed ask / seed export --target \(result.target))")
        }
    }

    /// The batch's files, from the command line or the plan.
    func batchItems() throws -> [BatchItem] {
        let seconds = try best.map(parseDuration)
        let folder = try output.map(outputFolder)
        let rows: [RunPlanRow] = try plan.map(RunPlan.read)
            ?? files.enumerated().map { RunPlanRow(file: $1, prompt: nil, line: $0 + 1) }
        return try rows.map { row in
            guard let words = row.prompt ?? prompt else {
                throw APIError.usage("\(plan ?? "plan"):\(row.line): no prompt (add one to the row, or give --prompt for all)")
            }
            var request = RunRequest(input: row.file, prompt: words)
            request.seconds = seconds
            request.force = force
            request.rawPrompt = rawPrompt
            if let o = row.output {
                request.output = o
            } else if let folder, let f = row.file {
                request.output = RunPipeline.videoPath(for: f, in: folder)
            }
            let name = row.file.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "row \(row.line)"
            return BatchItem(request: request, target: row.target ?? client.target ?? .murekaAI, name: name)
        }
    }

    /// Prints the table (or JSON) and exits with the first failure's code.
    func finishBatch(_ outcomes: [BatchOutcome]) throws {
        if common.json {
            try Console.json(outcomes)
        } else if !common.quiet {
            Console.out(BatchTable.render(outcomes))
        }
        if let failed = outcomes.first(where: { $0.status != .done }), let e = failed.failure {
            let failures = outcomes.filter { $0.status != .done }.count
            Console.err("seed: error: \(failures) of \(outcomes.count) files did not finish; first: \(failed.name): \(Secrets.redact(ErrorReporting.message(for: e)))")
            throw ExitCode(ErrorReporting.exitCode(for: e))
        }
    }

    /// -o DIR/ made if missing; the folder's path without the trailing slash.
    func outputFolder(_ o: String) throws -> String {
        var path = o
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw APIError.output("\(path): cannot make the output folder: \(error.localizedDescription)")
        }
        return path
    }
}

func isDirectory(_ path: String) -> Bool {
    var dir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
}
