/// One HTTP request, as every provider and the S3 store build it.
public struct HTTPRequest: Sendable {
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// Streamed from a file, `length` bytes from `offset` (S3 uploads and parts).
        case file(path: String, offset: Int64, length: Int64)
    }

    public var method: String
    public var url: String
    /// Header lines in order; names as written. An empty value sends `Name:`
    /// (which tells libcurl to drop a header it would add, such as `Expect`).
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Whole-transfer time-out in seconds (images: at least 180).
    public var timeout: Double
    public var connectTimeout: Double
    /// libcurl's CURLOPT_AWS_SIGV4 provider string, e.g. "aws:amz:us-east-1:s3";
    /// with `awsCredentials` the request is signed by libcurl.
    public var awsSigV4: String?
    /// "ACCESS_KEY:SECRET_KEY" for SigV4. Never logged.
    public var awsCredentials: String?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [],
                body: Body = .none, timeout: Double = 60, connectTimeout: Double = 10,
                awsSigV4: String? = nil, awsCredentials: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.awsSigV4 = awsSigV4
        self.awsCredentials = awsCredentials
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A transfer that produced no HTTP response.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout, connectionFailed, connectionReset, cancelled, other
    }
    public var kind: Kind
    /// libcurl's CURLcode.
    public var curlCode: Int
    /// libcurl's message (its error buffer), never containing credentials.
    public var message: String
    public var url: String

    public init(kind: Kind, curlCode: Int, message: String, url: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
    }

    public var description: String { "\(kind.rawValue) (\(url)): \(message)" }
}

/// Sends one request, one attempt. The libcurl client implements it; retries,
/// rate limits and concurrency limits are layered on top.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
