import AvatarHTTP
import Foundation
import Synchronization
@testable import AvatarStorage

/// Counts requests by method and passes them on.
final class CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        counts.withLock { $0[request.method, default: 0] += 1 }
        return try await inner.send(request)
    }

    func count(_ method: String) -> Int { counts.withLock { $0[method, default: 0] } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// Sends every upload with a Content-MD5 that does not match its body.
struct WrongMD5Transport: HTTPTransport {
    let inner: any HTTPTransport

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var r = request
        r.headers = r.headers.map { $0.name == "Content-MD5" ? (name: $0.name, value: "AAAAAAAAAAAAAAAAAAAAAA==") : $0 }
        return try await inner.send(r)
    }
}

enum S3Fixtures {
    static func settings(_ server: SeaweedServer, bucket: String? = nil, secret: String? = nil,
                         publicURL: String? = nil, threshold: Int64 = S3Settings.defaultMultipartThreshold) -> S3Settings {
        S3Settings(endpoint: server.endpoint, accessKey: server.accessKey, secretKey: secret ?? server.secretKey,
                   bucket: bucket ?? server.bucket, publicURL: publicURL, multipartThreshold: threshold)
    }

    /// Tiny backoff so retry tests finish quickly.
    static let fastRetry = RetryPolicy(maxAttempts: 3, base: .milliseconds(10), cap: .milliseconds(50))

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "avatar-s3-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `size` random bytes in a new file.
    static func randomFile(_ size: Int, in dir: String, name: String = "file.bin") throws -> String {
        let path = dir + "/" + name
        let src = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        defer { try? src.close() }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let dst = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? dst.close() }
        var left = size
        while left > 0 {
            let chunk = try src.read(upToCount: min(left, 1 << 20)) ?? Data()
            try dst.write(contentsOf: chunk)
            left -= chunk.count
        }
        return path
    }

    /// A unique key under a test prefix.
    static func key(_ name: String) -> String {
        S3Keys.key(prefix: "test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", taskID: "t1", persona: 1, file: name)
    }

    /// GETs `key` back through the S3 API, signed.
    static func get(_ store: S3Store, _ key: String) async throws -> HTTPResponse {
        var request = store.signed("GET", store.requestURL(for: key))
        request.timeout = 120
        return try await store.transport.send(request)
    }
}

/// The transport the S3 tests use: the project's libcurl client, one shared
/// instance (its easy handles and connections are reused across tests).
func makeS3TestTransport() -> any HTTPTransport { s3TestClient }

private let s3TestClient = CurlHTTPClient(maxInFlight: 8)
