import Foundation

/// Credit balance (`GET /api/credits/balance/simple`).
public struct Credits: Encodable, Equatable {
    public var available: Double
    public var frozen: Double
    public var total: Double
}

extension NemoClient {
    /// The account's credits; fields read from `data.x` or top-level `x`.
    public func credits() throws -> Credits {
        let (_, json) = try send("reading credits", method: "GET", idempotent: true) { _ in
            ("/api/credits/balance/simple", .none, [])
        }
        func field(_ name: String) -> Double? { (json?.at("data.\(name)") ?? json?[name])?.double }
        guard let available = field("available") else { throw APIError.unexpectedResponse("reading credits") }
        return Credits(available: available, frozen: field("frozen") ?? 0, total: field("total") ?? available + (field("frozen") ?? 0))
    }

    /// The session's latest state (`GET /api/state/nemo_agent/me/<sid>/latest`).
    public func projectState(create: Bool = false) throws -> ProjectState {
        _ = try sessionID(create: create)
        let (_, json) = try send("reading the project state", method: "GET", needsSession: true, idempotent: true) { sid in
            ("/api/state/nemo_agent/me/\(Self.pathSegment(sid!))/latest", .none, [])
        }
        guard json != nil else { throw APIError.unexpectedResponse("reading the project state") }
        return ProjectState(json: json)
    }

    /// Reads the project until `done` holds for its state, first after `recoveryWait`, then at
    /// doubling intervals, for up to `recoveryLimit` (API.md: after a dropped stream, watch the
    /// state rather than send again). Returns that state, or nil when the time ran out.
    public func watchProject(until done: (ProjectState) -> Bool) throws -> ProjectState? {
        let timings = settings.timings
        var wait = max(timings.recoveryWait, 0.05), waited = 0.0
        while waited < timings.recoveryLimit {
            let step = min(wait, timings.recoveryLimit - waited)
            pause(step)
            if cancelled() { throw APIError.cancelled("watching the project") }
            waited += step
            do {
                let state = try projectState()
                if done(state) { return state }
            } catch let e as APIError where e.isSessionGone {
                throw e   // nothing left to watch; a passing network error is read again later
            } catch {}
            if waited < timings.recoveryLimit { notice("no change in the project yet (\(Int(waited)) s)") }
            wait *= 2
        }
        return nil
    }

    static func pathSegment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s
    }
}
