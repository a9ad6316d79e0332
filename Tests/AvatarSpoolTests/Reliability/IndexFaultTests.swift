import Foundation
import Testing

extension Reliability {
    /// Issue 5: the index locked or deleted while running. The folders are
    /// the truth: the processor waits or recreates the index, nothing is lost.
    @Suite(.serialized) struct IndexFaultTests {
        @Test("index.sqlite deleted while running is recreated with every task")
        func deletedIndexIsRecreated() async throws {
            let base = try RS.makeTempDir("idxdel")
            defer { RS.remove(base) }
            let spool = base + "/spool"
            let env = RS.environment(spool: spool)
            try RS.run(["reindex"], env: env) // lays out the spool
            let p = try ProcessorProcess(env: env, logPath: base + "/run.log")
            try RS.drop(RS.validTask(id: "before"), as: "before.json", spool: spool)
            #expect(await RS.waitUntil(timeout: 60) { RS.list(spool + "/completed").contains("before") })
            for suffix in ["", "-wal", "-shm"] { RS.remove(spool + "/index.sqlite" + suffix) }
            try RS.drop(RS.validTask(id: "after"), as: "after.json", spool: spool)
            #expect(await RS.waitUntil(timeout: 60) {
                RS.list(spool + "/completed").contains("after")
                    && ((try? RS.pythonDump(spool + "/index.sqlite")) ?? "").contains("before")
            }, "\(p.log)")
            let dump = try RS.pythonDump(spool + "/index.sqlite")
            #expect(dump.contains("before") && dump.contains("after"))
            p.kill(SIGTERM)
            #expect(p.log.contains("deleted while running") || p.log.contains("recreat"))
        }

        @Test("an index held locked by another program delays nothing that matters and catches up")
        func lockedIndexCatchesUp() async throws {
            let base = try RS.makeTempDir("idxlock")
            defer { RS.remove(base) }
            let spool = base + "/spool"
            let env = RS.environment(spool: spool)
            try RS.run(["reindex"], env: env)
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
            try RS.drop(RS.validTask(id: "locked"), as: "locked.json", spool: spool)
            let run = try RS.run(["run", "--drain"], env: env)
            holder.waitUntilExit()
            #expect(run.status == 0, "\(run.output)")
            #expect(RS.list(spool + "/completed") == ["locked"])
            let dump = try RS.pythonDump(spool + "/index.sqlite")
            #expect(dump.contains("locked") && dump.contains("completed"), "\(dump)")
        }
    }
}
