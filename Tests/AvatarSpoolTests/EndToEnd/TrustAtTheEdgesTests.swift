import AvatarIndex
import Foundation
import Testing

/// inode of a path, nil when missing.
private func inode(_ path: String) -> UInt? {
    var st = stat()
    return lstat(path, &st) == 0 ? UInt(st.st_ino) : nil
}

/// Replaces a file's bytes in place (as `cp other file` does: same inode).
private func overwriteInPlace(_ path: String, with bytes: [UInt8]) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 0)
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
}

extension EndToEnd {
    /// Issue 14: what an operator's hands, a broken folder or a bad index must not do.
    @Suite("Trust at the edges", .serialized)
    struct TrustAtTheEdges {
        @Test("a published object is its own copy: editing the task folder leaves it as published; verify names the edit, says which side is authoritative, and --repair republishes what the folder still holds")
        func publishedObjectsAreImmutable() async throws {
            let spool = try TempSpool("verify")
            defer { spool.remove() }
            try spool.dropByRename(TaskFile.json(id: "v", count: 2), as: "v.json")
            let run = try await spool.runToEnd(["run", "--drain"])
            #expect(run.status == 0, "\(run.err)")
            let folderImage = spool.path("completed/v/persona_1/image_0.png")
            let objectKey = "objects/avatars/task_v/persona_1/image_0.png"
            let published = try #require(spool.read(objectKey))
            #expect(inode(folderImage) != inode(spool.path(objectKey)), "the object shares the task file's inode")
            let result = try #require(spool.json("completed/v/result.json"))
            let first = try #require((result["personas"] as? [[String: Any]])?.first)
            #expect((first["sha256"] as? [String: String])?["persona_1/image_0.png"]?.count == 64, "\(first)")

            let clean = try await spool.runToEnd(["verify"])
            #expect(clean.status == 0, "\(clean.out)\(clean.err)")
            #expect(clean.out.contains("everything matches"), "\(clean.out)")

            // An operator copies another image over a published one, and loses an object.
            try overwriteInPlace(folderImage, with: try #require(spool.read("completed/v/persona_2/image_0.png")))
            #expect(spool.read(objectKey) == published, "the edit reached the published object")
            try FileManager.default.removeItem(atPath: spool.path("objects/avatars/task_v/persona_2/image_1.png"))

            let found = try await spool.runToEnd(["verify", "v"])
            #expect(found.status == 1)
            #expect(found.out.contains("persona_1/image_0.png (task folder): differs from the SHA-256 recorded"), "\(found.out)")
            #expect(found.out.contains("stored object is authoritative"), "\(found.out)")
            #expect(found.out.contains("avatars/task_v/persona_2/image_1.png (local store): missing"), "\(found.out)")

            let repaired = try await spool.runToEnd(["verify", "v", "--repair"])
            #expect(repaired.status == 1, "the folder's edited file is still a difference")
            #expect(repaired.out.contains("repaired: published again from the task folder"), "\(repaired.out)")
            #expect(spool.exists("objects/avatars/task_v/persona_2/image_1.png"))
            #expect(spool.read(objectKey) == published, "--repair published an edited file")

            // An object published by a version that hard-linked: --repair makes it a copy.
            try overwriteInPlace(folderImage, with: published)
            try FileManager.default.removeItem(atPath: spool.path(objectKey))
            #expect(link(folderImage, spool.path(objectKey)) == 0)
            let linked = try await spool.runToEnd(["verify"])
            #expect(linked.status == 1 && linked.out.contains("hard link"), "\(linked.out)")
            let fixed = try await spool.runToEnd(["verify", "--repair"])
            #expect(fixed.status == 0, "\(fixed.out)")
            #expect(inode(folderImage) != inode(spool.path(objectKey)))
            #expect(try await spool.runToEnd(["verify"]).status == 0)
        }

        @Test("a claim that cannot be moved on stays in tmp/ and says so; status shows it; run --drain exits 1 naming it; a running processor's rescan recovers it once fixed")
        func strandedClaimIsRecovered() async throws {
            let spool = try TempSpool("strand")
            defer { spool.remove() }
            // generating-data/ is a file: the claim folder cannot be renamed into it.
            #expect(FileManager.default.createFile(atPath: spool.path("generating-data"), contents: Data()))
            try spool.dropByRename(TaskFile.json(id: "s1", count: 1), as: "s1.json")

            let drain = try await spool.runToEnd(["run", "--drain"])
            #expect(drain.status == 1, "\(drain.err)")
            #expect(drain.err.contains("claimed into tmp/claim-"), "\(drain.err)")
            #expect(drain.err.contains("left undone") && drain.err.contains("(pending/s1.json)"), "\(drain.err)")
            #expect(!drain.err.contains("left in place"), "the log says the file is where it is not")
            let claims = spool.list("tmp").filter { $0.hasPrefix("claim-") }
            #expect(claims.count == 1)

            let status = try await spool.runToEnd(["status"])
            #expect(status.out.contains("tmp/ (claims)") && status.out.contains("from pending/s1.json"), "\(status.out)")

            let processor = try spool.start(["run"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }
            try await Task.sleep(for: .seconds(1)) // a few rescans while still broken
            try FileManager.default.removeItem(atPath: spool.path("generating-data"))
            try FileManager.default.createDirectory(atPath: spool.path("generating-data"), withIntermediateDirectories: false)
            try await waitUntil("completed/s1", timeout: 60, context: { spool.overview() + processor.stderr }) {
                spool.exists("completed/s1/result.json")
            }
            #expect(processor.stderr.contains("recovered the claim of pending/s1.json"))
            #expect(spool.list("tmp").filter { $0.hasPrefix("claim-") }.isEmpty)
            #expect(try await processor.stop() == 0)
        }

        @Test("a task failed for an unreadable persona.json names the file; retry sets it aside and the processor that failed it completes it")
        func givingUpIsForgottenWhenTheTaskMoves() async throws {
            let spool = try TempSpool("giveup")
            defer { spool.remove() }
            let processor = try spool.start(["run"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }
            // A task folder put together by hand, its persona_1/persona.json damaged.
            let staged = spool.base + "/staging/c2"
            try FileManager.default.createDirectory(atPath: staged + "/persona_1", withIntermediateDirectories: true)
            try Data(TaskFile.json(id: "c2", count: 2)).write(to: URL(fileURLWithPath: staged + "/task.json"))
            try Data("{\"firstname\": ".utf8).write(to: URL(fileURLWithPath: staged + "/persona_1/persona.json"))
            try FileManager.default.createDirectory(atPath: spool.path("data-generated"), withIntermediateDirectories: true)
            #expect(rename(staged, spool.path("data-generated/c2")) == 0)

            try await waitUntil("failed/c2", timeout: 60, context: { spool.overview() + processor.stderr }) {
                spool.exists("failed/c2/error.json")
            }
            let error = try #require(spool.json("failed/c2/error.json"))
            #expect((error["message"] as? String)?.contains("persona_1/persona.json cannot be read") == true, "\(error)")
            let status = try await spool.runToEnd(["status", "c2"])
            #expect(status.out.contains("persona_1/persona.json cannot be read"), "\(status.out)")

            let retry = try await spool.runToEnd(["retry", "c2"])
            #expect(retry.status == 0, "\(retry.err)")
            #expect(retry.out.contains("kept as persona_1/persona.json.unreadable"), "\(retry.out)")
            try await waitUntil("the same processor to complete c2", timeout: 60, context: { spool.overview() + processor.stderr }) {
                spool.exists("completed/c2/result.json")
            }
            #expect(spool.exists("completed/c2/persona_1/persona.json.unreadable"))
            #expect(try await processor.stop() == 0)
        }

        @Test("a corrupt index.sqlite is moved aside and rebuilt, by reindex and by a processor at start")
        func corruptIndexIsRebuilt() async throws {
            let spool = try TempSpool("badindex")
            defer { spool.remove() }
            try spool.dropByRename(TaskFile.json(id: "i1", count: 1), as: "i1.json")
            #expect(try await spool.runToEnd(["run", "--drain"]).status == 0)
            let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37) })

            for command in [["reindex"], ["run", "--drain"]] {
                for f in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: spool.indexPath + f) }
                try garbage.write(to: URL(fileURLWithPath: spool.indexPath))
                let r = try await spool.runToEnd(command)
                #expect(r.status == 0, "\(command): \(r.out)\(r.err)")
                #expect((r.out + r.err).contains("moved it aside to \(spool.indexPath).corrupt-"), "\(command): \(r.out)\(r.err)")
                let rows = try await SpoolIndex(path: spool.indexPath).query("SELECT status FROM generation_tasks WHERE task_id = 'i1'")
                #expect(rows.first?["status"] == "completed", "\(command)")
            }
            #expect(spool.list(".").filter { $0.hasPrefix("index.sqlite.corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.count >= 1)
        }

        @Test("a password inside a URL reaches neither doctor nor the processor's log")
        func urlCredentialsAreMasked() async throws {
            let spool = try TempSpool("urlmask")
            defer { spool.remove() }
            let env = ["AVATAR_DATA_PROVIDER": "openai", "OPENAI_CHAT_MODEL": "m",
                       "OPENAI_BASE_URL": "http://admin:pw@127.0.0.1:9/v1?api_key=qsecret77"]
            let doctor = try await spool.runToEnd(["doctor"], env: env)
            let run = try await spool.runToEnd(["run", "--drain"], env: env)
            #expect(run.status == 0, "\(run.err)")
            #expect(run.err.contains("processor started"))
            for text in [doctor.out, doctor.err, run.err] {
                #expect(!text.contains("admin:pw") && !text.contains("qsecret77"), "\(text)")
            }
            #expect(doctor.out.contains("OPENAI_BASE_URL=http://***@127.0.0.1:9/v1?api_key=***"), "\(doctor.out)")
        }

        @Test("status says so and exits 1 for a missing spool or a status folder it cannot read")
        func statusReportsProblems() async throws {
            let spool = try TempSpool("status")
            defer { spool.remove() }
            let missing = try await spool.runToEnd(["status", "--spool", spool.base + "/nowhere"])
            #expect(missing.status == 1)
            #expect(missing.err.contains("there is no spool at \(spool.base)/nowhere"), "\(missing.err)")
            #expect(missing.out.isEmpty, "zero counts for a spool that is not there: \(missing.out)")

            #expect(FileManager.default.createFile(atPath: spool.path("completed"), contents: Data()))
            let unreadable = try await spool.runToEnd(["status"])
            #expect(unreadable.status == 1)
            #expect(unreadable.err.contains("cannot read \(spool.root)/completed"), "\(unreadable.err)")
        }

        @Test("a misspelt command is named as such, with the nearest one, before any option is judged")
        func misspeltCommand() async throws {
            let spool = try TempSpool("typo")
            defer { spool.remove() }
            let typo = try await spool.runToEnd(["statu"])
            #expect(typo.status == 64)
            #expect(typo.err.contains("'statu' is not an avatar-spool command. Did you mean 'status'?"), "\(typo.err)")
            let none = try await spool.runToEnd(["xyzzy"])
            #expect(none.status == 64 && !none.err.contains("Did you mean"), "\(none.err)")
        }

        @Test("one rule for ids: submit refuses an id in use, status and retry find a task still in pending/")
        func oneRuleForIDs() async throws {
            let spool = try TempSpool("ids")
            defer { spool.remove() }
            let file = try spool.stage(TaskFile.json(id: "same", count: 1), as: "same.json")
            let first = try await spool.runToEnd(["submit", file])
            #expect(first.status == 0 && first.out.contains("same"), "\(first.err)")

            let again = try await spool.runToEnd(["submit", file])
            #expect(again.status == 1)
            #expect(again.err.contains("already waiting in pending/same.json"), "\(again.err)")
            let status = try await spool.runToEnd(["status", "same"])
            #expect(status.status == 0 && status.out.contains("pending"), "\(status.out)\(status.err)")
            let retry = try await spool.runToEnd(["retry", "same"])
            #expect(retry.status == 1 && retry.err.contains("still in pending/same.json"), "\(retry.err)")

            #expect(try await spool.runToEnd(["run", "--drain"]).status == 0)
            let other = try spool.stage(TaskFile.json(id: "same", count: 2), as: "other.json")
            let used = try await spool.runToEnd(["submit", other])
            #expect(used.status == 1)
            #expect(used.err.contains("already used by completed/same"), "\(used.err)")
            #expect(spool.list("pending").isEmpty, "a refused file reached pending/")
        }

        @Test("a pending file with another hard link is copied into the task folder; the other link is left alone")
        func hardLinkedPendingFileIsCopied() async throws {
            let spool = try TempSpool("hlink")
            defer { spool.remove() }
            let outside = try spool.stage(TaskFile.json(id: "hl", count: 1), as: "hl.json")
            #expect(link(outside, spool.path("pending/hl.json")) == 0)
            let r = try await spool.runToEnd(["run", "--drain"])
            #expect(r.status == 0, "\(r.err)")
            #expect(spool.exists("completed/hl/result.json"))
            #expect(inode(spool.path("completed/hl/task.json")) != inode(outside))
            var st = stat()
            #expect(lstat(outside, &st) == 0 && st.st_nlink == 1)
            #expect(spool.read("completed/hl/task.json") == TaskFile.json(id: "hl", count: 1))
        }

        @Test("submit honours AVATAR_UMASK; a umask taking the owner's bits, an unknown log level and a negative number are refused clearly")
        func flagsAndUmask() async throws {
            let spool = try TempSpool("umask")
            defer { spool.remove() }
            let file = try spool.stage(TaskFile.json(id: "um", count: 1), as: "um.json")
            #expect(try await spool.runToEnd(["submit", file], env: ["AVATAR_UMASK": "077"]).status == 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: spool.path("pending/um.json"))
            #expect((attributes[.posixPermissions] as? Int) == 0o600)

            let owner = try await spool.runToEnd(["run", "--drain", "--umask", "0777"])
            #expect(owner.status != 0 && owner.err.contains("must leave the owner"), "\(owner.err)")
            let level = try await spool.runToEnd(["status", "--log-level", "verbose"])
            #expect(level.status != 0 && level.err.contains("--log-level must be one of"), "\(level.err)")
            let negative = try await spool.runToEnd(["run", "--drain", "--task-concurrency", "-3"])
            #expect(negative.status != 0 && negative.err.contains("TASK_CONCURRENCY must be a whole number"), "\(negative.err)")
            #expect(!negative.err.contains("Missing value"))
        }

        @Test("the spool's real path is used whatever --spool says: local object URLs do not depend on a symlink")
        func spoolPathIsResolved() async throws {
            let spool = try TempSpool("realpath")
            defer { spool.remove() }
            let alias = spool.base + "/alias"
            try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: spool.root)
            try spool.dropByRename(TaskFile.json(id: "rp", count: 1), as: "rp.json")
            let r = try await spool.runToEnd(["run", "--drain", "--spool", alias])
            #expect(r.status == 0, "\(r.err)")
            let urls = try #require(spool.json("completed/rp/persona_1/urls.json"))
            let base = try #require(urls["base"] as? String)
            let real = URL(fileURLWithPath: spool.root).resolvingSymlinksInPath().path
            #expect(base.hasPrefix("file://" + real + "/objects/"), "\(base)")
            #expect(!base.contains("/alias/"), "\(base)")
        }

        @Test("pending/ deleted and made again is watched again")
        func recreatedPendingIsWatched() async throws {
            let spool = try TempSpool("rewatch")
            defer { spool.remove() }
            // Rescans every 60 s: a pickup within seconds comes from inotify.
            let processor = try spool.start(["run"], env: ["WORKER_INTERVAL": "60"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }
            try FileManager.default.removeItem(atPath: spool.pending)
            try await Task.sleep(for: .milliseconds(300))
            try FileManager.default.createDirectory(atPath: spool.pending, withIntermediateDirectories: false)
            try await waitUntil("the watch to come back", timeout: 20, context: { processor.stderr }) {
                processor.stderr.contains("watching it again")
            }
            try spool.dropByRename(TaskFile.json(id: "w1", count: 1), as: "w1.json")
            try await waitUntil("completed/w1 (from inotify)", timeout: 30, context: { spool.overview() + processor.stderr }) {
                spool.exists("completed/w1/result.json")
            }
            #expect(try await processor.stop() == 0)
        }

        @Test("a task folder deleted by hand while it runs leaves no index row behind")
        func deletedFolderLeavesNoRow() async throws {
            let spool = try TempSpool("gone")
            defer { spool.remove() }
            let processor = try spool.start(["run"], env: ["AVATAR_BUILTIN_IMAGE_DELAY_MS": "1500", "IMAGE_CONCURRENCY": "1"])
            try spool.dropByRename(TaskFile.json(id: "gone", count: 3), as: "gone.json")
            try await waitUntil("generating-images/gone", timeout: 60, context: { spool.overview() + processor.stderr }) {
                spool.exists("generating-images/gone")
            }
            // Out of the spool in one step (a recursive delete races with the
            // processor's writes), then gone for good.
            let outside = spool.base + "/removed-gone"
            #expect(rename(spool.path("generating-images/gone"), outside) == 0)
            try? FileManager.default.removeItem(atPath: outside)
            try await waitUntil("the row to go", timeout: 30, context: { processor.stderr }) {
                let rows = try await SpoolIndex(path: spool.indexPath).query("SELECT status FROM generation_tasks WHERE task_id = 'gone'")
                return rows.isEmpty
            }
            #expect(processor.isRunning)
            #expect(try await processor.stop() == 0)
        }
    }
}
