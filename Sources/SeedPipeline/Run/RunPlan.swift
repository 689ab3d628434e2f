import Foundation
import SeedClient

/// One row of a batch: a file and what to make of it.
public struct RunPlanRow: Equatable, Sendable {
    public var file: String?
    public var prompt: String?
    public var target: SkillTarget?
    public var output: String?
    /// Line of the plan file, for messages.
    public var line: Int

    public init(file: String?, prompt: String?, target: SkillTarget? = nil, output: String? = nil, line: Int) {
        self.file = file
        self.prompt = prompt
        self.target = target
        self.output = output
        self.line = line
    }
}

/// A `seed run --plan` file: CSV with a header line naming the columns `file,prompt[,target,output]`
/// (RFC 4180 quoting), or JSON Lines with the same keys. Relative paths are read from the plan's folder.
public enum RunPlan {
    public static let columns = ["file", "prompt", "target", "output"]

    /// The rows of the plan at `path`.
    public static func read(_ path: String) throws -> [RunPlanRow] {
        guard let data = FileManager.default.contents(atPath: path) else { throw APIError.fileMissing(path) }
        let text = String(decoding: data, as: UTF8.self)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let trimmed = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        let rows = trimmed.hasPrefix("{") ? try jsonLines(text, path: path) : try csv(text, path: path)
        if rows.isEmpty { throw APIError.usage("\(path): the plan has no rows") }
        return rows.map { row in
            var r = row
            r.file = r.file.map { resolve($0, in: folder) }
            r.output = r.output.map { resolve($0, in: folder) }
            return r
        }
    }

    static func resolve(_ p: String, in folder: URL) -> String {
        let expanded = (p as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : folder.appendingPathComponent(expanded).standardizedFileURL.path
    }

    static func row(_ fields: [String: String], line: Int, path: String) throws -> RunPlanRow {
        func value(_ k: String) -> String? {
            fields[k].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var target: SkillTarget?
        if let t = value("target") {
            guard let st = SkillTarget(rawValue: t) else {
                throw APIError.usage("\(path):\(line): unknown target \"\(t)\" (one of \(SkillTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            target = st
        }
        return RunPlanRow(file: value("file"), prompt: value("prompt"), target: target, output: value("output"), line: line)
    }

    static func jsonLines(_ text: String, path: String) throws -> [RunPlanRow] {
        var rows: [RunPlanRow] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw APIError.usage("\(path):\(i + 1): not a JSON object with file and prompt")
            }
            var fields: [String: String] = [:]
            for (k, v) in obj { if let s = v as? String { fields[k.lowercased()] = s } }
            rows.append(try row(fields, line: i + 1, path: path))
        }
        return rows
    }

    static func csv(_ text: String, path: String) throws -> [RunPlanRow] {
        let records = parseCSV(text)
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { return [] }
        guard header.contains("file") || header.contains("prompt") else {
            throw APIError.usage("\(path): the first line must name the columns: file,prompt[,target,output]")
        }
        if let unknown = header.first(where: { !columns.contains($0) }) {
            throw APIError.usage("\(path): unknown column \"\(unknown)\" (columns: file,prompt[,target,output])")
        }
        return try records.dropFirst().compactMap { rec in
            if rec.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return nil }
            guard rec.fields.count <= header.count else {
                throw APIError.usage("\(path):\(rec.line): \(rec.fields.count) fields for \(header.count) columns (quote a prompt with commas)")
            }
            var fields: [String: String] = [:]
            for (k, v) in zip(header, rec.fields) { fields[k] = v }
            return try row(fields, line: rec.line, path: path)
        }
    }

    /// RFC 4180 records: fields split on commas, double quotes around fields that hold commas,
    /// quotes ("") or line breaks.
    static func parseCSV(_ text: String) -> [(fields: [String], line: Int)] {
        var records: [(fields: [String], line: Int)] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, start = 1
        var chars = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""
            } else if c == "\n" {
                fields.append(field); field = ""
                records.append((fields, start))
                fields = []; line += 1; start = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append((fields, start)) }
        return records
    }
}
