import AvatarHTTP
import AvatarStorage
import Foundation
import Testing

extension Reliability {
    /// Issue 4 through the whole pipeline: uploads to a real SeaweedFS, the
    /// server stopped mid-task, started again, `retry`: every object present,
    /// every URL in the index, nothing generated twice.
    @Suite(.serialized) struct S3PipelineTests {
        @Test("S3 down mid-task: personas fail with local outputs kept; back up, retry uploads only what is missing")
        func storeDownThenRetry() async throws {
            let server = try SeaweedServer.start()
            defer { server.destroy() }
            let base = try TestKit.makeTempDir("s3pipe")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, [
                "S3_ENDPOINT": server.endpoint, "S3_ACCESS_KEY": server.accessKey, "S3_SECRET_KEY": server.secretKey,
                "S3_BUCKET_NAME": server.bucket, "IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "300",
            ])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "s3-outage", count: 3), as: "s3-outage.json", spool: spool)
            let first = try SpoolProcess(env: env, logPath: base + "/run1.log")
            // Let the first persona publish everything, then take the store away.
            #expect(await TestKit.waitUntil(timeout: 90) { first.log.contains("Step 7/7") }, "\(first.log)")
            try server.stop()
            #expect(await TestKit.waitUntil(timeout: 120) {
                TestKit.list(spool + "/completed").contains("s3-outage") || TestKit.list(spool + "/failed").contains("s3-outage")
            }, "\(first.log)")
            first.kill(SIGTERM)
            let stage = TestKit.list(spool + "/completed").contains("s3-outage") ? "completed" : "failed"
            let folder = spool + "/\(stage)/s3-outage"
            let report = TestKit.read(folder + "/error.json") ?? ""
            #expect(report.contains("step 3/7") || report.contains("step 6/7"), "\(report)")
            #expect(!report.contains(server.secretKey))
            // Local outputs are kept for the failed personas.
            for n in 1...3 { #expect(FileManager.default.fileExists(atPath: folder + "/persona_\(n)/base.png")) }

            // Images that exist now must not be asked for again.
            let withoutGrid = (1...3).filter { !FileManager.default.fileExists(atPath: folder + "/persona_\($0)/grid.png") }.count
            try server.restart()
            let retry = try TestKit.run(["retry", "s3-outage"], env: env)
            #expect(retry.status == 0, "\(retry.output)")
            let second = try TestKit.run(["run", "--drain"], env: env)
            #expect(second.status == 0, "\(second.output)")
            #expect(TestKit.list(spool + "/completed") == ["s3-outage"], "\(second.output)")
            #expect(TestKit.count("Step 2/7", in: second.output) == 0, "retry generated a base again:\n\(second.output)")
            #expect(TestKit.count("Step 4/7", in: second.output) == withoutGrid,
                    "only the \(withoutGrid) missing grid(s) may be generated:\n\(second.output)")

            // Every object is in the bucket, byte for byte, and every URL in the index.
            let store = S3Store(settings: S3Fixtures.settings(server), transport: CurlHTTPClient())
            let done = spool + "/completed/s3-outage"
            for n in 1...3 {
                for file in ["base.png", "image_0.png", "image_1.png", "image_2.png", "image_3.png"] {
                    let key = "avatars/task_s3-outage/persona_\(n)/\(file)"
                    let got = try await S3Fixtures.get(store, key)
                    #expect(got.status == 200, "\(key): HTTP \(got.status)")
                    let local = try Data(contentsOf: URL(fileURLWithPath: "\(done)/persona_\(n)/\(file)"))
                    #expect(got.body == Array(local), "\(key) differs from the local file")
                }
            }
            let dump = try TestKit.pythonDump(spool + "/index.sqlite")
            let expected = "\(server.endpoint)/\(server.bucket)/avatars/task_s3-outage/persona_3/image_3.png"
            #expect(dump.contains(expected), "\(dump)")
            #expect(!dump.contains("None, None, None, None"), "a persona without URLs in the index:\n\(dump)")
        }
    }
}
