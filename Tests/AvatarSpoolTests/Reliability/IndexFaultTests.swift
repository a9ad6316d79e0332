import Foundation
import Testing

extension Reliability {
    /// Issue 5: the index locked or deleted while running. The folders are
    /// the truth: the processor waits or recreates the index, nothing is lost.
    @Suite(.serialized) struct IndexFaultTests {
        @Test("index.sqlite deleted while running is recreated with every task")
        func deletedIndexIsRecreated() async throws {
            let base = try TestKit.makeTempDir("idxdel")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env) // lays out the spool
            let p = try SpoolProcess(env: env, logPath: base + "/run.log")
            try TestKit.drop(TaskFile.simple(id: "before"), as: "before.json", spool: spool)
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed").contains("before") })
            for suffix in ["", "-wal", "-shm"] { TestKit.remove(spool + "/index.sqlite" + suffix) }
            try TestKit.drop(TaskFile.simple(id: "after"), as: "after.json", spool: spool)
            #expect(await TestKit.waitUntil(timeout: 60) {
                TestKit.list(spool + "/completed").contains("after")
                    && ((try? TestKit.pythonDump(spool + "/index.sqlite")) ?? "").contains("before")
            }, "\(p.log)")
            let dump = try TestKit.pythonDump(spool + "/index.sqlite")
            #expect(dump.contains("before") && dump.contains("after"))
            p.kill(SIGTERM)
            #expect(p.log.contains("deleted while running") || p.log.contains("recreat"))
        }

        @Test("an index held locked by another program delays nothing that matters and catches up")
        func lockedIndexCatchesUp() async throws {
            let base = try TestKit.makeTempDir("idxlock")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env)
            // Another program holds an exclusive lock for 4 seconds.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = ["python3", "-c", """
                import sqlite3, sys, time
                c = sqlite3.connect(sys.argv[1], isolation_level=None)
                c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(4); c.execute('COMMIT')
                """, spool + "/index.sqlite"]
            let out = Pipe()
            holder.standardOutput = out
            try holder.run()
            _ = out.fileHandleForReading.availableData // "locked"
            try TestKit.drop(TaskFile.simple(id: "locked"), as: "locked.json", spool: spool)
            let run = try TestKit.run(["run", "--drain"], env: env)
            holder.waitUntilExit()
            #expect(run.status == 0, "\(run.output)")
            #expect(TestKit.list(spool + "/completed") == ["locked"])
            let dump = try TestKit.pythonDump(spool + "/index.sqlite")
            #expect(dump.contains("locked") && dump.contains("completed"), "\(dump)")
        }
    }
}
