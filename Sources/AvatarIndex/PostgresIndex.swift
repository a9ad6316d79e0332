import AvatarPostgres
import AvatarSystem
import Foundation

/// The index in PostgreSQL (AVATAR_INDEX_URL), for spools whose index other
/// services read or that several hosts share. The connection is made, and
/// the schema migrated, at the first use and again after a loss; creating
/// the store never fails for an unreachable server, so processing goes on
/// without it and the Indexer catches up later.
public final class PostgresIndex: IndexStore {
    public let location: String
    let connection: PGConnection

    /// One persona row: `$n` placeholders cast where PostgreSQL needs a type; the times are the server's.
    static let resultsUpsert: String = {
        var values = (1...IndexColumns.results.count).map { "$\($0)" }
        values[0] += "::int"   // task_id
        values[1] += "::int"   // persona_index
        values[5] += "::int"   // age
        let cost = "$\(IndexColumns.results.count + 1)::double precision"
        return IndexColumns.resultsUpsert(values: values + ["now() AT TIME ZONE 'UTC'", "now() AT TIME ZONE 'UTC'", cost])
    }()

    /// libpq blocks: its calls run here, never on Swift's cooperative pool.
    /// One connection is used by one call at a time (PGConnection's lock), so
    /// a few threads are plenty.
    static let pool = BlockingPool(name: "avatar-pg", threads: 4)

