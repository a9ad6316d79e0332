@testable import AvatarIndex
import Foundation
import GRDB
import Testing

/// The index in a real PostgreSQL (started by scripts/test.sh): the old
/// service's SQL in psql, reindex equal to the live index, concurrent
/// migrations, and a server that goes away mid-run.
@Suite("PostgreSQL index", .serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipReason))
struct PostgresIndexTests {
    static let password = "avatar-test-pw"

    /// A temp spool with `tasks` (id → persona count) drained by `run --drain` into `indexURL`.
    func drainedSpool(_ label: String, indexURL: String, tasks: [(String, Int)]) async throws -> TempSpool {
        let spool = try TempSpool(label)
        for (id, count) in tasks { try spool.dropByRename(TaskFile.json(id: id, count: count), as: id + ".json") }
        let r = try await spool.runToEnd(["run", "--drain"], env: ["AVATAR_INDEX_URL": indexURL], timeout: 120)
        #expect(r.status == 0, "run --drain: \(r.err.suffix(2000))")
        #expect(!r.err.contains(Self.password) && !r.out.contains(Self.password), "the password reached the log")
        return spool
    }

    @Test("the old service's SQL runs unchanged in psql against the index of a drained spool")
    func oldServiceQuery() async throws {
        let db = try TestPostgres.database("oldsql")
        let spool = try await drainedSpool("pg-oldsql", indexURL: db, tasks: [("pg-berlin", 3), ("pg-lagos", 2)])
        defer { spool.remove() }
        let out = try TestPostgres.psql(db, """
            SELECT firstname, lastname, base_image_url, image_1_url
            FROM generation_results
            WHERE task_id = (SELECT id FROM generation_tasks WHERE task_id = 'pg-berlin');
            """)
        let rows = out.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 3)
        for row in rows {
            #expect(row.count == 4 && !row[0].isEmpty && !row[1].isEmpty, "\(row)")
            #expect(row.count == 4 && row[3].hasSuffix("/image_0.png"), "\(row)")
        }
        for n in 1...3 {
            #expect(rows.contains { $0.count == 4 && $0[2].hasSuffix("task_pg-berlin/persona_\(n)/base.png") }, "persona \(n)")
        }
        let tasks = try TestPostgres.psql(db, "SELECT task_id, status, count, completed_personas, failed_personas FROM generation_tasks ORDER BY task_id")
        #expect(tasks == "pg-berlin|completed|3|3|0\npg-lagos|completed|2|2|0\n")
        // Our columns are nullable additions beside the old ones.
        let versions = try TestPostgres.psql(db, "SELECT version FROM schema_migrations ORDER BY version")
        #expect(versions == "v1\nv2-thumbnails\nv3-cost\nv4-leases\nv5-lease-trust\n")
        let thumbs = try TestPostgres.psql(db, "SELECT count(*) FROM generation_results WHERE base_thumb_url LIKE '%thumb_base.png'")
        #expect(thumbs == "5\n")
    }

    @Test("reindex rebuilds the PostgreSQL index equal to the live one (EXCEPT both ways is empty), ids kept")
    func reindexEqualsLive() async throws {
        let db = try TestPostgres.database("reindex")
        let spool = try await drainedSpool("pg-reindex", indexURL: db, tasks: [("pg-a", 2), ("pg-b", 3), ("pg-c", 1)])
        defer { spool.remove() }
        // Everything but the surrogate ids and the times of writing.
        let tasksView = "SELECT id, task_id, status, count, persona_params, image_params, completed_personas, failed_personas, current_step, error_log, created_at, cost_usd FROM generation_tasks"
        let resultsView = """
            SELECT t.task_id AS task, r.persona_index, r.firstname, r.lastname, r.gender, r.age, r.country, r.city,
                   r.occupation, r.bio, r.image_prompt, r.status, r.error, r.base_image_url, r.image_1_url, r.image_2_url,
                   r.image_3_url, r.image_4_url, r.base_thumb_url, r.thumb_1_url, r.thumb_2_url, r.thumb_3_url, r.thumb_4_url, r.cost_usd
            FROM generation_results r JOIN generation_tasks t ON t.id = r.task_id
            """
        try TestPostgres.psql(db, "CREATE TABLE live_tasks AS \(tasksView); CREATE TABLE live_results AS \(resultsView)")
        // Damage the index: a lost row, a wrong status, a stray task.
        try TestPostgres.psql(db, """
            DELETE FROM generation_results WHERE persona_index = 1 AND task_id = (SELECT id FROM generation_tasks WHERE task_id = 'pg-b');
            UPDATE generation_tasks SET status = 'generating-images' WHERE task_id = 'pg-a';
            INSERT INTO generation_tasks (task_id, status) VALUES ('pg-gone', 'completed');
            """)
        let r = try await spool.runToEnd(["reindex"], env: ["AVATAR_INDEX_URL": db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("indexed 3 task(s) into postgresql://***@"), "\(r.out)")
        #expect(!r.out.contains(Self.password))
        for (live, now) in [("live_tasks", tasksView), ("live_results", resultsView)] {
            let diff = try TestPostgres.psql(db, """
                SELECT count(*) FROM ((SELECT * FROM \(live) EXCEPT \(now)) UNION ALL (\(now) EXCEPT SELECT * FROM \(live))) d
                """)
            #expect(diff == "0\n", "\(live) differs from the rebuilt index")
        }
    }

    @Test("four processors starting at once on an empty database migrate it once, under the advisory lock")
    func concurrentMigrations() async throws {
        let db = try TestPostgres.database("migrate")
        let stores = (0..<4).map { _ in PostgresIndex(conninfo: db, location: "test") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.check() } }
            try await group.waitForAll()
        }
        let versions = try TestPostgres.psql(db, "SELECT version FROM schema_migrations ORDER BY version")
        #expect(versions == "v1\nv2-thumbnails\nv3-cost\nv4-leases\nv5-lease-trust\n")
        // And the stores work: one writes, another reads.
        let task = IndexedTask(taskID: "m1", status: "completed", count: 1, personaParams: "{\"country\":\"PT\"}", imageParams: nil,
                               completedPersonas: 1, failedPersonas: 0, currentStep: "done", errorLog: nil, createdAt: Date(),
                               results: [IndexedResult(personaIndex: 1, firstname: "Ana", lastname: "O'Neil; DROP TABLE x", gender: nil, age: 30,
                                                       country: "PT", city: nil, occupation: nil, bio: nil, imagePrompt: nil,
                                                       status: "completed", error: nil, baseImageURL: "b", imageURLs: ["1", "2", "3", "4"],
                                                       costUSD: 0.25)],
                               costUSD: 0.25)
        try await stores[0].sync(task)
        let rows = try await stores[3].query("SELECT lastname, image_4_url, cost_usd FROM generation_results", [])
        #expect(rows == [["lastname": "O'Neil; DROP TABLE x", "image_4_url": "4", "cost_usd": "0.25"]])
        let summaries = try await stores[2].summaries()
        #expect(summaries.map(\.taskID) == ["m1"] && summaries.first?.costUSD == 0.25 && summaries.first?.createdAt != nil)
    }

    @Test("two processors started at once on one spool and an empty database both migrate safely and drain it")
    func twoProcessorsMigrateAtOnce() async throws {
        let db = try TestPostgres.database("twoproc")
        let spool = try TempSpool("pg-twoproc")
        defer { spool.remove() }
        let ids = (1...6).map { "pg-two-\($0)" }
        for id in ids { try spool.dropByRename(TaskFile.json(id: id, count: 1), as: id + ".json") }
        let env = ["AVATAR_INDEX_URL": db]
        let a = try spool.start(["run", "--drain"], env: env, name: "a")
        let b = try spool.start(["run", "--drain"], env: env, name: "b")
        #expect(try await a.waitForExit(timeout: 120) == 0, "\(a.stderr.suffix(2000))")
        #expect(try await b.waitForExit(timeout: 120) == 0, "\(b.stderr.suffix(2000))")
        #expect(try TestPostgres.psql(db, "SELECT version || ':' || count(*) FROM schema_migrations GROUP BY version ORDER BY version")
                == "v1:1\nv2-thumbnails:1\nv3-cost:1\nv4-leases:1\nv5-lease-trust:1\n")
        #expect(try TestPostgres.psql(db, "SELECT string_agg(task_id || '=' || status, ',' ORDER BY task_id) FROM generation_tasks")
                == ids.sorted().map { "\($0)=completed" }.joined(separator: ",") + "\n")
        for p in [a, b] { #expect(!p.stderr.contains("index update failed") && !p.stderr.contains("rebuild failed"), "\(p.stderr.suffix(2000))") }
    }

    @Test("one store protocol, two engines: the same rows synced, replaced and deleted read back the same from SQLite and PostgreSQL")
    func sameDumpFromBothStores() async throws {
        let db = try TestPostgres.database("both")
        let dir = NSTemporaryDirectory() + "avatar-both-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stores: [any IndexStore] = [try SpoolIndex(path: dir + "/index.sqlite"), PostgresIndex(conninfo: db, location: "test")]
        func result(_ n: Int, status: String = "completed") -> IndexedResult {
            IndexedResult(personaIndex: n, firstname: "Zoë \(n)", lastname: "Ōta", gender: "female", age: 20 + n, country: "JP",
                          city: nil, occupation: "nurse", bio: "line\nbreak, \"quotes\"", imagePrompt: "p", status: status,
                          error: status == "failed" ? "step 2: refused" : nil, baseImageURL: "s3://b/\(n)/base.png",
                          imageURLs: ["u1", "u2", nil, "u4"], baseThumbURL: "t", thumbURLs: ["t1"], costUSD: n == 1 ? 0.125 : nil)
        }
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        let a = IndexedTask(taskID: "a", status: "generating-images", count: 3, personaParams: "{\"country\":\"JP\"}", imageParams: nil,
                            completedPersonas: 1, failedPersonas: 1, currentStep: "images 2/3", errorLog: "persona 2: refused",
                            createdAt: created, results: [result(1), result(2, status: "failed"), result(3, status: "pending")], costUSD: 0.125)
        var a2 = a
        a2.status = "completed"
        a2.results = [result(1), result(3)] // persona 2's row must go
        let b = IndexedTask(taskID: "b", status: "failed", count: 1, personaParams: nil, imageParams: nil, completedPersonas: 0,
                            failedPersonas: 1, currentStep: "failed", errorLog: nil, createdAt: created, results: [])
        let c = IndexedTask(taskID: "c", status: "completed", count: 0, personaParams: nil, imageParams: nil, completedPersonas: 0,
                            failedPersonas: 0, currentStep: "done", errorLog: nil, createdAt: created, results: [])
        for store in stores {
            try await store.sync(a)
            try await store.sync(b)
            try await store.sync(a2)
            try await store.sync(c)
            try await store.delete(taskIDs: ["c"])
        }
        let dumps = try await [stores[0].dump(), stores[1].dump()]
        #expect(dumps[0] == dumps[1])
        #expect(dumps[0].count == 3) // a's personas 1 and 3, b with no results
        #expect(try await stores[0].statuses() == stores[1].statuses())
        let summaries = try await [stores[0].summaries(), stores[1].summaries()].map { $0.sorted { $0.taskID < $1.taskID } }
        #expect(summaries[0] == summaries[1] && summaries[0].first?.createdAt == created)
        for store in stores { try await store.rebuild([b]) }
        let rebuilt = try await [stores[0].dump(), stores[1].dump()]
        #expect(rebuilt[0] == rebuilt[1] && rebuilt[0].count == 1)
    }

    @Test("the PostgreSQL tables have the SQLite index's columns, in the same order")
    func sameColumnsAsSQLite() async throws {
        let db = try TestPostgres.database("columns")
        try await PostgresIndex(conninfo: db, location: "test").check()
        let dir = NSTemporaryDirectory() + "avatar-columns-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sqlite = try SpoolIndex(path: dir + "/index.sqlite")
        for table in ["generation_tasks", "generation_results"] {
            let pg = try TestPostgres.psql(db, "SELECT column_name FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position")
            let lite = try await sqlite.query("SELECT name FROM pragma_table_info('\(table)')").compactMap { $0["name"] }
            #expect(pg.split(separator: "\n").map(String.init) == lite, "\(table)")
        }
    }

    @Test("PostgreSQL stopped mid-run: tasks still complete, status says the index is unreachable, and it catches up after a restart")
    func serverDownMidRun() async throws {
        let server = try OwnPostgres()
        defer { server.remove() }
        let db = try TestPostgres.database("down", on: server.url)
        let spool = try TempSpool("pg-down")
        defer { spool.remove() }
        let env = ["AVATAR_INDEX_URL": db]
        let processor = try spool.start(["run"], env: env)
        try spool.dropByRename(TaskFile.json(id: "before", count: 2), as: "before.json")
        try await waitUntil("task 'before' indexed as completed", timeout: 60, context: { processor.stderr.suffix(2000).description }) {
            (try? TestPostgres.psql(db, "SELECT status FROM generation_tasks WHERE task_id = 'before'")) == "completed\n"
        }
        try server.stop()
        try spool.dropByRename(TaskFile.json(id: "during", count: 2), as: "during.json")
        try await waitUntil("task 'during' completed while PostgreSQL is down", timeout: 60, context: { processor.stderr.suffix(2000).description }) {
            spool.exists("completed/during/result.json")
        }
        let status = try await spool.runToEnd(["status"], env: env)
        #expect(status.out.contains("index postgresql://***@127.0.0.1:") && status.out.contains("unreachable"), "\(status.out)")
        #expect(!status.out.contains(Self.password))
        try server.start()
        try await waitUntil("the index catches up with 'during'", timeout: 90, every: 0.5, context: { processor.stderr.suffix(3000).description }) {
            (try? TestPostgres.psql(db, "SELECT status || '/' || completed_personas FROM generation_tasks WHERE task_id = 'during'")) == "completed/2\n"
        }
        let after = try await spool.runToEnd(["status"], env: env)
        #expect(after.out.contains("in step with the folders"), "\(after.out)")
        #expect(processor.isRunning)
        #expect(try await processor.stop() == 0)
        #expect(processor.stderr.contains("caught up with the folders"))
        #expect(!processor.stderr.contains(Self.password), "the password reached the log")
    }
}
