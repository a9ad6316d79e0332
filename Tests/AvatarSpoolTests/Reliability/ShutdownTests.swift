import Foundation
import Testing

extension Reliability {
    /// Issue 5, shutdown and liveness: SIGTERM lets in-flight steps finish,
    /// writes every checkpoint and exits 0; a second signal exits at once;
    /// the next start resumes without asking for any image again.
    @Suite(.serialized) struct ShutdownTests {
        static let slow = ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "400"]

        @Test("SIGTERM: in-flight steps finish, exit 0, the next start resumes and asks for nothing twice")
        func gracefulStop() async throws {
            let base = try TestKit.makeTempDir("sigterm")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, Self.slow)
            try TestKit.run(["reindex"], env: env) // lays out the spool
            try TestKit.drop(TaskFile.simple(id: "graceful", count: 4), as: "graceful.json", spool: spool)
            let first = try SpoolProcess(env: env, logPath: base + "/run1.log")
            #expect(await TestKit.waitUntil(timeout: 60) { first.log.contains("Step 3/7") }, "\(first.log)")
            first.kill(SIGTERM)
            #expect(first.process.terminationStatus == 0, "\(first.log)")
            #expect(first.log.contains("stopping"))
            #expect(!TestKit.list(spool + "/generating-images").isEmpty || !TestKit.list(spool + "/generating-data").isEmpty,
                    "the task should still be unfinished: \(first.log)")

            let second = try TestKit.run(["run", "--drain"], env: env)
            #expect(second.status == 0, "\(second.output)")
            #expect(TestKit.list(spool + "/completed") == ["graceful"])
            let logs = first.log + second.output
            for step in ["Step 2/7", "Step 4/7"] {
                let lines = logs.split(separator: "\n").filter { $0.contains(step) }
                let personas = Set(lines.map { $0.components(separatedBy: "] [").dropFirst(2).first ?? "" })
                #expect(lines.count == personas.count, "\(step) was asked for twice for one persona:\n\(lines.joined(separator: "\n"))")
                #expect(personas.count == 4)
            }
            #expect(TestKit.walk(spool).allSatisfy { !$0.path.contains(".tmp-") })
        }

        @Test("a second signal exits at once; nothing written is lost")
        func secondSignalExitsAtOnce() async throws {
            let base = try TestKit.makeTempDir("sigint")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, Self.slow.merging(["AVATAR_GRACE": "60"]) { $1 })
            try TestKit.run(["reindex"], env: env) // lays out the spool
            try TestKit.drop(TaskFile.simple(id: "twice", count: 3), as: "twice.json", spool: spool)
            let p = try SpoolProcess(env: env, logPath: base + "/run.log")
            #expect(await TestKit.waitUntil(timeout: 60) { p.log.contains("Step 2/7") })
            Glibc.kill(p.process.processIdentifier, SIGTERM)
            try await Task.sleep(for: .milliseconds(100))
            let start = Date()
            p.kill(SIGINT)
            #expect(Date().timeIntervalSince(start) < 5, "the second signal should not wait for the grace period")
            #expect(p.process.terminationStatus != 0)
            let again = try TestKit.run(["run", "--drain"], env: env)
            #expect(again.status == 0, "\(again.output)")
            #expect(TestKit.list(spool + "/completed") == ["twice"])
        }
    }
}
