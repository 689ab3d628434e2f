import Foundation

/// One finished upload: what was sent and what the service answered (its `data`, as given).
public struct UploadOutcome: Encodable {
    public var source: String
    public var bytes: Int64?
    public var sessionID: String
    public var result: JSONValue?
}

extension NemoClient {
    /// Checks a file as the service would (type 4001, size 4002) before any byte is sent.
    public func checkUpload(_ path: String) throws -> (bytes: Int64, contentType: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw APIError.fileMissing(path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw APIError.unsupportedFileType(path) }
        guard let type = UploadTypes.contentType(for: path) else { throw APIError.unsupportedFileType(path) }
        let size = Int64(st.st_size)
        guard size > 0 else { throw APIError.emptyFile(path) }
        guard size <= settings.target.maxUploadBytes else {
            throw APIError.fileTooLarge(path, bytes: size, limit: settings.target.maxUploadBytes, target: settings.target)
        }
        return (size, type)
    }

    /// Uploads one file as multipart field `files`, streamed from disk. Not retried after it may
    /// have arrived (an upload is not idempotent); `progress` gets the fraction sent.
    public func upload(file path: String, progress: @escaping (Double) -> Void = { _ in }) throws -> UploadOutcome {
        let (size, type) = try checkUpload(path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        var sessionUsed = ""
        let (_, json) = try send("uploading \(name)", method: "POST", needsSession: true, idempotent: false,
                                 timeout: nil, idleTimeout: 120, progress: { _, _, total, sent in
            if total > 0 { progress(Double(sent) / Double(total)) }
            return true
        }) { sid in
            sessionUsed = sid!
            return ("/api/upload-video/nemo_agent/me/\(Self.pathSegment(sid!))",
                    .file(field: "files", path: path, filename: name, contentType: type), [])
        }
        progress(1)
        return UploadOutcome(source: path, bytes: size, sessionID: sessionUsed, result: json?["data"] ?? json)
    }

    /// Asks the service to fetch media from URLs (`{"urls":[…],"source_type":"url"}`).
    public func upload(urls: [String]) throws -> UploadOutcome {
        for u in urls {
            guard let c = URLComponents(string: u), ["http", "https"].contains(c.scheme?.lowercased() ?? ""), c.host != nil else {
                throw APIError.usage("\(u) is not an http(s) URL")
            }
        }
        var sessionUsed = ""
        let (_, json) = try send("uploading by URL", method: "POST", needsSession: true, idempotent: false) { sid in
            sessionUsed = sid!
            let body: JSONValue = ["urls": .array(urls.map { .string($0) }), "source_type": "url"]
            return ("/api/upload-video/nemo_agent/me/\(Self.pathSegment(sid!))", Self.json(body), [])
        }
        return UploadOutcome(source: urls.joined(separator: " "), bytes: nil, sessionID: sessionUsed, result: json?["data"] ?? json)
    }
}
