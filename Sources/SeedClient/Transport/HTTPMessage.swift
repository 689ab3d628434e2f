import Foundation

/// One HTTP request as the client layer describes it, before libcurl sees it.
public struct HTTPRequest {
    public enum Body {
        case none
        case json(Data)
        /// A multipart form with one file part, streamed from disk while it is sent.
        case file(field: String, path: String, filename: String, contentType: String)
    }

    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Body
    /// Whole-transfer limit in seconds (nil: none, for uploads and downloads of any size).
    public var timeout: Double?
    /// The transfer is given up when no byte moves for this long.
    public var idleTimeout: Double

    public init(method: String, url: String, headers: [(String, String)] = [], body: Body = .none,
                timeout: Double? = 120, idleTimeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
    }
}

/// Status, headers (names lower-cased) and, unless it was streamed elsewhere, the body.
public struct HTTPResponse {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Where a successful response body goes. Error bodies are always collected so their code can be read.
public enum ResponseSink {
    case collect
    /// Each piece as it arrives; return false to stop the transfer.
    case stream((Data) -> Bool)
}

/// Failures below HTTP: the request may not have been sent at all, or broke off midway.
public enum TransportError: Error, Equatable {
    /// Nothing reached the server (connection refused, name not resolved): safe to send again.
    case notConnected(String)
    /// No byte moved for the idle limit, or the whole-transfer limit passed.
    case timedOut(String)
    /// The connection broke after the request started: the server may have acted on it.
    case dropped(String)
    /// Stopped by the caller's sink or progress callback.
    case aborted
    /// A local problem: a file that cannot be read, an option libcurl refused.
    case local(String)

    public var detail: String {
        switch self {
        case .notConnected(let s), .timedOut(let s), .dropped(let s), .local(let s): return s
        case .aborted: return "stopped"
        }
    }
}
