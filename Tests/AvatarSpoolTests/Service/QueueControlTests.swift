import AvatarIndex
import Foundation
import Testing

extension Reliability {
    /// Issue 9, queue control: hold, release, cancel and gc from another
    /// process, through the file system only.
    @Suite(.serialized) struct QueueControlTests {
        static let slow = ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "400"]

        @Test("bad input: an unknown id, a path-like id, a finished task: a clear error, exit 1, nothing changed")
        func badInput() async throws {
            let base = try TestKit.makeTempDir("qbad")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "done", count: 1, images: false), as: "done.json", spool: spool)
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            let before = TestKit.walk(spool).map(\.path).filter { !$0.hasPrefix("index.sqlite") }
            for verb in ["hold", "release", "cancel"] {
                let unknown = try TestKit.run([verb, "nope"], env: env)
                #expect(unknown.status == 1)
                #expect(unknown.output.contains("\(verb) nope: no such task in \(spool)"), "\(unknown.output)")
                let path = try TestKit.run([verb, "../x"], env: env)
                #expect(path.status == 1)
                #expect(path.output.contains("is not a task id"), "\(path.output)")
                let done = try TestKit.run([verb, "done"], env: env)
                #expect(done.status == 1)
                #expect(done.output.contains(verb == "release" ? "is not held (it is in completed/)" : "is already completed"), "\(done.output)")
            }
            #expect(TestKit.walk(spool).map(\.path).filter { !$0.hasPrefix("index.sqlite") } == before)
        }

        @Test("hold and release a pending file; cancel one: failed/ with why, and the index says failed with the reason")
        func pending() async throws {
            let base = try TestKit.makeTempDir("qpend")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "a", count: 1, images: false), as: "a.json", spool: spool)
            try TestKit.drop(TaskFile.simple(id: "b", count: 1, images: false), as: "other-name.json", spool: spool)
            #expect(try TestKit.run(["hold", "a"], env: env).output.contains("hold a: moved from pending/ to hold/"))
            #expect(TestKit.list(spool + "/hold") == ["a.json"])
            #expect(try TestKit.run(["hold", "a"], env: env).output.contains("already held"))
            let cancel = try TestKit.run(["cancel", "b", "--reason", "not needed"], env: env)
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(TestKit.list(spool + "/failed") == ["b"])
            #expect(TestKit.read(spool + "/failed/b/task.json") == String(decoding: TaskFile.simple(id: "b", count: 1, images: false), as: UTF8.self))
            let error = TestKit.read(spool + "/failed/b/error.json") ?? ""
            #expect(error.contains("\"cancelled\" : true") && error.contains("not needed") && error.contains("cancelled_at"))
            let rows = try await SpoolIndex(path: spool + "/index.sqlite")
                .query("SELECT status, error_log FROM generation_tasks WHERE task_id = 'b'")
            #expect(rows.first?["status"] == "failed")
            #expect(rows.first?["error_log"]?.contains("not needed") == true)
            // A drain leaves the held file alone; after release it is processed.
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            #expect(TestKit.list(spool + "/hold") == ["a.json"])
            #expect(try TestKit.run(["release", "a"], env: env).output.contains("moved from hold/ to pending/"))
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            #expect(TestKit.list(spool + "/completed") == ["a"])
        }

        @Test("a running task is held at its next step boundary, kept in hold/, and after release resumes without asking twice")
        func holdRunning() async throws {
            let base = try TestKit.makeTempDir("qhold")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, Self.slow)
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "busy", count: 4), as: "busy.json", spool: spool)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            defer { processor.kill() }
            #expect(await TestKit.waitUntil(timeout: 60) { processor.log.contains("Step 2/7") }, "\(processor.log)")
            let hold = try TestKit.run(["hold", "busy"], env: env)
            #expect(hold.status == 0)
            #expect(hold.output.contains("running in generating-"), "\(hold.output)")
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/hold") == ["busy"] }, "\(processor.log)")
            #expect(processor.isRunning)
            #expect(processor.log.contains("[Task busy] held by an operator"))
            #expect(TestKit.read(spool + "/hold/busy/hold.json")?.contains("\"from\"") == true)
            #expect(!FileManager.default.fileExists(atPath: spool + "/hold/busy/control.json"))
            let release = try TestKit.run(["release", "busy"], env: env)
            #expect(release.output.contains("moved from hold/ to generating-"), "\(release.output)")
            #expect(await TestKit.waitUntil(timeout: 120) { TestKit.list(spool + "/completed") == ["busy"] }, "\(processor.log)")
            for step in ["Step 2/7", "Step 4/7"] {
                let lines = processor.log.split(separator: "\n").filter { $0.contains(step) }
                let personas = Set(lines.map { $0.components(separatedBy: "] [").dropFirst(2).first ?? "" })
                #expect(lines.count == personas.count && personas.count == 4, "\(step) asked twice:\n\(lines.joined(separator: "\n"))")
            }
        }

        @Test("a running task is cancelled at once: failed/ with error.json saying cancelled, when and why; the processor goes on")
        func cancelRunning() async throws {
            let base = try TestKit.makeTempDir("qcancel")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, ["IMAGE_CONCURRENCY": "1", "AVATAR_BUILTIN_IMAGE_DELAY_MS": "3000"])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "doomed", count: 3), as: "doomed.json", spool: spool)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            defer { processor.kill() }
            #expect(await TestKit.waitUntil(timeout: 60) { processor.log.contains("Step 2/7") }, "\(processor.log)")
            let cancel = try TestKit.run(["cancel", "doomed", "--reason", "wrong brief"], env: env)
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/failed") == ["doomed"] }, "\(processor.log)")
            let error = TestKit.read(spool + "/failed/doomed/error.json") ?? ""
            #expect(error.contains("\"cancelled\" : true") && error.contains("wrong brief"), "\(error)")
            #expect(processor.log.contains("[Task doomed] cancelled by an operator: wrong brief"))
            #expect(processor.isRunning)
            // The processor goes on with the next task.
            try TestKit.drop(TaskFile.simple(id: "next", count: 1, images: false), as: "next.json", spool: spool)
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed") == ["next"] }, "\(processor.log)")
        }

        @Test("holds racing a processor's claims: every task ends exactly once, held ones only after release")
        func holdRace() async throws {
            let base = try TestKit.makeTempDir("qrace")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env)
            let ids = (1...40).map { "race-\($0)" }
            for id in ids { try TestKit.drop(TaskFile.simple(id: id, count: 1, images: false), as: "\(id).json", spool: spool) }
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            defer { processor.kill() }
            let hold = try TestKit.run(["hold"] + ids, env: env)  // some win, some lose to a claim
            let held = Set(TestKit.list(spool + "/hold").map { $0.replacingOccurrences(of: ".json", with: "") })
            #expect(await TestKit.waitUntil(timeout: 120) { TestKit.list(spool + "/completed").count + held.count == ids.count
                && TestKit.list(spool + "/pending").isEmpty }, "\(hold.output)\n\(processor.log)")
            #expect(Set(TestKit.list(spool + "/completed")).isDisjoint(with: held))
            if !held.isEmpty {
                #expect(try TestKit.run(["release"] + held.sorted(), env: env).status == 0)
            }
            #expect(await TestKit.waitUntil(timeout: 120) { TestKit.list(spool + "/completed") == ids.sorted() }, "\(processor.log)")
            #expect(TestKit.list(spool + "/hold").isEmpty && TestKit.list(spool + "/failed").isEmpty)
            for id in ids { #expect(TestKit.count("[Task \(id)] claimed", in: processor.log) == 1, "\(id) claimed twice or never") }
        }

        @Test("gc removes old finished tasks, their rows and objects, and crash leftovers; never an unfinished task")
        func gc() async throws {
            let base = try TestKit.makeTempDir("qgc")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "old", count: 1), as: "old.json", spool: spool)
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            try TestKit.drop(TaskFile.simple(id: "waiting", count: 1), as: "waiting.json", spool: spool)
            // A leftover of a crash two hours ago, and a fresh temp file that must stay.
            let stale = spool + "/objects/.tmp-1-2-base.png", fresh = spool + "/tmp/.tmp-3-4-x"
            _ = FileManager.default.createFile(atPath: stale, contents: Data(count: 100))
            _ = FileManager.default.createFile(atPath: fresh, contents: Data(count: 10))
            var times = [timespec(tv_sec: time(nil) - 7200, tv_nsec: 0), timespec(tv_sec: time(nil) - 7200, tv_nsec: 0)]
            utimensat(AT_FDCWD, stale, &times, 0)
            let dry = try TestKit.run(["gc", "--completed-older-than", "0s", "--objects", "--dry-run"], env: env)
            #expect(dry.output.contains("would remove task old"), "\(dry.output)")
            #expect(TestKit.list(spool + "/completed") == ["old"])
            let real = try TestKit.run(["gc", "--completed-older-than", "0s", "--objects"], env: env)
            #expect(real.status == 0, "\(real.output)")
            #expect(real.output.contains("removed task old") && real.output.contains("removed objects")
                    && real.output.contains("removed leftover \(stale)") && real.output.contains("freed "), "\(real.output)")
            #expect(TestKit.list(spool + "/completed").isEmpty)
            #expect(!FileManager.default.fileExists(atPath: spool + "/objects/avatars/task_old"))
            #expect(FileManager.default.fileExists(atPath: fresh))
            #expect(TestKit.list(spool + "/pending") == ["waiting.json"])
            let rows = try await SpoolIndex(path: spool + "/index.sqlite").query("SELECT task_id FROM generation_tasks")
            #expect(rows.isEmpty)
            let badAge = try TestKit.run(["gc", "--completed-older-than", "soon"], env: env)
            #expect(badAge.status != 0 && badAge.output.contains("takes an age such as 30d"))
        }
    }
}
