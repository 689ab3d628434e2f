import Foundation
import SeedAudio

/// Runs another sink on a thread of its own, so the stage that feeds it (decoding, the limiter)
/// and the stage it runs (the LAME encoder, a true-peak meter) use both cores. Blocks are copied
/// into a bounded queue (at most `depth` waiting), so memory stays a few blocks; an error on the
/// worker is thrown by the next `write` or by `finish`.
public final class ThreadedSink: AudioSink {
    private let channel: Channel

    public init(_ next: AudioSink, depth: Int = 4) {
        channel = Channel(next: next, depth: max(1, depth))
        // The worker holds the channel, not this sink, so a producer that gives up before
        // finish() still frees the sink, whose deinit ends the worker.
        let thread = Thread { [channel] in channel.work() }
        thread.name = "seed.sink"
        thread.start()
    }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        try channel.put(Array(samples), frames: frames)
    }

    public func finish() throws { try channel.close(wait: true) }

    deinit { try? channel.close(wait: false) }

    private final class Channel: @unchecked Sendable {
        let next: AudioSink
        let depth: Int
        let condition = NSCondition()
        var queue: [(samples: [Float], frames: Int)] = []
        var closed = false
        var done = false
        var failure: Error?
        var cancelled = false

        init(next: AudioSink, depth: Int) {
            self.next = next
            self.depth = depth
        }

        func put(_ samples: [Float], frames: Int) throws {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= depth && failure == nil { condition.wait() }
            if let failure { throw failure }
            queue.append((samples, frames))
            condition.broadcast()
        }

        func close(wait: Bool) throws {
            condition.lock()
            defer { condition.unlock() }
            closed = true
            if !wait && !done { cancelled = true; queue.removeAll() }  // abandoned: nothing more is written
            condition.broadcast()
            guard wait else { return }
            while !done { condition.wait() }
            if let failure { throw failure }
        }

        func work() {
            var abandoned = false
            while true {
                condition.lock()
                while queue.isEmpty && !closed { condition.wait() }
                if queue.isEmpty {
                    abandoned = cancelled
                    condition.unlock()
                    break
                }
                let item = queue.removeFirst()
                condition.broadcast()
                condition.unlock()
                do {
                    try item.samples.withUnsafeBufferPointer { try next.write($0, frames: item.frames) }
                } catch {
                    finish(failure: error)
                    abandoned = true
                    break
                }
            }
            if abandoned { return }
            do { try next.finish(); finish(failure: nil) } catch { finish(failure: error) }
        }

        private func finish(failure: Error?) {
            condition.lock()
            if let failure { self.failure = failure; queue.removeAll() }
            done = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
