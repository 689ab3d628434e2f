import Foundation

/// What a line typed into `seed chat` asks for (API.md, "Routing user words").
public enum ChatRoute: Equatable, Sendable {
    case export(output: String?)
    case credits
    case status
    /// Files to upload (audio is prepared into a seed clip first).
    case upload([String])
    /// An `upload` with no file named.
    case uploadWithoutFile
    case chat(String)
    case help
    case quit
    case empty
}

/// Routes a typed line: the words API.md lists, in English and Chinese, a dropped file path, or
/// else a message for the service.
public enum ChatRouter {
    static let export = ["export", "download", "导出", "下载"]
    static let credits = ["credits", "balance", "积分", "余额"]
    static let status = ["status", "show tracks", "状态", "tracks"]
    static let upload = ["upload", "上传"]
    static let quit = ["quit", "exit", "bye", "退出"]
    static let help = ["help", "?", "帮助"]
    /// Words that may follow a command word without making it a message ("export it", "download please").
    static let filler: Set<String> = ["it", "now", "please", "the", "video", "my", "project", "me", "吧", "一下", "请"]

    /// The route for `line`; `isFile` tells whether a path names an existing file.
    public static func route(_ line: String, isFile: (String) -> Bool) -> ChatRoute {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .empty }
        // A path dropped on the terminal: the whole line, maybe quoted or with escaped spaces.
        let dropped = paths(in: trimmed)
        if !dropped.isEmpty, dropped.allSatisfy(isFile) { return .upload(dropped) }

        let plain = trimmed.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".!?。！？ "))
        for w in upload where plain == w || plain.hasPrefix(w + " ") || (w == "上传" && plain.hasPrefix(w)) {
            let rest = String(trimmed.dropFirst(w.count)).trimmingCharacters(in: .whitespaces)
            if rest.isEmpty { return .uploadWithoutFile }
            let files = paths(in: rest)
            if !files.isEmpty, files.allSatisfy(isFile) { return .upload(files) }
            return .chat(trimmed)
        }
        if let rest = command(plain, export) {
            // "export clip.mp4" names the output.
            let words = rest.split(separator: " ").map(String.init)
            if let out = words.first(where: { $0.hasSuffix(".mp4") }), words.count == 1 { return .export(output: out) }
            if words.allSatisfy(filler.contains) { return .export(output: nil) }
        }
        if let rest = command(plain, credits), rest.split(separator: " ").allSatisfy({ filler.contains(String($0)) }) { return .credits }
        if let rest = command(plain, status), rest.split(separator: " ").allSatisfy({ filler.contains(String($0)) }) { return .status }
        if quit.contains(plain) { return .quit }
        if help.contains(plain) { return .help }
        return .chat(trimmed)
    }

    /// The rest of the line after a command word that starts it ("" when it is the whole line).
    private static func command(_ plain: String, _ words: [String]) -> String? {
        for w in words {
            if plain == w { return "" }
            if plain.hasPrefix(w + " ") { return String(plain.dropFirst(w.count + 1)) }
            // Chinese needs no space: "导出吧".
            if w.unicodeScalars.first.map({ $0.value >= 0x3000 }) == true, plain.hasPrefix(w) {
                return String(plain.dropFirst(w.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Paths as a shell would split them: quotes ('…' or "…") and backslash-escaped spaces, as
    /// terminals paste a dragged file. `file://` URLs are accepted too.
    static func paths(in text: String) -> [String] {
        var out: [String] = [], current = "", quote: Character? = nil, escaped = false, any = false
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" && quote != "'" { escaped = true; continue }
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
                continue
            }
            if ch == "'" || ch == "\"" { quote = ch; any = true; continue }
            if ch == " " || ch == "\t" {
                if !current.isEmpty || any { out.append(current) }
                current = ""; any = false
                continue
            }
            current.append(ch)
        }
        if !current.isEmpty { out.append(current) }
        return out.map { p in
            if p.hasPrefix("file://"), let u = URL(string: p), u.isFileURL { return u.path }
            return (p as NSString).expandingTildeInPath
        }
    }
}
