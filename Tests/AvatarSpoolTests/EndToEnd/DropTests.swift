import AvatarIndex
import Foundation
import Testing

extension EndToEnd {
    /// Tasks arriving in pending/ the three ways users deliver them.
    @Suite("Dropping tasks", .serialized)
    struct Dropping {
        @Test("a task renamed into pending/ of a running processor completes, with every file and its index rows")
        func droppedByRename() async throws {
            let spool = try TempSpool("rename")
            defer { spool.remove() }
            let processor = try spool.start(["run"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }

            let id = "renamed-task"
            let count = 3
            let bytes = TaskFile.json(id: id, count: count, country: "DE")
            try spool.dropByRename(bytes, as: "renamed.json")

            try await waitUntil("completed/\(id)/result.json", timeout: 60, context: { spool.overview() + "\n" + processor.stderr }) {
                spool.exists("completed/\(id)/result.json")
            }
            let folder = "completed/\(id)"
            #expect(spool.read("\(folder)/task.json") == bytes, "task.json must be byte-identical to the dropped file")
            #expect(spool.list("pending").isEmpty)
            #expect(spool.list("failed").isEmpty)
            for n in 1...count {
                for file in personaFileNames {
                    #expect(spool.exists("\(folder)/persona_\(n)/\(file)"), "persona_\(n)/\(file) is missing")
                }
                #expect(!spool.exists("\(folder)/persona_\(n)/error.json"))
            }
            #expect(!spool.exists("\(folder)/error.json"))

            // result.json lists every persona, each completed with its names.
            let result = try #require(spool.json("\(folder)/result.json"))
            let personas = try #require(result["personas"] as? [[String: Any]])
            #expect(personas.compactMap { $0["index"] as? Int }.sorted() == Array(1...count))
            #expect(personas.allSatisfy { ($0["status"] as? String) == "completed" })
            let names = spool.personaNames("completed", id, count: count)
            #expect(names.count == count)
            let listed = Set(personas.compactMap { p -> String? in
                guard let d = p["persona"] as? [String: Any], let f = d["firstname"] as? String,
                      let l = d["lastname"] as? String else { return nil }
                return "\(f) \(l)"
            })
            #expect(listed == Set(names.values))

            // The DESIGN.md §6 query, as written, gives one row per persona.
            let sql = """
                SELECT firstname, lastname, base_image_url, image_1_url
                FROM generation_results
                WHERE task_id = (SELECT id FROM generation_tasks WHERE task_id = '\(id)');
                """
            var rows: [[String: String]] = []
            // Step 7 writes each persona's row as it finishes; the task's row follows the final rename.
            try await waitUntil("the index to hold \(count) rows for \(id), completed", timeout: 20, context: { "\(rows)" }) {
                let index = try SpoolIndex(path: spool.indexPath)
                rows = try await index.query(sql)
                let task = try await index.query("SELECT status FROM generation_tasks WHERE task_id = ?", [id])
                return rows.count == count && rows.allSatisfy { $0["image_1_url"] != "NULL" }
                    && task.first?["status"] == "completed"
            }
            #expect(Set(rows.map { "\($0["firstname"]!) \($0["lastname"]!)" }) == Set(names.values))
            for row in rows {
                #expect(row["base_image_url"]?.hasSuffix("/base.png") == true)
                #expect(row["image_1_url"]?.hasSuffix("/image_0.png") == true)
            }
            let status = try await SpoolIndex(path: spool.indexPath)
                .query("SELECT status FROM generation_tasks WHERE task_id = ?", [id])
            #expect(status.first?["status"] == "completed")

            #expect(try await processor.stop() == 0)
        }

        @Test("a file written slowly in three chunks a second apart, directly in pending/, completes")
        func slowWriter() async throws {
            let spool = try TempSpool("slow")
            defer { spool.remove() }
            let processor = try spool.start(["run"])
            try await waitUntil("the processor to start", timeout: 30, context: { processor.stderr }) {
                processor.stderr.contains("processor started")
            }

            let id = "slow-task"
            let bytes = TaskFile.json(id: id, count: 1)
            let third = bytes.count / 3
            let chunks = [bytes[..<third], bytes[third..<(2 * third)], bytes[(2 * third)...]]
            let fd = open(spool.pending + "/slow.json", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(fd >= 0)
            for (k, chunk) in chunks.enumerated() {
                let written = Array(chunk).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                #expect(written == chunk.count)
                if k < chunks.count - 1 { try await Task.sleep(for: .seconds(1)) }
            }
            close(fd)

            try await waitUntil("\(id) to finish", timeout: 60, context: { spool.overview() + "\n" + processor.stderr }) {
                spool.exists("completed/\(id)/result.json") || !spool.list("failed").isEmpty
            }
            #expect(spool.list("failed").isEmpty, "a file still being written must not be failed: \(processor.stderr)")
            #expect(spool.exists("completed/\(id)/result.json"))
            #expect(spool.read("completed/\(id)/task.json") == bytes)
            #expect(try await processor.stop() == 0)
        }

        @Test("a task placed with `submit` completes; `submit` of an invalid file exits 1 naming the field path")
        func submitted() async throws {
            let spool = try TempSpool("submit")
            defer { spool.remove() }
            let id = "submitted-task"
            let bytes = TaskFile.json(id: id, count: 2)
            let file = try spool.stage(bytes, as: "submitted.json")

            let submit = try await spool.runToEnd(["submit", file])
            #expect(submit.status == 0, "submit failed: \(submit.err)")
            #expect(submit.out.trimmingCharacters(in: .whitespacesAndNewlines) == id)
            #expect(spool.list("pending") == ["submitted.json"])
            #expect(spool.list("tmp").isEmpty, "submit must leave nothing in tmp/")

            let drain = try await spool.runToEnd(["run", "--drain"], timeout: 60)
            #expect(drain.status == 0, "\(drain.err)")
            #expect(spool.exists("completed/\(id)/result.json"), "\(spool.overview())\n\(drain.err)")
            #expect(spool.read("completed/\(id)/task.json") == bytes)

            let bad = try spool.stage(Array(#"{"count": 2, "persona": {"age_min": "young"}}"#.utf8), as: "bad.json")
            let refused = try await spool.runToEnd(["submit", bad])
            #expect(refused.status == 1)
            #expect(refused.err.contains("persona.age_min"), "the error must name the field path: \(refused.err)")
            #expect(spool.list("pending").isEmpty, "an invalid file must not be submitted")

            let typo = try spool.stage(Array(#"{"cout": 2}"#.utf8), as: "typo.json")
            let refusedTypo = try await spool.runToEnd(["submit", typo])
            #expect(refusedTypo.status == 1)
            #expect(refusedTypo.err.contains("cout") && refusedTypo.err.contains("count"), "\(refusedTypo.err)")
        }
    }
}
