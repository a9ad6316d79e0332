import AvatarDomain
import AvatarHTTP
import Foundation
import Testing
@testable import AvatarStorage

/// `gc --objects` with S3: a task's objects listed and deleted, others kept
/// (against a real SeaweedFS on 127.0.0.1).
@Suite(.serialized) final class S3DeleteTests {
    let server: SeaweedServer
    let dir: String

    init() throws {
        server = try SeaweedServer.shared.get()
        dir = try S3Fixtures.tempDir()
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    @Test("a task's objects are listed across pages and deleted; another task's objects stay")
    func deleteTask() async throws {
        let s3 = S3Store(settings: S3Fixtures.settings(server), transport: makeS3TestTransport(), retry: S3Fixtures.fastRetry)
        let path = try S3Fixtures.randomFile(2_000, in: dir, name: "x.png")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (gone, kept) = ("gc-\(run)", "keep-\(run)")
        for n in 1...3 {
            for file in ["base.png", "image_0.png"] {
                _ = try await s3.put(filePath: path, key: S3Keys.key(taskID: gone, persona: n, file: file), contentType: "image/png")
            }
        }
        let keptKey = S3Keys.key(taskID: kept, persona: 1, file: "base.png")
        _ = try await s3.put(filePath: path, key: keptKey, contentType: "image/png")
        #expect(try await s3.keys(under: "avatars/task_\(gone)/").count == 6)
        let deleted = try await s3.deleteTask(gone, keyPrefix: "avatars")
        #expect(deleted.count == 6)
        #expect(try await s3.keys(under: "avatars/task_\(gone)/").isEmpty)
        #expect(try await s3.head(key: S3Keys.key(taskID: gone, persona: 1, file: "base.png")) == nil)
        #expect(try await s3.head(key: keptKey) != nil)
    }
}
