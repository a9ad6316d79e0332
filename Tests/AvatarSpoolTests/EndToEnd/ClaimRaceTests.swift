import Foundation
import Testing

extension EndToEnd {
    /// Claims that race, and claims cut short.
    @Suite("Claim races", .serialized)
    struct ClaimRaces {
        @Test("ten tasks each dropped twice (identical copies) with two processors starting at once: each runs once, no failure")
        func identicalCopiesRacingProcessors() async throws {
            let spool = try TempSpool("copies")
            defer { spool.remove() }
            let ids = (1...10).map { "copy-\($0)" }
            for id in ids {
                let bytes = TaskFile.json(id: id, count: 1)
                try spool.dropByRename(bytes, as: "a-\(id).json")
                try spool.dropByRename(bytes, as: "b-\(id).json")
            }
            let a = try spool.start(["run", "--drain"], name: "a")
            let b = try spool.start(["run", "--drain"], name: "b")
            #expect(try await a.waitForExit(timeout: 60) == 0)
            #expect(try await b.waitForExit(timeout: 60) == 0)
            #expect(spool.list("completed") == ids.sorted(), "\(spool.overview())")
            #expect(spool.list("failed").isEmpty, "\(spool.overview())\n\(a.stderr)\n\(b.stderr)")
            #expect(spool.list("pending").isEmpty)
            #expect(spool.list("tmp").isEmpty)
            let logs = [a.stderr, b.stderr]
            let renders = StepLog.count(step: 2, in: logs)
            #expect(renders.count == ids.count)
            for (key, n) in renders { #expect(n == 1, "\(key) rendered \(n) times") }
            let duplicates = logs.map { $0.components(separatedBy: "removed the duplicate").count - 1 }.reduce(0, +)
            #expect(duplicates == ids.count)
        }

        @Test("a processor that died between the claim rename and the move leaves tmp/claim-*/; the next start finishes the claim")
        func halfClaimRecovered() async throws {
            let spool = try TempSpool("halfclaim")
            defer { spool.remove() }
            // What Claimer leaves after `pending/<name>` → `tmp/claim-<x>/task.json`, then death.
            let claim = spool.path("tmp/claim-0b5e1d3c-dead-4a11-9c0e-000000000001")
            try FileManager.default.createDirectory(atPath: claim, withIntermediateDirectories: true)
            let bytes = TaskFile.json(id: nil, count: 1)
            try Data(bytes).write(to: URL(fileURLWithPath: claim + "/task.json"))
            try Data("half claimed.json".utf8).write(to: URL(fileURLWithPath: claim + "/.origin"))

            let drain = try await spool.runToEnd(["run", "--drain"], timeout: 60)
            #expect(drain.status == 0)
            // The id is derived from the name the file had in pending/.
            #expect(spool.exists("completed/half-claimed/result.json"), "\(spool.overview())\n\(drain.err)")
            #expect(spool.read("completed/half-claimed/task.json") == bytes)
            #expect(spool.list("tmp").isEmpty, "the claim folder must be gone: \(spool.list("tmp"))")
        }
    }
}
