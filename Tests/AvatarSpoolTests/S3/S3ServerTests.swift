import AvatarDomain
import AvatarHTTP
import Foundation
import Testing
@testable import AvatarStorage

/// Against a real SeaweedFS on 127.0.0.1 (see Support/SeaweedServer.swift).
@Suite(.serialized) final class S3ServerTests {
    let server: SeaweedServer
    let dir: String

    init() throws {
        server = try SeaweedServer.shared.get()
        dir = try S3Fixtures.tempDir()
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func store(bucket: String? = nil, secret: String? = nil, publicURL: String? = nil,
               transport: (any HTTPTransport)? = nil, retry: RetryPolicy = S3Fixtures.fastRetry) -> S3Store {
        S3Store(settings: S3Fixtures.settings(server, bucket: bucket, secret: secret, publicURL: publicURL),
                transport: transport ?? makeS3TestTransport(), retry: retry)
    }

    @Test("round trip: upload, GET back signed, same bytes, same content type; URL as documented")
    func roundTrip() async throws {
        let path = try S3Fixtures.randomFile(1_500_000, in: dir, name: "base.png")
        let s3 = store()
        let key = S3Fixtures.key("base.png")
        let url = try await s3.put(filePath: path, key: key, contentType: "image/png")
        #expect(url == "\(server.endpoint)/avatar-images/\(key)")
        let got = try await S3Fixtures.get(s3, key)
        #expect(got.status == 200)
        #expect(got.headers["content-type"] == "image/png")
        #expect(got.body == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test("keys and URLs: avatars/task_{id}/persona_{n}/…, S3_PUBLIC_URL as base; odd characters survive signing")
    func keysAndURLs() async throws {
        let path = try S3Fixtures.randomFile(10_000, in: dir, name: "image_0.png")
        let task = "keys-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let key = S3Keys.key(taskID: task, persona: 3, file: "image_0.png")
        #expect(key == "avatars/task_\(task)/persona_3/image_0.png")
        let cdn = store(publicURL: "https://cdn.example.com/")
        #expect(try await cdn.put(filePath: path, key: key, contentType: "image/png")
            == "https://cdn.example.com/avatars/task_\(task)/persona_3/image_0.png")
        #expect(try await S3Fixtures.get(cdn, key).status == 200)

        let odd = "avatars/task_\(task)/odd name+é~(1).png"
        let url = try await store().put(filePath: path, key: odd, contentType: "image/png")
        #expect(url == "\(server.endpoint)/avatar-images/avatars/task_\(task)/odd%20name%2B%C3%A9~%281%29.png")
        let got = try await S3Fixtures.get(store(), odd)
        #expect(got.status == 200 && got.body.count == 10_000)
    }

    @Test("wrong secret: immediate failure with SignatureDoesNotMatch, no retries, secret not in the message")
    func wrongSecret() async throws {
        let path = try S3Fixtures.randomFile(1000, in: dir)
        let counter = CountingTransport(makeS3TestTransport())
        let secret = "definitely-wrong-secret-123"
        let s3 = store(secret: secret, transport: counter, retry: RetryPolicy(maxAttempts: 5, base: .milliseconds(500)))
        let started = ContinuousClock.now
        let error = await #expect(throws: ProviderError.self) {
            try await s3.put(filePath: path, key: S3Fixtures.key("x.png"), contentType: "image/png")
        }
        #expect(error?.code == .storage)
        #expect(error?.status == 403)
        #expect(error?.remoteCode == "SignatureDoesNotMatch")
        #expect(error?.message.contains("S3_SECRET_KEY") == true)
        #expect(error.map { !"\($0)".contains(secret) } == true)
        #expect(counter.count("HEAD") == 1 && counter.count("PUT") == 1)
        #expect(ContinuousClock.now - started < .seconds(20)) // a hang guard: a permanent error fails at once (about 0.1 s)
        #expect(await s3.headBucket() == .forbidden)
    }

