import Foundation
import Testing

extension EndToEnd {
    @Suite("Large tasks", .serialized)
    struct LargeTasks {
        @Test("500 personas from one small name pool (DE, female; images off) all succeed with distinct full names")
        func manyDistinctNames() async throws {
            let spool = try TempSpool("names")
            defer { spool.remove() }
            let id = "many-names"
            let count = 500
            let bytes = Array(#"{"task_id": "\#(id)", "count": \#(count), "persona": {"country": "DE", "gender": "female"}, "images": {"enabled": false}}"#.utf8)
            try spool.dropByRename(bytes, as: id + ".json")
            let drain = try await spool.runToEnd(["run", "--drain"], timeout: 120)
            #expect(drain.status == 0)
            #expect(spool.exists("completed/\(id)/result.json"), "\(spool.overview())")
            #expect(!spool.exists("completed/\(id)/error.json"),
                    "\(String(decoding: spool.read("completed/\(id)/error.json") ?? [], as: UTF8.self).prefix(600))")
            let names = spool.personaNames("completed", id, count: count)
            #expect(names.count == count)
            #expect(Set(names.values.map { $0.lowercased() }).count == count, "two personas share a full name")
        }
    }
}
