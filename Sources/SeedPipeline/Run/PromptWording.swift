import Foundation
import SeedClient

/// Turns a creator's words ("calm piano, 30 seconds") into a concrete request for the product.
/// The service's agent answers a bare mood with chat and generates nothing; a request that says
/// what to make gets a track. The words are kept whole after a short per-product lead-in, and
/// words that already ask for something are sent as they are.
///
/// Templates (`<N>`: the length said in the words, else the product's clip length):
///   - mureka-ai: "Generate a full song with instruments from my hummed melody: <words>"
///   - music-video-clip: "Make a beat-synced music video from my song and video clips: <words>"
///   - music-creator-ai: "Generate <N> seconds of original background music for my video[, based on the uploaded audio]: <words>"
///   - music-generator-free-easy: "Generate a <N>-second royalty-free background music track: <words>"
public enum PromptWording {
    /// Verbs that make the words a request for a generation already (English and Chinese), at
    /// their start. Kept to generation verbs: anything else gets the product's lead-in, which
    /// keeps the words whole and costs nothing.
    static let requestVerbs = ["generate", "make", "create", "add", "compose", "produce"]
    static let chineseRequests = ["生成", "制作", "创作", "做一", "添加", "加上", "帮我", "请帮我", "请生成", "给我做", "来一首", "写一首"]

    /// The message for `words` on `target`; `seconds` is the clip length asked with --best.
    public static func request(_ words: String, target: SkillTarget, seconds: Double?, hasAudio: Bool) -> String {
        let text = words.trimmingCharacters(in: .whitespacesAndNewlines)
        if asksForSomething(text) { return text }
        let stated = statedSeconds(text) != nil
        let n = Int((seconds ?? target.profile.seconds).rounded())
        switch target {
        case .murekaAI:
            return "Generate a full song with instruments from my hummed melody: \(text)"
        case .musicVideoClip:
            return "Make a beat-synced music video from my song and video clips: \(text)"
        case .musicCreatorAI:
            let length = stated ? "" : "\(n) seconds of "
            return "Generate \(length)original background music for my video\(hasAudio ? ", based on the uploaded audio" : ""): \(text)"
        case .musicGeneratorFreeEasy:
            let length = stated ? "" : "\(n)-second "
            return "Generate a \(length)royalty-free background music track: \(text)"
        }
    }

    /// Whether the words open with a request ("Generate…", "please make…", "帮我生成…").
    public static func asksForSomething(_ text: String) -> Bool {
        var t = text.lowercased()
        for lead in ["please ", "pls ", "can you ", "could you ", "i want you to ", "i'd like you to "] where t.hasPrefix(lead) {
            t.removeFirst(lead.count)
        }
        let first = t.prefix { $0.isLetter || $0 == "'" }
        if requestVerbs.contains(String(first)) { return true }
        return chineseRequests.contains { text.hasPrefix($0) }
    }

    /// A length said in the words ("30 seconds", "45s of", "1-minute", "2 min", "30秒", "1分钟"), in
    /// seconds. A bare "s" after a round number is a decade ("90s house") unless "of"/"long" follows.
    public static func statedSeconds(_ text: String) -> Double? {
        let pattern = #"(\d+(?:\.\d+)?)[\s-]*(seconds?|secs?|s\b|minutes?|mins?|m\b|秒|分钟)(\s+\w+)?"#
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return nil }
        let ns = text as NSString
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            guard let value = Double(ns.substring(with: m.range(at: 1))) else { continue }
            let unit = ns.substring(with: m.range(at: 2)).lowercased()
            if unit == "s" {
                let next = m.range(at: 3).location == NSNotFound ? "" : ns.substring(with: m.range(at: 3)).trimmingCharacters(in: .whitespaces).lowercased()
                let roundNumber = value.truncatingRemainder(dividingBy: 10) == 0
                if value > 600 || (roundNumber && next != "" && next != "of" && next != "long") { continue }
            }
            return unit.hasPrefix("m") || unit == "分钟" ? value * 60 : value
        }
        return nil
    }
}
