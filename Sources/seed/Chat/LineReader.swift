import Foundation
import SeedClient

/// Reads lines for `seed chat`: on a terminal with line editing (←/→, Home/End, Backspace,
/// Delete, Ctrl-A/E/U/K) and history (↑/↓, kept in the state folder); from a pipe, plain lines.
final class LineReader {
    enum Input: Equatable { case line(String), interrupted, end }

    let interactive = isatty(STDIN_FILENO) != 0
    private var history: [String] = []
    private let historyPath: String?
    private static let keep = 500

    init(historyPath: String?) {
        self.historyPath = historyPath
        if let p = historyPath, let text = try? String(contentsOfFile: p, encoding: .utf8) {
            history = text.split(separator: "\n").suffix(Self.keep).map(String.init)
        }
    }

    func read(prompt: String) -> Input {
        guard interactive else {
            guard let line = readLine(strippingNewline: true) else { return .end }
            return .line(line)
        }
        let result = edit(prompt: prompt)
        if case .line(let l) = result, !l.trimmingCharacters(in: .whitespaces).isEmpty, history.last != l {
            history.append(l)
            saveHistory()
        }
        return result
    }

    private func saveHistory() {
        guard let p = historyPath else { return }
        let text = history.suffix(Self.keep).joined(separator: "\n") + "\n"
        // Private (0600) and atomic like the rest of the state folder: it holds what the user typed.
        try? AtomicFile.write(Data(text.utf8), to: p)
    }

    // MARK: - Terminal editing

    private func edit(prompt: String) -> Input {
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var raw = saved
        // No echo, no line buffering, no signals (Ctrl-C arrives as a byte), CR not mapped to NL.
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }

        var line: [Character] = []
        var cursor = 0
        var browsing = history.count   // index into history while ↑/↓ browse; count = the new line
        var draft: [Character] = []
        func redraw() {
            let text = String(line)
            let back = displayWidth(String(line[cursor...]))
            var out = "\r\u{1B}[2K" + prompt + text
            if back > 0 { out += "\u{1B}[\(back)D" }
            emit(out)
        }
        redraw()
        var pending: [UInt8] = []
        while true {
            guard let byte = readByte() else { emit("\r\n"); return line.isEmpty ? .end : .line(String(line)) }
            switch byte {
            case 13, 10:
                emit("\r\n")
                return .line(String(line))
            case 3:  // Ctrl-C: drop the line
                emit("^C\r\n")
                return .interrupted
            case 4:  // Ctrl-D: end on an empty line, else delete under the cursor
                if line.isEmpty { emit("\r\n"); return .end }
                if cursor < line.count { line.remove(at: cursor) }
            case 127, 8:
                if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }
            case 1: cursor = 0
            case 5: cursor = line.count
            case 21: line.removeSubrange(0..<cursor); cursor = 0
            case 11: line.removeSubrange(cursor...)
            case 27:
                guard readByte() == UInt8(ascii: "[") else { break }
                var code = readByte() ?? 0
                var number = 0
                while (48...57).contains(code) { number = number * 10 + Int(code - 48); code = readByte() ?? 0 }
                switch code {
                case UInt8(ascii: "A"), UInt8(ascii: "B"):
                    if browsing == history.count { draft = line }
                    browsing = code == UInt8(ascii: "A") ? max(0, browsing - 1) : min(history.count, browsing + 1)
                    line = browsing == history.count ? draft : Array(history[browsing])
                    cursor = line.count
                case UInt8(ascii: "C"): cursor = min(line.count, cursor + 1)
                case UInt8(ascii: "D"): cursor = max(0, cursor - 1)
                case UInt8(ascii: "H"): cursor = 0
                case UInt8(ascii: "F"): cursor = line.count
                case UInt8(ascii: "~"):
                    if number == 1 || number == 7 { cursor = 0 }
                    if number == 4 || number == 8 { cursor = line.count }
                    if number == 3, cursor < line.count { line.remove(at: cursor) }
                default: break
                }
            default:
                guard byte >= 32 else { break }
                // Collect a whole UTF-8 sequence before inserting it.
                pending.append(byte)
                if let s = String(validatingUTF8: pending.map { CChar(bitPattern: $0) } + [0]) {
                    for ch in s { line.insert(ch, at: cursor); cursor += 1 }
                    pending.removeAll()
                } else if pending.count >= 4 {
                    pending.removeAll()
                }
            }
            redraw()
        }
    }

    private func readByte() -> UInt8? {
        var b: UInt8 = 0
        while true {
            let n = Foundation.read(STDIN_FILENO, &b, 1)
            if n == 1 { return b }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private func emit(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }
}

/// Terminal columns a string takes: East Asian wide characters take two.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (wide ? 2 : 1)
    }
}
