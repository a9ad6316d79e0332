import Foundation
import Testing

extension EndToEnd {
    /// Hand-overs between processors, and how files reach pending/.
    @Suite("Hand-over and watching", .serialized)
    struct HandOver {
        @Test("a live processor leaves another live processor's task alone and takes it over once that one is killed")
        func takeOverFromDeadProcessor() async throws {
            let spool = try TempSpool("takeover")
            defer { spool.remove() }
            let id = "takeover-task"
            let count = 6
            let env = ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "250"] // the task must still be running when it is stopped
            let a = try spool.start(["run"], env: env, name: "a")
            try await waitUntil("a to start", timeout: 30, context: { a.stderr }) { a.stderr.contains("processor started") }
            try spool.dropByRename(TaskFile.json(id: id, count: count, size: "1024x1024"), as: id + ".json")
            try await waitUntil("a to claim the task", timeout: 30, context: { a.stderr }) { a.stderr.contains("[Task \(id)] claimed") }
            let b = try spool.start(["run"], env: env, name: "b")
            try await waitUntil("a's first Step 3/7", timeout: 60, every: 0.02, context: { a.stderr }) { a.stderr.contains("Step 3/7") }
            // b has been rescanning every 0.5 s; a holds the task's lock.
            try await waitUntil("b to start", timeout: 30, context: { b.stderr }) { b.stderr.contains("processor started") }
            try await Task.sleep(for: .seconds(1))
            a.kill()
            let bBeforeKill = b.stderr
            #expect(!bBeforeKill.contains("[Task \(id)]"), "b touched a task a live processor holds:\n\(bBeforeKill)")
            #expect(try await a.waitForExit(timeout: 10) == SIGKILL)
            #expect(spool.stage(of: id) == "generating-images", "the task should have been unfinished at the kill")

            try await waitUntil("b to finish the task", timeout: 60, context: { spool.overview() + b.stderr }) {
                spool.exists("completed/\(id)/result.json")
            }
            #expect(b.stderr.contains("[Task \(id)] resuming from generating-images/"))
            #expect(try await b.stop() == 0)
            let renders = StepLog.count(step: 2, in: [a.stderr, b.stderr])
            #expect(renders.count == count)
            #expect(renders.values.allSatisfy { $0 <= 2 })
            let bRenders = StepLog.count(step: 2, in: [b.stderr])
            let aRenders = StepLog.count(step: 2, in: [a.stderr])
            // Whatever a rendered and saved before dying is not rendered by b.
            for (key, n) in bRenders { #expect(n == 1 && aRenders[key, default: 0] <= 1, "\(key)") }
            #expect(bRenders.count < count, "b redid every base: a's work was lost")
        }

        @Test("`run --drain` next to a live processor that holds a task waits for it without spinning, then exits 0")
        func drainBesideLiveProcessor() async throws {
            let spool = try TempSpool("drainwait")
            defer { spool.remove() }
            let id = "held-task"
            let env = ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "250"] // the task must still be running when it is stopped
            let live = try spool.start(["run"], env: env, name: "live")
            try await waitUntil("the live processor to start", timeout: 30, context: { live.stderr }) {
                live.stderr.contains("processor started")
            }
            try spool.dropByRename(TaskFile.json(id: id, count: 6, size: "1024x1024"), as: id + ".json")
            try await waitUntil("the live processor to begin the images", timeout: 30, every: 0.02, context: { live.stderr }) {
                live.stderr.contains("Step 2/7")
            }
            let drain = try spool.start(["run", "--drain"], env: env, name: "drain")
            try await waitUntil("the drain processor to start", timeout: 30, context: { drain.stderr }) {
                drain.stderr.contains("processor started")
            }
            let start = try #require(CPUTime.of(drain.pid))
            try await Task.sleep(for: .seconds(2))
            guard drain.isRunning, spool.stage(of: id) == "generating-images" else {
                Issue.record("the task finished within 2 s; nothing was measured")
                return
            }
            let used = try #require(CPUTime.of(drain.pid)) - start
            #expect(used < 0.5, "run --drain used \(used) s of CPU in 2 s while waiting for another processor's task")
            #expect(try await drain.waitForExit(timeout: 60) == 0)
            #expect(spool.exists("completed/\(id)/result.json"))
            #expect(StepLog.count(step: 2, in: [drain.stderr]).isEmpty, "the drain processor must not touch a held task")
            #expect(try await live.stop() == 0)
        }

