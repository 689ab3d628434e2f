import Foundation
import SeedDSP

/// The beat markers written into the prompt: one bracketed line, seconds with 2 decimals,
/// bounded in length whatever the clip.
///
///     [seed beat markers v1: clip 30.00 s; tempo 120.0 BPM; meter 4/4; first downbeat 0.52 s;
///      downbeats 0.52 2.52 …; beats 0.02 0.52 1.02 …]
///
/// Rules that keep it short: all beats are listed up to `maxListed` (64); beyond that the beat
/// list is replaced by "beats N every X s, not listed" (they follow from the downbeats and the
/// tempo), and at most `maxListed` downbeats are listed, with "first 64 of N". A clip without a
/// steady beat says "no steady beat (free time)". At most about 700 characters.
public enum BeatMarkers {
    public static let maxListed = 64

    /// The marker line for a clip of `seconds` with this analysis (beat times relative to the clip).
    public static func line(_ a: BeatAnalysis, clipSeconds seconds: Double) -> String {
        var fields = [String(format: "clip %.2f s", seconds)]
        guard a.steady, a.bpm > 0, !a.beats.isEmpty else {
            fields.append("no steady beat (free time)")
            return "[seed beat markers v1: " + fields.joined(separator: "; ") + "]"
        }
        let t = { (x: Double) in String(format: "%.2f", x) }
        fields.append(String(format: "tempo %.1f BPM", a.bpm))
        fields.append("meter \(a.meter)")
        let downs = a.downbeats
        if let first = downs.first { fields.append("first downbeat \(t(first)) s") }
        if !downs.isEmpty {
            var d = "downbeats " + downs.prefix(maxListed).map(t).joined(separator: " ")
            if downs.count > maxListed { d += " (first \(maxListed) of \(downs.count))" }
            fields.append(d)
        }
        if a.beats.count <= maxListed {
            fields.append("beats " + a.beats.map { t($0.time) }.joined(separator: " "))
        } else {
            fields.append(String(format: "beats %d every %.2f s, not listed", a.beats.count, 60 / a.bpm))
        }
        return "[seed beat markers v1: " + fields.joined(separator: "; ") + "]"
    }

    /// The message sent to the service: the user's words, then the marker line.
    public static func prompt(_ text: String, markers: String?) -> String {
        guard let markers else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" + markers
    }
}
