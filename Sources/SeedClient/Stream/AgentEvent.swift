import Foundation

/// One event of the chat stream, as the agent server (Google ADK kind) sends it in a `data:`
/// line: `{"author":…,"content":{"role":"model","parts":[…]},"partial":…}`. Unknown shapes
/// read as `.other` and are skipped.
public enum AgentEvent: Equatable {
    /// Reply text; `partial` pieces are later sent again whole.
    case text(String, partial: Bool)
    case toolCall(String)
    case toolResult(String)
    /// An error reported inside the stream.
    case failure(code: Int, message: String)
    /// Nothing to show: an empty `data:` line or a keep-alive object.
    case heartbeat
    case other

    /// The events one `data:` payload carries (a payload may hold text and a tool call).
    public static func parse(_ data: String) -> [AgentEvent] {
        let trimmed = data.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [.heartbeat] }
        guard let json = JSONValue.parse(Data(trimmed.utf8)), json.object != nil else {
            return [trimmed.lowercased().contains("heartbeat") || trimmed.lowercased() == "ping" ? .heartbeat : .other]
        }
        if let type = json["type"]?.string?.lowercased(), type == "heartbeat" || type == "ping" { return [.heartbeat] }
        if let code = (json["error_code"] ?? json["errorCode"] ?? json["code"])?.int, code != 0, code != 200 {
            let message = (json["error_message"] ?? json["errorMessage"] ?? json["message"])?.string ?? ""
            return [.failure(code: code, message: message)]
        }
        if let code = json["error_code"]?.string ?? json["errorCode"]?.string {
            return [.failure(code: 0, message: (json["error_message"] ?? json["errorMessage"])?.string ?? code)]
        }
        guard let content = json["content"], let parts = content["parts"]?.array else {
            return [json.object?.isEmpty == true ? .heartbeat : .other]
        }
        if content["role"]?.string == "user" { return [.other] }
        let partial = json["partial"]?.bool ?? false
        var events: [AgentEvent] = []
        for part in parts {
            if let t = part["text"]?.string {
                if part["thought"]?.bool == true { continue }
                events.append(.text(t, partial: partial))
            } else if let call = part["functionCall"] ?? part["function_call"] {
                events.append(.toolCall(call["name"]?.string ?? ""))
            } else if let result = part["functionResponse"] ?? part["function_response"] {
                events.append(.toolResult(result["name"]?.string ?? ""))
            }
        }
        return events.isEmpty ? [.other] : events
    }
}

/// Turns streamed text events into what is shown exactly once: partial pieces as they come, then
/// of the final whole text only what the pieces did not already show. Lines are handed on
/// complete (translated by `GUIWording`); the rest waits for more text or `finish`.
public struct ReplyAssembler {
    private var shownThisMessage = ""
    private var pendingLine = ""
    /// Everything shown, translated.
    public private(set) var fullText = ""

    public init() {}

    /// Adds a text event; returns text ready to print.
    public mutating func add(_ text: String, partial: Bool) -> String {
        var fresh: String
        if partial {
            // Pieces are deltas; a server that resends the whole text so far is handled too.
            if !shownThisMessage.isEmpty, text.hasPrefix(shownThisMessage) {
                fresh = String(text.dropFirst(shownThisMessage.count))
                shownThisMessage = text
            } else {
                fresh = text
                shownThisMessage += text
            }
        } else {
            if shownThisMessage.isEmpty {
                fresh = text
            } else if text.hasPrefix(shownThisMessage) {
                fresh = String(text.dropFirst(shownThisMessage.count))
            } else if Self.squeezed(text) == Self.squeezed(shownThisMessage) {
                fresh = ""
            } else {
                fresh = "\n" + text
            }
            shownThisMessage = ""
            if !(fresh.isEmpty && pendingLine.isEmpty) && !(fresh + pendingLine).hasSuffix("\n") { fresh += "\n" }
        }
        pendingLine += fresh
        return takeCompleteLines()
    }

    /// The stream ended: whatever is left, with a final newline.
    public mutating func finish() -> String {
        guard !pendingLine.isEmpty else { return "" }
        var rest = GUIWording.translate(pendingLine)
        pendingLine = ""
        if !rest.hasSuffix("\n") { rest += "\n" }
        fullText += rest
        return rest
    }

    private mutating func takeCompleteLines() -> String {
        guard let cut = pendingLine.lastIndex(of: "\n") else { return "" }
        let ready = String(pendingLine[...cut])
        pendingLine = String(pendingLine[pendingLine.index(after: cut)...])
        let translated = GUIWording.translate(ready)
        fullText += translated
        return translated
    }

    private static func squeezed(_ s: String) -> String { s.filter { !$0.isWhitespace } }
}
