import AvatarSystem
import CCurl
import Foundation

/// The one HTTP client: libcurl easy handles driven on dedicated threads.
///
/// Each transfer runs `curl_easy_perform` on a thread of the client's own
/// `BlockingPool` (never on Swift's cooperative pool). Easy handles are kept
/// in a free list and reused (after `curl_easy_reset`, which keeps the
/// connection cache), so connections to the same host are reused; there are
/// never more handles than threads. Cancelling the calling task aborts the
/// transfer within about a second (libcurl's progress callback).
public final class CurlHTTPClient: HTTPTransport, @unchecked Sendable {
    // Confinement: `idle` is only touched under `lock`; a handle taken from
    // `idle` belongs to exactly one transfer until it is returned.
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let pool: BlockingPool
    /// The User-Agent sent with every request.
    public let userAgent: String
    /// How many transfers may run at once (threads of the pool).
    public let maxInFlight: Int

    /// - Parameters:
    ///   - maxInFlight: threads, hence transfers that can run at once; more wait in line.
    ///   - version: avatar-spool's version, for the User-Agent.
    public init(maxInFlight: Int = 16, version: String = "0.1.0") {
        _ = CurlGlobal.initialised
        self.maxInFlight = max(1, maxInFlight)
        self.pool = BlockingPool(name: "avatar-curl", threads: self.maxInFlight)
        self.userAgent = "avatar-spool/\(version) \(CurlGlobal.versionToken)"
    }

    deinit {
        pool.shutdown()
        for handle in idle { curl_easy_cleanup(handle) }
    }

