import AvatarSystem
import Foundation
import Testing

extension Reliability {
    /// Issue 13, part 2 (a): a spool on NFS, where renameat2(RENAME_NOREPLACE)
    /// answers EINVAL. The test switch AVATAR_TEST_NO_RENAME_NOREPLACE=1 makes
    /// it fail so on a local disk; claims must stay exactly-once.
    @Suite(.serialized) struct NFSClaimTests {
        @Test("without RENAME_NOREPLACE (as on NFS), four processors claim each of 200 tasks exactly once, and .nfs files are ignored")
        func fourProcessorsWithoutNoReplace() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: ProcessSupport.binary), "build first: swift build")
            let base = try TestKit.makeTempDir("nfs-four")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let started = Date()
            try TestKit.run(["reindex"], env: TestKit.environment(spool: spool))
            let env = TestKit.environment(spool: spool, ["IMAGE_CONCURRENCY": "4", "TASK_CONCURRENCY": "8",
                                                    "AVATAR_TEST_NO_RENAME_NOREPLACE": "1"])
            var procs: [SpoolProcess] = []
            defer { procs.forEach { $0.kill() } }
            for n in 1...4 {
                procs.append(try SpoolProcess(env: env, logPath: base + "/processor-\(n).log"))
            }
            #expect(await TestKit.waitUntil(timeout: 30) { procs.allSatisfy { $0.log.contains("processor started") } })
            // NFS "silly rename" leftovers: never tasks.
            for folder in ["pending", "completed"] {
                try Data("{\"count\": 1}".utf8).write(to: URL(fileURLWithPath: spool + "/\(folder)/.nfs000000000012345600000001"))
            }

            // A status folder's tasks, without the dot-names NFS leaves.
            func tasks(_ folder: String) -> [String] { TestKit.list(spool + "/" + folder).filter { !$0.hasPrefix(".") } }
            let ids = (1...200).map { String(format: "nfs-%03d", $0) }
            for (n, id) in ids.enumerated() {
                try TestKit.drop(TaskFile.simple(id: id, images: n % 2 == 0), as: id + ".json", spool: spool)
            }
            let done = await TestKit.waitUntil(timeout: 150, poll: 0.5) {
                tasks("completed").count == ids.count
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(done, "only \(tasks("completed").count) of 200 completed after \(Int(elapsed)) s")
            #expect(procs.allSatisfy { $0.isRunning })
            procs.forEach { $0.kill(SIGTERM) }

            #expect(tasks("completed") == ids)
            for stage in TestKit.stages where stage != "completed" {
                #expect(tasks(stage).isEmpty, "\(stage): \(tasks(stage))")
            }
            #expect(TestKit.list(spool + "/tmp").filter { $0.hasPrefix("claim-") }.isEmpty, "claims left in tmp/")
            for folder in ["pending", "completed"] {
                #expect(FileManager.default.fileExists(atPath: spool + "/\(folder)/.nfs000000000012345600000001"), "\(folder)/.nfs… was touched")
            }
            let all = procs.map(\.log).joined(separator: "\n")
            #expect(!all.contains(".nfs0000"), "a .nfs file was looked at")
            #expect(procs.allSatisfy { $0.log.contains("AVATAR_TEST_NO_RENAME_NOREPLACE=1") }, "the test switch was not on")
            for id in ids {
                let tag = "[Task \(id)] "
                let lines = all.split(separator: "\n").filter { $0.contains(tag) }
                #expect(lines.filter { $0.contains("claimed pending/") }.count == 1, "\(id) claimed more or less than once")
                #expect(lines.filter { $0.contains("persona 1/1 generated") }.count == 1, "\(id): persona data not generated once")
            }
            #expect(elapsed < 300) // a hang guard
        }

        @Test("the NFS fallbacks: a claim into our own folder is won once and a lost reply is recognised; a file or folder never replaces a target")
        func fallbacks() throws {
            let dir = try TestKit.makeTempDir("nfs-unit")
            defer { TestKit.remove(dir) }
            let fm = FileManager.default
            func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + path)) }
            func read(_ path: String) -> String? { fm.contents(atPath: dir + "/" + path).map { String(decoding: $0, as: UTF8.self) } }
            func errnoOf(_ body: () throws -> Void) -> Int32? {
                do { try body(); return nil } catch let e as SystemError { return e.errno } catch { return -1 }
            }
            let fd = try Sys.open(dir, O_RDONLY | O_DIRECTORY)
            defer { Sys.close(fd) }
            for folder in ["mine", "theirs"] { try fm.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: false) }

            // Claims: one taker wins, the other finds the source gone.
            try write("task.json.src", "a")
            #expect(errnoOf { try Sys.renameIntoOwnFolderWithoutFlag(fd, "task.json.src", fd, "mine/task.json") } == nil)
            #expect(errnoOf { try Sys.renameIntoOwnFolderWithoutFlag(fd, "task.json.src", fd, "theirs/task.json") } == ENOENT)
            // The same rename again, as a retransmission whose first reply was lost: ours.
            #expect(errnoOf { try Sys.renameIntoOwnFolderWithoutFlag(fd, "task.json.src", fd, "mine/task.json") } == nil)
            #expect(read("mine/task.json") == "a" && !fm.fileExists(atPath: dir + "/theirs/task.json"))

            // Files: link never replaces; the source stays when the target exists.
            try write("f1", "one")
            try write("f2", "two")
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "f1", fd, "f2") } == EEXIST)
            #expect(read("f1") == "one" && read("f2") == "two")
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "f1", fd, "f3") } == nil)
            #expect(read("f3") == "one" && read("f1") == nil)
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "f1", fd, "f4") } == ENOENT)

            // Folders: neither an empty nor a full target is replaced.
            for d in ["d1", "empty", "full"] { try fm.createDirectory(atPath: dir + "/" + d, withIntermediateDirectories: false) }
            try write("d1/x", "x")
            try write("full/y", "y")
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "d1", fd, "empty") } == EEXIST)
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "d1", fd, "full") } == EEXIST)
            #expect(read("full/y") == "y" && read("d1/x") == "x")
            #expect(errnoOf { try Sys.renameNoReplaceWithoutFlag(fd, "d1", fd, "d2") } == nil)
            #expect(read("d2/x") == "x")
        }
    }
}