        @Test("SIGTERM mid-task: the processor exits 0, the task waits in its folder, a restart finishes it without redoing work")
        func gracefulStop() async throws {
            let spool = try TempSpool("sigterm")
            defer { spool.remove() }
            let id = "sigterm-task"
            let count = 4
            try spool.dropByRename(TaskFile.json(id: id, count: count, size: "1024x1024"), as: id + ".json")
            let env = ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "250"] // the task must still be running when it is stopped
            let first = try spool.start(["run"], env: env, name: "first")
            try await waitUntil("the first Step 3/7", timeout: 60, every: 0.02, context: { first.stderr }) { first.stderr.contains("Step 3/7") }
            #expect(try await first.stop(timeout: 30) == 0, "\(first.stderr)")
            #expect(first.stderr.contains("processor stopped"))
            #expect(spool.stage(of: id) == "generating-images", "\(spool.overview())")

            let second = try spool.start(["run", "--drain"], env: env, name: "second")
            #expect(try await second.waitForExit(timeout: 60) == 0)
            #expect(spool.exists("completed/\(id)/result.json"), "\(spool.overview())\n\(second.stderr)")
            // A graceful stop never leaves a half-made step: every persona's base exactly once.
            let renders = StepLog.count(step: 2, in: [first.stderr, second.stderr])
            #expect(renders.count == count)
            for (key, n) in renders { #expect(n == 1, "\(key): base rendered \(n) times") }
        }

        @Test("without rescans, inotify alone sees a rename, a WinSCP-style hard link, an rsync dot-file rename and a cp")
        func inotifyOnly() async throws {
            let spool = try TempSpool("inotify")
            defer { spool.remove() }
            // A rescan interval of an hour: only the watcher can find these.
            let processor = try spool.start(["run"], env: ["WORKER_INTERVAL": "3600"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }
            let pending = spool.pending
            try spool.dropByRename(TaskFile.json(id: "by-rename", count: 1), as: "a.json")
            // WinSCP: upload to .filepart, then a hard link to the final name (IN_CREATE only).
            try Data(TaskFile.json(id: "by-link", count: 1)).write(to: URL(fileURLWithPath: pending + "/b.json.filepart"))
            #expect(link(pending + "/b.json.filepart", pending + "/b.json") == 0)
            #expect(unlink(pending + "/b.json.filepart") == 0)
            // rsync: a dot-file, renamed into place.
            try Data(TaskFile.json(id: "by-rsync", count: 1)).write(to: URL(fileURLWithPath: pending + "/.c.json.Xy12Z"))
            #expect(rename(pending + "/.c.json.Xy12Z", pending + "/c.json") == 0)
            // cp: create, write, close (IN_CLOSE_WRITE).
            try Data(TaskFile.json(id: "by-cp", count: 1)).write(to: URL(fileURLWithPath: pending + "/d.json"), options: [])
            // Names the processor must ignore.
            try Data(TaskFile.json(id: "ignored", count: 1)).write(to: URL(fileURLWithPath: pending + "/e.json.partial"))
            try Data(TaskFile.json(id: "ignored2", count: 1)).write(to: URL(fileURLWithPath: pending + "/.hidden.json"))

            let ids = ["by-cp", "by-link", "by-rename", "by-rsync"]
            try await waitUntil("four completed tasks", timeout: 30, context: { spool.overview() + processor.stderr }) {
                ids.allSatisfy { spool.exists("completed/\($0)/result.json") }
            }
            #expect(try await processor.stop() == 0)
            #expect(spool.list("completed") == ids)
            #expect(spool.list("failed").isEmpty)
            #expect(spool.list("pending") == ["e.json.partial"], "ignored names stay where they are")
            #expect(FileManager.default.fileExists(atPath: pending + "/.hidden.json"))
        }
    }
}

/// CPU seconds (user + system) a process has used, from /proc/<pid>/stat.
enum CPUTime {
    static func of(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
