import Foundation

/// Reads the beat-marker line back out of a prompt, independently of the code that writes it,
/// so tests can check the prompt against the sidecar.
public struct MarkerReader {
    public var clipSeconds: Double?
    public var bpm: Double?
    public var meter: Int?
    public var firstDownbeat: Double?
    public var downbeats: [Double] = []
    public var beats: [Double] = []
    public var steady = true
    public var raw: String

    public init?(prompt: String) {
        guard let open = prompt.range(of: "[seed beat markers v1: "),
              let close = prompt[open.upperBound...].firstIndex(of: "]") else { return nil }
        raw = String(prompt[open.lowerBound...close])
        for field in prompt[open.upperBound..<close].components(separatedBy: "; ") {
            let words = field.split(separator: " ").map(String.init)
            guard let key = words.first else { continue }
            switch key {
            case "clip": clipSeconds = Double(words[1])
            case "tempo": bpm = Double(words[1])
            case "meter": meter = Int(words[1].split(separator: "/")[0])
            case "first": firstDownbeat = Double(words[2])
            case "downbeats": downbeats = words.dropFirst().prefix { Double($0) != nil }.compactMap(Double.init)
            case "beats": beats = words.count > 2 && words[2] == "every" ? [] : words.dropFirst().compactMap(Double.init)
            case "no": steady = false
            default: break
            }
        }
    }
}
