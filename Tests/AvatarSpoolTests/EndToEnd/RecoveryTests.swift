import AvatarIndex
import AvatarPipeline
import Foundation
import Testing

extension EndToEnd {
    /// Operators' tools: retry, reindex; and tasks dropped twice.
    @Suite("Retry, reindex, duplicates", .serialized)
    struct Recovery {
        /// inode and mtime, to tell a file left alone from one written again.
        static func identity(_ path: String) -> String? {
            var st = stat()
            guard lstat(path, &st) == 0 else { return nil }
            return "\(st.st_ino)@\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }

        @Test("retry regenerates only the failed persona's missing files", arguments: ["completed", "failed"])
        func retryFailedPersona(endStage: String) async throws {
            let spool = try TempSpool("retry")
            defer { spool.remove() }
            let id = "retry-task"
            let count = 3
            try spool.dropByRename(TaskFile.json(id: id, count: count), as: id + ".json")
            let first = try await spool.runToEnd(["run", "--drain"], timeout: 60)
            #expect(first.status == 0)
            try #require(spool.exists("completed/\(id)/result.json"), "\(spool.overview())\n\(first.err)")
            let names = spool.personaNames("completed", id, count: count)
            let oldBase = spool.read("completed/\(id)/persona_2/base.png")

            // Make persona 2 look as if its base image had failed: error.json
            // in the pipeline's own format, its image files gone.
            let p2 = spool.path("completed/\(id)/persona_2")
            let failure = PersonaFailure(persona: 2, name: names[2], step: "step 2/7: base image",
                                         message: "content refused (test)", provider: "builtin", status: 400)
            try JSONEncoder().encode(failure).write(to: URL(fileURLWithPath: p2 + "/error.json"))
            for file in ["base.png", "grid.png", "image_0.png", "image_1.png", "image_2.png", "image_3.png", "urls.json"] {
                try FileManager.default.removeItem(atPath: p2 + "/" + file)
            }
            if endStage == "failed" {
                try FileManager.default.moveItem(atPath: spool.path("completed/\(id)"), toPath: spool.path("failed/\(id)"))
            }
            // What must not be touched: every file of personas 1 and 3, persona 2's data and prompt.
            var kept: [String: String] = [:]
            for n in [1, 3] {
                for file in personaFileNames { kept["persona_\(n)/\(file)"] = Self.identity(spool.path("\(endStage)/\(id)/persona_\(n)/\(file)")) }
            }
            for file in ["persona.json", "prompt.txt"] { kept["persona_2/\(file)"] = Self.identity(spool.path("\(endStage)/\(id)/persona_2/\(file)")) }
            #expect(kept.values.allSatisfy { !$0.isEmpty } && kept.count == 2 * personaFileNames.count + 2)

            let retry = try await spool.runToEnd(["retry", id])
            #expect(retry.status == 0, "retry failed: \(retry.err)")
            #expect(retry.out.contains("1 persona"), "\(retry.out)")
            #expect(spool.stage(of: id) == "data-generated")

            let second = try await spool.runToEnd(["run", "--drain"], timeout: 60)
            #expect(second.status == 0)
            #expect(spool.exists("completed/\(id)/result.json"), "\(spool.overview())\n\(second.err)")
            #expect(!spool.exists("completed/\(id)/error.json"))
            #expect(!spool.exists("completed/\(id)/persona_2/error.json"))
            for n in 1...count {
                for file in personaFileNames { #expect(spool.exists("completed/\(id)/persona_\(n)/\(file)")) }
            }
            for (file, before) in kept {
                #expect(Self.identity(spool.path("completed/\(id)/\(file)")) == before, "\(file) was written again")
            }
            // Only persona 2 ran, and only from step 2 (its prompt was kept).
            let steps = StepLog.anyStep(in: [second.err])
            #expect(Array(steps.keys) == ["\(id)|\(names[2]!)"], "steps ran for \(steps.keys.sorted())")
            #expect(steps["\(id)|\(names[2]!)"]?.sorted() == [2, 3, 4, 5, 6, 7])
            // The builtin renderer is deterministic per persona.
            #expect(spool.read("completed/\(id)/persona_2/base.png") == oldBase)

            let result = try #require(spool.json("completed/\(id)/result.json"))
            let personas = try #require(result["personas"] as? [[String: Any]])
            #expect(personas.count == count)
            #expect(personas.allSatisfy { ($0["status"] as? String) == "completed" })
            let row = try await SpoolIndex(path: spool.indexPath)
                .query("SELECT status, completed_personas, failed_personas FROM generation_tasks WHERE task_id = ?", [id])
            #expect(row.first?["status"] == "completed")
            #expect(row.first?["completed_personas"] == "\(count)")
            #expect(row.first?["failed_personas"] == "0")
        }

        @Test("reindex after deleting index.sqlite rebuilds the same rows")
        func reindex() async throws {
            let spool = try TempSpool("reindex")
            defer { spool.remove() }
            try spool.dropByRename(TaskFile.json(id: "reindex-a", count: 2), as: "a.json")
            try spool.dropByRename(TaskFile.json(id: nil, count: 1, country: "JP"), as: "derived name.json")
            try spool.dropByRename(Array(#"{"task_id": "reindex-bad", "count": 0}"#.utf8), as: "bad.json")
            let drain = try await spool.runToEnd(["run", "--drain"], timeout: 60)
            #expect(drain.status == 0)
            #expect(spool.list("completed") == ["derived-name", "reindex-a"], "\(spool.overview())")
            #expect(spool.list("failed") == ["reindex-bad"])

            let before: [[String: String]]
            do {
                let index = try SpoolIndex(path: spool.indexPath)
                before = try await index.dump()
            }
            #expect(before.count == 2 + 1 + 1, "one row per persona, one for the refused task: \(before)")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: spool.indexPath + suffix) }

            let reindex = try await spool.runToEnd(["reindex"])
            #expect(reindex.status == 0, "\(reindex.err)")
            #expect(reindex.out.contains("indexed 3 task(s)"), "\(reindex.out)")
            let after = try await SpoolIndex(path: spool.indexPath).dump()
            #expect(after == before)
        }

        @Test("the same file dropped twice runs once; the same task_id with other content ends in failed/<id>.dup-1/")
        func duplicates() async throws {
            let spool = try TempSpool("dup")
            defer { spool.remove() }
            let processor = try spool.start(["run"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }
            let id = "dup-task"
            let bytes = TaskFile.json(id: id, count: 1)
            try spool.dropByRename(bytes, as: "dup.json")
            try await waitUntil("completed/\(id)", timeout: 60, context: { spool.overview() + processor.stderr }) {
                spool.exists("completed/\(id)/result.json")
            }
            let resultIdentity = Self.identity(spool.path("completed/\(id)/result.json"))

            // The same bytes again, under another name.
            try spool.dropByRename(bytes, as: "dup-again.json")
            try await waitUntil("the duplicate to be removed", timeout: 30, context: { spool.overview() + processor.stderr }) {
                spool.list("pending").isEmpty && processor.stderr.contains("removed the duplicate")
            }
            #expect(spool.list("completed") == [id])
            #expect(spool.list("failed").isEmpty)
            #expect(Self.identity(spool.path("completed/\(id)/result.json")) == resultIdentity, "the task ran again")

            // The same id, other content.
            let other = TaskFile.json(id: id, count: 2)
            try spool.dropByRename(other, as: "dup-changed.json")
            let dup = "failed/\(id).dup-1"
            try await waitUntil("\(dup)/error.json", timeout: 30, context: { spool.overview() + processor.stderr }) {
                spool.exists("\(dup)/error.json")
            }
            #expect(try await processor.stop() == 0)

            #expect(spool.read("\(dup)/task.json") == other, "the conflicting file must be kept byte for byte")
            let error = try #require(spool.json("\(dup)/error.json"))
            let message = error["message"] as? String ?? ""
            #expect(message.contains("'\(id)' is already used") && message.contains("different content"), "\(error)")
            #expect(spool.list("completed") == [id])
            #expect(spool.read("completed/\(id)/task.json") == bytes)
            #expect(spool.list("pending").isEmpty)
            #expect(StepLog.count(step: 2, in: [processor.stderr]).values.reduce(0, +) == 1, "only the first file's one persona is rendered")
        }
    }
}
