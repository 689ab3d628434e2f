import Foundation

/// The backend writes as if the user had its web editor open. These rules turn its GUI
/// instructions into what a seed user does instead (API.md, "The SSE stream"): click → do it
/// through the API (here: the seed command), open → read the state, drag/drop → send the edit
/// as a message, preview in timeline → the timeline summary, Export → the export command.
public enum GUIWording {
    private struct Rule {
        let pattern: NSRegularExpression
        let replacement: String
        init(_ p: String, _ r: String) {
            pattern = try! NSRegularExpression(pattern: p, options: [.caseInsensitive])
            replacement = r
        }
    }

    private static let rules: [Rule] = [
        // Export first, so "click the Export button" becomes the export command, not a message.
        Rule(#"\b(?:click|tap|press|hit|select)(?:\s+on)?\s+(?:the\s+)?["“']?export["”']?(?:\s+(?:button|icon|option))?"#, "run `seed export`"),
        Rule(#"点击\s*[「“"]?导出[」”"]?(?:按钮)?"#, "运行 `seed export`"),
        Rule(#"\b(?:preview|check|view)\s+(?:it\s+|them\s+|the\s+result\s+)?in\s+the\s+timeline"#, "check the timeline with `seed status`"),
        Rule(#"在时间线(?:中|上|里)?预览"#, "用 `seed status` 查看时间线"),
        Rule(#"\bopen\s+(?:the\s+)?([\w-]+(?:\s+[\w-]+)?)\s+(?:panel|tab|window|view|editor|page)"#, "look at the $1 with `seed status`"),
        Rule(#"\bopen\s+(?:the\s+)?timeline"#, "look at the timeline with `seed status`"),
        Rule(#"打开\s*([^\s，。,]{0,8}?)(?:面板|窗口|页面|时间线)"#, "用 `seed status` 查看$1"),
        Rule(#"\bdrag(?:\s*(?:and|&|/|-)\s*drop)?\s+(?:the\s+)?"#, "ask in a message (`seed ask`) to move the "),
        Rule(#"\bdrop\s+(?:it|them|the\s+\w+)\s+(?:on|onto|into)\s+"#, "ask in a message (`seed ask`) to put it on "),
        Rule(#"拖拽|拖动"#, "用 `seed ask` 发消息说明要移动"),
        Rule(#"\b(?:click|tap|press)(?:\s+on)?\s+(?:the\s+)?["“']?([\w -]{1,30}?)["”']?\s+button"#, "ask for \"$1\" in a message (`seed ask`)"),
        Rule(#"\b(?:click|tap)(?:\s+on)?\s+"#, "ask in a message (`seed ask`) for "),
        Rule(#"点击\s*"#, "用 `seed ask` 发消息："),
        Rule(#"\bthe\s+["“']?export["”']?\s+button"#, "`seed export`"),
        Rule(#"[「“"]?导出[」”"]?按钮"#, "`seed export`"),
    ]

    /// Rewrites the GUI instructions in `text`; other text is left as it was.
    public static func translate(_ text: String) -> String {
        var t = text
        for rule in rules {
            let range = NSRange(t.startIndex..., in: t)
            t = rule.pattern.stringByReplacingMatches(in: t, range: range, withTemplate: rule.replacement)
        }
        return t
    }
}
