import Foundation

/// What the user sees while a reply streams in.
public struct ChatCallbacks {
    /// Reply text, translated, in order, each piece shown once.
    public var text: (String) -> Void
    /// Called every "Still working..." period while nothing is shown; seconds waited so far.
    public var stillWorking: (Double) -> Void

    public init(text: @escaping (String) -> Void, stillWorking: @escaping (Double) -> Void) {
        self.text = text
        self.stillWorking = stillWorking
    }
}

/// The outcome of one message.
public struct ChatResult: Encodable {
    public var sessionID: String
    public var reply: String
    /// What changed in the project while the message was handled (read from the state).
    public var changes: [String]
    public var timeline: String?
    /// The stream dropped and the result was found by reading the state.
    public var recoveredAfterDrop: Bool
}

extension NemoClient {
    /// Sends one message over `POST /run_sse` and follows the stream (API.md, "The SSE stream").
    /// The message is never sent twice once it may have arrived: after a dropped stream the
    /// state is read until it changes or the recovery time runs out.
    public func ask(_ message: String, callbacks: ChatCallbacks) throws -> ChatResult {
        let timings = settings.timings
        _ = try sessionID(create: true)
        let before = try? projectState()
        var parser = EventStreamParser()
        var assembler = ReplyAssembler()
        let started = Date()
        var lastShown = started, lastContent = started
        var streamError: (Int, String)?
        var heartbeatsOnly = false

        let sink = ResponseSink.stream { data in
            for item in parser.feed(data) {
                guard case .event(let e) = item else { continue }
                for event in AgentEvent.parse(e.data) {
                    switch event {
                    case .text(let t, let partial):
                        lastContent = Date()
                        let out = assembler.add(t, partial: partial)
                        if !out.isEmpty { callbacks.text(out); lastShown = Date() }
                    case .toolCall, .toolResult:
                        lastContent = Date()
                    case .failure(let code, let text):
                        streamError = (code, text)
                    case .heartbeat, .other:
                        break
                    }
                }
            }
            return true
        }
        // libcurl calls this about once a second even when no byte arrives, so the timers run
        // while the server is silent too.
        let tick: (Int64, Int64, Int64, Int64) -> Bool = { _, _, _, _ in
            let now = Date()
            if now.timeIntervalSince(lastShown) >= timings.stillWorkingInterval {
                callbacks.stillWorking(now.timeIntervalSince(started))
                lastShown = now
            }
            if now.timeIntervalSince(lastContent) >= timings.heartbeatOnlyTimeout {
                heartbeatsOnly = true
                return false
            }
            return true
        }

        var sessionUsed = ""
        do {
            try send("sending the message", method: "POST", needsSession: true, idempotent: false, sink: sink,
                     timeout: timings.chatTimeout, idleTimeout: timings.streamIdleTimeout, progress: tick) { sid in
                sessionUsed = sid!
                let body: JSONValue = ["app_name": "nemo_agent", "user_id": "me", "session_id": .string(sid!),
                                       "new_message": ["parts": [["text": .string(message)]]]]
                return ("/run_sse", Self.json(body), [("Accept", "text/event-stream")])
            }
        } catch TransportError.aborted where heartbeatsOnly {
            flush(&assembler, callbacks)
            throw APIError.timedOut("waiting for the reply (\(Self.minutes(timings.heartbeatOnlyTimeout)) of heartbeats with no content)")
        } catch let APIError.network(_, detail, maybeDelivered) where maybeDelivered {
            flush(&assembler, callbacks)
            if Date().timeIntervalSince(started) >= timings.chatTimeout - 1 {
                throw APIError.timedOut("waiting for the reply (\(Self.minutes(timings.chatTimeout)) ceiling)")
            }
            notice("the connection dropped (\(detail)); the message is not sent again, watching the project for the result")
            return try recover(session: sessionUsed, before: before, reply: assembler.fullText)
        }
        flush(&assembler, callbacks)
        if let (code, text) = streamError {
            if code == 2001 { throw APIError.outOfCredits(registerLink: registerLink()) }
            throw APIError.service("the reply", code: code, message: Secrets.redact(text))
        }
        let after = try? projectState()
        let changes = after.map { Timeline.changes(from: before, to: $0) } ?? []
        return ChatResult(sessionID: sessionUsed, reply: assembler.fullText, changes: changes,
                          timeline: after?.summary, recoveredAfterDrop: false)
    }

    private func flush(_ assembler: inout ReplyAssembler, _ callbacks: ChatCallbacks) {
        let rest = assembler.finish()
        if !rest.isEmpty { callbacks.text(rest) }
    }

    /// After a dropped stream: watch the state; changed → report it; unchanged after the
    /// recovery limit (API.md: about 5 minutes) → give up without sending again.
    private func recover(session: String, before: ProjectState?, reply: String) throws -> ChatResult {
        guard let after = try watchProject(until: { before == nil || !Timeline.changes(from: before, to: $0).isEmpty }) else {
            throw APIError.noResult("the connection dropped and the project did not change within \(Self.minutes(settings.timings.recoveryLimit)); "
                + "the message was not sent twice, so run the same `seed ask` again to retry")
        }
        return ChatResult(sessionID: session, reply: reply, changes: Timeline.changes(from: before, to: after),
                          timeline: after.summary, recoveredAfterDrop: true)
    }

    static func minutes(_ s: Double) -> String {
        s >= 120 ? "\(Int((s / 60).rounded())) min" : "\(Int(s.rounded())) s"
    }
}
