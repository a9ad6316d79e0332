import AvatarHTTP
import AvatarSystem
import CCurl
import Foundation

/// The transport the S3 tests use.
func makeS3TestTransport() -> any HTTPTransport { MiniCurlTransport() }

/// A minimal libcurl transport, private to the S3 tests, used until the
/// project's `CurlHTTPClient` (branch `http`) is merged. One attempt per call,
/// blocking `curl_easy_perform` on a dedicated pool.
struct MiniCurlTransport: HTTPTransport {
    static let pool = BlockingPool(name: "s3-test-curl", threads: 8)

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await Self.pool.run { try Self.perform(request) }
    }

    /// Per-transfer state, reached from the callbacks through `Unmanaged`.
    final class Transfer {
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var fd: Int32 = -1
        var bytes: [UInt8] = []
        var offset: Int64 = 0
        var remaining: Int64 = 0
    }

    static func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let transfer = Transfer()
        switch request.body {
        case .none: break
        case .bytes(let b):
            transfer.bytes = b
            transfer.remaining = Int64(b.count)
        case .file(let path, let offset, let length):
            transfer.fd = try Sys.open(path, O_RDONLY)
            transfer.offset = offset
            transfer.remaining = length
        }
        defer { if transfer.fd >= 0 { Sys.close(transfer.fd) } }
        let length = transfer.remaining
        guard let h = curl_easy_init() else {
            throw HTTPTransportError(kind: .other, curlCode: -1, message: "curl_easy_init failed", url: request.url)
        }
        defer { curl_easy_cleanup(h) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in request.headers { list = curl_slist_append(list, value.isEmpty ? "\(name):" : "\(name): \(value)") }
        defer { curl_slist_free_all(list) }
        let ctx = Unmanaged.passUnretained(transfer).toOpaque()
        _ = ccurl_setopt_string(h, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        _ = ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        _ = ccurl_setopt_data_cb(h, CURLOPT_WRITEFUNCTION) { ptr, size, n, ud in
            let t = Unmanaged<Transfer>.fromOpaque(ud!).takeUnretainedValue()
            t.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: size * n))
            return size * n
        }
        _ = ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, ctx)
        _ = ccurl_setopt_data_cb(h, CURLOPT_HEADERFUNCTION) { ptr, size, n, ud in
            let t = Unmanaged<Transfer>.fromOpaque(ud!).takeUnretainedValue()
            let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: size * n), as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                t.headers = [:]
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                t.headers[name] = value
            }
            return size * n
        }
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, ctx)
        _ = ccurl_setopt_data_cb(h, CURLOPT_READFUNCTION) { ptr, size, n, ud in
            let t = Unmanaged<Transfer>.fromOpaque(ud!).takeUnretainedValue()
            let want = Int(min(Int64(size * n), t.remaining))
            if want == 0 { return 0 }
            var got = 0
            if t.fd >= 0 {
                got = pread(t.fd, ptr, want, off_t(t.offset))
                if got < 0 { return Int(CURL_READFUNC_ABORT) }
            } else {
                let start = t.bytes.count - Int(t.remaining)
                t.bytes.withUnsafeBytes { UnsafeMutableRawPointer(ptr!).copyMemory(from: $0.baseAddress! + start, byteCount: want) }
                got = want
            }
            t.offset += Int64(got)
            t.remaining -= Int64(got)
            return got
        }
        _ = ccurl_setopt_pointer(h, CURLOPT_READDATA, ctx)
        switch request.method {
        case "HEAD": _ = ccurl_setopt_long(h, CURLOPT_NOBODY, 1)
        case "GET": _ = ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "PUT":
            _ = ccurl_setopt_long(h, CURLOPT_UPLOAD, 1)
            _ = ccurl_setopt_off(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(length))
        case "POST":
            _ = ccurl_setopt_long(h, CURLOPT_POST, 1)
            _ = ccurl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length))
        default:
            _ = ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let sigv4 = request.awsSigV4 {
            _ = ccurl_setopt_string(h, CURLOPT_AWS_SIGV4, sigv4)
            if let credentials = request.awsCredentials { _ = ccurl_setopt_string(h, CURLOPT_USERPWD, credentials) }
        }
        let rc = curl_easy_perform(h)
        guard rc == CURLE_OK else {
            let kind: HTTPTransportError.Kind = switch rc {
            case CURLE_OPERATION_TIMEDOUT: .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST: .connectionFailed
            case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: .connectionReset
            default: .other
            }
            throw HTTPTransportError(kind: kind, curlCode: Int(rc.rawValue),
                                     message: String(cString: curl_easy_strerror(rc)), url: request.url)
        }
        var status = 0
        _ = ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }
}