    @Test("missing bucket: immediate NoSuchBucket")
    func missingBucket() async throws {
        let path = try S3Fixtures.randomFile(1000, in: dir)
        let counter = CountingTransport(makeS3TestTransport())
        let s3 = store(bucket: "no-such-bucket-\(getpid())", transport: counter, retry: RetryPolicy(maxAttempts: 5, base: .milliseconds(500)))
        let error = await #expect(throws: ProviderError.self) {
            try await s3.put(filePath: path, key: S3Fixtures.key("x.png"), contentType: "image/png")
        }
        #expect(error?.status == 404)
        #expect(error?.remoteCode == "NoSuchBucket")
        #expect(counter.total == 2)
        #expect(await s3.headBucket() == .missing)
        #expect(await store().headBucket() == .ok)
    }

    @Test("a wrong Content-MD5 is refused (BadDigest): the server verifies it")
    func badDigest() async throws {
        let path = try S3Fixtures.randomFile(1000, in: dir)
        let s3 = store(transport: WrongMD5Transport(inner: makeS3TestTransport()))
        let key = S3Fixtures.key("bad.png")
        let error = await #expect(throws: ProviderError.self) {
            try await s3.put(filePath: path, key: key, contentType: "image/png")
        }
        #expect(error?.status == 400)
        #expect(error?.remoteCode == "BadDigest")
        #expect(try await S3Fixtures.get(store(), key).status == 404)
    }

    @Test("an object already present with the same bytes is not sent again; changed bytes are")
    func idempotent() async throws {
        let path = try S3Fixtures.randomFile(200_000, in: dir, name: "image_1.png")
        let key = S3Fixtures.key("image_1.png")
        let first = try await store().upload(filePath: path, key: key, contentType: "image/png")
        #expect(!first.skipped)
        let counter = CountingTransport(makeS3TestTransport())
        let again = try await store(transport: counter).upload(filePath: path, key: key, contentType: "image/png")
        #expect(again.skipped && again.url == first.url)
        #expect(counter.count("PUT") == 0 && counter.count("HEAD") == 1)
        _ = try S3Fixtures.randomFile(200_000, in: dir, name: "image_1.png")
        let changed = try await store(transport: counter).upload(filePath: path, key: key, contentType: "image/png")
        #expect(!changed.skipped && counter.count("PUT") == 1)
    }

    @Test("multipart: a 40 MiB file goes up in parallel parts and round-trips; a second upload is skipped")
    func multipart() async throws {
        let path = try S3Fixtures.randomFile(40 << 20, in: dir, name: "big.bin")
        let key = S3Fixtures.key("big.bin")
        let counter = CountingTransport(makeS3TestTransport())
        let up = try await store(transport: counter).upload(filePath: path, key: key, contentType: "application/octet-stream")
        #expect(up.parts == 5 && !up.skipped && up.bytes == 40 << 20)
        #expect(counter.count("POST") == 2 && counter.count("PUT") == 5)
        let digest = try await FileDigest.compute(path: path, partSize: nil)
        let got = try await S3Fixtures.get(store(), key)
        #expect(got.status == 200 && got.body.count == 40 << 20)
        #expect(try SHA256.hash(got.body).hexString == digest.sha256Hex)
        let counter2 = CountingTransport(makeS3TestTransport())
        let again = try await store(transport: counter2).upload(filePath: path, key: key, contentType: "application/octet-stream")
        #expect(again.skipped && counter2.total == 1)
    }

    @Test("store down: transient failure after the retries; back up: the upload succeeds")
    func serverDownThenUp() async throws {
        let own = try SeaweedServer.start()
        defer { own.destroy() }
        let path = try S3Fixtures.randomFile(300_000, in: dir, name: "base.png")
        let key = S3Fixtures.key("base.png")
        let settings = S3Fixtures.settings(own)
        try own.stop()
        let counter = CountingTransport(makeS3TestTransport())
        let s3 = S3Store(settings: settings, transport: counter, retry: S3Fixtures.fastRetry)
        let error = await #expect(throws: ProviderError.self) {
            try await s3.put(filePath: path, key: key, contentType: "image/png")
        }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("after 3 attempts") == true)
        #expect(counter.total == 3)
        if case .unreachable = await s3.headBucket() {} else { Issue.record("bucket check should say unreachable") }

        try own.restart()
        let url = try await s3.put(filePath: path, key: key, contentType: "image/png")
        #expect(url == "\(own.endpoint)/avatar-images/\(key)")
        let got = try await S3Fixtures.get(s3, key)
        #expect(got.body == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
