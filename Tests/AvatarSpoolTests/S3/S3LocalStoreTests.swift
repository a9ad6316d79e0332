import AvatarDomain
import Foundation
import Testing
@testable import AvatarStorage

/// The store used when S3 is not configured (kept under the S3 filter).
@Suite(.serialized) struct S3LocalStoreTests {
    @Test("publishes a copy, never a hard link, into <spool>/objects/<key> with a file:// URL: editing the source leaves the object as published")
    func publishesACopy() async throws {
        let spool = try S3Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let src = try S3Fixtures.randomFile(5000, in: spool, name: "base.png")
        let store = LocalObjectStore(spoolPath: spool)
        let key = S3Keys.key(taskID: "t1", persona: 1, file: "base.png")
        let url = try await store.put(filePath: src, key: key, contentType: "image/png")
        let target = spool + "/objects/avatars/task_t1/persona_1/base.png"
        #expect(url == "file://\(spool)/objects/\(key)")
        #expect(store.name == "local")
        let a = try FileManager.default.attributesOfItem(atPath: src)
        let b = try FileManager.default.attributesOfItem(atPath: target)
        #expect(a[.systemFileNumber] as? Int != b[.systemFileNumber] as? Int)
        let published = try Data(contentsOf: URL(fileURLWithPath: target))
        let edit = try FileHandle(forWritingTo: URL(fileURLWithPath: src))
        try edit.write(contentsOf: Data([0x42, 0x42]))
        try edit.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == published, "an edit of the source reached the object")
        // Idempotent: again, and again after the source was rewritten with the same bytes.
        #expect(try await store.put(filePath: src, key: key, contentType: "image/png") == url)
        let data = try Data(contentsOf: URL(fileURLWithPath: src))
        try FileManager.default.removeItem(atPath: src)
        try data.write(to: URL(fileURLWithPath: src))
        _ = try await store.put(filePath: src, key: key, contentType: "image/png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == data)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: spool + "/objects/avatars/task_t1/persona_1")
        #expect(leftovers == ["base.png"])
    }

    @Test("changed bytes replace the object atomically")
    func replaces() async throws {
        let spool = try S3Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let store = LocalObjectStore(spoolPath: spool)
        let first = try S3Fixtures.randomFile(100, in: spool, name: "a.png")
        let second = try S3Fixtures.randomFile(100, in: spool, name: "b.png")
        _ = try await store.put(filePath: first, key: "k/x.png", contentType: "image/png")
        _ = try await store.put(filePath: second, key: "k/x.png", contentType: "image/png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path(for: "k/x.png"))) == Data(contentsOf: URL(fileURLWithPath: second)))
    }

    @Test("publishes across file systems (the source on a tmpfs)")
    func copyFallback() async throws {
        // /dev/shm is a tmpfs: a link from there into the spool fails with EXDEV.
        guard FileManager.default.fileExists(atPath: "/dev/shm") else { return }
        let spool = try S3Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let shm = "/dev/shm/avatar-local-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: shm, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: shm) }
        let src = try S3Fixtures.randomFile(70_000, in: shm, name: "g.png")
        let store = LocalObjectStore(spoolPath: spool)
        _ = try await store.put(filePath: src, key: "a/g.png", contentType: "image/png")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path(for: "a/g.png"))) == Data(contentsOf: URL(fileURLWithPath: src)))
    }

    @Test("keys that would leave objects/ are refused")
    func badKeys() async throws {
        let spool = try S3Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let src = try S3Fixtures.randomFile(10, in: spool, name: "s.png")
        let store = LocalObjectStore(spoolPath: spool)
        for key in ["../escape.png", "/abs.png", "a/../../b.png", ""] {
            await #expect(throws: ProviderError.self, "\(key)") {
                try await store.put(filePath: src, key: key, contentType: "image/png")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: spool + "/escape.png"))
    }
}
