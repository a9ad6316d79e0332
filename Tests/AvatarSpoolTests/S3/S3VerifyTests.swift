import AvatarHTTP
import AvatarStorage
import Foundation
import Testing

extension Reliability {
    /// Issue 14, item 1, with S3: `verify` HEADs every object and compares its
    /// x-amz-meta-sha256 with the checksum recorded in result.json.
    @Suite(.serialized) struct S3VerifyTests {
        @Test("verify finds an S3 object replaced behind the spool's back, and --repair uploads the recorded file again")
        func verifyAgainstS3() async throws {
            let server = try SeaweedServer.shared.get()
            let base = try TestKit.makeTempDir("s3verify")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let id = "s3-verify-\(UInt32.random(in: 0...UInt32.max))"
            let env = TestKit.environment(spool: spool, [
                "S3_ENDPOINT": server.endpoint, "S3_ACCESS_KEY": server.accessKey, "S3_SECRET_KEY": server.secretKey,
                "S3_BUCKET_NAME": server.bucket,
            ])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: id, count: 1), as: id + ".json", spool: spool)
            let run = try TestKit.run(["run", "--drain"], env: env)
            #expect(run.status == 0, "\(run.output)")
            let clean = try TestKit.run(["verify", id], env: env)
            #expect(clean.status == 0 && clean.output.contains("5 stored object(s)"), "\(clean.output)")

            // Someone overwrites one object with other bytes.
            let store = S3Store(settings: S3Fixtures.settings(server), transport: CurlHTTPClient())
            let key = "avatars/task_\(id)/persona_1/image_2.png"
            let other = try S3Fixtures.randomFile(3000, in: base, name: "other.png")
            _ = try await store.upload(filePath: other, key: key, contentType: "image/png")

            let found = try TestKit.run(["verify", id], env: env)
            #expect(found.status == 1)
            #expect(found.output.contains("\(key) (s3 store): differs from the SHA-256 recorded"), "\(found.output)")
            let repaired = try TestKit.run(["verify", id, "--repair"], env: env)
            #expect(repaired.status == 0, "\(repaired.output)")
            #expect(repaired.output.contains("repaired: published again from the task folder"), "\(repaired.output)")
            let got = try await S3Fixtures.get(store, key)
            let local = try Data(contentsOf: URL(fileURLWithPath: spool + "/completed/\(id)/persona_1/image_2.png"))
            #expect(got.body == Array(local))
            #expect(try TestKit.run(["verify", id], env: env).status == 0)
        }
    }
}
