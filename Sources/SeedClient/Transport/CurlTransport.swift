import CCurl
import Foundation

/// Runs HTTP requests through libcurl's easy interface: JSON bodies, multipart uploads streamed
/// from disk, bodies streamed to a callback (SSE, downloads), progress and idle time-outs.
public final class CurlTransport {
    public let userAgent: String

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(userAgent: String) {
        _ = Self.globalInit
        self.userAgent = userAgent
    }

    /// Per-transfer state reached from libcurl's C callbacks through an opaque pointer.
    private final class Transfer {
        let handle: UnsafeMutableRawPointer
        let sink: ResponseSink
        let progress: ((Int64, Int64, Int64, Int64) -> Bool)?
        var body = Data()
        var headers: [String: String] = [:]
        var streaming: Bool?
        var stoppedBySink = false

        init(handle: UnsafeMutableRawPointer, sink: ResponseSink, progress: ((Int64, Int64, Int64, Int64) -> Bool)?) {
            self.handle = handle
            self.sink = sink
            self.progress = progress
        }

        func receive(_ data: Data) -> Bool {
            if streaming == nil {
                // Error answers (non-2xx, or a JSON error envelope) are kept whole so their code can be read.
                let status = seed_curl_response_code(handle)
                let isJSON = headers["content-type"]?.contains("json") ?? false
                if case .stream = sink, (200..<300).contains(status), !isJSON { streaming = true } else { streaming = false }
            }
            if streaming == true, case .stream(let f) = sink {
                if !f(data) { stoppedBySink = true; return false }
            } else {
                body.append(data)
            }
            return true
        }
    }

    /// Performs `request`. `progress(downloadTotal, downloaded, uploadTotal, uploaded)` returns false to stop.
    public func perform(_ request: HTTPRequest, sink: ResponseSink = .collect,
                        progress: ((Int64, Int64, Int64, Int64) -> Bool)? = nil) throws -> HTTPResponse {
        guard let h = curl_easy_init() else { throw TransportError.local("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(h) }
        let transfer = Transfer(handle: h, sink: sink, progress: progress)
        let context = Unmanaged.passUnretained(transfer).toOpaque()

        var list: UnsafeMutablePointer<curl_slist>? = nil
        // No "Expect: 100-continue" pause before large bodies.
        var lines = request.headers.map { "\($0.0): \($0.1)" } + ["Expect:"]
        if case .json = request.body { lines.append("Content-Type: application/json") }
        for line in lines { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        var mime: OpaquePointer? = nil
        defer { if let mime { curl_mime_free(mime) } }

        seed_curl_set_string(h, CURLOPT_URL, request.url)
        seed_curl_set_string(h, CURLOPT_USERAGENT, userAgent)
        seed_curl_set_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        seed_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        seed_curl_set_long(h, CURLOPT_CONNECTTIMEOUT, 20)
        seed_curl_set_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        seed_curl_set_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(request.idleTimeout.rounded(.up))))
        if let t = request.timeout { seed_curl_set_long(h, CURLOPT_TIMEOUT_MS, Int(t * 1000)) }
        seed_curl_set_string(h, CURLOPT_ACCEPT_ENCODING, "")
        seed_curl_set_slist(h, CURLOPT_HTTPHEADER, list)

        switch request.body {
        case .none:
            if request.method == "POST" { seed_curl_set_long(h, CURLOPT_POST, 1); seed_curl_set_long(h, CURLOPT_POSTFIELDSIZE, 0) }
            else if request.method != "GET" { seed_curl_set_string(h, CURLOPT_CUSTOMREQUEST, request.method) }
        case .json(let data):
            // The size goes first so libcurl copies exactly these bytes.
            seed_curl_set_long(h, CURLOPT_POSTFIELDSIZE, data.count)
            seed_curl_set_string(h, CURLOPT_COPYPOSTFIELDS, String(decoding: data, as: UTF8.self))
            if request.method != "POST" { seed_curl_set_string(h, CURLOPT_CUSTOMREQUEST, request.method) }
        case .file(let field, let path, let filename, let type):
            guard FileManager.default.isReadableFile(atPath: path) else { throw TransportError.local("\(path): cannot be read") }
            let m = curl_mime_init(h)
            mime = m
            let part = curl_mime_addpart(m)
            curl_mime_name(part, field)
            guard curl_mime_filedata(part, path) == CURLE_OK else { throw TransportError.local("\(path): cannot be read") }
            curl_mime_filename(part, filename)
            curl_mime_type(part, type)
            seed_curl_set_mime(h, m)
        }

        seed_curl_set_write(h) { ptr, size, count, ctx in
            let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeUnretainedValue()
            let n = size * count
            return t.receive(Data(bytes: ptr!, count: n)) ? n : 0
        }
        seed_curl_set_pointer(h, CURLOPT_WRITEDATA, context)
        seed_curl_set_header(h) { ptr, size, count, ctx in
            let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeUnretainedValue()
            let n = size * count
            let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") { t.headers = [:] }
            else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                t.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return n
        }
        seed_curl_set_pointer(h, CURLOPT_HEADERDATA, context)
        if progress != nil {
            seed_curl_set_long(h, CURLOPT_NOPROGRESS, 0)
            seed_curl_set_xferinfo(h) { ctx, dlTotal, dlNow, ulTotal, ulNow in
                let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeUnretainedValue()
                return t.progress?(Int64(dlTotal), Int64(dlNow), Int64(ulTotal), Int64(ulNow)) == false ? 1 : 0
            }
            seed_curl_set_pointer(h, CURLOPT_XFERINFODATA, context)
        }

        let code = curl_easy_perform(h)
        let status = Int(seed_curl_response_code(h))
        if code != CURLE_OK {
            throw Self.error(for: code, stoppedBySink: transfer.stoppedBySink, gotResponse: status != 0)
        }
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }

    private static func error(for code: CURLcode, stoppedBySink: Bool, gotResponse: Bool) -> TransportError {
        let text = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_WRITE_ERROR where stoppedBySink, CURLE_ABORTED_BY_CALLBACK: return .aborted
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .notConnected(text)
        case CURLE_OPERATION_TIMEDOUT: return .timedOut(text)
        case CURLE_READ_ERROR, CURLE_FILE_COULDNT_READ_FILE: return .local(text)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .local(text)
        default: return .dropped(text)
        }
    }
}