    /// - Parameters:
    ///   - conninfo: a postgresql:// URI (or "" for libpq's PG* variables).
    ///   - location: the same, safe to print (password masked by the caller).
    public init(conninfo: String, location: String) {
        self.location = location
        // A write must not linger on a dead connection (a partition): libpq
        // gives up after 30 s of unacknowledged data; the URL may say otherwise.
        connection = PGConnection(conninfo: conninfo, options: [
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "30000"),
        ], onConnect: { try PostgresSchema.migrate($0) })
    }

    public var isDeleted: Bool { false }

    func run<T: Sendable>(_ body: @escaping @Sendable (PGSession) throws -> T) async throws -> T {
        try await Self.pool.run { [connection] in try connection.withSession(body) }
    }

    /// Connects (and migrates) now, rather than at the first write.
    public func check() async throws {
        _ = try await run { try $0.query("SELECT 1") }
    }

    public func sync(_ task: IndexedTask) async throws {
        try await run { s in
            try s.transaction(context: "sync task \(task.taskID)") { try Self.upsert(task, s) }
        }
    }

    /// Upserts every task and drops the others in one transaction: the ids
    /// of tasks that stay keep their values (a rebuild changes no foreign key).
    public func rebuild(_ tasks: [IndexedTask]) async throws {
        try await run { s in
            try s.transaction(context: "rebuild the index") {
                for t in tasks { try Self.upsert(t, s) }
                let keep = Set(tasks.map(\.taskID))
                for row in try s.query("SELECT task_id FROM generation_tasks") {
                    guard let id = row["task_id"] ?? nil, !keep.contains(id) else { continue }
                    try Self.deleteTask(id, s)
                }
            }
        }
    }

    public func statuses() async throws -> [String: String] {
        try await run { s in
            var out: [String: String] = [:]
            for row in try s.query("SELECT task_id, status FROM generation_tasks") {
                if let id = row["task_id"] ?? nil { out[id] = (row["status"] ?? nil) ?? "" }
            }
            return out
        }
    }

    public func delete(taskIDs: [String]) async throws {
        guard !taskIDs.isEmpty else { return }
        try await run { s in
            try s.transaction(context: "delete tasks") { for id in taskIDs { try Self.deleteTask(id, s) } }
        }
    }

    public func summaries() async throws -> [TaskSummary] {
        try await run { s in
            try s.query("""
                SELECT task_id, status, count, completed_personas, failed_personas, current_step,
                       to_char(created_at, 'YYYY-MM-DD HH24:MI:SS') AS created_at, cost_usd
                FROM generation_tasks
                """).map { r in
                func v(_ k: String) -> String? { r[k] ?? nil }
                return TaskSummary(taskID: v("task_id") ?? "", status: v("status") ?? "", count: Int(v("count") ?? "") ?? 0,
                                   completed: Int(v("completed_personas") ?? "") ?? 0, failed: Int(v("failed_personas") ?? "") ?? 0,
                                   currentStep: v("current_step"), createdAt: v("created_at").flatMap(SpoolIndex.parseTimestamp),
                                   costUSD: v("cost_usd").flatMap(Double.init))
            }
        }
    }

    public func dump() async throws -> [[String: String]] {
        try await query("""
            SELECT t.task_id, t.status, t.count, t.completed_personas, t.failed_personas, t.error_log,
                   t.cost_usd AS task_cost_usd, r.cost_usd,
                   r.persona_index, r.firstname, r.lastname, r.status AS persona_status, r.error,
                   r.base_image_url, r.image_1_url, r.image_2_url, r.image_3_url, r.image_4_url,
                   r.base_thumb_url, r.thumb_1_url, r.thumb_2_url, r.thumb_3_url, r.thumb_4_url
            FROM generation_tasks t LEFT JOIN generation_results r ON r.task_id = t.id
            ORDER BY t.task_id, r.persona_index
            """, [])
    }

    public func query(_ sql: String, _ arguments: [String]) async throws -> [[String: String]] {
        try await run { s in
            try s.query(sql, arguments).map { $0.mapValues { $0 ?? "NULL" } }
        }
    }

    static func deleteTask(_ id: String, _ s: PGSession) throws {
        // Explicit, not by cascade: an adopted old-service table may lack ON DELETE CASCADE.
        try s.query("DELETE FROM generation_results WHERE task_id IN (SELECT id FROM generation_tasks WHERE task_id = $1)",
                    [id], context: "delete task \(id)")
        try s.query("DELETE FROM generation_tasks WHERE task_id = $1", [id], context: "delete task \(id)")
    }

    static func upsert(_ t: IndexedTask, _ s: PGSession) throws {
        let context = "sync task \(t.taskID)"
        let rows = try s.query("""
            INSERT INTO generation_tasks (task_id, status, count, persona_params, image_params,
                completed_personas, failed_personas, current_step, error_log, created_at, updated_at, cost_usd)
            VALUES ($1, $2, $3::int, $4::jsonb, $5::jsonb, $6::int, $7::int, $8, $9, $10::timestamp, now() AT TIME ZONE 'UTC', $11::double precision)
            ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, count = excluded.count,
                persona_params = excluded.persona_params, image_params = excluded.image_params,
                completed_personas = excluded.completed_personas, failed_personas = excluded.failed_personas,
                current_step = excluded.current_step, error_log = excluded.error_log,
                created_at = excluded.created_at, updated_at = excluded.updated_at, cost_usd = excluded.cost_usd
            RETURNING id
            """, [t.taskID, t.status, String(t.count), t.personaParams, t.imageParams, String(t.completedPersonas),
                  String(t.failedPersonas), t.currentStep, t.errorLog, SpoolIndex.timestamp(t.createdAt),
                  t.costUSD.map { String($0) }], context: context)
        guard let rowID = rows.first?["id"] ?? nil else { return }
        let keep = "{" + t.results.map { String($0.personaIndex) }.joined(separator: ",") + "}"
        try s.query("DELETE FROM generation_results WHERE task_id = $1::int AND NOT (persona_index = ANY($2::int[]))",
                    [rowID, keep], context: context)
        for r in t.results {
            let urls = (0..<4).map { $0 < r.imageURLs.count ? r.imageURLs[$0] : nil }
            let thumbs = (0..<4).map { $0 < r.thumbURLs.count ? r.thumbURLs[$0] : nil }
            let args: [String?] = [
                rowID, String(r.personaIndex), r.firstname, r.lastname, r.gender, r.age.map { String($0) }, r.country, r.city,
                r.occupation, r.bio, r.imagePrompt, r.status, r.error, r.baseImageURL,
                urls[0], urls[1], urls[2], urls[3], r.baseThumbURL, thumbs[0], thumbs[1], thumbs[2], thumbs[3],
                r.costUSD.map { String($0) },
            ]
            try s.query(Self.resultsUpsert, args, context: context)
        }
    }
}
