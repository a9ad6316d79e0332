import AvatarHTTP
import Foundation
import Testing

@Suite("CurlHTTPClient against a loopback server")
struct CurlHTTPClientTests {
    let client = CurlHTTPClient(maxInFlight: 4)

    func json(_ response: HTTPResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    @Test("a GET returns status, lower-cased headers and body; sends our User-Agent, no Expect")
    func get() async throws {
        try await FakeServer.with { (fake) async throws in
            let response = try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/echo?x=1",
                                                              headers: [("X-Test", "yes")]))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try json(response)
            #expect(echo["method"] as? String == "GET")
            #expect(echo["path"] as? String == "/echo?x=1")
            let headers = echo["headers"] as? [String: String] ?? [:]
            #expect(headers["x-test"] == "yes")
            #expect(headers["user-agent"]?.hasPrefix("avatar-spool/") == true)
            #expect(headers["user-agent"]?.contains("libcurl/") == true)
            #expect(headers["expect"] == nil)
            #expect(headers["accept-encoding"] != nil)
        }
    }

    @Test("a POST sends its bytes with Content-Length, not chunked, no Expect")
    func postBytes() async throws {
        try await FakeServer.with { (fake) async throws in
            let bytes = Array((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let response = try await client.send(HTTPRequest(
                method: "POST", url: fake.baseURL + "/echo", headers: [("Content-Type", "application/octet-stream")],
                body: .bytes(bytes)))
            let echo = try json(response)
            let headers = echo["headers"] as? [String: String] ?? [:]
            #expect(echo["body_length"] as? Int == bytes.count)
            #expect(echo["chunked"] as? Bool == false)
            #expect(headers["content-length"] == "\(bytes.count)")
            #expect(headers["expect"] == nil)
            #expect(echo["fnv1a64"] as? String == fnv1a64(bytes))
        }
    }

    @Test("a PUT streams a slice of a file")
    func putFile() async throws {
        try await FakeServer.with { (fake) async throws in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("curl-put-\(UUID().uuidString)").path
            let bytes = Array((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let response = try await client.send(HTTPRequest(
                method: "PUT", url: fake.baseURL + "/echo", body: .file(path: path, offset: 1000, length: 150_000)))
            let echo = try json(response)
            #expect(echo["method"] as? String == "PUT")
            #expect(echo["body_length"] as? Int == 150_000)
            #expect(echo["chunked"] as? Bool == false)
            #expect(echo["fnv1a64"] as? String == fnv1a64(Array(bytes[1000..<151_000])))
        }
    }

    @Test("a POST with no body sends Content-Length: 0")
    func postEmpty() async throws {
        try await FakeServer.with { (fake) async throws in
            let echo = try json(try await client.send(HTTPRequest(method: "POST", url: fake.baseURL + "/echo")))
            #expect(echo["method"] as? String == "POST")
            #expect((echo["headers"] as? [String: String])?["content-length"] == "0")
            #expect((echo["headers"] as? [String: String])?["content-type"] == nil)
        }
    }

    @Test("a SigV4 request is signed by libcurl; the secret is not sent")
    func sigV4() async throws {
        try await FakeServer.with { (fake) async throws in
            let echo = try json(try await client.send(HTTPRequest(
                method: "PUT", url: fake.baseURL + "/echo", headers: [("x-amz-content-sha256", "UNSIGNED-PAYLOAD")],
                body: .bytes(Array("hello".utf8)), awsSigV4: "aws:amz:us-east-1:s3", awsCredentials: "AKIDEXAMPLE:s3cr3t")))
            let headers = echo["headers"] as? [String: String] ?? [:]
            #expect(headers["authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true)
            #expect(headers["authorization"]?.contains("x-amz-content-sha256") == true)
            #expect(headers["x-amz-date"] != nil)
            #expect(!"\(echo)".contains("s3cr3t"))
        }
    }

    @Test("an error status is a response, not a thrown error")
    func errorStatus() async throws {
        try await FakeServer.with { (fake) async throws in
            let response = try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/status/503"))
            #expect(response.status == 503)
        }
    }

    @Test("sequential requests reuse one connection")
    func reuse() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([])
            for _ in 0..<5 {
                _ = try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/echo"))
            }
            #expect(try await fake.stats()["connections"] as? Int == 1)
        }
    }

    @Test("a server that hangs past the time-out gives .timeout")
    func timeout() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["hang": 40]])
            let start = ContinuousClock.now
            let error = await #expect(throws: HTTPTransportError.self) {
                try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/echo", timeout: 0.4))
            }
            #expect(error?.kind == .timeout)
            #expect(error?.curlCode == 28)
            #expect(ContinuousClock.now - start < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
        }
    }

    @Test("a reset connection gives .connectionReset")
    func reset() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["reset": true]])
            let error = await #expect(throws: HTTPTransportError.self) {
                try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/echo"))
            }
            #expect(error?.kind == .connectionReset)
        }
    }

    @Test("nobody listening gives .connectionFailed, and the URL in the error has no credentials")
    func refused() async throws {
        let port = 1  // tcpmux: nobody listens on loopback
        let error = await #expect(throws: HTTPTransportError.self) {
            try await client.send(HTTPRequest(method: "GET", url: "http://user:secret@127.0.0.1:\(port)/x?sig=SECRET"))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.description.contains("secret") == false)
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test("cancelling the task aborts the transfer promptly")
    func cancellation() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["hang": 40]])
            let start = ContinuousClock.now
            let task = Task {
                try await client.send(HTTPRequest(method: "GET", url: fake.baseURL + "/echo", timeout: 30))
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - start < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
            #expect(throws: HTTPTransportError.self) { try result.get() }
            if case .failure(let error as HTTPTransportError) = result { #expect(error.kind == .cancelled) }
        }
    }
}

/// FNV-1a 64 of `bytes`, as hex; the fake's /echo reports the same digest.
func fnv1a64(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf29ce484222325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
