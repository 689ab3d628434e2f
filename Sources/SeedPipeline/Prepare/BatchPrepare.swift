import Foundation
import SeedFiles
import SeedAudio

/// How one file of a batch went.
public struct PrepareOutcome {
    public var input: String
    public var result: Result<ClipSidecar, Error>
}

/// Runs jobs `parallel` at a time, carrying on past failures; `done` is called (on a worker
/// thread, one call at a time) as each file finishes. Results come back in input order.
public func prepareAll(_ jobs: [PrepareJob], parallel: Int, done: @escaping @Sendable (Int, PrepareOutcome) -> Void) -> [PrepareOutcome] {
    let lock = NSLock()
    var next = 0
    var outcomes = [PrepareOutcome?](repeating: nil, count: jobs.count)
    // Two inputs that would write the same clip (a.wav and a.flac, or same names from two folders
    // into one -o folder): the later ones fail rather than race.
    var claimed: [String: String] = [:]
    var clash: [Int: String] = [:]
    for (i, j) in jobs.enumerated() {
        if let first = claimed[j.clipPath] { clash[i] = first } else { claimed[j.clipPath] = j.input }
    }
    DispatchQueue.concurrentPerform(iterations: max(1, min(parallel, jobs.count))) { _ in
        while true {
            let i: Int? = lock.withLock {
                guard next < jobs.count else { return nil }
                next += 1
                return next - 1
            }
            guard let i else { return }
            let job = jobs[i]
            let result: Result<ClipSidecar, Error>
            if let first = clash[i] {
                result = .failure(FileError.writeFailed(
                    job.clipPath, reason: "\(first) makes a clip of the same name; give them separate -o folders"))
            } else {
                result = Result { try job.run() }
            }
            let outcome = PrepareOutcome(input: job.input, result: result)
            lock.withLock {
                outcomes[i] = outcome
                done(i, outcome)
            }
        }
    }
    return outcomes.map { $0! }
}