    /// Sends one request, once.
    /// - Throws: `HTTPTransportError` when no HTTP response arrived
    ///   (`curl_easy_perform` failed), including `.cancelled` when the task was cancelled.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer()
        if Task.isCancelled { throw Self.error(code: CURLE_ABORTED_BY_CALLBACK, transfer: transfer, url: request.url) }
        return try await withTaskCancellationHandler {
            try await pool.run { [self] in try self.perform(request, transfer: transfer) }
        } onCancel: {
            transfer.cancel()
        }
    }

    private func takeHandle() -> UnsafeMutableRawPointer? {
        lock.lock()
        let handle = idle.popLast()
        lock.unlock()
        return handle ?? curl_easy_init()
    }

    private func giveBack(_ handle: UnsafeMutableRawPointer) {
        lock.lock()
        idle.append(handle)
        lock.unlock()
    }

    /// Runs on a pool thread: configures a handle, performs, collects.
    private func perform(_ request: HTTPRequest, transfer: CurlTransfer) throws -> HTTPResponse {
        guard transfer.cancelled == false else {
            throw Self.error(code: CURLE_ABORTED_BY_CALLBACK, transfer: transfer, url: request.url)
        }
        guard let handle = takeHandle() else {
            throw HTTPTransportError(kind: .other, curlCode: Int(CURLE_FAILED_INIT.rawValue),
                                     message: "curl_easy_init failed", url: Self.redacted(request.url))
        }
        defer {
            curl_easy_reset(handle)
            giveBack(handle)
        }

        switch request.body {
        case .none: transfer.source = .none
        case .bytes(let bytes): transfer.source = .bytes(bytes)
        case .file(let path, let offset, let length):
            do {
                let fd = try Sys.open(path, O_RDONLY | O_CLOEXEC)
                transfer.source = .file(fd: fd, offset: offset, length: length)
            } catch {
                throw HTTPTransportError(kind: .other, curlCode: Int(CURLE_READ_ERROR.rawValue),
                                         message: "cannot open the upload body: \(error)", url: Self.redacted(request.url))
            }
        }

        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headers) }
        let hasBody: Bool = if case .none = request.body { false } else { true }
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name):" : "\($0.name): \($0.value)" }
        let names = Set(request.headers.map { $0.name.lowercased() })
        // libcurl 7.88's SigV4 signer lists every line of the header list in
        // SignedHeaders, including the empty `Name:` lines that only tell libcurl
        // to drop a header, which it then does not send: the server's signature
        // can never match (SignatureDoesNotMatch). Signed requests get no such
        // lines; libcurl's own `Expect: 100-continue` is answered at once by S3.
        let signed = request.awsSigV4 != nil
        if !signed, !names.contains("expect") { lines.append("Expect:") }
        if !signed, hasBody, !names.contains("transfer-encoding") { lines.append("Transfer-Encoding:") }
        // libcurl would label a POST body form-urlencoded; send no type rather than a wrong one.
        if !signed, request.method.uppercased() == "POST", !names.contains("content-type") { lines.append("Content-Type:") }
        for line in lines { headers = curl_slist_append(headers, line) }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var rc = CURLE_OK
        func set(_ code: CURLcode) { if rc == CURLE_OK { rc = code } }

        set(ccurl_setopt_string(handle, CURLOPT_URL, request.url))
        set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, transfer.errorBuffer))
        set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.millis(request.timeout)))
        set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.millis(request.connectTimeout)))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        set(ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        set(ccurl_setopt_string(handle, CURLOPT_USERAGENT, userAgent))
        set(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        set(ccurl_setopt_string(handle, CURLOPT_NOPROXY, CurlGlobal.noProxy))
        set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers))
        set(ccurl_setopt_data_cb(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        set(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        set(ccurl_setopt_data_cb(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        set(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        set(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
        set(ccurl_setopt_xferinfo_cb(handle, curlXferInfoCallback))
        set(ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))

        let method = request.method.uppercased()
        let length = curl_off_t(transfer.uploadLength)
        switch method {
        case "GET" where !hasBody:
            set(ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "HEAD":
            set(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case "PUT":
            set(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set(ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, length))
        default:
            if hasBody || method == "POST" {
                set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
                set(ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, length))
            }
            if method != "POST" { set(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
        }
        if hasBody || method == "POST" || method == "PUT" {
            set(ccurl_setopt_data_cb(handle, CURLOPT_READFUNCTION, curlReadCallback))
            set(ccurl_setopt_pointer(handle, CURLOPT_READDATA, context))
            set(ccurl_setopt_seek_cb(handle, curlSeekCallback))
            set(ccurl_setopt_pointer(handle, CURLOPT_SEEKDATA, context))
        }
        if let sigv4 = request.awsSigV4 {
            set(ccurl_setopt_string(handle, CURLOPT_AWS_SIGV4, sigv4))
            if let credentials = request.awsCredentials {
                set(ccurl_setopt_string(handle, CURLOPT_USERPWD, credentials))
            }
        }
        guard rc == CURLE_OK else {
            throw HTTPTransportError(kind: .other, curlCode: Int(rc.rawValue),
                                     message: "curl_easy_setopt: \(String(cString: curl_easy_strerror(rc)))",
                                     url: Self.redacted(request.url))
        }

        let result = curl_easy_perform(handle)
        guard result == CURLE_OK else {
            if let readError = transfer.readError {
                throw HTTPTransportError(kind: .other, curlCode: Int(result.rawValue), message: readError,
                                         url: Self.redacted(request.url))
            }
            throw Self.error(code: result, transfer: transfer, url: request.url)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.received.bytes)
    }

    private static func millis(_ seconds: Double) -> Int {
        seconds <= 0 ? 0 : max(1, Int((seconds * 1000).rounded()))
    }

    static func error(code: CURLcode, transfer: CurlTransfer, url: String) -> HTTPTransportError {
        var message = transfer.errorMessage
        if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        if transfer.cancelled { message = "cancelled" }
        return HTTPTransportError(kind: HTTPTransportError.Kind(curlCode: Int(code.rawValue)),
                                  curlCode: Int(code.rawValue), message: message, url: redacted(url))
    }

    /// The URL without user info and query (which may carry credentials or signatures).
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<url>" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "<url>"
    }
}
