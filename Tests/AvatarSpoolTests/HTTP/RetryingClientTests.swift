import AvatarHTTP
import Foundation
import Testing

/// A transport that answers from a script, for pure RetryingClient tests.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<HTTPResponse, HTTPTransportError>]
    private(set) var calls: [ContinuousClock.Instant] = []

    init(_ script: [Result<HTTPResponse, HTTPTransportError>]) { self.script = script }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, HTTPTransportError> = lock.withLock {
            calls.append(.now)
            return script.isEmpty ? .success(HTTPResponse(status: 200, headers: [:], body: [])) : script.removeFirst()
        }
        return try next.get()
    }

    var callCount: Int { lock.withLock { calls.count } }
}

@Suite("RetryingClient")
struct RetryingClientTests {
    static func status(_ code: Int, _ headers: [String: String] = [:]) -> Result<HTTPResponse, HTTPTransportError> {
        .success(HTTPResponse(status: code, headers: headers, body: []))
    }
    static let reset = Result<HTTPResponse, HTTPTransportError>.failure(
        HTTPTransportError(kind: .connectionReset, curlCode: 56, message: "reset", url: "u"))
    let request = HTTPRequest(method: "GET", url: "http://x/")
    let fast = RetryPolicy(base: .milliseconds(5), cap: .milliseconds(20))

    @Test("transient failures are retried until success")
    func retriesToSuccess() async throws {
        let transport = ScriptedTransport([Self.status(500), Self.reset, Self.status(503)])
        let client = RetryingClient(transport: transport, policy: fast, name: "test")
        #expect(try await client.send(request).status == 200)
        #expect(transport.callCount == 4)
    }

    @Test("a permanent failure is returned at once")
    func permanent() async throws {
        let transport = ScriptedTransport([Self.status(400), Self.status(200)])
        let client = RetryingClient(transport: transport, policy: fast, name: "test")
        #expect(try await client.send(request).status == 400)
        #expect(transport.callCount == 1)
    }

    @Test("after maxAttempts the last failure is returned or thrown")
    func exhausted() async throws {
        let policy = RetryPolicy(maxAttempts: 3, base: .milliseconds(1), cap: .milliseconds(2))
        let statuses = ScriptedTransport(Array(repeating: Self.status(502), count: 5))
        #expect(try await RetryingClient(transport: statuses, policy: policy, name: "t").send(request).status == 502)
        #expect(statuses.callCount == 3)
        let resets = ScriptedTransport(Array(repeating: Self.reset, count: 5))
        await #expect(throws: HTTPTransportError.self) {
            try await RetryingClient(transport: resets, policy: policy, name: "t").send(request)
        }
        #expect(resets.callCount == 3)
    }

    @Test("a 429 with Retry-After pauses the whole provider")
    func providerBackoff() async throws {
        let transport = ScriptedTransport([Self.status(429, ["retry-after-ms": "300"])])
        let bucket = TokenBucket(perMinute: nil)
        let client = RetryingClient(transport: transport, policy: fast, bucket: bucket, name: "test")
        let start = ContinuousClock.now
        async let first = client.send(request)
        try await Task.sleep(for: .milliseconds(50))
        // A second request started during the pause waits for it too.
        let second = try await client.send(request)
        #expect(second.status == 200)
        #expect(ContinuousClock.now - start >= .milliseconds(290))
        #expect(try await first.status == 200)
    }
}
